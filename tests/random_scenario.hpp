// Test support: seeded random scenarios (a chain src -> agg -> sink with every knob drawn),
// shared by the invariant, branch and fuzz-style tests.
#pragma once

#include <algorithm>
#include <optional>
#include <string>

#include "sim/rng.hpp"
#include "tests/model_fixture.hpp"

namespace ckptsim::testing {

inline Scenario random_scenario(uint64_t k) {
  sim::RandomStream r(2026, k, "invariants");
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

}  // namespace ckptsim::testing
