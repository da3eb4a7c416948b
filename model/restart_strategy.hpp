// Restart strategies (Flink's RestartBackoffTimeStrategy): fixed-delay, exponential-delay with
// jitter, and none. Maps each failure to the delay before the job runs again, or to FAILED.
#pragma once

#include <optional>

#include "model/scenario.hpp"
#include "sim/rng.hpp"

namespace ckptsim::model {

class RestartStrategy {
 public:
  // `jitter` is the stream restart/jitter; only exponential-delay draws from it.
  RestartStrategy(const RestartStrategySpec& spec, sim::RandomStream jitter);

  // A failure at `now`: the restart delay, or empty when the job must go FAILED.
  std::optional<Duration> on_failure(Time now);

  int64_t restarts() const { return restarts_; }
  Duration current_backoff() const { return backoff_; }

 private:
  RestartStrategySpec spec_;
  sim::RandomStream jitter_;
  int64_t restarts_ = 0;
  int64_t failures_since_reset_ = 0;
  Duration backoff_ = 0;
  Time last_failure_ = -1;
};

}  // namespace ckptsim::model
