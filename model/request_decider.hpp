// Flink's CheckpointRequestDecider for periodic requests: the queue of requests that piled up,
// and the rule that answers "run the head, drop it (min-pause), or wait".
#pragma once

#include <cstdint>

#include "sim/time.hpp"

namespace ckptsim::model {

using sim::Duration;
using sim::Time;

class CheckpointRequestDecider {
 public:
  // Flink's CheckpointRequestDecider keeps at most 1000 queued requests.
  static constexpr int64_t kMaxQueuedRequests = 1000;

  enum class Decision { none, wait, run_head, drop_head_min_pause };

  // A periodic tick queues one request. False when the queue is full and the new request is
  // the one evicted (TOO_MANY_CHECKPOINT_REQUESTS): all requests are periodic, and among equal
  // priorities the newest is the lowest.
  bool enqueue_periodic() {
    if (queued_ >= kMaxQueuedRequests) return false;
    ++queued_;
    return true;
  }

  // Examines the head of the queue. `last_completion` is kNever before the first success.
  Decision decide(Time now, bool triggering, int pending, int max_concurrent,
                  Time last_completion, Duration min_pause) const {
    if (triggering || queued_ == 0) return Decision::none;
    if (pending >= max_concurrent) return Decision::wait;
    if (last_completion != sim::kNever && last_completion + min_pause > now)
      return Decision::drop_head_min_pause;
    return Decision::run_head;
  }

  void pop_head() { --queued_; }
  // Drops every queued request (a failover); returns how many were dropped.
  int64_t clear() {
    int64_t n = queued_;
    queued_ = 0;
    return n;
  }
  int64_t queued() const { return queued_; }

 private:
  int64_t queued_ = 0;  // every request is periodic and alike, so a count is the whole queue
};

}  // namespace ckptsim::model
