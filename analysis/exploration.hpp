// Grading of explored interleavings, as jcstress grades a concurrency test: each interleaving's
// observation (what the coordinator's steps read, and its state after the window) and outcome
// (each checkpoint's fate, and the metrics that matter) against those of the atomic update
// placed at every serial position. See docs/explore.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/events.hpp"

namespace ckptsim::analysis {

using sim::Duration;
using sim::Time;

// One step of a window, as the run reported it (events::StepTaken, with its instant).
struct StepSeen {
  Time at = 0;
  bool writer = false;
  std::string label;
  int64_t checkpoint = -1;
  Duration interval = -1;  // read (-1: nothing)
  Duration timeout = -1;
  bool torn = false;  // the update was half visible (a fact about the pair, not a value read)
  bool nested = false;
  // What a step observes is the values it read: `torn` is left out (a tick that reads the new
  // interval while the old timeout is still visible reads what the atomic update gives it).
  bool operator==(const StepSeen& o) const {
    return at == o.at && writer == o.writer && label == o.label && checkpoint == o.checkpoint &&
           interval == o.interval && timeout == o.timeout && nested == o.nested;
  }
};

// What an interleaving observes: every coordinator step of the window with its instant and
// what it read, and the coordinator's state after the window's last step.
struct Observation {
  std::vector<StepSeen> reads;  // coordinator steps only, in order
  Duration interval = 0, timeout = 0;
  Time next_tick = sim::kNever;
  std::vector<std::pair<int64_t, Time>> pending;  // (id, deadline)
  bool operator==(const Observation&) const = default;
};

enum class Fate : uint8_t { IN_PROGRESS, COMPLETED, FAILED };
const char* to_string(Fate f);

struct CheckpointFate {
  int64_t id = 0;
  Fate fate = Fate::IN_PROGRESS;
  std::optional<model::FailureReason> reason;
  bool operator==(const CheckpointFate&) const = default;
};

// What a user sees of a run: the fate of every checkpoint the PATCH could touch (pending at its
// arrival or created after it) and, for the whole run, completed, expired, failovers, rescued.
struct Outcome {
  std::vector<CheckpointFate> checkpoints;  // by id
  int64_t completed = 0, expired = 0, failovers = 0, rescued = 0;
  bool operator==(const Outcome&) const = default;
};

// Folds a run's events into its steps, observation and outcome. The explorer's root observes
// the run up to the patch's arrival, settle_prefix() then forgets the checkpoints already
// settled (they are the same in every branch), and every branch continues from a copy.
class BranchFold : public model::Observer {
 public:
  void on_event(const model::DomainEvent& e) override;
  void settle_prefix();

  const std::vector<StepSeen>& steps() const { return steps_; }  // both sides, in order
  bool window_closed() const { return closed_; }
  Observation observation() const;
  Outcome outcome() const;
  const std::string& fingerprint() const { return fingerprint_; }

 private:
  std::vector<StepSeen> steps_;
  bool closed_ = false;
  model::events::WindowClosed state_{};
  std::vector<CheckpointFate> fates_;  // by id (ids only grow)
  int64_t completed_ = 0, expired_ = 0, failovers_ = 0, rescued_ = 0;
  std::string fingerprint_;
  CheckpointFate* fate_of(int64_t id);
};

enum class Grade : uint8_t { ACCEPTABLE, INTERESTING, FORBIDDEN };
const char* to_string(Grade g);

struct Interleaving {
  std::vector<bool> turns;      // the explorer's turns: true where the writer went first
  std::vector<StepSeen> steps;  // every step of the window, both sides
  Observation observation;
  Outcome outcome;
  std::string fingerprint;
  std::string labels() const;   // "tick create W:interval W:timeout L:rearm+reschedule"
  std::vector<std::string> label_list() const;  // coordinator steps nested in a writer's omitted
};

// The rows of one design's table: one per distinct (observation, outcome).
struct Row {
  Observation observation;
  Outcome outcome;
  size_t samples = 0;
  Grade grade = Grade::ACCEPTABLE;
  size_t nearest = 0;        // the serial order this row is described against
  std::string description;   // names the first checkpoint whose outcome differs, or the tear
  size_t example = 0;        // index of the first interleaving with this row
};

struct DesignResult {
  std::string name;
  std::vector<std::string> steps;  // the design's step labels for this body
  std::vector<Interleaving> interleavings;
  std::vector<Row> rows;  // ACCEPTABLE, then INTERESTING, then FORBIDDEN; first seen first
  size_t serial_orders = 0;
  size_t acceptable = 0, interesting = 0, forbidden = 0;  // interleavings of each grade
  size_t dead = 0;      // coordinator turns with no step in the window (not interleavings)
  std::string verdict;  // one line
};

// Grades `interleavings` against `serial` (the atomic update at each serial position).
DesignResult grade(std::string name, std::vector<std::string> steps,
                   std::vector<Interleaving> interleavings, const std::vector<Interleaving>& serial);

// The row an interleaving falls in.
size_t row_of(const DesignResult& result, size_t interleaving);

}  // namespace ckptsim::analysis
