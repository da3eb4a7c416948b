#include "cli/calibration_replay.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "analysis/robust_fit.hpp"
#include "analysis/table.hpp"
#include "cli/session.hpp"

namespace ckptsim::cli {

using analysis::human_bytes;
using analysis::human_duration;

namespace {

// The targets of the replay (issue 14): simulated p50 within 15% and p90 within 30%.
constexpr double kP50Target = 0.15, kP90Target = 0.30;

void fill_durations(ReplaySide& s, std::vector<int64_t> durations) {
  if (durations.empty()) return;
  s.p50 = analysis::nearest_rank(durations, 0.5);
  s.p90 = analysis::nearest_rank(durations, 0.9);
  s.max = *std::max_element(durations.begin(), durations.end());
}

std::optional<double> relative(const std::optional<sim::Duration>& sim, const std::optional<sim::Duration>& obs) {
  if (!sim || !obs || *obs == 0) return std::nullopt;
  return (static_cast<double>(*sim) - static_cast<double>(*obs)) / static_cast<double>(*obs);
}

std::string outcome(rest::RestStatus status, bool expired) {
  if (status == rest::RestStatus::FAILED) return expired ? "FAILED (expired)" : "FAILED";
  return rest::to_string(status);
}

// One expectation per checkpoint of the history, by order: the k-th observed is the simulated
// checkpoint k. Outcomes the replay did not reproduce are written commented out.
void checkpoint_expectations(const Calibration& cal, const std::vector<analysis::CheckpointRecord>& sim,
                             std::vector<std::string>& lines) {
  for (size_t k = 0; k < cal.observed.size(); ++k) {
    const ObservedCheckpoint& o = cal.observed[k];
    const int64_t id = static_cast<int64_t>(k + 1);
    std::string want = fmt::format("{{checkpoint: {}, status: {}", id, rest::to_string(o.status));
    if (o.status == rest::RestStatus::FAILED && o.expired) want += ", failure_reason: CHECKPOINT_EXPIRED";
    want += "}";
    const std::string note = fmt::format("Flink's checkpoint {}: {} in {}", o.id, outcome(o.status, o.expired),
                                         human_duration(o.end_to_end));
    const analysis::CheckpointRecord* r = k < sim.size() ? &sim[k] : nullptr;
    bool same = false;
    std::string got = "not triggered";
    if (r) {
      got = analysis::to_string(r->status);
      if (r->status == analysis::CheckpointStatus::FAILED) got += std::string(" ") + model::to_string(r->failure_reason);
      same = (o.status == rest::RestStatus::COMPLETED && r->status == analysis::CheckpointStatus::COMPLETED) ||
             (o.status == rest::RestStatus::FAILED && o.expired && r->status == analysis::CheckpointStatus::FAILED &&
              r->failure_reason == model::FailureReason::CHECKPOINT_EXPIRED) ||
             (o.status == rest::RestStatus::IN_PROGRESS && r->status == analysis::CheckpointStatus::IN_PROGRESS);
    }
    if (o.status == rest::RestStatus::IN_PROGRESS) continue;  // the run goes on past it
    if (same)
      lines.push_back(fmt::format("  - {}  # {}", want, note));
    else
      lines.push_back(fmt::format("  # - {}  # {}; not reproduced: the replay's is {}", want, note, got));
  }
}

}  // namespace

std::vector<std::unique_ptr<analysis::Recorder>> run_replay(model::Scenario scenario) {
  std::vector<std::unique_ptr<analysis::Recorder>> runs;
  const uint64_t first = scenario.replication;
  for (int r = 0; r < kReplayReplications; ++r) {
    scenario.replication = first + static_cast<uint64_t>(r);
    runs.push_back(std::make_unique<analysis::Recorder>(scenario, analysis::History::full));
    model::Fanout observers;
    observers.add(*runs.back());
    simulate(scenario, observers, false);
  }
  return runs;
}

Replay compare_replay(const Calibration& cal, const std::vector<std::unique_ptr<analysis::Recorder>>& runs) {
  Replay out;
  std::vector<int64_t> obs_e2e, sim_e2e, sim_max;
  for (const ObservedCheckpoint& o : cal.observed) {
    ++out.observed.triggered;
    if (o.status == rest::RestStatus::COMPLETED) {
      ++out.observed.completed;
      obs_e2e.push_back(o.end_to_end);
    }
    if (o.status == rest::RestStatus::FAILED) ++out.observed.failed;
    if (o.expired) ++out.observed.expired;
  }
  // The simulated checkpoints of the same span: triggered up to half an interval after the last
  // observed trigger (the tail of the run only lets the last ones finish).
  const sim::Time window = cal.span + cal.interval.value / 2;
  std::vector<analysis::CheckpointRecord> first;
  for (size_t run = 0; run < runs.size(); ++run) {
    std::optional<int64_t> longest;
    runs[run]->for_each_checkpoint([&](const analysis::CheckpointRecord& r) {
      if (r.trigger_timestamp > window) return;
      if (r.status == analysis::CheckpointStatus::COMPLETED) {
        sim_e2e.push_back(r.end_to_end_duration());
        longest = std::max(longest.value_or(0), r.end_to_end_duration());
      }
      if (run > 0) return;
      first.push_back(r);
      ++out.simulated.triggered;
      if (r.status == analysis::CheckpointStatus::COMPLETED) ++out.simulated.completed;
      if (r.status == analysis::CheckpointStatus::FAILED) {
        ++out.simulated.failed;
        if (r.failure_reason == model::FailureReason::CHECKPOINT_EXPIRED) ++out.simulated.expired;
      }
    });
    if (longest) sim_max.push_back(*longest);
  }
  fill_durations(out.observed, obs_e2e);
  fill_durations(out.simulated, sim_e2e);
  if (!sim_max.empty()) out.simulated.max = analysis::nearest_rank(sim_max, 0.5);
  out.p50_error = relative(out.simulated.p50, out.observed.p50);
  out.p90_error = relative(out.simulated.p90, out.observed.p90);

  const analysis::Recorder& rec = *runs.front();
  const analysis::Metrics m = rec.metrics();
  auto metric = [&](bool holds, const std::string& want, const std::string& note) {
    out.expect_lines.push_back(holds ? fmt::format("  - {}  # {}", want, note)
                                     : fmt::format("  # - {}  # {}; not reproduced", want, note));
  };
  metric(m.completed >= out.observed.completed,
         fmt::format("{{metric: completed, op: \">=\", value: {}}}", out.observed.completed),
         fmt::format("the history's completed checkpoints (the replay: {})", m.completed));
  metric(m.expired == out.observed.expired, fmt::format("{{metric: expired, op: \"==\", value: {}}}", out.observed.expired),
         fmt::format("the history's expired checkpoints (the replay: {})", m.expired));
  if (m.failovers == 0)
    out.expect_lines.push_back("  - {metric: failovers, op: \"==\", value: 0}  # the replay's; the history "
                               "cannot show failovers");
  checkpoint_expectations(cal, first, out.expect_lines);
  return out;
}

void write_calibration_report(std::ostream& out, const Calibration& cal, const Replay& replay,
                              const std::string& scenario_file) {
  out << fmt::format("{}: calibrated '{}' from {} checkpoints\n\n", scenario_file, cal.name, cal.observed.size());
  out << "fit\n";
  if (std::isinf(cal.bandwidth.value))
    out << "  storage bandwidth   unlimited (the durations do not grow with the size)\n";
  else
    out << fmt::format("  storage bandwidth   {}/s   Theil-Sen over {} completed checkpoints{}{}\n",
                       human_bytes(cal.bandwidth.value), cal.fit_points,
                       cal.bandwidth_refitted ? ", refitted through the median size (the line's latency was below 0)" : "",
                       cal.fit ? fmt::format(" (pairwise slopes' IQR {}/s..{}/s)", human_bytes(1e6 / cal.fit->slope_q75),
                                             human_bytes(1e6 / cal.fit->slope_q25))
                               : "");
  out << fmt::format("  storage latency     {}\n", human_duration(cal.latency.value));
  if (cal.jitter)
    out << fmt::format("  storage jitter      lognormal, median {} per upload, sigma {:.3g}\n",
                       human_duration(cal.jitter->value.first), cal.jitter->value.second);
  for (const CalibratedOperator& op : cal.operators) {
    if (op.state_mean <= 0 && op.sync_phase.value == 0) continue;
    out << fmt::format("  {:<19} {} x {} state{}{}\n", op.name, op.parallelism, human_bytes(op.state_mean),
                       op.incremental.value < 1 ? fmt::format(", {:.3g} uploaded per checkpoint", op.incremental.value) : "",
                       op.sync_phase.value > 0 ? ", sync " + human_duration(op.sync_phase.value) : "");
  }
  out << fmt::format("  interval {}, timeout {}\n\n", human_duration(cal.interval.value), human_duration(cal.timeout.value));
  out << fmt::format("replay over {} (the span the history covers): counts of the run with seed {}, "
                     "durations of {} runs pooled (max: the median run's)\n",
                     human_duration(cal.span + cal.interval.value), cal.seed, kReplayReplications);
  out << fmt::format("  {:<22}{:>12}{:>12}\n", "", "observed", "simulated");
  auto count = [&](const char* what, int64_t a, int64_t b) {
    out << fmt::format("  {:<22}{:>12}{:>12}\n", what, a, b);
  };
  count("checkpoints", replay.observed.triggered, replay.simulated.triggered);
  count("completed", replay.observed.completed, replay.simulated.completed);
  count("failed", replay.observed.failed, replay.simulated.failed);
  count("  of which expired", replay.observed.expired, replay.simulated.expired);
  auto dur = [&](const char* what, const std::optional<sim::Duration>& a, const std::optional<sim::Duration>& b,
                 const std::optional<double>& err, double target) {
    out << fmt::format("  {:<22}{:>12}{:>12}", what, a ? human_duration(*a) : "-", b ? human_duration(*b) : "-");
    if (err)
      out << fmt::format("  {:+.1f}% ({} the {:.0f}% target)", 100 * *err, std::fabs(*err) <= target ? "within" : "MISSES",
                         100 * target);
    out << "\n";
  };
  dur("end-to-end p50", replay.observed.p50, replay.simulated.p50, replay.p50_error, kP50Target);
  dur("end-to-end p90", replay.observed.p90, replay.simulated.p90, replay.p90_error, kP90Target);
  dur("end-to-end max", replay.observed.max, replay.simulated.max, std::nullopt, 0);
}

}  // namespace ckptsim::cli
