#include "analysis/table.hpp"

#include <cmath>

#include <fmt/format.h>

namespace ckptsim::analysis {

namespace {
// Three significant digits, fixed notation.
std::string sig3(double v) {
  const double a = std::fabs(v);
  if (a >= 100) return fmt::format("{:.0f}", v);
  if (a >= 10) return fmt::format("{:.1f}", v);
  return fmt::format("{:.2f}", v);
}
}  // namespace

std::string human_duration(sim::Duration d) {
  if (d == 0) return "0";
  const double a = std::fabs(static_cast<double>(d));
  const double v = static_cast<double>(d);
  if (a < 1000) return fmt::format("{} us", d);
  if (a < 1e6) return sig3(v / 1e3) + " ms";
  if (a < 60e6) return sig3(v / 1e6) + " s";
  if (a < 3600e6) return sig3(v / 60e6) + " min";
  if (a < 86400e6) return sig3(v / 3600e6) + " h";
  return sig3(v / 86400e6) + " d";
}

std::string human_bytes(double b) {
  if (!std::isfinite(b)) return "unlimited";
  const double a = std::fabs(b);
  if (a < 1000) return fmt::format("{:.0f} B", b);
  if (a < 1e6) return sig3(b / 1e3) + " KB";
  if (a < 1e9) return sig3(b / 1e6) + " MB";
  if (a < 1e12) return sig3(b / 1e9) + " GB";
  return sig3(b / 1e12) + " TB";
}

namespace {

void run_lines(std::string& o, const Recorder& rec) {
  o += fmt::format("scenario     {}\n", rec.scenario_name());
  o += fmt::format("seed         {}\n", rec.seed());
  o += fmt::format("duration     {}\n", human_duration(rec.duration()));
  o += fmt::format("fingerprint  {}\n", rec.fingerprint().empty() ? "-" : rec.fingerprint());
  o += fmt::format("job status   {}\n", rec.job_status());
}

// The counts, and p50 / p99 / max of the completed checkpoints.
void checkpoint_lines(std::string& o, const Recorder& rec) {
  const Counts c = rec.counts();
  o += fmt::format("\ncheckpoints  {} total: {} completed, {} failed, {} in progress\n", c.total,
                   c.completed, c.failed, c.in_progress);
  using F = Recorder::Field;
  const SummaryStats e2e = rec.summary(F::end_to_end_duration);
  if (e2e.count == 0) return;
  auto row = [&](std::string_view label, const SummaryStats& s, auto human) {
    o += fmt::format("  {:<20} {:>10} {:>10} {:>10}\n", label, human(s.p50), human(s.p99), human(s.max));
  };
  auto bytes = [](int64_t v) { return human_bytes(static_cast<double>(v)); };
  o += fmt::format("  {:<20} {:>10} {:>10} {:>10}\n", "(completed)", "p50", "p99", "max");
  row("end-to-end duration", e2e, human_duration);
  row("alignment", rec.summary(F::alignment_duration), human_duration);
  row("checkpointed size", rec.summary(F::checkpointed_size), bytes);
  row("state size", rec.summary(F::state_size), bytes);
}

void metric_lines(std::string& o, const Recorder& rec) {
  auto line = [&](std::string_view label, const std::string& value) {
    o += fmt::format("  {:<38} {}\n", label, value);
  };
  auto bytes = [](int64_t v) { return human_bytes(static_cast<double>(v)); };
  o += "\nmetrics\n";
  const Metrics m = rec.metrics();
  line("failovers (jobmanager)", fmt::format("{} ({})", m.failovers, m.jobmanager_failovers));
  line("completed / failed / expired / rescued",
       fmt::format("{} / {} / {} / {}", m.completed, m.failed, m.expired, m.rescued));
  line("wasted bytes", bytes(m.wasted_bytes));
  line("max time without completed checkpoint", human_duration(m.max_time_without_completed_checkpoint));
  line("time in failure loop", human_duration(m.time_in_failure_loop));
  line("replayed", fmt::format("{} ({})", bytes(m.replayed_bytes), human_duration(m.replayed_time)));
  line("lag max / final", fmt::format("{} / {} ({} / {})", human_duration(m.max_lag),
                                      human_duration(m.final_lag), bytes(m.max_lag_bytes),
                                      bytes(m.final_lag_bytes)));
  line("patches accepted / rejected", fmt::format("{} / {}", m.patches_accepted, m.patches_rejected));
  line("torn observations", fmt::format("{}", m.torn_observations));
}

// The patches, and the first torn observations.
void event_lines(std::string& o, const Recorder& rec) {
  if (!rec.patches().empty()) {
    o += "\npatches\n";
    for (const auto& p : rec.patches()) {
      std::string body;
      for (const auto& f : p.body) body += fmt::format("{}{}={}", body.empty() ? "" : " ", f.key, f.value);
      o += fmt::format("  at {:<10} {} {}{}{}\n", human_duration(p.at), p.status,
                       body.empty() ? "(empty body)" : body,
                       p.message.empty() ? "" : " -- " + p.message,
                       p.status == 200 ? fmt::format(" -> interval {}, timeout {}",
                                                     human_duration(p.interval),
                                                     human_duration(p.timeout))
                                       : "");
    }
  }
  const auto& torn = rec.torn_observations();
  if (torn.empty()) return;
  o += fmt::format("\ntorn observations ({})\n", torn.size());
  const size_t show = std::min<size_t>(torn.size(), 10);
  for (size_t i = 0; i < show; ++i)
    o += fmt::format("  at {:<10} {} saw interval {}, timeout {}\n", human_duration(torn[i].at),
                     model::to_string(torn[i].reader), human_duration(torn[i].interval),
                     human_duration(torn[i].timeout));
  if (torn.size() > show) o += fmt::format("  ... {} more\n", torn.size() - show);
}

}  // namespace

void write_table(std::ostream& os, const Recorder& rec,
                 const std::vector<ExpectationResult>* expectations) {
  std::string o;
  run_lines(o, rec);
  checkpoint_lines(o, rec);
  metric_lines(o, rec);
  event_lines(o, rec);
  if (expectations && !expectations->empty()) {
    size_t passed = 0;
    for (const auto& r : *expectations) passed += r.passed;
    o += fmt::format("\nexpectations  {}/{} hold\n", passed, expectations->size());
    for (const auto& r : *expectations)
      o += r.passed ? fmt::format("  ok    {} (got {})\n", r.description, r.actual)
                    : fmt::format("  FAIL  {}\n", describe(r));
  }
  os << o;
}

}  // namespace ckptsim::analysis
