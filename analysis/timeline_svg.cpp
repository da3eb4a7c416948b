#include "analysis/timeline_svg.hpp"

#include <algorithm>
#include <cmath>
#include <type_traits>

#include <fmt/format.h>

#include "analysis/json_util.hpp"
#include "analysis/table.hpp"
#include "sim/units.hpp"
namespace ckptsim::analysis {

namespace ev = model::events;

namespace {

constexpr double kX0 = 90;  // left edge of the time axis
constexpr int kWidth = 90 + TimelineSvg::kPlotWidth + 30;

constexpr const char* kOutcomeColor[4] = {"#2ca02c", "#d62728", "#9a9a9a", "#1f77b4"};
constexpr const char* kOutcomeName[4] = {"completed", "expired", "failed (other)", "in progress"};
constexpr const char* kMarkerColor[TimelineSvg::kMarkerKinds] = {
    "#7b3fb5", "#ff7f0e", "#000000", "#000000", "#8c564b", "#17becf", "#d62728"};
constexpr const char* kMarkerName[TimelineSvg::kMarkerKinds] = {
    "patch (200)", "patch (rejected)", "failover", "JobManager failover", "load change",
    "storage change", "job FAILED"};

std::string f1(double v) { return fmt::format("{:.1f}", v); }

struct AxisUnit {
  const char* name;
  double us;
};

AxisUnit axis_unit(sim::Duration d) {
  if (d <= 2 * sim::kMinute) return {"s", 1e6};
  if (d <= 2 * sim::kHour) return {"min", 60e6};
  if (d <= 3 * sim::kDay) return {"h", 3600e6};
  return {"d", 86400e6};
}

}  // namespace

TimelineSvg::TimelineSvg(std::string name, uint64_t seed, sim::Duration duration)
    : name_(std::move(name)), seed_(seed), duration_(duration),
      failure_px_(kPlotWidth + 1, 0), marker_px_(kPlotWidth + 1, 0) {}

TimelineSvg::TimelineSvg(const model::Scenario& s) : TimelineSvg(s.name, s.seed, s.duration) {}

sim::Time TimelineSvg::end() const { return std::max<sim::Time>({duration_, last_at_, 1}); }

int TimelineSvg::pixel(sim::Time t) const {
  const double x = static_cast<double>(std::clamp<sim::Time>(t, 0, end())) * kPlotWidth /
                   static_cast<double>(end());
  return std::clamp(static_cast<int>(x), 0, kPlotWidth);
}

int TimelineSvg::bin_of(sim::Time t) const {
  // Bins over [0, duration): fixed from the start, so binning never depends on what came later.
  const sim::Time span = std::max<sim::Time>(duration_, 1);
  const auto b = static_cast<int64_t>(static_cast<__int128>(std::clamp<sim::Time>(t, 0, span - 1)) *
                                      kBins / span);
  return static_cast<int>(std::clamp<int64_t>(b, 0, kBins - 1));
}

void TimelineSvg::add_to_bin(sim::Time trigger, Outcome o, sim::Duration duration,
                             sim::Duration timeout) {
  Bin& b = bins_[bin_of(trigger)];
  ++b.count[o];
  if (o != in_progress) {
    b.max_duration = std::max(b.max_duration, duration);
    b.max_timeout = std::max(b.max_timeout, timeout);
  }
}

void TimelineSvg::switch_to_bins() {
  binned_ = true;
  bins_.assign(kBins, Bin{});
  for (const Bar& b : bars_)
    if (b.end >= 0) add_to_bin(b.trigger, b.outcome, b.end - b.trigger, b.deadline - b.trigger);
  bars_.clear();
  bars_.shrink_to_fit();
}

void TimelineSvg::mark(MarkerKind k, sim::Time at, std::string label) {
  marker_px_[pixel(at)] |= static_cast<uint8_t>(1u << k);
  ++marker_count_[k];
  if (labels_[k].size() < kMaxLabels) labels_[k].push_back({at, std::move(label)});
}

void TimelineSvg::on_event(const model::DomainEvent& e) {
  last_at_ = std::max(last_at_, e.at);
  const sim::Time at = e.at;
  std::visit(
      [&](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, ev::CheckpointCreated>) {
          ++total_;
          if (!binned_ && bars_.size() >= kMaxBars) switch_to_bins();
          Pending p{at, b.timeout, 0};
          if (!binned_) {
            p.bar = bars_.size();
            bars_.push_back({b.id, at, -1, b.deadline, b.deadline, in_progress, false,
                             model::FailureReason::CHECKPOINT_EXPIRED});
          }
          pending_[b.id] = p;
        } else if constexpr (std::is_same_v<T, ev::CheckpointRearmed>) {
          auto it = pending_.find(b.id);
          if (it != pending_.end() && !binned_) bars_[it->second.bar].deadline = b.deadline;
        } else if constexpr (std::is_same_v<T, ev::CheckpointCompleted> ||
                             std::is_same_v<T, ev::CheckpointFailed>) {
          Outcome o = completed;
          bool rescued = false;
          model::FailureReason reason = model::FailureReason::CHECKPOINT_EXPIRED;
          if constexpr (std::is_same_v<T, ev::CheckpointCompleted>) {
            rescued = b.rescued;
            rescued_ += rescued;
          } else {
            reason = b.reason;
            o = b.reason == model::FailureReason::CHECKPOINT_EXPIRED ? expired : other_failure;
            failure_px_[pixel(at)] |= o == expired ? 1 : 2;
          }
          ++totals_[o];
          auto it = pending_.find(b.id);
          if (it == pending_.end()) return;  // created before we attached
          if (binned_) {
            add_to_bin(it->second.trigger, o, at - it->second.trigger, it->second.timeout);
          } else {
            Bar& bar = bars_[it->second.bar];
            bar.end = at;
            bar.outcome = o;
            bar.rescued = rescued;
            bar.reason = reason;
            bar.deadline = b.deadline;
          }
          pending_.erase(it);
        } else if constexpr (std::is_same_v<T, ev::PatchAnswered>) {
          std::string label = fmt::format("PATCH {}", b.status);
          for (const auto& f : b.body) label += fmt::format(" {}={}", f.key, f.value);
          mark(b.status == 200 ? patch_ok : patch_rejected, at, std::move(label));
        } else if constexpr (std::is_same_v<T, ev::FailoverStarted>) {
          // A failure that begins no restart (merged into the pending one, or the job FAILED)
          // is marked and said so: it is no failover in the metrics.
          const char* what = b.begins_restart ? "" : b.restart_delay < 0 ? ", job FAILED" : ", merged into the pending restart";
          if (b.cause == model::FailoverCause::jobmanager)
            mark(jm_failover, at, fmt::format("JM failover{}", what));
          else
            mark(failover, at, fmt::format("failover ({}){}", model::to_string(b.cause), what));
        } else if constexpr (std::is_same_v<T, ev::LoadChanged>) {
          std::string label = fmt::format("load {}", b.operator_name);
          if (b.subtask >= 0) label += fmt::format("[{}]", b.subtask);
          if (b.rate >= 0) label += " rate " + human_bytes(b.rate) + "/s";
          if (b.capacity >= 0) label += " capacity " + human_bytes(b.capacity) + "/s";
          mark(load, at, std::move(label));
        } else if constexpr (std::is_same_v<T, ev::StorageChanged>) {
          mark(storage, at, "storage " + human_bytes(b.bandwidth) + "/s");
        } else if constexpr (std::is_same_v<T, ev::JobStatusChanged>) {
          if (b.status == model::JobStatus::FAILED) mark(job_failed, at, "job FAILED");
        }
      },
      e.body);
}

// --- the picture, layer by layer --------------------------------------------------------

namespace {
constexpr double kTop = 58;  // top of the checkpoint panel
constexpr double kLaneH = 16, kBarH = 11, kHistH = 150, kDurH = 60, kRowH = 16;
constexpr int kRows = 4;  // marker rows: patches, failovers, load/storage, job

// The marker row of each kind.
int row_of(int k) {
  switch (k) {
    case TimelineSvg::patch_ok:
    case TimelineSvg::patch_rejected: return 0;
    case TimelineSvg::failover:
    case TimelineSvg::jm_failover: return 1;
    case TimelineSvg::load:
    case TimelineSvg::storage: return 2;
    default: return 3;
  }
}

// A marker's shape at (x, y): a triangle for failovers and the job failing, a diamond otherwise.
std::string marker_shape(int k, double x, double y) {
  if (k == TimelineSvg::failover || k == TimelineSvg::jm_failover || k == TimelineSvg::job_failed)
    return fmt::format("<path d=\"M{} {} l4 10 h-8 z\" fill=\"{}\"/>", f1(x), f1(y),
                       k == TimelineSvg::jm_failover ? "#ffffff\" stroke=\"#000000" : kMarkerColor[k]);
  return fmt::format("<path d=\"M{} {} l4 6 l-4 6 l-4 -6 z\" fill=\"{}\"/>", f1(x), f1(y), kMarkerColor[k]);
}
}  // namespace

double TimelineSvg::x_of(sim::Time t) const {
  const sim::Time T = end();
  return kX0 + static_cast<double>(std::clamp<sim::Time>(t, 0, T)) * kPlotWidth / static_cast<double>(T);
}

// Greedy lanes for the bars; a new checkpoint prefers the lane after the previous one, so
// back-to-back checkpoints alternate and stay distinguishable. Then the heights of the rows.
TimelineSvg::Layout TimelineSvg::layout() const {
  Layout l;
  if (!binned_) {
    std::vector<sim::Time> lane_end{-1, -1};
    int prev = -1;
    constexpr int kMaxLanes = 12;
    for (const Bar& b : bars_) {
      const int n = static_cast<int>(lane_end.size());
      int pick = -1;
      for (int k = 1; k <= n && pick < 0; ++k) {
        int lane = (prev + k) % n;
        if (lane_end[lane] < b.trigger) pick = lane;
      }
      if (pick < 0 && n < kMaxLanes) {
        pick = n;
        lane_end.push_back(-1);
      }
      if (pick < 0) pick = static_cast<int>(std::min_element(lane_end.begin(), lane_end.end()) - lane_end.begin());
      lane_end[pick] = b.end >= 0 ? b.end : end();
      l.lane_of.push_back(pick);
      prev = pick;
    }
    l.lanes = static_cast<int>(lane_end.size());
  }
  const double panel_h = binned_ ? kHistH + 18 + kDurH : l.lanes * kLaneH;
  l.fail_y = kTop + panel_h + 10;
  l.marker_y = l.fail_y + 24;
  l.axis_y = l.marker_y + kRows * kRowH + 6;
  l.legend_y = l.axis_y + 44;
  l.height = l.legend_y + 40;
  return l;
}

void TimelineSvg::write(std::ostream& os) const {
  const Layout l = layout();
  std::string o;
  write_title(o, l);
  write_guides(o, l);
  o += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#333\">checkpoints</text>\n",
                   kX0 - 8, f1(kTop + 12));
  if (binned_) {
    std::vector<Bin> bins = bins_;
    for (const auto& [id, p] : pending_) ++bins[bin_of(p.trigger)].count[in_progress];
    write_histogram(o, bins);
    write_longest(o, bins);
  } else {
    write_bars(o, l);
  }
  write_failures(o, l);
  write_markers(o, l);
  write_axis(o, l);
  write_legend(o, l);
  o += "</svg>\n";
  os << o;
}

// The svg element, the background, the scenario's name and the run in one line.
void TimelineSvg::write_title(std::string& o, const Layout& l) const {
  o += fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" "
      "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"11\">\n",
      kWidth, f1(l.height), kWidth, f1(l.height));
  o += fmt::format("<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n", kWidth,
                   f1(l.height));
  o += fmt::format("<text x=\"{}\" y=\"20\" font-size=\"15\" font-weight=\"bold\">{}</text>\n", kX0,
                   json::xml_escape(name_.empty() ? "ckptsim run" : name_));
  std::string sub = fmt::format(
      "seed {}, {} simulated; {} checkpoints: {} completed ({} rescued), {} expired, {} other "
      "failures, {} in progress",
      seed_, human_duration(duration_), total_, totals_[completed], rescued_, totals_[expired],
      totals_[other_failure], static_cast<int64_t>(pending_.size()));
  if (binned_)
    sub += fmt::format("; binned by trigger time, {} per bin", human_duration(std::max<sim::Time>(duration_, 1) / kBins));
  o += fmt::format("<text x=\"{}\" y=\"38\" fill=\"#444\">{}</text>\n", kX0, json::xml_escape(sub));
}

// Light vertical guides for patches and failovers across the checkpoint panel, only for kinds
// few enough to label: numerous markers would hide the checkpoints.
void TimelineSvg::write_guides(std::string& o, const Layout& l) const {
  uint8_t few = 0;
  for (int k = 0; k < kMarkerKinds; ++k)
    if (marker_count_[k] <= static_cast<int64_t>(kMaxLabels)) few |= static_cast<uint8_t>(1u << k);
  std::string guides;
  for (int px = 0; px <= kPlotWidth; ++px) {
    const uint8_t bits = marker_px_[px] & few;
    if (!bits) continue;
    const char* color = nullptr;
    if (bits & (1u << failover | 1u << jm_failover | 1u << job_failed)) color = "#000000";
    else if (bits & (1u << patch_ok | 1u << patch_rejected)) color = kMarkerColor[patch_ok];
    if (!color) continue;
    guides += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"{3}\"/>\n",
                          f1(kX0 + px + 0.5), f1(kTop - 4), f1(l.marker_y + kRows * kRowH), color);
  }
  if (!guides.empty())
    o += "<g stroke-width=\"1\" stroke-dasharray=\"2,3\" opacity=\"0.35\">\n" + guides + "</g>\n";
}

// One bar per checkpoint in its lane, with its id, its deadline and, when a patch moved it, its
// original deadline.
void TimelineSvg::write_bars(std::string& o, const Layout& l) const {
  const sim::Time T = end();
  for (int lane = 0; lane < l.lanes; ++lane)
    if (lane % 2 == 1)
      o += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#f4f4f4\"/>\n",
                       f1(kX0), f1(kTop + lane * kLaneH), kPlotWidth, f1(kLaneH));
  for (size_t i = 0; i < bars_.size(); ++i) {
    const Bar& b = bars_[i];
    const double y = kTop + l.lane_of[i] * kLaneH + (kLaneH - kBarH) / 2;
    const sim::Time bend = b.end >= 0 ? b.end : T;
    const double x = x_of(b.trigger);
    const double w = std::max(1.0, x_of(bend) - x);
    std::string status = b.end < 0 ? "IN_PROGRESS"
                         : b.outcome == completed ? (b.rescued ? "COMPLETED (rescued)" : "COMPLETED")
                                                  : fmt::format("FAILED {}", model::to_string(b.reason));
    o += fmt::format(
        "<g><title>checkpoint {}: {}, trigger {}, {} long, deadline {}</title>"
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"{}/>",
        b.id, status, human_duration(b.trigger), human_duration(bend - b.trigger),
        human_duration(b.deadline), f1(x), f1(y), f1(w), f1(kBarH), kOutcomeColor[b.outcome],
        b.rescued ? " stroke=\"#0b4d0b\" stroke-width=\"2\"" : "");
    const std::string id = fmt::format("{}", b.id);
    if (w >= 6.5 * static_cast<double>(id.size()) + 4)
      o += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"9\" fill=\"#fff\">{}</text>", f1(x + 2),
                       f1(y + kBarH - 2), id);
    if (b.original_deadline != b.deadline && b.original_deadline <= T)
      o += fmt::format(
          "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#555\" stroke-width=\"1.5\" "
          "stroke-dasharray=\"2,1\"/>",
          f1(x_of(b.original_deadline)), f1(y - 2), f1(y + kBarH + 2));
    if (b.deadline <= T)
      o += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#111\" stroke-width=\"1.5\"/>",
                       f1(x_of(b.deadline)), f1(y - 2), f1(y + kBarH + 2));
    o += "</g>\n";
  }
}

// Binned: the checkpoints triggered in each bin, stacked by outcome.
void TimelineSvg::write_histogram(std::string& o, const std::vector<Bin>& bins) const {
  int64_t max_count = 1;
  for (const Bin& b : bins) max_count = std::max(max_count, b.count[0] + b.count[1] + b.count[2] + b.count[3]);
  const double bw = static_cast<double>(kPlotWidth) / kBins;
  const double base = kTop + kHistH;
  o += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#ccc\"/>\n", f1(kX0),
                   f1(kTop), f1(kX0 + kPlotWidth), f1(kTop));
  o += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"9\" fill=\"#666\">{} / bin</text>\n",
                   kX0 - 8, f1(kTop + 26), max_count);
  for (int i = 0; i < kBins; ++i) {
    const Bin& b = bins[i];
    if (b.count[0] + b.count[1] + b.count[2] + b.count[3] == 0) continue;
    const double x = kX0 + i * bw;
    o += fmt::format("<g><title>{} to {}: {} completed, {} expired, {} other failures, {} in progress</title>",
                     human_duration(std::max<sim::Time>(duration_, 1) * i / kBins),
                     human_duration(std::max<sim::Time>(duration_, 1) * (i + 1) / kBins),
                     b.count[0], b.count[1], b.count[2], b.count[3]);
    double y = base;
    for (int k = 0; k < 4; ++k) {
      if (!b.count[k]) continue;
      const double h = std::max(1.0, kHistH * static_cast<double>(b.count[k]) / static_cast<double>(max_count));
      y -= h;
      o += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>", f1(x),
                       f1(y), f1(std::max(1.0, bw - 0.6)), f1(h), kOutcomeColor[k]);
    }
    o += "</g>\n";
  }
}

// Binned: the longest checkpoint per bin against the longest timeout (the deadline) read there.
void TimelineSvg::write_longest(std::string& o, const std::vector<Bin>& bins) const {
  sim::Duration max_dur = 1;
  for (const Bin& b : bins) max_dur = std::max({max_dur, b.max_duration, b.max_timeout});
  const double bw = static_cast<double>(kPlotWidth) / kBins;
  const double dtop = kTop + kHistH + 18, dbase = dtop + kDurH;
  o += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#333\">longest</text>\n",
                   kX0 - 8, f1(dtop + 12));
  o += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"9\" fill=\"#666\">{}</text>\n",
                   kX0 - 8, f1(dtop + 26), json::xml_escape(human_duration(max_dur)));
  o += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#ccc\"/>\n", f1(kX0),
                   f1(dbase), f1(kX0 + kPlotWidth), f1(dbase));
  for (int i = 0; i < kBins; ++i) {
    const Bin& b = bins[i];
    if (b.max_duration <= 0 && b.max_timeout <= 0) continue;
    const double x = kX0 + i * bw;
    const double h = kDurH * static_cast<double>(b.max_duration) / static_cast<double>(max_dur);
    const bool over = b.max_duration >= b.max_timeout && b.max_timeout > 0;
    o += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>", f1(x),
                     f1(dbase - h), f1(std::max(1.0, bw - 0.6)), f1(std::max(0.5, h)),
                     over ? "#e08080" : "#7a8a9a");
    if (b.max_timeout > 0) {
      const double ty = dbase - kDurH * static_cast<double>(b.max_timeout) / static_cast<double>(max_dur);
      o += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#111\" stroke-width=\"1.5\"/>",
                       f1(x), f1(ty), f1(x + bw), f1(ty));
    }
    o += "\n";
  }
}

// Every failure, at pixel resolution.
void TimelineSvg::write_failures(std::string& o, const Layout& l) const {
  o += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#333\">failures</text>\n",
                   kX0 - 8, f1(l.fail_y + 10));
  o += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"14\" fill=\"#fafafa\" stroke=\"#e4e4e4\"/>\n",
                   f1(kX0), f1(l.fail_y), kPlotWidth);
  for (int px = 0; px <= kPlotWidth; ++px) {
    const uint8_t f = failure_px_[px];
    if (!f) continue;
    o += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"{3}\" stroke-width=\"1.2\"/>\n",
                     f1(kX0 + px + 0.5), f1(l.fail_y + 1), f1(l.fail_y + 13),
                     (f & 1) ? kOutcomeColor[expired] : kOutcomeColor[other_failure]);
  }
}

// The marker rows: each kind labelled while it has few markers, else one tick per pixel.
void TimelineSvg::write_markers(std::string& o, const Layout& l) const {
  const char* row_name[kRows] = {"patches", "failovers", "load, storage", "job"};
  for (int r = 0; r < kRows; ++r) {
    const double y = l.marker_y + r * kRowH;
    o += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#333\">{}</text>\n", kX0 - 8,
                     f1(y + 11), row_name[r]);
    if (r % 2 == 0)
      o += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#f7f7f7\"/>\n", f1(kX0),
                       f1(y), kPlotWidth, f1(kRowH));
  }
  std::array<double, kRows> label_end;
  label_end.fill(-1);
  for (int k = 0; k < kMarkerKinds; ++k) {
    const double y = l.marker_y + row_of(k) * kRowH;
    if (marker_count_[k] > static_cast<int64_t>(labels_[k].size())) {
      for (int px = 0; px <= kPlotWidth; ++px)
        if (marker_px_[px] & (1u << k))
          o += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"{3}\"/>\n",
                           f1(kX0 + px + 0.5), f1(y + 2), f1(y + kRowH - 2), kMarkerColor[k]);
      continue;
    }
    for (const Marker& m : labels_[k]) {
      const double x = x_of(m.at);
      o += fmt::format("<g><title>{} at {}</title>", json::xml_escape(m.label), json::xml_escape(human_duration(m.at)));
      o += marker_shape(k, x, y + 2);
      const double est = 5.6 * static_cast<double>(m.label.size());
      double& le = label_end[row_of(k)];
      if (x + 6 > le && x + 6 + est < kX0 + kPlotWidth + 25) {
        o += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"10\" fill=\"{}\">{}</text>", f1(x + 6),
                         f1(y + 11), kMarkerColor[k], json::xml_escape(m.label));
        le = x + 6 + est + 4;
      }
      o += "</g>\n";
    }
  }
}

// The time axis: at most 12 ticks at a round step of the unit that suits the run's length.
void TimelineSvg::write_axis(std::string& o, const Layout& l) const {
  const AxisUnit u = axis_unit(end());
  const double span = static_cast<double>(end()) / u.us;
  static constexpr double kSteps[] = {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2,
                                      5,     10,    15,    20,   30,   60,   120, 240, 500, 1000};
  double step = kSteps[std::size(kSteps) - 1];
  for (double s : kSteps)
    if (span / s <= 12) {
      step = s;
      break;
    }
  const double xr = kX0 + kPlotWidth;
  o += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#333\"/>\n", f1(kX0),
                   f1(l.axis_y), f1(xr), f1(l.axis_y));
  for (int i = 0;; ++i) {
    const double v = step * i;
    if (v > span + 1e-9) break;
    const double x = kX0 + v / span * kPlotWidth;
    o += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#333\"/>"
                     "<text x=\"{0}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>\n",
                     f1(x), f1(l.axis_y), f1(l.axis_y + 5), f1(l.axis_y + 17), fmt::format("{:g}", v));
  }
  o += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#333\">time ({})</text>\n",
                   f1(xr), f1(l.axis_y + 32), u.name);
}

// Two lines: the outcomes and deadlines, then the markers.
void TimelineSvg::write_legend(std::string& o, const Layout& l) const {
  double lx = kX0;
  const double ly = l.legend_y;
  auto swatch = [&](const std::string& shape, const char* label) {
    o += shape;
    o += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>\n", f1(lx + 16), f1(ly + 10), label);
    lx += 16 + 6.2 * static_cast<double>(std::string_view(label).size()) + 18;
  };
  for (int k = 0; k < 4; ++k)
    swatch(fmt::format("<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"10\" fill=\"{}\"/>", f1(lx),
                       f1(ly + 1), kOutcomeColor[k]),
           kOutcomeName[k]);
  swatch(fmt::format("<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"10\" fill=\"{}\" stroke=\"#0b4d0b\" stroke-width=\"2\"/>",
                     f1(lx), f1(ly + 1), kOutcomeColor[completed]),
         "rescued");
  swatch(fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#111\" stroke-width=\"1.5\"/>",
                     f1(lx + 6), f1(ly - 1), f1(ly + 12)),
         binned_ ? "longest timeout (deadline)" : "deadline");
  if (!binned_)
    swatch(fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#555\" stroke-width=\"1.5\" stroke-dasharray=\"2,1\"/>",
                       f1(lx + 6), f1(ly - 1), f1(ly + 12)),
           "original deadline");
  lx = kX0;
  const double ly2 = ly + 18;
  for (int k : {int(patch_ok), int(patch_rejected), int(failover), int(jm_failover), int(load),
                int(storage)}) {
    const bool tri = k == failover || k == jm_failover;
    o += marker_shape(k, lx + 6, tri ? ly2 + 1 : ly2);
    o += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>\n", f1(lx + 16), f1(ly2 + 10), kMarkerName[k]);
    lx += 16 + 6.2 * static_cast<double>(std::string_view(kMarkerName[k]).size()) + 18;
  }
}

}  // namespace ckptsim::analysis
