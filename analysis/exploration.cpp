#include "analysis/exploration.hpp"

#include <algorithm>
#include <type_traits>

#include <fmt/format.h>

#include "sim/units.hpp"

namespace ckptsim::analysis {

namespace ev = model::events;

const char* to_string(Fate f) {
  switch (f) {
    case Fate::IN_PROGRESS: return "IN_PROGRESS";
    case Fate::COMPLETED: return "COMPLETED";
    case Fate::FAILED: return "FAILED";
  }
  return "UNKNOWN";
}

const char* to_string(Grade g) {
  switch (g) {
    case Grade::ACCEPTABLE: return "ACCEPTABLE";
    case Grade::INTERESTING: return "INTERESTING";
    case Grade::FORBIDDEN: return "FORBIDDEN";
  }
  return "UNKNOWN";
}

// --- the fold --------------------------------------------------------------------------------

CheckpointFate* BranchFold::fate_of(int64_t id) {
  // Ids only grow, and a fate is looked up soon after its creation: search from the back.
  for (auto it = fates_.rbegin(); it != fates_.rend(); ++it)
    if (it->id == id) return &*it;
  return nullptr;
}

void BranchFold::on_event(const model::DomainEvent& e) {
  std::visit(
      [&](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, ev::CheckpointCreated>) {
          fates_.push_back({b.id, Fate::IN_PROGRESS, std::nullopt});
        } else if constexpr (std::is_same_v<T, ev::CheckpointCompleted>) {
          ++completed_;
          if (b.rescued) ++rescued_;
          if (CheckpointFate* f = fate_of(b.id)) *f = {b.id, Fate::COMPLETED, std::nullopt};
        } else if constexpr (std::is_same_v<T, ev::CheckpointFailed>) {
          if (b.reason == model::FailureReason::CHECKPOINT_EXPIRED) ++expired_;
          if (CheckpointFate* f = fate_of(b.id)) *f = {b.id, Fate::FAILED, b.reason};
        } else if constexpr (std::is_same_v<T, ev::FailoverStarted>) {
          if (b.begins_restart) ++failovers_;  // as the recorder's metrics.failovers
        } else if constexpr (std::is_same_v<T, ev::StepTaken>) {
          steps_.push_back({e.at, b.writer, b.label, b.checkpoint_id, b.interval_read,
                            b.timeout_read, b.torn, b.nested});
        } else if constexpr (std::is_same_v<T, ev::WindowClosed>) {
          closed_ = true;
          state_ = b;
        } else if constexpr (std::is_same_v<T, ev::RunFinished>) {
          fingerprint_ = b.fingerprint;
        }
      },
      e.body);
}

void BranchFold::settle_prefix() {
  std::erase_if(fates_, [](const CheckpointFate& f) { return f.fate != Fate::IN_PROGRESS; });
}

Observation BranchFold::observation() const {
  Observation o;
  for (const StepSeen& s : steps_)
    if (!s.writer) o.reads.push_back(s);
  o.interval = state_.interval;
  o.timeout = state_.timeout;
  o.next_tick = state_.next_tick;
  o.pending = state_.pending;
  return o;
}

Outcome BranchFold::outcome() const {
  return Outcome{fates_, completed_, expired_, failovers_, rescued_};
}

std::vector<std::string> Interleaving::label_list() const {
  std::vector<std::string> out;
  for (const StepSeen& s : steps)
    if (!s.nested) out.push_back(s.label);
  return out;
}

std::string Interleaving::labels() const {
  std::string out;
  for (const std::string& l : label_list()) out += (out.empty() ? "" : " ") + l;
  return out;
}

// --- grading ---------------------------------------------------------------------------------

namespace {

std::string fate_text(const CheckpointFate& f) {
  if (f.fate == Fate::FAILED && f.reason) return fmt::format("FAILED ({})", model::to_string(*f.reason));
  return to_string(f.fate);
}

// How far two outcomes are apart: differing checkpoints first, then differing metrics.
size_t distance(const Outcome& a, const Outcome& b) {
  size_t d = 0;
  size_t i = 0, j = 0;
  while (i < a.checkpoints.size() || j < b.checkpoints.size()) {
    if (j == b.checkpoints.size() || (i < a.checkpoints.size() && a.checkpoints[i].id < b.checkpoints[j].id)) {
      ++d, ++i;
    } else if (i == a.checkpoints.size() || b.checkpoints[j].id < a.checkpoints[i].id) {
      ++d, ++j;
    } else {
      d += a.checkpoints[i] == b.checkpoints[j] ? 0 : 1;
      ++i, ++j;
    }
  }
  return d * 16 + (a.completed != b.completed) + (a.expired != b.expired) +
         (a.failovers != b.failovers) + (a.rescued != b.rescued);
}

// The metrics that differ, in words: "completed 13 against 18, expired 1 against 0".
std::string metric_differences(const Outcome& got, const Outcome& want) {
  std::string metrics;
  auto add = [&](const char* name, int64_t g, int64_t w) {
    if (g != w) metrics += fmt::format("{}{} {} against {}", metrics.empty() ? "" : ", ", name, g, w);
  };
  add("completed", got.completed, want.completed);
  add("expired", got.expired, want.expired);
  add("failovers", got.failovers, want.failovers);
  add("rescued", got.rescued, want.rescued);
  return metrics;
}

// The first checkpoint whose fate differs from a serial order's, then the metrics, in words.
std::string first_difference(const Outcome& got, const Outcome& want) {
  std::string checkpoint;
  for (const CheckpointFate& g : got.checkpoints) {
    auto it = std::find_if(want.checkpoints.begin(), want.checkpoints.end(),
                           [&](const CheckpointFate& w) { return w.id == g.id; });
    if (it == want.checkpoints.end()) {
      checkpoint = fmt::format("checkpoint {} is {}; it does not exist there", g.id, fate_text(g));
      break;
    }
    if (!(*it == g)) {
      checkpoint = fmt::format("checkpoint {} is {}; there {}", g.id, fate_text(g), fate_text(*it));
      break;
    }
  }
  if (checkpoint.empty())
    for (const CheckpointFate& w : want.checkpoints)
      if (std::none_of(got.checkpoints.begin(), got.checkpoints.end(),
                       [&](const CheckpointFate& g) { return g.id == w.id; })) {
        checkpoint = fmt::format("there is no checkpoint {}; there it is {}", w.id, fate_text(w));
        break;
      }
  const std::string metrics = metric_differences(got, want);
  if (checkpoint.empty()) return metrics;
  return metrics.empty() ? checkpoint : checkpoint + "; " + metrics;
}

std::string read_text(const StepSeen& s) {
  std::string what = fmt::format("{}{}@{}", s.label, s.checkpoint >= 0 ? fmt::format(" #{}", s.checkpoint) : "",
                                 sim::format_duration(s.at));
  if (s.interval >= 0) what += " read interval " + sim::format_duration(s.interval);
  if (s.timeout >= 0) what += (s.interval >= 0 ? " and timeout " : " read timeout ") + sim::format_duration(s.timeout);
  return what;
}

std::string state_text(const Observation& o) {
  std::string out = fmt::format("interval {}, timeout {}, next tick {}", sim::format_duration(o.interval),
                                sim::format_duration(o.timeout),
                                o.next_tick == sim::kNever ? "none" : sim::format_duration(o.next_tick));
  for (const auto& [id, deadline] : o.pending)
    out += fmt::format(", #{} due {}", id, deadline == sim::kNever ? "never" : sim::format_duration(deadline));
  return out;
}

// Where an observation first parts from a serial order's, in words.
std::string first_observed_difference(const Observation& got, const Observation& want, const std::string& name) {
  const size_t n = std::min(got.reads.size(), want.reads.size());
  for (size_t i = 0; i < n; ++i)
    if (!(got.reads[i] == want.reads[i]))
      return fmt::format("{}, where {} has {}", read_text(got.reads[i]), name, read_text(want.reads[i]));
  if (got.reads.size() > n)
    return fmt::format("{}, a step {} does not have", read_text(got.reads[n]), name);
  if (want.reads.size() > n)
    return fmt::format("no {} as {} has", read_text(want.reads[n]), name);
  return fmt::format("after the window {}, where {} has {}", state_text(got), name, state_text(want));
}

}  // namespace

DesignResult grade(std::string name, std::vector<std::string> steps,
                   std::vector<Interleaving> interleavings, const std::vector<Interleaving>& serial) {
  DesignResult r;
  r.name = std::move(name);
  r.steps = std::move(steps);
  r.interleavings = std::move(interleavings);
  r.serial_orders = serial.size();
  std::vector<Row> rows;
  for (size_t i = 0; i < r.interleavings.size(); ++i) {
    const Interleaving& x = r.interleavings[i];
    auto row = std::find_if(rows.begin(), rows.end(), [&](const Row& w) {
      return w.observation == x.observation && w.outcome == x.outcome;
    });
    if (row != rows.end()) {
      ++row->samples;
      continue;
    }
    Row w;
    w.observation = x.observation;
    w.outcome = x.outcome;
    w.samples = 1;
    w.example = i;
    // ACCEPTABLE: a serial order observes exactly this. Else the nearest outcome decides.
    size_t observed = serial.size(), nearest = 0, best = ~size_t{0};
    for (size_t k = 0; k < serial.size(); ++k) {
      if (observed == serial.size() && serial[k].observation == x.observation) observed = k;
      const size_t d = distance(x.outcome, serial[k].outcome);
      if (d < best) best = d, nearest = k;
    }
    const std::string serial_k = fmt::format("serial order {}", nearest + 1);
    if (observed < serial.size()) {
      w.grade = Grade::ACCEPTABLE;
      w.nearest = observed;
      w.description = fmt::format("as serial order {}", observed + 1);
    } else if (best == 0) {
      w.grade = Grade::INTERESTING;
      w.nearest = nearest;
      w.description = fmt::format("the outcome of {}, but {}", serial_k,
                                  first_observed_difference(x.observation, serial[nearest].observation, serial_k));
    } else {
      w.grade = Grade::FORBIDDEN;
      w.nearest = nearest;
      w.description = fmt::format("{}, in the nearest, {}; first apart at {}",
                                  first_difference(x.outcome, serial[nearest].outcome), serial_k,
                                  first_observed_difference(x.observation, serial[nearest].observation, serial_k));
    }
    rows.push_back(std::move(w));
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.grade < b.grade; });
  r.rows = std::move(rows);
  for (const Row& w : r.rows) {
    (w.grade == Grade::ACCEPTABLE ? r.acceptable : w.grade == Grade::INTERESTING ? r.interesting : r.forbidden) +=
        w.samples;
  }
  if (r.forbidden > 0)
    r.verdict = fmt::format("FORBIDDEN: {} of {} interleavings change what the job does", r.forbidden,
                            r.interleavings.size());
  else if (r.interesting > 0)
    r.verdict = fmt::format("torn reads in {} of {} interleavings, none changes what the job does",
                            r.interesting, r.interleavings.size());
  else
    r.verdict = "every interleaving observes what an atomic update would";
  return r;
}

size_t row_of(const DesignResult& result, size_t interleaving) {
  const Interleaving& x = result.interleavings[interleaving];
  for (size_t k = 0; k < result.rows.size(); ++k)
    if (result.rows[k].observation == x.observation && result.rows[k].outcome == x.outcome) return k;
  return result.rows.size();
}

}  // namespace ckptsim::analysis
