#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <vector>

#include "model/restart_strategy.hpp"

using namespace ckptsim;
using namespace ckptsim::model;
using sim::kMillisecond;
using sim::kMinute;
using sim::kSecond;

namespace {
sim::RandomStream stream(uint64_t seed = 42) { return sim::RandomStream(seed, 0, "restart/jitter"); }

RestartStrategySpec exponential(double jitter) {
  RestartStrategySpec s;
  s.type = RestartStrategySpec::Type::exponential_delay;
  s.jitter = jitter;
  return s;  // defaults: 1 s initial, 1 min max, x1.5, reset threshold 1 h
}
}  // namespace

TEST_CASE("fixed-delay: attempts default to 1") {
  RestartStrategySpec s;
  s.type = RestartStrategySpec::Type::fixed_delay;
  s.delay = 5 * kSecond;
  RestartStrategy r(s, stream());
  CHECK(r.on_failure(0) == 5 * kSecond);
  CHECK(r.restarts() == 1);
  CHECK_FALSE(r.on_failure(10 * kSecond).has_value());
  CHECK_FALSE(r.on_failure(20 * kSecond).has_value());
  CHECK(r.restarts() == 1);
}

TEST_CASE("fixed-delay: 3 attempts then FAILED, whatever the spacing") {
  RestartStrategySpec s;
  s.type = RestartStrategySpec::Type::fixed_delay;
  s.attempts = 3;
  s.delay = 2 * kSecond;
  RestartStrategy r(s, stream());
  CHECK(r.on_failure(0) == 2 * kSecond);
  CHECK(r.on_failure(sim::kDay) == 2 * kSecond);
  CHECK(r.on_failure(2 * sim::kDay) == 2 * kSecond);
  CHECK(r.restarts() == 3);
  CHECK_FALSE(r.on_failure(3 * sim::kDay).has_value());
}

TEST_CASE("fixed-delay: 0 attempts never restarts") {
  RestartStrategySpec s;
  s.type = RestartStrategySpec::Type::fixed_delay;
  s.attempts = 0;
  RestartStrategy r(s, stream());
  CHECK_FALSE(r.on_failure(0).has_value());
}

TEST_CASE("none: always FAILED") {
  RestartStrategySpec s;
  s.type = RestartStrategySpec::Type::none;
  RestartStrategy r(s, stream());
  CHECK_FALSE(r.on_failure(0).has_value());
  CHECK_FALSE(r.on_failure(sim::kHour).has_value());
  CHECK(r.restarts() == 0);
}

TEST_CASE("exponential-delay without jitter: the exact sequence, capped at 1 min") {
  RestartStrategy r(exponential(0), stream());
  // x1.5 in whole microseconds, rounded to nearest (half away from zero).
  const std::vector<Duration> expected = {
      1000000,   1500000,  2250000,  3375000,  5062500,  7593750, 11390625,
      17085938,  // 17085937.5
      25628907,  // 17085938 x 1.5
      38443361,  // 38443360.5
      57665042,  // 57665041.5
      60000000,  // 86497563 capped
      60000000};
  Time now = 0;
  for (size_t i = 0; i < expected.size(); ++i) {
    INFO("failure " << i);
    auto d = r.on_failure(now);
    REQUIRE(d.has_value());
    CHECK(*d == expected[i]);
    CHECK(r.current_backoff() == expected[i]);
    now += *d + 10 * kSecond;  // restarts, runs 10 s, fails again: well inside the threshold
  }
  CHECK(r.restarts() == static_cast<int64_t>(expected.size()));
}

TEST_CASE("exponential-delay: reset after threshold + current backoff of quiet") {
  RestartStrategy r(exponential(0), stream());
  CHECK(r.on_failure(0) == 1 * kSecond);
  CHECK(r.on_failure(1 * kMinute) == 1500 * kMillisecond);
  // Current backoff 1.5 s: a failure 1 h + 1.5 s - 1 µs after the last still grows ...
  const Time t2 = 1 * kMinute + sim::kHour + 1500 * kMillisecond - 1;
  CHECK(r.on_failure(t2) == 2250 * kMillisecond);
  // ... and one exactly 1 h + 2.25 s after the last resets to the initial backoff.
  const Time t3 = t2 + sim::kHour + 2250 * kMillisecond;
  CHECK(r.on_failure(t3) == 1 * kSecond);
  CHECK(r.on_failure(t3 + 1) == 1500 * kMillisecond);
}

TEST_CASE("exponential-delay: attempts bound the failures since the last reset") {
  RestartStrategySpec s = exponential(0);
  s.attempts = 2;
  RestartStrategy r(s, stream());
  CHECK(r.on_failure(0) == 1 * kSecond);
  CHECK(r.on_failure(kSecond) == 1500 * kMillisecond);
  CHECK_FALSE(r.on_failure(2 * kSecond).has_value());  // third failure since the reset

  RestartStrategy q(s, stream());
  CHECK(q.on_failure(0) == 1 * kSecond);
  CHECK(q.on_failure(kSecond) == 1500 * kMillisecond);
  // A long quiet spell resets the backoff and the attempt budget.
  const Time later = kSecond + 2 * sim::kHour;
  CHECK(q.on_failure(later) == 1 * kSecond);
  CHECK(q.on_failure(later + kSecond) == 1500 * kMillisecond);
  CHECK_FALSE(q.on_failure(later + 2 * kSecond).has_value());
}

TEST_CASE("exponential-delay jitter: within [backoff - J, backoff + J], capped, deterministic") {
  RestartStrategySpec s = exponential(0.1);
  auto run = [&](uint64_t seed) {
    RestartStrategy r(s, stream(seed));
    std::vector<Duration> out;
    Time now = 0;
    for (int i = 0; i < 20; ++i) {
      auto d = r.on_failure(now);
      REQUIRE(d.has_value());
      const Duration b = r.current_backoff();
      const Duration j = b / 10;  // floor(0.1 x backoff) for these whole values
      CHECK(*d >= b - j);
      CHECK(*d <= std::min(b + j, s.max_backoff));
      out.push_back(*d);
      now += *d + kSecond;
    }
    return out;
  };
  const auto a = run(42), b = run(42), c = run(43);
  CHECK(a == b);  // same stream seed, same delays
  CHECK(a != c);  // another seed draws differently
  // The backoff itself is not jittered: it follows the exact sequence.
  RestartStrategy r(s, stream());
  r.on_failure(0);
  CHECK(r.current_backoff() == kSecond);
  r.on_failure(kSecond);
  CHECK(r.current_backoff() == 1500 * kMillisecond);
  // At the cap, jitter can only shorten the delay.
  bool below_cap = false;
  for (int i = 0; i < 30; ++i) {
    auto d = r.on_failure((i + 2) * kSecond);
    if (r.current_backoff() == kMinute) {
      CHECK(*d <= kMinute);
      CHECK(*d >= kMinute - 6 * kSecond);
      below_cap = below_cap || *d < kMinute;
    }
  }
  CHECK(below_cap);
}

TEST_CASE("exponential-delay jitter: the draws are uniform_int(-J, J) from the given stream") {
  RestartStrategySpec s = exponential(0.25);
  s.initial_backoff = 4 * kSecond;
  RestartStrategy r(s, stream(7));
  sim::RandomStream mirror = stream(7);
  const Duration first = *r.on_failure(0);
  CHECK(first == 4 * kSecond + mirror.uniform_int(-kSecond, kSecond));
  const Duration second = *r.on_failure(kSecond);
  CHECK(second == 6 * kSecond + mirror.uniform_int(-1500 * kMillisecond, 1500 * kMillisecond));
}

TEST_CASE("exponential-delay: no draw when J == 0") {
  RestartStrategySpec s = exponential(0.1);
  s.initial_backoff = 5;  // 5 µs: J = floor(0.5) = 0, no draw
  s.multiplier = 4.0;     // then 20 µs: J = 2, the stream's first draw
  RestartStrategy r(s, stream(9));
  sim::RandomStream mirror = stream(9);
  CHECK(r.on_failure(0) == 5);
  CHECK(r.on_failure(1) == 20 + mirror.uniform_int(-2, 2));
}
