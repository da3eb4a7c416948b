#include "model/failure_manager.hpp"

namespace ckptsim::model {

namespace {
constexpr int64_t kUnknownId = -1;  // Flink's CheckpointFailureManager.UNKNOWN_CHECKPOINT_ID
}

CheckpointFailureManager::CheckpointFailureManager(int tolerable_failed_checkpoints)
    : tolerable_(tolerable_failed_checkpoints) {}

CheckpointFailureManager::Verdict CheckpointFailureManager::on_failure(int64_t id,
                                                                       FailureReason reason) {
  if (!is_counted(reason)) return Verdict::ignored;
  // As Flink's checkFailureAgainstCounter: an unknown id (-1, a failure before an id was
  // assigned) always counts; a known id only when newer than the last success, and only once.
  if (id != kUnknownId) {
    if (id <= last_succeeded_) return Verdict::ignored;
    if (!counted_ids_.insert(id).second) return Verdict::ignored;
  }
  ++count_;
  if (count_ > tolerable_) {
    count_ = 0;
    counted_ids_.clear();
    return Verdict::trip;
  }
  return Verdict::counted;
}

void CheckpointFailureManager::on_success(int64_t id) {
  if (id > last_succeeded_) {
    last_succeeded_ = id;
    count_ = 0;
    counted_ids_.clear();
  }
}

}  // namespace ckptsim::model
