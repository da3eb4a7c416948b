// Test support for the recorder's tests: a scenario, and the domain events of checkpoints
// created, completed and failed, sent to a Recorder.
#pragma once

#include <string>

#include "analysis/recorder.hpp"

namespace ckptsim::testing {
namespace ev = model::events;
using sim::kMillisecond;
using sim::kSecond;
using analysis::Recorder;
}  // namespace ckptsim::testing

namespace ckptsim::testing {

inline model::Scenario scenario(sim::Duration duration, std::string name = "t") {
  model::Scenario s;
  s.name = std::move(name);  // (not a literal assignment: GCC 12 -O3 -Wrestrict false positive)
  s.seed = 7;
  s.duration = duration;
  s.checkpointing.interval = 10 * kSecond;
  s.checkpointing.timeout = 5 * kSecond;
  return s;
}

inline void send(Recorder& r, sim::Time at, model::EventBody b) { r.on_event({at, std::move(b)}); }

inline void created(Recorder& r, sim::Time at, int64_t id, sim::Duration timeout = 5 * kSecond) {
  send(r, at, ev::CheckpointCreated{id, timeout, at + timeout});
}

inline void completed(Recorder& r, sim::Time at, int64_t id, sim::Time trigger, bool rescued = false,
               int64_t size = 100) {
  ev::CheckpointCompleted c{};
  c.id = id;
  c.trigger_timestamp = trigger;
  c.latest_ack_timestamp = at;
  c.checkpointed_size = size;
  c.state_size = size * 2;
  c.type = model::CheckpointType::CHECKPOINT;
  c.timeout = 5 * kSecond;
  c.original_deadline = trigger + 5 * kSecond;
  c.deadline = rescued ? trigger + 50 * kSecond : c.original_deadline;
  c.rescued = rescued;
  send(r, at, c);
}

inline void failed(Recorder& r, sim::Time at, int64_t id, sim::Time trigger,
            model::FailureReason reason = model::FailureReason::CHECKPOINT_EXPIRED) {
  ev::CheckpointFailed f{};
  f.id = id;
  f.reason = reason;
  f.trigger_timestamp = trigger;
  f.latest_ack_timestamp = -1;
  f.type = model::CheckpointType::CHECKPOINT;
  f.timeout = 5 * kSecond;
  f.deadline = trigger + 5 * kSecond;
  f.persisted_fraction = 0.25;
  f.counted = model::is_counted(reason);
  send(r, at, f);
}

}  // namespace ckptsim::testing
