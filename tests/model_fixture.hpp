// Test support: small scenarios built in code, run to completion, with every domain event kept.
#pragma once

#include <string>
#include <type_traits>
#include <vector>

#include "model/job.hpp"

namespace ckptsim::testing {

using namespace ckptsim::model;
using sim::kMillisecond;
using sim::kMinute;
using sim::kSecond;

inline constexpr double MB = 1e6;

struct Collector : Observer {
  std::vector<DomainEvent> events;
  void on_event(const DomainEvent& e) override { events.push_back(e); }

  template <class T>
  std::vector<std::pair<Time, T>> all() const {
    std::vector<std::pair<Time, T>> out;
    for (const auto& e : events)
      if (const T* t = std::get_if<T>(&e.body)) out.emplace_back(e.at, *t);
    return out;
  }
  template <class T>
  size_t count() const {
    return all<T>().size();
  }
  // The time at which checkpoint `id` completed or failed (-1 if neither).
  Time ended(int64_t id) const {
    for (const auto& [t, c] : all<events::CheckpointCompleted>())
      if (c.id == id) return t;
    for (const auto& [t, f] : all<events::CheckpointFailed>())
      if (f.id == id) return t;
    return -1;
  }
  Time created(int64_t id) const {
    for (const auto& [t, c] : all<events::CheckpointCreated>())
      if (c.id == id) return t;
    return -1;
  }
  const events::RunFinished& finished() const {
    return std::get<events::RunFinished>(events.back().body);
  }
};

// source (parallelism 1, no state) -> agg (parallelism 1, `state` bytes), the worked
// example: network latency 1 ms, storage 100 MB/s, everything else 0, first tick at 0.
inline Scenario chain(double state = 100 * MB) {
  Scenario s;
  s.name = "test";
  s.seed = 1;
  s.duration = 10 * kMinute;
  OperatorSpec src;
  src.name = "src";
  src.rate = 1 * MB;
  OperatorSpec agg;
  agg.name = "agg";
  agg.state = Distribution::constant(state);
  s.operators = {src, agg};
  s.edges = {EdgeSpec{"src", "agg", Partitioning::forward, {}}};
  s.network.latency = 1 * kMillisecond;
  s.storage.bandwidth = 100 * MB;
  s.checkpointing.interval = 10 * kMinute;
  s.checkpointing.initial_delay = 0;
  s.restart_strategy.type = RestartStrategySpec::Type::fixed_delay;
  s.restart_strategy.attempts = 1000;
  s.restart_strategy.delay = 10 * kSecond;
  return s;
}

// The worked example backpressured: src 10 MB/s -> agg 5 MB/s, θ = 0.5; the channel is full
// (1 MB) and drains at 5 MB/s, so an aligned barrier arrives 200 ms + 1 ms after the trigger.
inline Scenario backpressured_chain() {
  Scenario s = chain(100 * MB);
  s.operators[0].rate = 10 * MB;
  s.operators[1].capacity = 5 * MB;
  s.network.buffer_per_channel = 1000000;
  return s;
}

// The worked example with a tick every 10 s, a task failure at 15 s (fixed delay 10 s), a
// 2 s download (100 MB at 50 MB/s) and a 3 s deploy; 60 s long.
inline Scenario failover_chain() {
  Scenario s = chain(100 * MB);
  s.checkpointing.interval = 10 * kSecond;
  s.recovery.download_bandwidth = 50 * MB;
  s.recovery.deploy = 3 * kSecond;
  s.duration = 60 * kSecond;
  s.events.push_back(ScriptedEvent{15 * kSecond, FailureKind::task, {}});
  return s;
}

inline Collector run(const Scenario& s) {
  Collector c;
  run_scenario(s, c);
  return c;
}

inline PatchRequest patch_body(std::vector<PatchField> body) {
  PatchRequest p;
  p.body = std::move(body);
  return p;
}

}  // namespace ckptsim::testing
