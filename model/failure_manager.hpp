// Flink's CheckpointFailureManager: counts the five counted failure reasons, each checkpoint id
// at most once and only when newer than the last success, and trips the job when the count
// exceeds the tolerable number.
#pragma once

#include <cstdint>
#include <set>

#include "model/events.hpp"

namespace ckptsim::model {

class CheckpointFailureManager {
 public:
  explicit CheckpointFailureManager(int tolerable_failed_checkpoints);

  enum class Verdict { ignored, counted, trip };
  // A checkpoint failed. On `trip` the counter has been cleared and the job must fail over now.
  Verdict on_failure(int64_t id, FailureReason reason);
  // A checkpoint completed: resets the counter when id is newer than the last success.
  void on_success(int64_t id);

  int count() const { return count_; }
  int tolerable() const { return tolerable_; }
  int64_t last_succeeded_id() const { return last_succeeded_; }

 private:
  int tolerable_;
  int count_ = 0;
  int64_t last_succeeded_ = 0;  // ids start at 1
  std::set<int64_t> counted_ids_;
};

}  // namespace ckptsim::model
