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

void write_table(std::ostream& os, const Recorder& rec,
                 const std::vector<ExpectationResult>* expectations) {
  std::string o;
  auto line = [&](std::string_view label, const std::string& value) {
    o += fmt::format("  {:<38} {}\n", label, value);
  };
  o += fmt::format("scenario     {}\n", rec.scenario_name());
  o += fmt::format("seed         {}\n", rec.seed());
  o += fmt::format("duration     {}\n", human_duration(rec.duration()));
  o += fmt::format("fingerprint  {}\n", rec.fingerprint().empty() ? "-" : rec.fingerprint());
  o += fmt::format("job status   {}\n", rec.job_status());

  const Counts c = rec.counts();
  o += fmt::format("\ncheckpoints  {} total: {} completed, {} failed, {} in progress\n", c.total,
                   c.completed, c.failed, c.in_progress);
  using F = Recorder::Field;
  const SummaryStats e2e = rec.summary(F::end_to_end_duration);
  const SummaryStats align = rec.summary(F::alignment_duration);
  const SummaryStats size = rec.summary(F::checkpointed_size);
  const SummaryStats state = rec.summary(F::state_size);
  if (e2e.count > 0) {
    o += fmt::format("  {:<20} {:>10} {:>10} {:>10}\n", "(completed)", "p50", "p99", "max");
    o += fmt::format("  {:<20} {:>10} {:>10} {:>10}\n", "end-to-end duration",
                     human_duration(e2e.p50), human_duration(e2e.p99), human_duration(e2e.max));
    o += fmt::format("  {:<20} {:>10} {:>10} {:>10}\n", "alignment", human_duration(align.p50),
                     human_duration(align.p99), human_duration(align.max));
    o += fmt::format("  {:<20} {:>10} {:>10} {:>10}\n", "checkpointed size",
                     human_bytes(static_cast<double>(size.p50)),
                     human_bytes(static_cast<double>(size.p99)),
                     human_bytes(static_cast<double>(size.max)));
    o += fmt::format("  {:<20} {:>10} {:>10} {:>10}\n", "state size",
                     human_bytes(static_cast<double>(state.p50)),
                     human_bytes(static_cast<double>(state.p99)),
                     human_bytes(static_cast<double>(state.max)));
  }

  o += "\nmetrics\n";
  const Metrics m = rec.metrics();
  line("failovers (jobmanager)", fmt::format("{} ({})", m.failovers, m.jobmanager_failovers));
  line("completed / failed / expired / rescued",
       fmt::format("{} / {} / {} / {}", m.completed, m.failed, m.expired, m.rescued));
  line("wasted bytes", human_bytes(static_cast<double>(m.wasted_bytes)));
  line("max time without completed checkpoint", human_duration(m.max_time_without_completed_checkpoint));
  line("time in failure loop", human_duration(m.time_in_failure_loop));
  line("replayed", fmt::format("{} ({})", human_bytes(static_cast<double>(m.replayed_bytes)),
                               human_duration(m.replayed_time)));
  line("lag max / final", fmt::format("{} / {} ({} / {})", human_duration(m.max_lag),
                                      human_duration(m.final_lag),
                                      human_bytes(static_cast<double>(m.max_lag_bytes)),
                                      human_bytes(static_cast<double>(m.final_lag_bytes))));
  line("patches accepted / rejected", fmt::format("{} / {}", m.patches_accepted, m.patches_rejected));
  line("torn observations", fmt::format("{}", m.torn_observations));

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
  if (!torn.empty()) {
    o += fmt::format("\ntorn observations ({})\n", torn.size());
    const size_t show = std::min<size_t>(torn.size(), 10);
    for (size_t i = 0; i < show; ++i)
      o += fmt::format("  at {:<10} {} saw interval {}, timeout {}\n", human_duration(torn[i].at),
                       model::to_string(torn[i].reader), human_duration(torn[i].interval),
                       human_duration(torn[i].timeout));
    if (torn.size() > show) o += fmt::format("  ... {} more\n", torn.size() - show);
  }
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
