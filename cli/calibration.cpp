#include "cli/calibration.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "analysis/table.hpp"
#include "analysis/upload_jitter_fit.hpp"
#include "cli/calibrated_graph.hpp"
#include "cli/rest_json.hpp"

namespace ckptsim::cli {

using analysis::human_bytes;
using analysis::human_duration;
using analysis::quantile;
using sim::Duration;
using sim::kMillisecond;
using sim::kMinute;
using sim::kSecond;

namespace {

constexpr double kUnlimited = std::numeric_limits<double>::infinity();
// The interval taken when neither the config nor the history tells it (AWS Managed Flink and
// many deployments use one minute).
constexpr Duration kDefaultInterval = kMinute;
// Theil–Sen over the most recent this many completed checkpoints (n^2 / 2 pairwise slopes).
constexpr size_t kMaxFitPoints = 1000;

std::string id_range(const std::vector<ObservedCheckpoint>& cps) {
  if (cps.empty()) return "no checkpoint";
  if (cps.size() == 1) return fmt::format("checkpoint {}", cps.front().id);
  return fmt::format("checkpoints {}-{}", cps.front().id, cps.back().id);
}

// Rounds to three significant digits, then prints with the largest unit of `units` (scale,
// name, ascending) that leaves a mantissa >= 1, as an exact decimal.
template <size_t N>
std::string three_digits(double value, const std::pair<int64_t, const char*> (&units)[N]) {
  const int64_t n = std::llround(three_significant(std::max(0.0, value)));
  if (n == 0) return fmt::format("0{}", units[0].second);
  auto decimal = [](int64_t scale) {
    while (scale % 10 == 0) scale /= 10;
    return scale == 1;
  };
  size_t u = 0;  // the largest decimal unit not above n
  for (size_t i = 0; i < N; ++i)
    if (n >= units[i].first && decimal(units[i].first)) u = i;
  // A whole number of a larger unit reads better ("5min" rather than "300s").
  for (size_t i = N; i-- > u + 1;)
    if (n % units[i].first == 0) return fmt::format("{}{}", n / units[i].first, units[i].second);
  const int64_t whole = n / units[u].first, frac = n % units[u].first;
  if (frac == 0) return fmt::format("{}{}", whole, units[u].second);
  std::string f = fmt::format("{:0{}}", frac, static_cast<int>(std::log10(static_cast<double>(units[u].first)) + 0.5));
  while (!f.empty() && f.back() == '0') f.pop_back();
  return fmt::format("{}.{}{}", whole, f, units[u].second);
}

std::vector<ObservedCheckpoint> observe(const rest::RestCheckpoints& cps) {
  std::vector<ObservedCheckpoint> out;
  int64_t t0 = std::numeric_limits<int64_t>::max();
  for (const rest::RestCheckpoint& c : cps.history)
    if (!c.is_savepoint) t0 = std::min(t0, c.trigger_timestamp);
  for (const rest::RestCheckpoint& c : cps.history) {
    if (c.is_savepoint) continue;
    ObservedCheckpoint o;
    o.id = c.id;
    o.trigger = (c.trigger_timestamp - t0) * kMillisecond;
    o.status = c.status;
    o.end_to_end = std::max<int64_t>(0, c.end_to_end_duration) * kMillisecond;
    o.expired = c.status == rest::RestStatus::FAILED && c.expired();
    out.push_back(o);
  }
  std::stable_sort(out.begin(), out.end(), [](const ObservedCheckpoint& a, const ObservedCheckpoint& b) {
    return a.trigger < b.trigger;
  });
  return out;
}

SizeSummary summarise_sizes(const rest::RestCheckpoints& cps, const std::vector<ObservedCheckpoint>& completed) {
  SizeSummary s;
  std::vector<double> up, full;
  for (const rest::RestCheckpoint& c : cps.history) {
    if (c.is_savepoint || c.status != rest::RestStatus::COMPLETED) continue;
    up.push_back(static_cast<double>(c.uploaded()));
    full.push_back(static_cast<double>(c.state_size));
    s.uploaded_by_id.emplace_back(c.id, c.uploaded());
  }
  s.incremental_known = cps.has_checkpointed_size;
  s.uploaded_median = quantile(up, 0.5);
  s.full_median = quantile(full, 0.5);
  s.uploaded_spread = analysis::robust_stddev(up);
  s.checkpoints = fmt::format("over {} ({} completed)", id_range(completed), completed.size());
  return s;
}

void read_config(const CalibrationInputs& in, const std::vector<ObservedCheckpoint>& obs, Calibration& cal) {
  const auto& cfg = in.config;
  const std::string src = cfg ? cfg->file : "";
  if (cfg && cfg->interval_ms) {
    cal.interval = {*cfg->interval_ms * kMillisecond, fmt::format("config: interval {} ms ({})", *cfg->interval_ms, src)};
  } else {
    std::vector<int64_t> gaps;
    for (size_t i = 1; i < obs.size(); ++i) gaps.push_back(obs[i].trigger - obs[i - 1].trigger);
    const std::string why = cfg ? fmt::format("{} says periodic checkpointing is off (interval "
                                              "Long.MAX_VALUE)", src)
                                : "no --config";
    if (gaps.empty()) {
      cal.interval = {kDefaultInterval, fmt::format("guess: {} and a history of one checkpoint gives "
                                                    "no spacing: a default of 1 min", why)};
      cal.guesses.push_back(cal.interval.note);
    } else {
      // Triggers drift by a few ms: three significant digits of the median spacing, in ms.
      int64_t ms = (analysis::nearest_rank(gaps, 0.5) + kMillisecond / 2) / kMillisecond;
      int64_t scale = 1;
      for (int64_t m = ms; m >= 1000; m /= 10) scale *= 10;
      ms = (ms + scale / 2) / scale * scale;
      const Duration interval = std::max<Duration>(10, ms) * kMillisecond;
      cal.interval = {interval, fmt::format("{}: the median spacing of trigger_timestamp over {} ({} "
                                            "spacings, {}..{}; with checkpoints back to back it is "
                                            "their duration, an upper bound of the interval)",
                                            why, id_range(obs), gaps.size(),
                                            human_duration(*std::min_element(gaps.begin(), gaps.end())),
                                            human_duration(*std::max_element(gaps.begin(), gaps.end())))};
      cal.guesses.push_back(fmt::format("interval from the history's spacing ({}): {}", human_duration(interval), why));
    }
  }
  if (cfg) {
    cal.timeout = {cfg->timeout_ms * kMillisecond, fmt::format("config: timeout {} ms", cfg->timeout_ms)};
    cal.min_pause = {cfg->min_pause_ms * kMillisecond, fmt::format("config: min_pause {}", cfg->min_pause_ms)};
    cal.max_concurrent = {cfg->max_concurrent, fmt::format("config: max_concurrent {}", cfg->max_concurrent)};
    cal.tolerable_failed_checkpoints =
        cfg->tolerable_failed_checkpoints
            ? Noted<int64_t>{*cfg->tolerable_failed_checkpoints, "config: tolerable_failed_checkpoints"}
            : Noted<int64_t>{0, "not in this version's response: Flink's default 0"};
    cal.unaligned_checkpoints = cfg->unaligned_checkpoints
                                    ? Noted<bool>{*cfg->unaligned_checkpoints, "config: unaligned_checkpoints"}
                                    : Noted<bool>{false, "not in this version's response: false"};
    cal.aligned_checkpoint_timeout =
        cfg->aligned_checkpoint_timeout_ms
            ? Noted<Duration>{*cfg->aligned_checkpoint_timeout_ms * kMillisecond, "config: aligned_checkpoint_timeout"}
            : Noted<Duration>{0, "not in this version's response: 0"};
    if (cfg->mode == "at_least_once")
      cal.mode_note = "mode at_least_once: the model always aligns barriers (exactly-once)";
    if (cfg->state_changelog_enabled && *cfg->state_changelog_enabled)
      cal.mode_note += std::string(cal.mode_note.empty() ? "" : "; ") +
                       "state_changelog_enabled: the changelog's materialisation is not modelled; "
                       "the fit sees its uploads as they are";
  } else {
    cal.timeout = {10 * kMinute, "guess: no --config; Flink's default 10 min"};
    cal.min_pause = {0, "guess: no --config; Flink's default 0"};
    cal.max_concurrent = {1, "guess: no --config; Flink's default 1"};
    cal.tolerable_failed_checkpoints = {0, "guess: no --config; Flink's default 0"};
    cal.unaligned_checkpoints = {false, "guess: no --config; Flink's default false"};
    cal.aligned_checkpoint_timeout = {0, "guess: no --config"};
    cal.guesses.push_back("no --config: timeout 10 min, min_pause 0, max_concurrent 1, tolerable 0");
  }
}

// The line of end-to-end durations against uploaded sizes (µs against bytes).
struct Line {
  bool identifiable = false;  // the durations grow with the size
  double intercept = 0;       // µs
  std::vector<double> residuals, e2e;
  std::string over;  // "end_to_end_duration against checkpointed_size over checkpoints ..."
};

Line fit_line(const rest::RestCheckpoints& cps, const SizeSummary& sizes, Calibration& cal) {
  std::vector<analysis::FitPoint> pts;
  for (const rest::RestCheckpoint& c : cps.history)
    if (!c.is_savepoint && c.status == rest::RestStatus::COMPLETED)
      pts.push_back({c.uploaded(), std::max<int64_t>(0, c.end_to_end_duration) * kMillisecond});
  if (pts.size() > kMaxFitPoints) pts.erase(pts.begin(), pts.end() - kMaxFitPoints);
  Line line;
  for (const auto& p : pts) line.e2e.push_back(static_cast<double>(p.y));
  cal.fit_points = pts.size();
  cal.fit = analysis::theil_sen(pts);
  line.over = fmt::format("end_to_end_duration against {} {}",
                          cps.has_checkpointed_size ? "checkpointed_size" : "state_size", sizes.checkpoints);
  line.identifiable = cal.fit && cal.fit->slope > 0 && cal.fit->slope_q25 > 0;
  if (line.identifiable) {
    cal.bandwidth = {1e6 / cal.fit->slope,
                     fmt::format("1 / the Theil-Sen slope of {}; fit error: the pairwise slopes' "
                                 "interquartile range gives {}/s..{}/s", line.over,
                                 human_bytes(1e6 / cal.fit->slope_q75), human_bytes(1e6 / cal.fit->slope_q25))};
    line.intercept = cal.fit->intercept;
    line.residuals = cal.fit->residuals;
  } else {
    cal.bandwidth = {kUnlimited, fmt::format("the sizes cannot tell the bandwidth: in {}, {} (the "
                                             "durations do not grow with the size); unlimited, so a "
                                             "bandwidth what-if changes nothing here", line.over,
                                             cal.fit ? "the pairwise slopes' lower quartile is <= 0" : "no two sizes differ")};
    cal.guesses.push_back("the storage bandwidth is not identifiable from these sizes: unlimited");
    line.intercept = quantile(line.e2e, 0.5);
    for (double y : line.e2e) line.residuals.push_back(y - line.intercept);
  }
  return line;
}

// The per-upload jitter from the line's residuals, when they are not negligible: returns what
// it adds at the median (the latency is that much lower), and says why in `words` otherwise.
double fit_jitter(const Line& line, uint64_t seed, Calibration& cal, std::string& words) {
  if (line.residuals.size() < 5) {
    words = fmt::format("no storage.jitter: {} completed checkpoints are too few to tell it", line.residuals.size());
    return 0;
  }
  const double r10 = quantile(line.residuals, 0.1), r50 = quantile(line.residuals, 0.5),
               r90 = quantile(line.residuals, 0.9);
  // Flink reports whole milliseconds: a spread of up to 2 ms is its rounding.
  if (r90 - r10 < std::max(2000.0, 0.02 * quantile(line.e2e, 0.5))) {
    words = fmt::format("no storage.jitter: the residuals' p10..p90 ({}) are negligible",
                        human_duration(std::llround(r90 - r10)));
    return 0;
  }
  std::vector<int64_t> uploads;
  for (const CalibratedOperator& op : cal.operators)
    for (int64_t i = 0; i < op.parallelism && op.state_mean > 0; ++i)
      uploads.push_back(std::llround(op.state_mean * op.incremental.value));
  const double bytes_per_us = std::isinf(cal.bandwidth.value) ? kUnlimited : cal.bandwidth.value / 1e6;
  const auto j = analysis::fit_upload_jitter(r10, r50, r90, uploads, bytes_per_us, seed);
  if (!j) {
    words = "no storage.jitter: the residuals do not spread above their median";
    return 0;
  }
  cal.jitter = Noted<std::pair<Duration, double>>{
      {std::llround(three_significant(j->median_us)), j->sigma},
      fmt::format("per upload, from the residuals of that line: p10/p50/p90 {}/{}/{}; with {} uploads "
                  "sharing the bandwidth a checkpoint ends {}/{}/{} later (fit error at p10: {})",
                  human_duration(std::llround(r10)), human_duration(std::llround(r50)),
                  human_duration(std::llround(r90)), uploads.size(), human_duration(std::llround(j->e10_us)),
                  human_duration(std::llround(j->e50_us)), human_duration(std::llround(j->e90_us)),
                  human_duration(std::llround(j->p10_error_us)))};
  return j->shift_us;
}

// storage.latency: the line's intercept, less the jitter's median and what the scenario models
// on its own (trigger latency, the longest sync phase). A latency cannot be negative: when it
// would be, it is 0 and the bandwidth is refitted through the line at the median size, so that
// the median checkpoint still takes as long as the history's.
void fit_storage(const rest::RestCheckpoints& cps, const SizeSummary& sizes, uint64_t seed, Calibration& cal) {
  const Line line = fit_line(cps, sizes, cal);
  const double fixed = static_cast<double>(cal.trigger_latency.value);
  double max_sync = 0;
  std::string sync_from;
  for (const CalibratedOperator& op : cal.operators)
    if (static_cast<double>(op.sync_phase.value) > max_sync) {
      max_sync = static_cast<double>(op.sync_phase.value);
      sync_from = op.name;
    }
  std::string words;
  const double shift = fit_jitter(line, seed, cal, words);
  const double latency = line.intercept + shift - fixed - max_sync;
  std::string note = line.identifiable
                         ? fmt::format("the line's intercept {}", human_duration(std::llround(line.intercept)))
                         : fmt::format("the median end_to_end_duration {} {}",
                                       human_duration(std::llround(line.intercept)), sizes.checkpoints);
  if (shift != 0)
    note += fmt::format(" {} {} (what the jitter adds at the median)", shift < 0 ? "-" : "+",
                        human_duration(std::llround(std::fabs(shift))));
  if (fixed > 0) note += fmt::format(" - trigger_latency {}", human_duration(cal.trigger_latency.value));
  if (max_sync > 0)
    note += fmt::format(" - the longest sync_phase {} ({})", human_duration(std::llround(max_sync)), sync_from);
  if (line.identifiable)
    note += fmt::format("; fit error: residuals' robust stddev {}",
                        human_duration(std::llround(analysis::robust_stddev(line.residuals))));
  if (!words.empty()) note += "; " + words;
  const double upload_us = line.identifiable ? sizes.uploaded_median / cal.bandwidth.value * 1e6 : 0;
  if (latency < 0 && line.identifiable && upload_us + latency > 0) {
    const double refit = sizes.uploaded_median / ((upload_us + latency) / 1e6);
    note += fmt::format("; below 0 ({}), so 0", human_duration(std::llround(latency)));
    cal.bandwidth.note = fmt::format("the median upload {} over the line's time for it less the latency "
                                     "that cannot be negative ({}/s before: {})",
                                     human_bytes(sizes.uploaded_median), human_bytes(cal.bandwidth.value),
                                     cal.bandwidth.note);
    cal.bandwidth.value = refit;
    cal.bandwidth_refitted = true;
  } else if (latency < 0) {
    note += "; below 0, so 0";
  }
  cal.latency = {std::max<Duration>(0, std::llround(three_significant(latency))), note};
  cal.bandwidth.value = three_significant(cal.bandwidth.value);
}

void place_in_time(Calibration& cal) {
  Duration max_e2e = 0;
  for (const ObservedCheckpoint& o : cal.observed) max_e2e = std::max(max_e2e, o.end_to_end);
  cal.span = cal.observed.empty() ? 0 : cal.observed.back().trigger;
  const Duration tail = std::min(std::max(cal.interval.value, 2 * max_e2e), cal.timeout.value + cal.interval.value);
  const Duration d = (cal.span + tail + kSecond - 1) / kSecond * kSecond;
  cal.duration = {d, fmt::format("the span the history covers: {} triggers at 0 and {} at {}, then {} "
                                 "for the last to finish; raise it for what-ifs (--set duration=6h)",
                                 cal.observed.empty() ? 0 : cal.observed.front().id,
                                 cal.observed.empty() ? 0 : cal.observed.back().id, human_duration(cal.span),
                                 human_duration(d - cal.span))};
}

}  // namespace

double three_significant(double v) {
  if (!(v > 0) || std::isinf(v)) return v;
  int64_t n = std::llround(v), scale = 1;
  for (int64_t m = n; m >= 1000; m /= 10) scale *= 10;
  return static_cast<double>((n + scale / 2) / scale * scale);
}

std::string short_duration(double us) {
  if (std::llround(us) <= 0) return "0ms";
  static const std::pair<int64_t, const char*> kUnits[] = {
      {1, "us"}, {1000, "ms"}, {1000000, "s"}, {60000000, "min"}, {3600000000, "h"}};
  return three_digits(us, kUnits);
}

std::string short_size(double bytes) {
  static const std::pair<int64_t, const char*> kUnits[] = {
      {1, "B"}, {1000, "KB"}, {1000000, "MB"}, {1000000000, "GB"}, {1000000000000, "TB"}};
  return three_digits(bytes, kUnits);
}

Calibration calibrate(const CalibrationInputs& in) {
  Calibration cal;
  cal.seed = in.seed;
  const rest::RestCheckpoints& cps = in.checkpoints;
  cal.observed = observe(cps);
  std::vector<ObservedCheckpoint> completed;
  for (const ObservedCheckpoint& o : cal.observed)
    if (o.status == rest::RestStatus::COMPLETED) completed.push_back(o);
  if (completed.empty())
    throw rest::RestError(fmt::format(
        "{}: history: no COMPLETED checkpoint (of {} entries) to calibrate from; save the response "
        "once the job has completed a checkpoint", cps.file, cps.history.size()));
  const SizeSummary sizes = summarise_sizes(cps, completed);
  read_config(in, cal.observed, cal);
  build_graph(in, sizes, cal);
  fit_storage(cps, sizes, in.seed, cal);
  cal.download_bandwidth = {cal.bandwidth.value, "guess: a restore reads at the fitted storage bandwidth"};
  cal.deploy = {0, "guess: the responses do not tell the time to deploy after a restore"};
  cal.restart_note = "guess: the responses do not tell the restart strategy; Flink 1.19+'s default "
                     "with checkpointing";
  place_in_time(cal);

  cal.name = in.job && !in.job->name.empty() ? in.job->name : "calibrated-job";
  cal.description = fmt::format("Calibrated by ckptsim calibrate from the REST responses of {} over {}",
                                in.job && !in.job->jid.empty() ? "job " + in.job->jid : "a Flink job",
                                id_range(cal.observed));
  cal.header.push_back(fmt::format("checkpoints: {}, shape of {}", cps.file, cps.shape()));
  if (cps.counts && cps.counts->total > static_cast<int64_t>(cps.history.size()))
    cal.header.push_back(fmt::format("  its history holds the last {} of {} checkpoints "
                                     "(web.checkpoints.history); the job restored {} time{}",
                                     cps.history.size(), cps.counts->total, cps.counts->restored,
                                     cps.counts->restored == 1 ? "" : "s"));
  size_t savepoints = 0;
  for (const rest::RestCheckpoint& c : cps.history) savepoints += c.is_savepoint;
  if (savepoints > 0)
    cal.header.push_back(fmt::format("  {} savepoint(s) left out: they are not periodic checkpoints", savepoints));
  if (in.config) cal.header.push_back(fmt::format("config: {}", in.config->file));
  if (in.job) cal.header.push_back(fmt::format("job: {} ({})", in.job->file, in.job->endpoint));
  for (const SubtaskInput& s : in.subtasks)
    cal.header.push_back(fmt::format("subtasks: {}{}", s.details.file,
                                     s.details.checkpoint_id ? fmt::format(" (checkpoint {})", *s.details.checkpoint_id) : ""));
  return cal;
}

}  // namespace ckptsim::cli
