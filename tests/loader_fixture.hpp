// Test support for the loader's tests: the full example (every section), a minimal scenario, and
// helpers that load text and return the scenario or its errors.
#pragma once

#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "cli/loader.hpp"

namespace ckptsim::testing {

using cli::LoadedScenario;
using cli::ScenarioError;

inline const char* kSpecExample = R"(name: rescue-near-complete
description: A storage slowdown pushes checkpoints past 10 min; a patch extends the timeout.
seed: 7
duration: 3h                      # virtual time to simulate (required)
job:
  operators:
    - {name: src, parallelism: 4, rate: 20MB/s}
    - {name: agg, parallelism: 4, capacity: 60MB/s, state: 25GB, sync_phase: 200ms}
    - {name: sink, parallelism: 2}
  edges:
    - {from: src, to: agg, partitioning: hash}
    - {from: agg, to: sink, partitioning: rebalance}
network: {latency: 1ms, buffer_per_channel: 128KiB}
storage: {bandwidth: 400MB/s, latency: 50ms}
recovery: {download_bandwidth: 1GB/s, deploy: 20s}
checkpointing: {interval: 5min, timeout: 10min, tolerable_failed_checkpoints: 2}
restart_strategy: {type: exponential-delay}
config: {persist_overrides: true}
failures: {task_mtbf: none, jobmanager_mtbf: none}
events:
  - {at: 30min, storage: {bandwidth: 120MB/s}}
  - at: 52min
    patch:
      body: {checkpointInterval: 20min, checkpointTimeout: 30min}
      apply: torn                   # atomic | torn
      tear: {first: checkpointInterval, gap: 30s}
      interval_policy: earlier_only
  - {at: 1h30min, fail: jobmanager}   # task | jobmanager
  - {at: 2h, load: {operator: agg, capacity: 10MB/s}}
expect:
  - {metric: rescued, op: ">=", value: 1}
  - {metric: failovers, op: "==", value: 1}
  - {checkpoint: 3, status: COMPLETED}
)";

inline const char* kMinimal = R"(duration: 1h
job:
  operators:
    - {name: src, rate: 1MB/s}
    - {name: sink}
  edges:
    - {from: src, to: sink}
checkpointing: {interval: 1min}
)";

inline cli::LoadResult load(const std::string& text, const std::vector<std::string>& ovr = {}) {
  return cli::load_scenario_text(text, "s.yaml", ovr);
}

inline LoadedScenario ok(const cli::LoadResult& r) {
  if (auto* errs = std::get_if<std::vector<ScenarioError>>(&r)) {
    for (const auto& e : *errs) MESSAGE(e.format());
    FAIL("expected the scenario to load");
  }
  return std::get<LoadedScenario>(r);
}

inline std::vector<ScenarioError> errs(const cli::LoadResult& r) {
  if (auto* e = std::get_if<std::vector<ScenarioError>>(&r)) return *e;
  FAIL("expected errors");
  return {};
}

inline bool contains(const std::string& s, const std::string& what) {
  return s.find(what) != std::string::npos;
}

// The single error a text produces.
inline ScenarioError one_error(const std::string& text, const std::vector<std::string>& ovr = {}) {
  auto e = errs(load(text, ovr));
  for (const auto& x : e) MESSAGE(x.format());
  REQUIRE(e.size() == 1);
  return e[0];
}

inline constexpr double MB = 1e6;

}  // namespace ckptsim::testing
