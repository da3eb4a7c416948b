#include "model/restart_strategy.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace ckptsim::model {

RestartStrategy::RestartStrategy(const RestartStrategySpec& spec, sim::RandomStream jitter)
    : spec_(spec), jitter_(std::move(jitter)) {}

namespace {

// backoff x multiplier in whole microseconds, rounded to nearest (half away from zero), capped
// at `cap` before converting so that the product never overflows.
Duration grow(Duration backoff, double multiplier, Duration cap) {
  const double product = static_cast<double>(backoff) * multiplier;
  if (!(product < static_cast<double>(cap))) return cap;  // also catches NaN
  const Duration rounded = static_cast<Duration>(std::llround(product));
  return std::min(rounded, cap);
}

}  // namespace

std::optional<Duration> RestartStrategy::on_failure(Time now) {
  using Type = RestartStrategySpec::Type;
  switch (spec_.type) {
    case Type::none:
      return std::nullopt;

    case Type::fixed_delay: {
      // Flink's FixedDelayRestartBackoffTimeStrategy: restart while failures <= attempts, i.e.
      // while fewer than `attempts` restarts have happened.
      const int64_t attempts = spec_.attempts.value_or(1);
      if (restarts_ >= attempts) return std::nullopt;
      ++restarts_;
      return spec_.delay;
    }

    case Type::exponential_delay: {
      // The first failure, or a failure after a quiet spell of reset threshold + the current
      // backoff, starts again from the initial backoff (and a fresh attempt budget).
      const bool first = last_failure_ < 0;
      if (first || now - last_failure_ >= spec_.reset_backoff_threshold + backoff_) {
        backoff_ = spec_.initial_backoff;
        failures_since_reset_ = 0;
      } else {
        backoff_ = grow(backoff_, spec_.multiplier, spec_.max_backoff);
      }
      last_failure_ = now;
      ++failures_since_reset_;
      if (spec_.attempts && failures_since_reset_ > *spec_.attempts) return std::nullopt;

      // Jitter: uniform whole microseconds in [-J, +J], J = floor(jitter x backoff), jitter
      // taken in [0, 1] as Flink validates it. Not stored in the backoff (Flink 1.12-1.18).
      const auto j = static_cast<Duration>(
          std::floor(std::clamp(spec_.jitter, 0.0, 1.0) * static_cast<double>(backoff_)));
      Duration delay = backoff_;
      if (j > 0) delay += jitter_.uniform_int(-j, j);
      delay = std::clamp<Duration>(delay, 0, spec_.max_backoff);
      ++restarts_;
      return delay;
    }
  }
  return std::nullopt;
}

}  // namespace ckptsim::model
