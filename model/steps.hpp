// The step model of a FLIP-571 update: the coordinator's lock sections and the PATCH handler's
// steps, as plain data. A step is atomic: one lock section, or one volatile read or write
// outside a lock. The coordinator runs these steps (coordinator.cpp); an ordinary PATCH runs
// its design's writer steps back to back, and `ckptsim explore` chooses their order against
// the coordinator's own steps (explorer.hpp). See docs/explore.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/time.hpp"

namespace ckptsim::model {

using sim::Duration;
using sim::Time;

// The coordinator's steps, as in Flink's CheckpointCoordinator.
enum class CoordinatorStep : uint8_t {
  tick,    // ScheduledTrigger.run: reads the interval, re-arms the next tick, queues a request
  create,  // createPendingCheckpoint: registers the checkpoint, arms its canceller (reads the timeout)
  expire,  // CheckpointCanceller.run: a pending checkpoint whose deadline is due expires
};
const char* to_string(CoordinatorStep s);  // "tick" | "create" | "expire"
std::optional<CoordinatorStep> parse_coordinator_step(std::string_view word);

// What the PATCH handler does within one step.
enum class WriterAction : uint8_t {
  write_interval,  // checkpointInterval becomes visible
  write_timeout,   // checkpointTimeout becomes visible
  publish,         // both become visible at once (one reference to an immutable pair)
  rearm,           // every pending checkpoint: deadline = creation + the visible timeout
  reschedule,      // the armed tick moves as the interval policy says, reading the visible interval
};
// The scenario words: "write interval", "write timeout", "publish", "rearm", "reschedule".
const char* to_string(WriterAction a);
std::optional<WriterAction> parse_writer_action(std::string_view word);
const std::vector<std::string_view>& writer_action_words();

// One writer step: a single action, or a lock group (`{lock: [...]}`) that runs as one step.
struct WriterStep {
  std::vector<WriterAction> actions;
  bool lock = false;
  // "W:interval", "W:timeout", "W:publish", "W:rearm", "W:reschedule" for a single action;
  // "L:rearm+reschedule" (the short names joined) for a lock group.
  std::string label() const;
  bool operator==(const WriterStep&) const = default;
};

// A design of the update: the PATCH handler's steps, in order.
struct Design {
  std::string name;
  std::vector<WriterStep> steps;
  std::string summary;  // what it stands for, one line
};

// volatile, volatile-timeout-first, per-field, locked, snapshot.
const std::vector<Design>& builtin_designs();
// The design named `name` among `custom` (scenario-defined, first) and the built-ins.
const Design* find_design(std::string_view name, const std::vector<Design>& custom);

// The steps a design takes for a body that changes `interval` and/or `timeout`: a field the
// body does not change has no write step, and its follow-up (rearm for the timeout, reschedule
// for the interval) nothing to do, so both are dropped; `publish` writes what the body has; a
// lock group left empty is dropped.
std::vector<WriterStep> steps_for_body(const std::vector<WriterStep>& design, bool interval,
                                       bool timeout);
// The atomic update (apply: atomic) as one step: both writes, the re-arm and the reschedule
// under the coordinator lock. The explorer's serial reference.
WriterStep atomic_step();
// Whether a design re-arms the pending checkpoints at all (a design without rearm leaves
// in-flight checkpoints on their old deadlines: worth a warning when the body has a timeout).
bool rearms(const std::vector<WriterStep>& steps);

// How the coordinator reads the configuration (explore.readers).
enum class Readers : uint8_t {
  split,    // Flink today: tick reads the interval, create reads the timeout, each when it runs
  carried,  // the checkpoint uses the timeout its tick read along with the interval
};
const char* to_string(Readers r);
std::optional<Readers> parse_readers(std::string_view word);

// One entry of an interleaving: a coordinator step or a writer step, by its label.
// Parses "tick" | "create" | "expire" | a writer step label ("W:interval", "L:rearm+reschedule").
struct StepLabel {
  bool writer = false;
  CoordinatorStep coordinator = CoordinatorStep::tick;
  std::string text;  // the label as written
};
std::optional<StepLabel> parse_step_label(std::string_view text);

}  // namespace ckptsim::model
