// Pins model/progress.cpp: the processed position and the lag as a
// piecewise-linear function of time, stalls, the rewind of a failover and what it replays.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "model/progress.hpp"
#include "tests/model_fixture.hpp"

using namespace ckptsim::testing;

TEST_CASE("the lag grows at rate - capacity while backpressured, and drains at the headroom") {
  // 10 MB/s arrive, 5 MB/s are processed: 50 MB of lag at 10 s, 5 s of input.
  Progress p;
  p.set_rates(0, 10 * MB, 5 * MB);
  CHECK(p.lag_bytes(10 * kSecond) == doctest::Approx(50 * MB));
  CHECK(p.processed(10 * kSecond) == doctest::Approx(50 * MB));
  // From 10 s the job can process 20 MB/s: the 50 MB drain at 10 MB/s, gone at 15 s.
  p.set_rates(10 * kSecond, 10 * MB, 20 * MB);
  CHECK(p.lag_bytes(12 * kSecond) == doctest::Approx(30 * MB));
  CHECK(p.lag_bytes(15 * kSecond) == 0);
  CHECK(p.lag_bytes(20 * kSecond) == 0);
  p.settle(20 * kSecond);
  CHECK(p.max_lag_bytes() == doctest::Approx(50 * MB));
  CHECK(p.max_lag() == 5 * kSecond);
}

TEST_CASE("stalls nest; while stalled the lag grows at the whole input rate") {
  Progress p;
  p.set_rates(0, 1 * MB, kUnlimited);  // caught up at once when running
  p.stall(1 * kSecond);
  p.stall(2 * kSecond);
  p.resume(3 * kSecond);  // still stalled: one stall left
  CHECK(p.lag_bytes(4 * kSecond) == doctest::Approx(3 * MB));
  p.resume(4 * kSecond);
  CHECK(p.lag_bytes(4 * kSecond + 1) == 0);
  p.settle(10 * kSecond);
  CHECK(p.max_lag() == 3 * kSecond);
}

TEST_CASE("a rewind replays what was processed past the restored position") {
  Progress p;
  p.set_rates(0, 1 * MB, kUnlimited);
  p.stall(15 * kSecond);
  // 15 MB processed at 15 s; the restored checkpoint had processed 10 MB: 5 MB (5 s) replayed.
  CHECK(p.rewind(15 * kSecond, 10 * MB) == doctest::Approx(5 * MB));
  CHECK(p.replayed_bytes() == doctest::Approx(5 * MB));
  CHECK(p.replayed_time() == 5 * kSecond);
  CHECK(p.lag_bytes(15 * kSecond) == doctest::Approx(5 * MB));
  // A second rewind to the same position (a failure during the restart) replays nothing more.
  CHECK(p.rewind(20 * kSecond, 10 * MB) == 0);
  CHECK(p.replayed_bytes() == doctest::Approx(5 * MB));
}

TEST_CASE("a failover rewinds to the restored checkpoint's trigger and catches up after recovery") {
  // failover_chain: 15 MB processed at the failure (15 s), 10 MB at checkpoint 2's trigger
  // (10 s): 5 MB and 5 s replayed. Nothing is processed until the tasks run again at 30 s:
  // 30 MB arrived - 10 MB restored = 20 MB (20 s) of lag then, gone at once (unlimited
  // capacity).
  const Collector c = run(failover_chain());
  const auto& fin = c.finished();
  CHECK(fin.replayed_bytes == 5000000);
  CHECK(fin.replayed_time == 5 * kSecond);
  CHECK(fin.max_lag_bytes == 20000000);
  CHECK(fin.max_lag == 20 * kSecond);
  CHECK(fin.final_lag_bytes == 0);
}
