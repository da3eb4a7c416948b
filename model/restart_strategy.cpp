#include "model/restart_strategy.hpp"

#include <algorithm>
#include <utility>

namespace ckptsim::model {

RestartStrategy::RestartStrategy(const RestartStrategySpec& spec, sim::RandomStream jitter)
    : spec_(spec), jitter_(std::move(jitter)) {}

namespace {

// The backoff in whole milliseconds saturates here (about 35,700 years), so that b + j and
// its microseconds stay far inside int64 (Flink's long arithmetic would wrap instead).
constexpr int64_t kBackoffCapMs = int64_t{1} << 50;
// multiplier^n stops growing here: initial x multiplier^n is then past the cap anyway, and
// the product stays finite (no infinity, and no NaN for an initial backoff of 0).
constexpr double kPowerCap = 1e300;

Time add_saturating(Time t, Duration d) { return d > sim::kNever - t ? sim::kNever : t + d; }

}  // namespace

RestartDecision RestartStrategy::on_failure(Time now) {
  using Type = RestartStrategySpec::Type;
  switch (spec_.type) {
    case Type::none:
      return {};

    case Type::fixed_delay: {
      // Flink's FixedDelayRestartBackoffTimeStrategy: every failure is an attempt (one while a
      // restart is pending too, which starts the delay again); restart while attempts <= max,
      // i.e. while fewer than `attempts` restarts have happened.
      const int64_t attempts = spec_.attempts.value_or(1);
      if (restarts_ >= attempts) return {false, true, 0};
      ++restarts_;
      return {true, true, spec_.delay};
    }

    case Type::exponential_delay: {
      // Flink 1.19+ ExponentialDelayRestartBackoffTimeStrategy.notifyFailure. A failure while a
      // restart is pending (now <= its time) is merged into that attempt: no attempt is
      // counted, and the restart keeps its time (getBackoffTime: the time left to it).
      if (restarted_ && now <= next_restart_) return {true, false, next_restart_ - now};
      // The reset compares now with the previous restart time (not the previous failure).
      if (!restarted_ || now - next_restart_ >= spec_.reset_backoff_threshold) {
        attempt_ = 0;
        power_ = 1;
      }
      const Duration delay = exponential_backoff();
      restarted_ = true;
      next_restart_ = add_saturating(now, delay);
      ++attempt_;
      if (power_ < kPowerCap) power_ *= spec_.multiplier;
      // canRestart: currentRestartAttempt <= attemptsBeforeResetBackoff.
      if (spec_.attempts && attempt_ > *spec_.attempts) return {false, true, 0};
      ++restarts_;
      return {true, true, delay};
    }
  }
  return {};
}

// calculateActualBackoffTime for attempt n: max(initial, min(b + j, max)), where
// b = (long) (initial_ms x multiplier^n), whole milliseconds truncated, and j is uniform in
// whole milliseconds over [-(long) (b x jitter), +(long) (b x jitter)] (stream restart/jitter;
// no draw when that bound is 0). initial and max keep their microseconds: the same as Flink's
// for the whole-millisecond values it accepts.
Duration RestartStrategy::exponential_backoff() {
  const double scaled = static_cast<double>(spec_.initial_backoff) / 1000.0 * power_;
  const int64_t b = scaled < static_cast<double>(kBackoffCapMs) ? static_cast<int64_t>(scaled) : kBackoffCapMs;
  int64_t j = 0;
  const auto offset = static_cast<int64_t>(static_cast<double>(b) * std::clamp(spec_.jitter, 0.0, 1.0));
  if (offset > 0) j = jitter_.uniform_int(-offset, offset);
  const Duration jittered = std::min((b + j) * sim::kMillisecond, spec_.max_backoff);
  return std::max(spec_.initial_backoff, jittered);
}

}  // namespace ckptsim::model
