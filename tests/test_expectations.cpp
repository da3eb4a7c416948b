// Pins analysis/expectations.cpp: a metric compared in summary.json units, the job status by
// name with == or != only, one checkpoint's outcome; a failure says what was expected and what
// the run gave.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <vector>

#include "analysis/expectations.hpp"
#include "tests/recorder_fixture.hpp"

using namespace ckptsim;
using namespace ckptsim::analysis;
using namespace ckptsim::testing;

TEST_CASE("expectations: metrics, job status, checkpoints; failures say expected and actual") {
  Recorder r(scenario(60 * kSecond));
  created(r, 0, 1);
  completed(r, 7 * kSecond, 1, 0, true);
  created(r, 10 * kSecond, 2);
  failed(r, 15 * kSecond, 2, 10 * kSecond);
  for (int i = 0; i < 3; ++i)
    send(r, 20 * kSecond, ev::FailoverStarted{model::FailoverCause::task, kSecond, 1, true});
  std::vector<Expectation> xs(8);
  xs[0].metric = "failovers", xs[0].op = "==", xs[0].value = 1, xs[0].value_text = "1";
  xs[1].metric = "rescued", xs[1].op = ">=", xs[1].value = 1, xs[1].value_text = "1";
  xs[2].metric = "max_time_without_completed_checkpoint", xs[2].op = "<=", xs[2].value = 600000,
  xs[2].value_text = "10min";
  xs[3].metric = "job_status", xs[3].op = "==", xs[3].value_text = "RUNNING";
  xs[4].kind = Expectation::Kind::checkpoint, xs[4].checkpoint = 1, xs[4].status = "COMPLETED",
  xs[4].rescued = true;
  xs[5].kind = Expectation::Kind::checkpoint, xs[5].checkpoint = 2, xs[5].status = "COMPLETED";
  xs[6].kind = Expectation::Kind::checkpoint, xs[6].checkpoint = 9, xs[6].status = "COMPLETED";
  xs[7].metric = "bogus", xs[7].op = "==";
  xs[7].pos = {12, 5};
  auto res = check_expectations(r, xs);
  REQUIRE(res.size() == 8);
  CHECK_FALSE(res[0].passed);
  CHECK(describe(res[0]) == "failovers == 1: expected 1, got 3");
  CHECK(res[1].passed);
  CHECK(res[2].passed);
  CHECK(res[2].actual == "53000 ms");
  CHECK(res[2].expected == "<= 600000 ms (10min)");
  CHECK(res[3].passed);
  CHECK(res[4].passed);
  CHECK_FALSE(res[5].passed);
  CHECK(describe(res[5]) == "checkpoint 2: status COMPLETED: expected status COMPLETED, got status FAILED");
  CHECK_FALSE(res[6].passed);
  CHECK(res[6].actual == "no checkpoint 9 (the run created 2)");
  CHECK_FALSE(res[7].passed);
  CHECK(describe(res[7]).rfind("line 12: bogus == ", 0) == 0);
  CHECK_FALSE(all_passed(res));
}

TEST_CASE("expectations: the job status compares by name, with == and != only") {
  Recorder r(scenario(60 * kSecond));
  send(r, 5 * kSecond, ev::JobStatusChanged{model::JobStatus::RESTARTING});
  std::vector<Expectation> xs(3);
  xs[0].metric = "job_status", xs[0].op = "!=", xs[0].value_text = "RUNNING";
  xs[1].metric = "job_status", xs[1].op = "==", xs[1].value_text = "RUNNING";
  xs[2].metric = "job_status", xs[2].op = "<", xs[2].value_text = "RUNNING";
  auto res = check_expectations(r, xs);
  CHECK(res[0].passed);
  CHECK(describe(res[1]) == "job_status == RUNNING: expected RUNNING, got RESTARTING");
  CHECK_FALSE(res[2].passed);
  CHECK(res[2].actual == "RESTARTING (job_status takes only == or !=)");
}

TEST_CASE("expectations: a checkpoint's failure reason, and 'none' for one that did not fail") {
  Recorder r(scenario(60 * kSecond));
  created(r, 0, 1);
  failed(r, 5 * kSecond, 1, 0, model::FailureReason::CHECKPOINT_SUBSUMED);
  created(r, 10 * kSecond, 2);
  completed(r, 12 * kSecond, 2, 10 * kSecond);
  std::vector<Expectation> xs(3);
  for (auto& x : xs) x.kind = Expectation::Kind::checkpoint;
  xs[0].checkpoint = 1, xs[0].failure_reason = "CHECKPOINT_SUBSUMED";
  xs[1].checkpoint = 2, xs[1].failure_reason = "CHECKPOINT_EXPIRED";
  xs[2].checkpoint = 2;  // it exists
  auto res = check_expectations(r, xs);
  CHECK(res[0].passed);
  CHECK(describe(res[1]) == "checkpoint 2: failure_reason CHECKPOINT_EXPIRED: expected failure_reason "
                            "CHECKPOINT_EXPIRED, got failure_reason none");
  CHECK(res[2].passed);
  CHECK(res[2].description == "checkpoint 2: exists");
  CHECK(all_passed({res[0], res[2]}));
}
