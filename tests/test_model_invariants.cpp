// Randomised scenarios (seeded, so every run checks the same ones) against invariants that
// must hold whatever the configuration: ids, one outcome per checkpoint, max_concurrent,
// fractions, rescue, job status, determinism. Run under the sanitizer build too.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <string>

#include "sim/rng.hpp"
#include "tests/model_fixture.hpp"
#include "tests/random_scenario.hpp"

using namespace ckptsim::testing;
using ckptsim::sim::RandomStream;


TEST_CASE("invariants hold on 300 random scenarios, and reruns are identical") {
  for (uint64_t k = 0; k < 300; ++k) {
    CAPTURE(k);
    const Scenario s = random_scenario(k);
    Collector c = run(s);
    REQUIRE(!c.events.empty());
    REQUIRE(std::holds_alternative<events::RunFinished>(c.events.back().body));
    std::map<int64_t, Time> open;  // id -> trigger
    int64_t next_id = 1;
    JobStatus status = JobStatus::RUNNING;
    bool tasks_running = true;
    Time last = 0;
    Time completed_at = -1;  // older checkpoints are subsumed within the instant of a completion
    int64_t completed_id = 0;
    for (const auto& e : c.events) {
      if (completed_at >= 0 && e.at > completed_at) {
        for (const auto& [id, t] : open) CHECK(id > completed_id);
        completed_at = -1;
      }
      CHECK(e.at >= last);
      CHECK(e.at < s.duration + 1);
      last = e.at;
      if (auto* x = std::get_if<events::JobStatusChanged>(&e.body)) {
        status = x->status;
        if (status != JobStatus::RUNNING) tasks_running = false;
      } else if (std::get_if<events::FailoverStarted>(&e.body)) {
        tasks_running = false;
      } else if (std::get_if<events::TasksRunning>(&e.body)) {
        CHECK(status == JobStatus::RUNNING);
        tasks_running = true;
      } else if (auto* x = std::get_if<events::CheckpointCreated>(&e.body)) {
        CHECK(x->id == next_id);
        ++next_id;
        CHECK(status == JobStatus::RUNNING);
        CHECK(tasks_running);
        CHECK(x->deadline == e.at + x->timeout);
        open[x->id] = e.at;
        CHECK(static_cast<int>(open.size()) <= s.checkpointing.max_concurrent);
      } else if (auto* x = std::get_if<events::CheckpointCompleted>(&e.body)) {
        REQUIRE(open.count(x->id) == 1);
        CHECK(x->trigger_timestamp == open[x->id]);
        CHECK(x->latest_ack_timestamp <= e.at);
        CHECK(x->rescued == (x->latest_ack_timestamp >= x->original_deadline));
        // Acknowledged in time; finalization may end past the deadline (it cannot expire).
        CHECK(x->latest_ack_timestamp < x->deadline + 1);
        open.erase(x->id);
        completed_at = e.at;
        completed_id = x->id;
      } else if (auto* x = std::get_if<events::CheckpointFailed>(&e.body)) {
        REQUIRE(open.count(x->id) == 1);
        open.erase(x->id);
        CHECK(x->persisted_fraction >= 0.0);
        CHECK(x->persisted_fraction <= 1.0 + 1e-9);
        CHECK(x->counted == is_counted(x->reason));
        if (x->reason == FailureReason::CHECKPOINT_EXPIRED) CHECK(e.at >= x->deadline);
        if (x->reason == FailureReason::CHECKPOINT_SUBSUMED) {
          CHECK(e.at == completed_at);
          CHECK(x->id < completed_id);
        }
      } else if (auto* x = std::get_if<events::PatchAnswered>(&e.body)) {
        CHECK((x->status == 200 || x->status == 400 || x->status == 409));
        CHECK((x->status == 409) == (status == JobStatus::FAILED));
      }
    }
    Collector again = run(s);
    CHECK(again.finished().fingerprint == c.finished().fingerprint);
  }
}
