// Restart strategies (Flink's RestartBackoffTimeStrategy): fixed-delay, exponential-delay as
// Flink 1.19+ computes it, and none. Decides, for each failure, whether and when the job runs
// again, and whether the failure begins a restart at all (Flink's numRestarts).
#pragma once

#include "model/scenario.hpp"
#include "sim/rng.hpp"

namespace ckptsim::model {

// What the strategy decided for one failure (Flink's FailureHandlingResult, as far as the
// model needs it).
struct RestartDecision {
  bool restart = false;      // false: the job goes FAILED (canRestart() is false)
  bool new_attempt = false;  // the failure is a new attempt (notifyFailure returned true)
  Duration delay = 0;        // restart: from now to the restart

  // The one rule for what counts as a failover (metrics.failovers, Flink's numRestarts): a
  // restart begins. A failure merged into a pending restart, or one that leaves the job FAILED,
  // is not one.
  bool begins_restart() const { return restart && new_attempt; }
};

class RestartStrategy {
 public:
  // `jitter` is the stream restart/jitter; only exponential-delay draws from it.
  RestartStrategy(const RestartStrategySpec& spec, sim::RandomStream jitter);

  // A failure at `now`.
  RestartDecision on_failure(Time now);

  int64_t restarts() const { return restarts_; }  // restarts begun
  // exponential-delay: the attempt the next new failure makes (0 after a reset).
  int64_t attempt() const { return attempt_; }

 private:
  Duration exponential_backoff();

  RestartStrategySpec spec_;
  sim::RandomStream jitter_;
  int64_t restarts_ = 0;
  // exponential-delay
  int64_t attempt_ = 0;     // n: new attempts since the last reset
  double power_ = 1;        // multiplier^n, by repeated multiplication (exact for 1.5, 2, ...)
  bool restarted_ = false;  // a restart was scheduled (next_restart_ is set)
  Time next_restart_ = 0;   // when the last scheduled restart runs (or ran)
};

}  // namespace ckptsim::model
