// Pins model/restart_strategy.cpp: fixed-delay, none, and exponential-delay as Flink 1.19+
// computes it (ExponentialDelayRestartBackoffTimeStrategy), on hand-computed sequences.
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

// A new attempt that restarts after `delay`.
void check_restart(const RestartDecision& d, Duration delay) {
  CHECK(d.restart);
  CHECK(d.new_attempt);
  CHECK(d.begins_restart());
  CHECK(d.delay == delay);
}
}  // namespace

TEST_CASE("fixed-delay: attempts default to 1") {
  RestartStrategySpec s;
  s.type = RestartStrategySpec::Type::fixed_delay;
  s.delay = 5 * kSecond;
  RestartStrategy r(s, stream());
  check_restart(r.on_failure(0), 5 * kSecond);
  CHECK(r.restarts() == 1);
  const RestartDecision second = r.on_failure(10 * kSecond);
  CHECK_FALSE(second.restart);
  CHECK_FALSE(second.begins_restart());
  CHECK_FALSE(r.on_failure(20 * kSecond).restart);
  CHECK(r.restarts() == 1);
}

TEST_CASE("fixed-delay: 3 attempts then FAILED, whatever the spacing") {
  RestartStrategySpec s;
  s.type = RestartStrategySpec::Type::fixed_delay;
  s.attempts = 3;
  s.delay = 2 * kSecond;
  RestartStrategy r(s, stream());
  check_restart(r.on_failure(0), 2 * kSecond);
  check_restart(r.on_failure(sim::kDay), 2 * kSecond);
  check_restart(r.on_failure(2 * sim::kDay), 2 * kSecond);
  CHECK(r.restarts() == 3);
  CHECK_FALSE(r.on_failure(3 * sim::kDay).restart);
}

TEST_CASE("fixed-delay: a failure while a restart is pending is an attempt of its own") {
  // FixedDelayRestartBackoffTimeStrategy counts every failure: at 1 s the restart of 0 s
  // (due at 2 s) is pending, and the failure still takes the second attempt and the full delay.
  RestartStrategySpec s;
  s.type = RestartStrategySpec::Type::fixed_delay;
  s.attempts = 2;
  s.delay = 2 * kSecond;
  RestartStrategy r(s, stream());
  check_restart(r.on_failure(0), 2 * kSecond);
  check_restart(r.on_failure(1 * kSecond), 2 * kSecond);
  CHECK_FALSE(r.on_failure(2 * kSecond).restart);
}

TEST_CASE("fixed-delay: 0 attempts never restarts") {
  RestartStrategySpec s;
  s.type = RestartStrategySpec::Type::fixed_delay;
  s.attempts = 0;
  RestartStrategy r(s, stream());
  CHECK_FALSE(r.on_failure(0).restart);
}

TEST_CASE("none: always FAILED") {
  RestartStrategySpec s;
  s.type = RestartStrategySpec::Type::none;
  RestartStrategy r(s, stream());
  CHECK_FALSE(r.on_failure(0).restart);
  CHECK_FALSE(r.on_failure(sim::kHour).begins_restart());
  CHECK(r.restarts() == 0);
}

TEST_CASE("exponential-delay without jitter: b = initial x 1.5^n truncated to ms, capped at 1 min") {
  RestartStrategy r(exponential(0), stream());
  // 1000 x 1.5^n ms, truncated: 5062.5 -> 5062, 7593.75 -> 7593, ..., 86497.6 capped at 60 s.
  const std::vector<Duration> expected_ms = {1000,  1500,  2250,  3375,  5062,  7593,  11390,
                                             17085, 25628, 38443, 57665, 60000, 60000};
  Time now = 0;
  for (size_t i = 0; i < expected_ms.size(); ++i) {
    INFO("failure " << i);
    CHECK(r.attempt() == static_cast<int64_t>(i));
    const RestartDecision d = r.on_failure(now);
    check_restart(d, expected_ms[i] * kMillisecond);
    now += d.delay + 10 * kSecond;  // restarts, runs 10 s, fails again: well inside the threshold
  }
  CHECK(r.restarts() == static_cast<int64_t>(expected_ms.size()));
}

TEST_CASE("exponential-delay: the reset compares now with the previous restart time") {
  RestartStrategy r(exponential(0), stream());
  check_restart(r.on_failure(0), 1 * kSecond);  // restart at 1 s
  // 1 h - 1 µs after that restart: attempt 1.
  const Time t1 = 1 * kSecond + sim::kHour - 1;
  check_restart(r.on_failure(t1), 1500 * kMillisecond);  // restart at t1 + 1.5 s
  // Exactly 1 h after that restart (the previous failure is 1 h + 1.5 s ago): back to attempt 0.
  const Time t2 = t1 + 1500 * kMillisecond + sim::kHour;
  check_restart(r.on_failure(t2), 1 * kSecond);
  check_restart(r.on_failure(t2 + 1 * kSecond + 1), 1500 * kMillisecond);
}

TEST_CASE("exponential-delay: a failure while a restart is pending is merged into it") {
  RestartStrategy r(exponential(0), stream());
  check_restart(r.on_failure(0), 1 * kSecond);  // restart at 1 s
  // At 500 ms and at 1 s (now <= the restart time): the same attempt, the restart keeps its time.
  for (Time t : {500 * kMillisecond, 1 * kSecond}) {
    CAPTURE(t);
    const RestartDecision merged = r.on_failure(t);
    CHECK(merged.restart);
    CHECK_FALSE(merged.new_attempt);
    CHECK_FALSE(merged.begins_restart());
    CHECK(merged.delay == 1 * kSecond - t);
    CHECK(r.attempt() == 1);
  }
  CHECK(r.restarts() == 1);
  // 1 µs after the restart time it is a new attempt: 1.5 s.
  check_restart(r.on_failure(1 * kSecond + 1), 1500 * kMillisecond);
  CHECK(r.restarts() == 2);
}

TEST_CASE("exponential-delay: attempts bound the new attempts since the last reset") {
  RestartStrategySpec s = exponential(0);
  s.attempts = 2;
  RestartStrategy r(s, stream());
  check_restart(r.on_failure(0), 1 * kSecond);                 // attempt 1, restart at 1 s
  check_restart(r.on_failure(2 * kSecond), 1500 * kMillisecond);  // attempt 2, restart at 3.5 s
  CHECK(r.on_failure(3 * kSecond).restart);  // merged: no attempt, still restarts
  const RestartDecision third = r.on_failure(4 * kSecond);  // attempt 3 > 2
  CHECK_FALSE(third.restart);
  CHECK_FALSE(third.begins_restart());
  CHECK(r.restarts() == 2);

  RestartStrategy q(s, stream());
  check_restart(q.on_failure(0), 1 * kSecond);
  check_restart(q.on_failure(2 * kSecond), 1500 * kMillisecond);  // restart at 3.5 s
  // 1 h after that restart: reset, and a fresh budget of 2.
  const Time later = 3500 * kMillisecond + sim::kHour;
  check_restart(q.on_failure(later), 1 * kSecond);
  check_restart(q.on_failure(later + 2 * kSecond), 1500 * kMillisecond);
  CHECK_FALSE(q.on_failure(later + 4 * kSecond).restart);
}

TEST_CASE("exponential-delay jitter: j in whole ms from restart/jitter, never below the initial") {
  RestartStrategySpec s = exponential(0.25);
  s.initial_backoff = 4 * kSecond;
  RestartStrategy r(s, stream(7));
  sim::RandomStream mirror = stream(7);
  // Attempt 0: b = 4000 ms, j in [-1000, 1000] ms; max(initial, ...) cuts a negative j.
  const Duration j0 = mirror.uniform_int(-1000, 1000);
  check_restart(r.on_failure(0), std::max<Duration>(4000, 4000 + j0) * kMillisecond);
  // Attempt 1: b = 6000 ms, j in [-1500, 1500] ms.
  const Duration j1 = mirror.uniform_int(-1500, 1500);
  check_restart(r.on_failure(20 * kSecond), (6000 + j1) * kMillisecond);
}

TEST_CASE("exponential-delay jitter: deterministic per stream, whole ms, within the bounds") {
  RestartStrategySpec s = exponential(0.1);
  auto run = [&](uint64_t seed) {
    RestartStrategy r(s, stream(seed));
    std::vector<Duration> out;
    Time now = 0;
    for (int i = 0; i < 20; ++i) {
      const RestartDecision d = r.on_failure(now);
      REQUIRE(d.begins_restart());
      CHECK(d.delay % kMillisecond == 0);
      CHECK(d.delay >= s.initial_backoff);
      CHECK(d.delay <= s.max_backoff);
      out.push_back(d.delay);
      now += d.delay + kSecond;
    }
    return out;
  };
  const auto a = run(42), b = run(42), c = run(43);
  CHECK(a == b);  // same stream seed, same delays
  CHECK(a != c);  // another seed draws differently
  // From attempt 11 on, b = 86497 ms and more: b - 10% is past the 1 min cap, so exactly 1 min.
  for (size_t i = 11; i < a.size(); ++i) CHECK(a[i] == kMinute);
}

TEST_CASE("exponential-delay: no draw when the jitter bound truncates to 0") {
  RestartStrategySpec s = exponential(0.1);
  s.initial_backoff = 5 * kMillisecond;  // b = 5 ms: (long) 0.5 = 0, no draw
  s.multiplier = 4.0;                    // then 20 ms: bound 2 ms, the stream's first draw
  RestartStrategy r(s, stream(9));
  sim::RandomStream mirror = stream(9);
  check_restart(r.on_failure(0), 5 * kMillisecond);
  check_restart(r.on_failure(kSecond), (20 + mirror.uniform_int(-2, 2)) * kMillisecond);
}

TEST_CASE("exponential-delay: a huge multiplier saturates instead of overflowing") {
  RestartStrategySpec s = exponential(1.0);
  s.multiplier = 1e6;
  s.max_backoff = 1000 * 365 * sim::kDay;  // 1000 years
  RestartStrategy r(s, stream());
  Time now = 0;
  for (int i = 0; i < 60; ++i) {
    CAPTURE(i);
    const RestartDecision d = r.on_failure(now);
    REQUIRE(d.begins_restart());
    CHECK(d.delay >= s.initial_backoff);
    CHECK(d.delay <= s.max_backoff);
    now += d.delay + 1;  // just after the restart: attempt after attempt, no reset
  }
  CHECK(r.attempt() == 60);
}
