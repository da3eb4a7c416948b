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

using namespace ckptsim::testing;
using ckptsim::sim::RandomStream;

namespace {

Scenario random_scenario(uint64_t k) {
  RandomStream r(2026, k, "invariants");
  auto pick = [&](int64_t lo, int64_t hi) { return r.uniform_int(lo, hi); };
  Scenario s = chain(static_cast<double>(pick(0, 400)) * MB);
  s.seed = k;
  s.duration = pick(10, 120) * kMinute;
  s.operators[0].name = "src";
  s.operators[0].parallelism = static_cast<int>(pick(1, 4));
  s.operators[0].rate = static_cast<double>(pick(1, 20)) * MB;
  s.operators[1].parallelism = static_cast<int>(pick(1, 4));
  s.operators[1].capacity = static_cast<double>(pick(1, 30)) * MB;
  s.operators[1].sync_phase = pick(0, 3) * 100 * kMillisecond;
  s.operators[1].incremental = pick(0, 1) ? 1.0 : 0.3;
  if (pick(0, 1)) s.operators[1].state = Distribution{Distribution::Kind::uniform, 0, 300 * MB};
  s.edges[0].partitioning = s.operators[0].parallelism == s.operators[1].parallelism && pick(0, 1)
                                ? Partitioning::forward
                                : Partitioning::hash;
  OperatorSpec sink;
  sink.name = "sink";
  sink.parallelism = static_cast<int>(pick(1, 3));
  s.operators.push_back(sink);
  s.edges.push_back(EdgeSpec{"agg", "sink", pick(0, 1) ? Partitioning::rebalance : Partitioning::broadcast, {}});
  s.network.latency = pick(0, 5) * kMillisecond;
  s.network.buffer_per_channel = pick(0, 4) * 256 * 1024;
  s.network.debloat = pick(0, 1);
  s.storage.bandwidth = static_cast<double>(pick(20, 400)) * MB;
  if (pick(0, 1)) s.storage.per_task_bandwidth = static_cast<double>(pick(5, 100)) * MB;
  s.storage.latency = pick(0, 100) * kMillisecond;
  if (pick(0, 1)) s.storage.jitter = Distribution{Distribution::Kind::exponential, 50e3, 0};
  s.recovery.download_bandwidth = static_cast<double>(pick(100, 2000)) * MB;
  s.recovery.deploy = pick(0, 20) * kSecond;
  auto& cp = s.checkpointing;
  cp.interval = pick(1, 60) * kSecond;
  cp.timeout = pick(1, 90) * kSecond;
  cp.min_pause = pick(0, 2) * pick(0, 20) * kSecond;
  cp.max_concurrent = static_cast<int>(pick(1, 3));
  cp.tolerable_failed_checkpoints = static_cast<int>(pick(0, 3));
  cp.unaligned_checkpoints = pick(0, 1);
  cp.aligned_checkpoint_timeout = cp.unaligned_checkpoints && pick(0, 1) ? pick(1, 2000) * kMillisecond : 0;
  if (pick(0, 1)) cp.initial_delay.reset();
  cp.trigger_latency = pick(0, 20) * kMillisecond;
  cp.finalize_latency = pick(0, 20) * kMillisecond;
  cp.rpc_latency = pick(0, 10) * kMillisecond;
  s.restart_strategy.type = static_cast<RestartStrategySpec::Type>(pick(0, 2));
  s.restart_strategy.attempts = pick(0, 1) ? std::optional<int64_t>(pick(1, 20)) : std::nullopt;
  if (pick(0, 1)) s.failures.task_mtbf = pick(5, 60) * kMinute;
  if (pick(0, 2) == 0) s.failures.jobmanager_mtbf = pick(20, 120) * kMinute;
  s.config.persist_overrides = pick(0, 1);
  const int n = static_cast<int>(pick(0, 8));
  for (int i = 0; i < n; ++i) {
    ScriptedEvent e;
    e.at = pick(0, s.duration / kSecond) * kSecond;
    switch (pick(0, 3)) {
      case 0:
        e.what = StorageChange{static_cast<double>(pick(0, 300)) * MB, {}, {}};
        if (std::get<StorageChange>(e.what).bandwidth == 0.0) std::get<StorageChange>(e.what).bandwidth = 1e5;
        break;
      case 1:
        e.what = LoadChange{pick(0, 1) ? "agg" : "src", {}, static_cast<double>(pick(0, 30)) * MB,
                            pick(0, 1) ? std::optional<int>(0) : std::nullopt};
        if (std::get<LoadChange>(e.what).operator_name == "src") {
          std::get<LoadChange>(e.what).rate = std::get<LoadChange>(e.what).capacity;
          std::get<LoadChange>(e.what).capacity.reset();
        }
        break;
      case 2: {
        PatchRequest p;
        if (pick(0, 3)) p.body.push_back({"checkpointInterval", std::to_string(pick(5, 60000)), true});
        if (pick(0, 3)) p.body.push_back({"checkpointTimeout", std::to_string(pick(5, 120000)), true});
        p.apply = pick(0, 1) ? PatchApply::torn : PatchApply::atomic;
        p.tear_first = pick(0, 1) ? ConfigField::interval : ConfigField::timeout;
        p.tear_gap = pick(0, 60) * kSecond;
        p.interval_policy = static_cast<IntervalPolicy>(pick(0, 2));
        e.what = p;
        break;
      }
      default:
        e.what = pick(0, 1) ? FailureKind::task : FailureKind::jobmanager;
    }
    s.events.push_back(e);
  }
  std::stable_sort(s.events.begin(), s.events.end(),
                   [](const ScriptedEvent& a, const ScriptedEvent& b) { return a.at < b.at; });
  return s;
}

}  // namespace

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
        CHECK(x->rescued == (e.at >= x->original_deadline));
        CHECK(e.at < x->deadline + 1);
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
