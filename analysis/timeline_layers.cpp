// timeline.svg's drawing, layer by layer from the top of the page down: the title, the
// checkpoints (bars or bins), the failures, the marker rows, the time axis, the update
// windows' panels and the legend. Shapes go to two strings (the back one under the other),
// every text to one svg::Page, written last, on top.
#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>

#include "analysis/json_util.hpp"
#include "analysis/table.hpp"
#include "analysis/timeline_svg.hpp"
#include "sim/units.hpp"

namespace ckptsim::analysis {

namespace {

constexpr double kX0 = 90;  // left edge of the time axis
constexpr double kWidth = 90 + TimelineSvg::kPlotWidth + 50;  // the right margin holds scales
constexpr double kXR = kX0 + TimelineSvg::kPlotWidth;
constexpr double kLaneH = 16, kBarH = 11, kHistH = 150, kDurH = 60, kRowH = 16, kTierH = 12;
constexpr int kTiers = 3;

constexpr const char* kOutcomeColor[4] = {"#2ca02c", "#d62728", "#9a9a9a", "#1f77b4"};
constexpr const char* kOutcomeName[4] = {"completed", "expired", "failed (other)", "in progress"};
constexpr const char* kMarkerColor[TimelineSvg::kMarkerKinds] = {
    "#7b3fb5", "#ff7f0e", "#e7298a", "#000000", "#000000", "#8c564b", "#17becf", "#d62728"};
constexpr const char* kMarkerName[TimelineSvg::kMarkerKinds] = {
    "patch (200)", "patch (rejected)", "torn read", "failover", "JobManager failover",
    "load change", "storage change", "job FAILED"};
constexpr const char* kOriginalDeadline = "#b35806";
constexpr const char* kTornBand = "#e7298a";
constexpr const char* kInterleavedBand = "#7b3fb5";

// The marker rows, top to bottom, and the kinds on each.
struct MarkerRow {
  const char* name;
  std::vector<int> kinds;
};
const std::vector<MarkerRow>& marker_rows() {
  using T = TimelineSvg;
  static const std::vector<MarkerRow> rows{{"patches", {T::patch_ok, T::patch_rejected}},
                                           {"torn reads", {T::torn_read}},
                                           {"failovers", {T::failover, T::jm_failover}},
                                           {"load, storage", {T::load, T::storage}},
                                           {"job", {T::job_failed}}};
  return rows;
}

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

// A marker's shape at (x, y): a triangle for failovers and the job failing, a diamond otherwise.
std::string marker_shape(int k, double x, double y) {
  if (k == TimelineSvg::failover || k == TimelineSvg::jm_failover || k == TimelineSvg::job_failed)
    return fmt::format("<path d=\"M{} {} l4 10 h-8 z\" fill=\"{}\"/>", f1(x), f1(y),
                       k == TimelineSvg::jm_failover ? "#ffffff\" stroke=\"#000000" : kMarkerColor[k]);
  return fmt::format("<path d=\"M{} {} l4 6 l-4 6 l-4 -6 z\" fill=\"{}\"/>", f1(x), f1(y), kMarkerColor[k]);
}

std::string vline(double x, double y0, double y1, const char* stroke, double width, const char* extra = "") {
  return fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"{3}\" stroke-width=\"{4:g}\"{5}/>",
                     f1(x), f1(y0), f1(y1), stroke, width, extra);
}

// Splits a line at "; " into lines that fit `width` px.
std::vector<std::string> wrap(const std::string& text, double size, double width) {
  std::vector<std::string> lines{""};
  size_t start = 0;
  while (start <= text.size()) {
    size_t cut = text.find("; ", start);
    const std::string part = text.substr(start, cut == std::string::npos ? std::string::npos : cut - start);
    const std::string joined = lines.back().empty() ? part : lines.back() + "; " + part;
    if (lines.back().empty() || svg::text_width(joined, size) <= width) lines.back() = joined;
    else lines.push_back(part);
    if (cut == std::string::npos) break;
    start = cut + 2;
  }
  for (auto& l : lines) l = svg::fit(l, size, width);
  return lines;
}

}  // namespace

struct TimelineSvg::Canvas {
  std::string back, shapes;
  svg::Page page{kWidth};
  double y = 0;
  std::vector<double> row_y;  // the top of each marker row of the panel being drawn
  int64_t hidden_deadlines = 0;
  bool moved_deadline = false;
};

double TimelineSvg::Span::x(sim::Time t) const {
  return kX0 + static_cast<double>(std::clamp<sim::Time>(t, from, to) - from) * kPlotWidth /
                   static_cast<double>(to - from);
}

void TimelineSvg::write(std::ostream& os) const {
  const Span run{begin(), end()};
  Canvas c;
  write_title(c);
  c.y += windows_.any() ? 20 : 12;  // room for the windows' names over the panel
  const double top = c.y;
  c.page.place({kX0 - 8, c.y + 12, "checkpoints", 11, svg::Anchor::end, "#333"});
  if (binned_) {
    std::vector<Bin> bins = bins_;
    for (const auto& [id, p] : pending_) ++bins[bin_of(p.trigger)].count[in_progress];
    write_histogram(c, bins);
    write_longest(c, bins);
  } else {
    write_bars(c, run);
  }
  write_failures(c, run, false);
  write_bands(c, run, top, c.y);
  if (binned_ && first_notable_ >= 0 && !bars_.empty()) {
    // The detail's span on the overview.
    const Span d = detail_span();
    c.back += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#555\" "
                          "stroke-dasharray=\"3,2\"/>\n", f1(run.x(d.from)), f1(top - 3),
                          f1(std::max(2.0, run.x(d.to) - run.x(d.from))), f1(c.y - top));
  }
  write_markers(c, run, true);
  write_guides(c, run, top - 4);
  write_axis(c, run);
  if (binned_ && first_notable_ >= 0 && !bars_.empty()) write_detail(c);
  c.y += windows_.write_panels(c.shapes, c.page, kX0, kPlotWidth, c.y);
  write_legend(c);
  const double height = c.y + 8;
  std::string o = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"{2}\" font-size=\"11\">\n",
      kWidth, f1(height), svg::kFontFamily);
  // The hatch of a rescued checkpoint's time past its original deadline.
  o += "<defs><pattern id=\"rescued\" width=\"5\" height=\"5\" patternUnits=\"userSpaceOnUse\" "
       "patternTransform=\"rotate(45)\"><rect width=\"5\" height=\"5\" fill=\"#2ca02c\"/>"
       "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"5\" stroke=\"#0b4d0b\" stroke-width=\"2\"/></pattern></defs>\n";
  o += fmt::format("<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n", kWidth, f1(height));
  o += c.back;
  o += c.shapes;
  o += c.page.svg();
  o += "</svg>\n";
  os << o;
}

// The scenario's name and the run in a line or two.
void TimelineSvg::write_title(Canvas& c) const {
  c.page.place({kX0, 20, name_.empty() ? "ckptsim run" : name_, 15, svg::Anchor::start, "", true});
  std::string sub = fmt::format(
      "seed {}, {} simulated; {} checkpoints: {} completed ({} rescued), {} expired, {} other "
      "failures, {} in progress",
      seed_, human_duration(duration_), total_, totals_[completed], rescued_, totals_[expired],
      totals_[other_failure], static_cast<int64_t>(pending_.size()));
  if (to_ >= 0) sub += fmt::format("; shown: {} to {}", human_duration(from_), human_duration(to_));
  if (binned_) {
    const sim::Time span = std::max<sim::Time>((to_ >= 0 ? to_ : duration_) - begin(), 1);
    sub += fmt::format("; binned by trigger time, {} per bin", human_duration(span / kBins));
  }
  if (windows_.any())
    sub += fmt::format("; {} update window{} (torn or interleaved)", windows_.count(), windows_.count() == 1 ? "" : "s");
  c.y = 38;
  for (const std::string& line : wrap(sub, 11, kWidth - kX0 - 10)) {
    c.page.place({kX0, c.y, line, 11, svg::Anchor::start, "#444"});
    c.y += 15;
  }
}

// One bar per checkpoint in its lane. A deadline is a whisker from the bar's end on the bar's
// own row; the original deadline of a moved one is dashed.
void TimelineSvg::write_bars(Canvas& c, const Span& s) const {
  const Layout l = layout(s);
  for (int lane = 0; lane < l.lanes; ++lane)
    if (lane % 2 == 1)
      c.back += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#f4f4f4\"/>\n", f1(kX0),
                            f1(c.y + lane * kLaneH), kPlotWidth, f1(kLaneH));
  // Without reserved lanes, a deadline is drawn when the lane's next bar starts after it.
  std::vector<sim::Time> next_in_lane(bars_.size(), sim::kNever);
  std::vector<sim::Time> lane_next(static_cast<size_t>(l.lanes), sim::kNever);
  for (size_t i = bars_.size(); i-- > 0;) {
    if (l.lane_of[i] < 0) continue;
    next_in_lane[i] = lane_next[l.lane_of[i]];
    lane_next[l.lane_of[i]] = bars_[i].trigger;
  }
  for (size_t i = 0; i < bars_.size(); ++i) {
    if (l.lane_of[i] < 0) continue;
    const Bar& b = bars_[i];
    const bool whisker = l.whiskers || b.deadline < next_in_lane[i];
    c.hidden_deadlines += !whisker && b.deadline <= s.to;
    c.moved_deadline |= b.original_deadline != b.deadline;
    write_bar(c, s, b, c.y + l.lane_of[i] * kLaneH + (kLaneH - kBarH) / 2, whisker);
  }
  c.y += l.lanes * kLaneH;
}

void TimelineSvg::write_bar(Canvas& c, const Span& s, const Bar& b, double y, bool whisker) const {
  const sim::Time T = s.to;
  const sim::Time bend = b.end >= 0 ? b.end : T;
  const double x = s.x(b.trigger), xe = std::max(x + 1, s.x(bend)), w = xe - x, mid = y + kBarH / 2;
  std::string status = b.end < 0 ? "IN_PROGRESS"
                       : b.outcome == completed ? (b.rescued ? "COMPLETED (rescued)" : "COMPLETED")
                                                : fmt::format("FAILED {}", model::to_string(b.reason));
  std::string& o = c.shapes;
  o += fmt::format("<g><title>checkpoint {}: {}, trigger {}, {} long, deadline {}{}{}</title>", b.id, status,
                   human_duration(b.trigger), human_duration(bend - b.trigger), human_duration(b.deadline),
                   b.original_deadline != b.deadline ? ", original deadline " + human_duration(b.original_deadline) : "",
                   b.torn ? "; read its timeout from a torn (half-written) configuration" : "");
  o += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>", f1(x), f1(y), f1(w),
                   f1(kBarH), kOutcomeColor[b.outcome]);
  if (b.rescued && b.original_deadline < bend) {
    // Past its original deadline the bar is hatched: the time the patch bought.
    const double xo = s.x(b.original_deadline);
    o += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"url(#rescued)\"/>", f1(xo), f1(y),
                     f1(std::max(1.0, xe - xo)), f1(kBarH));
  }
  if (b.rescued)
    o += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#0b4d0b\"/>",
                     f1(x), f1(y), f1(w), f1(kBarH));
  if (whisker && b.deadline <= T) {
    const double xd = s.x(b.deadline);
    if (xd > xe + 0.5) o += fmt::format("<line x1=\"{0}\" y1=\"{2}\" x2=\"{1}\" y2=\"{2}\" stroke=\"#111\"/>", f1(xe), f1(xd), f1(mid));
    o += vline(xd, y - 2, y + kBarH + 2, "#111", 1.5);
  }
  if (b.original_deadline != b.deadline && b.original_deadline <= T) {
    // The original deadline, flagged: where the checkpoint would have expired.
    const double xo = s.x(b.original_deadline);
    o += vline(xo, y - 3, y + kBarH + 3, kOriginalDeadline, 2, " stroke-dasharray=\"2,1\"");
    o += fmt::format("<path d=\"M{} {} h6 l-3 4 z\" fill=\"{}\"/>", f1(xo - 3), f1(y - 4), kOriginalDeadline);
  }
  if (b.torn)
    o += fmt::format("<path d=\"M{} {} l4 4 l-4 4 l-4 -4 z\" fill=\"{}\" stroke=\"#fff\"/>", f1(x), f1(mid - 4),
                     kMarkerColor[torn_read]);
  o += "</g>\n";
  const std::string id = fmt::format("{}", b.id);
  const double inset = b.torn ? 6 : 3;  // right of the torn mark
  if (svg::text_width(id, 9) + inset + 3 <= w)
    c.page.try_place({x + inset, y + kBarH - 2, id, 9, svg::Anchor::start, "#fff"});
}

// Binned: the checkpoints triggered in each bin, stacked by outcome, on a count scale (right).
void TimelineSvg::write_histogram(Canvas& c, const std::vector<Bin>& bins) const {
  int64_t max_count = 1;
  for (const Bin& b : bins) max_count = std::max(max_count, b.count[0] + b.count[1] + b.count[2] + b.count[3]);
  const double bw = static_cast<double>(kPlotWidth) / kBins;
  const double top = c.y, base = c.y + kHistH;
  const sim::Time span = std::max<sim::Time>((to_ >= 0 ? to_ : duration_) - begin(), 1);
  c.back += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#ccc\"/>\n", f1(kX0), f1(top), f1(kXR), f1(top));
  c.page.place({kX0 - 8, top + 24, "per bin", 9, svg::Anchor::end, "#666"});
  c.page.place({kXR + 4, top + 7, fmt::format("{}", max_count), 9, svg::Anchor::start, "#666"});
  c.page.place({kXR + 4, base, "0", 9, svg::Anchor::start, "#666"});
  for (int i = 0; i < kBins; ++i) {
    const Bin& b = bins[i];
    if (b.count[0] + b.count[1] + b.count[2] + b.count[3] == 0) continue;
    const double x = kX0 + i * bw;
    c.shapes += fmt::format("<g><title>{} to {}: {} completed, {} expired, {} other failures, {} in progress</title>",
                            human_duration(begin() + span * i / kBins), human_duration(begin() + span * (i + 1) / kBins),
                            b.count[0], b.count[1], b.count[2], b.count[3]);
    double y = base;
    for (int k = 0; k < 4; ++k) {
      if (!b.count[k]) continue;
      const double h = std::max(1.0, kHistH * static_cast<double>(b.count[k]) / static_cast<double>(max_count));
      y -= h;
      c.shapes += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>", f1(x), f1(y),
                              f1(std::max(1.0, bw - 0.6)), f1(h), kOutcomeColor[k]);
    }
    c.shapes += "</g>\n";
  }
  c.y = base + 18;
}

// Binned: the longest checkpoint per bin against the longest timeout (the deadline) read there.
void TimelineSvg::write_longest(Canvas& c, const std::vector<Bin>& bins) const {
  sim::Duration max_dur = 1;
  for (const Bin& b : bins) max_dur = std::max({max_dur, b.max_duration, b.max_timeout});
  const double bw = static_cast<double>(kPlotWidth) / kBins;
  const double dtop = c.y, dbase = dtop + kDurH;
  c.page.place({kX0 - 8, dtop + 12, "longest", 11, svg::Anchor::end, "#333"});
  c.page.place({kXR + 4, dtop + 7, human_duration(max_dur), 9, svg::Anchor::start, "#666"});
  c.page.place({kXR + 4, dbase, "0", 9, svg::Anchor::start, "#666"});
  c.back += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#ccc\"/>\n", f1(kX0), f1(dbase), f1(kXR), f1(dbase));
  for (int i = 0; i < kBins; ++i) {
    const Bin& b = bins[i];
    if (b.max_duration <= 0 && b.max_timeout <= 0) continue;
    const double x = kX0 + i * bw;
    const double h = kDurH * static_cast<double>(b.max_duration) / static_cast<double>(max_dur);
    const bool over = b.max_duration >= b.max_timeout && b.max_timeout > 0;
    c.shapes += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>", f1(x),
                            f1(dbase - h), f1(std::max(1.0, bw - 0.6)), f1(std::max(0.5, h)), over ? "#e08080" : "#7a8a9a");
    if (b.max_timeout > 0) {
      const double ty = dbase - kDurH * static_cast<double>(b.max_timeout) / static_cast<double>(max_dur);
      c.shapes += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#111\" stroke-width=\"1.5\"/>",
                              f1(x), f1(ty), f1(x + bw), f1(ty));
    }
    c.shapes += "\n";
  }
  c.y = dbase;
}

// The update windows as bands over the checkpoints, the first ones named as their panels are.
void TimelineSvg::write_bands(Canvas& c, const Span& s, double top, double bottom) const {
  const auto& ws = windows_.windows();
  for (size_t i = 0; i < ws.size(); ++i) {
    const auto& w = ws[i];
    const sim::Time close = w.close < 0 ? end() : w.close;
    if (close < s.from || w.open > s.to) continue;
    const double x0 = s.x(w.open), x1 = std::max(x0 + 2, s.x(close));
    const bool torn = w.kind == UpdateWindows::Kind::torn;
    c.back += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" opacity=\"0.14\"/>\n",
                          f1(x0), f1(top - 2), f1(x1 - x0), f1(bottom - top + 2), torn ? kTornBand : kInterleavedBand);
    if (i < UpdateWindows::kMaxPanels)
      c.page.try_place({x0, top - 5, fmt::format("window {}", i + 1), 9, svg::Anchor::start, torn ? kTornBand : kInterleavedBand});
  }
}

// Every failure, at pixel resolution (in the detail, from its bars).
void TimelineSvg::write_failures(Canvas& c, const Span& s, bool from_bars) const {
  const double y = c.y + 10;
  c.page.place({kX0 - 8, y + 10, "failures", 11, svg::Anchor::end, "#333"});
  c.back += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"14\" fill=\"#fafafa\" stroke=\"#e4e4e4\"/>\n",
                        f1(kX0), f1(y), kPlotWidth);
  std::vector<uint8_t> px = failure_px_;
  if (from_bars) {
    px.assign(px.size(), 0);
    for (const Bar& b : bars_)
      if (b.end >= s.from && b.end <= s.to && (b.outcome == expired || b.outcome == other_failure))
        px[static_cast<size_t>(std::clamp(s.x(b.end) - kX0, 0.0, double(kPlotWidth)))] |= b.outcome == expired ? 1 : 2;
  }
  for (int p = 0; p <= kPlotWidth; ++p)
    if (px[p])
      c.shapes += vline(kX0 + p + 0.5, y + 1, y + 13, (px[p] & 1) ? kOutcomeColor[expired] : kOutcomeColor[other_failure], 1.2) + "\n";
  c.y = y + 24;
}

void TimelineSvg::write_markers(Canvas& c, const Span& s, bool overview) const {
  c.row_y.clear();
  for (size_t r = 0; r < marker_rows().size(); ++r) {
    c.row_y.push_back(c.y);
    c.y += write_marker_row(c, s, static_cast<int>(r), overview);
  }
}

// Runs of set pixels of one marker kind: [first, last] pixel pairs.
static std::vector<std::pair<int, int>> pixel_runs(const std::vector<uint16_t>& px, int k) {
  std::vector<std::pair<int, int>> runs;
  for (int p = 0; p < static_cast<int>(px.size()); ++p)
    if (px[p] & (1u << k)) {
      if (!runs.empty() && runs.back().second == p - 1) runs.back().second = p;
      else runs.emplace_back(p, p);
    }
  return runs;
}

// One marker row. In the overview a kind with more markers than labels kept is one tick per
// pixel and a count; otherwise each marker in the span is a glyph (coincident ones of a kind
// merged, with a count) and its label goes in the first tier where it fits, full then short,
// else only in the tooltip.
double TimelineSvg::write_marker_row(Canvas& c, const Span& s, int row, bool overview) const {
  const MarkerRow& mr = marker_rows()[row];
  c.page.place({kX0 - 8, c.y + 11, mr.name, 11, svg::Anchor::end, "#333"});
  const double y = c.y;
  struct Item {
    double x;
    int kind;
    std::vector<const Marker*> markers;
  };
  std::vector<Item> items;
  std::vector<svg::Text> counts;
  std::string& o = c.shapes;
  for (int k : mr.kinds) {
    if (overview && marker_count_[k] > static_cast<int64_t>(labels_[k].size())) {
      for (const auto& [p0, p1] : pixel_runs(marker_px_, k)) {
        for (int p = p0; p <= p1; ++p) o += vline(kX0 + p + 0.5, y + 2, y + kRowH - 2, kMarkerColor[k], 1) + "\n";
        c.page.reserve({kX0 + p0, y + 2, kX0 + p1 + 1, y + kRowH - 2});
      }
      counts.push_back({kXR - 2, 0, fmt::format("{} × {}", marker_count_[k], kMarkerName[k]), 10, svg::Anchor::end, kMarkerColor[k]});
      continue;
    }
    for (const Marker& m : labels_[k]) {
      if (m.at < s.from || m.at > s.to) continue;
      const double x = s.x(m.at);
      if (!items.empty() && items.back().kind == k && x - items.back().x < 6) items.back().markers.push_back(&m);
      else items.push_back({x, k, {&m}});
    }
  }
  std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.x < b.x; });
  for (const Item& it : items) c.page.reserve({it.x - 4, y + 2, it.x + 4, y + 14});
  int tiers = 1;
  auto place = [&](std::vector<svg::Text> candidates, double x, const char* color) {
    const int placed = c.page.place_first(candidates);
    const int tier = placed < 0 ? 0 : placed % kTiers;
    if (tier > 0 && x >= 0) o += vline(x, y + 14, y + 11 + kTierH * tier, color, 0.8, " opacity=\"0.6\"") + "\n";
    tiers = std::max(tiers, tier + 1);
  };
  for (svg::Text& t : counts) {
    std::vector<svg::Text> candidates;
    for (int tier = 0; tier < kTiers; ++tier) candidates.push_back(t), candidates.back().y = y + 11 + kTierH * tier;
    place(candidates, -1, "");
  }
  std::array<std::string, kMarkerKinds> said;  // a label repeated from the kind's previous marker is left out
  for (const Item& it : items) {
    const Marker& first = *it.markers.front();
    const size_t n = it.markers.size();
    std::string tip;
    for (size_t i = 0; i < n && i < 12; ++i)
      tip += fmt::format("{}{} at {}", i ? "\n" : "", it.markers[i]->label, human_duration(it.markers[i]->at));
    if (n > 12) tip += fmt::format("\n… {} more", n - 12);
    o += fmt::format("<g><title>{}</title>{}</g>\n", json::xml_escape(tip), marker_shape(it.kind, it.x, y + 2));
    const std::string full = n == 1 ? first.label : fmt::format("{} × {}", n, kMarkerName[it.kind]);
    const std::string brief = n == 1 ? first.short_label : fmt::format("{} ×", n);
    if (full == said[it.kind]) continue;
    said[it.kind] = full;
    std::vector<svg::Text> candidates;
    for (const std::string* text : {&full, &brief})
      for (int t = 0; t < kTiers; ++t)
        candidates.push_back({it.x + 6, y + 11 + kTierH * t, *text, 10, svg::Anchor::start, kMarkerColor[it.kind]});
    place(std::move(candidates), it.x, kMarkerColor[it.kind]);
  }
  const double h = kRowH + kTierH * (tiers - 1);
  if (row % 2 == 0)
    c.back += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#f7f7f7\"/>\n", f1(kX0), f1(y),
                          kPlotWidth, f1(h));
  return h;
}

// Light vertical guides for patches and failovers from the top of the checkpoints down to
// their own row, only for kinds whose every marker has its glyph.
void TimelineSvg::write_guides(Canvas& c, const Span& s, double top) const {
  std::string guides;
  for (size_t r = 0; r < marker_rows().size() && r < c.row_y.size(); ++r)
    for (int k : marker_rows()[r].kinds) {
      if (k != patch_ok && k != patch_rejected && k != failover && k != jm_failover && k != job_failed) continue;
      if (marker_count_[k] > static_cast<int64_t>(labels_[k].size())) continue;
      const char* color = k == patch_ok || k == patch_rejected ? kMarkerColor[patch_ok] : "#000000";
      int last_px = -1;
      for (const Marker& m : labels_[k]) {
        if (m.at < s.from || m.at > s.to) continue;
        const int px = static_cast<int>(s.x(m.at) - kX0);
        if (px == last_px) continue;
        last_px = px;
        guides += vline(kX0 + px + 0.5, top, c.row_y[r] + 2, color, 1) + "\n";
      }
    }
  if (!guides.empty()) c.back += "<g stroke-dasharray=\"2,3\" opacity=\"0.35\">\n" + guides + "</g>\n";
}

// The time axis: at most 12 ticks at a round step of the unit that suits the span.
void TimelineSvg::write_axis(Canvas& c, const Span& s) const {
  const double y = c.y + 6;
  const AxisUnit u = axis_unit(s.to - s.from);
  const double from = static_cast<double>(s.from) / u.us, span = static_cast<double>(s.to - s.from) / u.us;
  static constexpr double kSteps[] = {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2,
                                      5,     10,    15,    20,   30,   60,   120, 240, 500, 1000};
  double step = kSteps[std::size(kSteps) - 1];
  for (double st : kSteps)
    if (span / st <= 12) {
      step = st;
      break;
    }
  c.shapes += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#333\"/>\n", f1(kX0), f1(y), f1(kXR), f1(y));
  const double first = std::ceil(from / step - 1e-9);
  const bool compound = from > 4 * span;
  for (int i = 0;; ++i) {
    const double v = (first + i) * step;
    if (v > from + span + 1e-9) break;
    const double x = kX0 + (v - from) / span * kPlotWidth;
    c.shapes += vline(x, y, y + 5, "#333", 1) + "\n";
    // Far from 0 (a detail), ticks read as instants: "6h5min", not "365".
    const std::string text = compound ? sim::format_duration(static_cast<sim::Time>(std::llround(v * u.us)))
                                      : fmt::format("{:g}", std::fabs(v) < step * 1e-6 ? 0.0 : v);
    c.page.try_place({x, y + 17, text, 11, svg::Anchor::middle});
  }
  c.page.place({kXR, y + 32, compound ? std::string("time") : fmt::format("time ({})", u.name), 11, svg::Anchor::end, "#333"});
  c.y = y + 44;
}

// Binned: the first incident again, as bars on its own time axis, with its markers.
void TimelineSvg::write_detail(Canvas& c) const {
  const Span d = detail_span();
  c.y += 8;
  c.shapes += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#999\"/>\n", f1(kX0), f1(c.y), f1(kXR), f1(c.y));
  c.page.place({kX0, c.y + 16,
                svg::fit(fmt::format("detail: the first incident, {} to {} (the dashed box above), as bars", human_duration(d.from),
                                     human_duration(d.to)), 12, kPlotWidth),
                12, svg::Anchor::start, "#222", true});
  c.y += 22 + (windows_.any() ? 14 : 6);
  const double top = c.y;
  c.page.place({kX0 - 8, c.y + 12, "checkpoints", 11, svg::Anchor::end, "#333"});
  write_bars(c, d);
  write_failures(c, d, true);
  write_bands(c, d, top, c.y);
  write_markers(c, d, false);
  write_guides(c, d, top - 4);
  write_axis(c, d);
}

// What the picture shows, flowed into lines: the outcomes present, the deadline marks, the
// windows and the marker kinds that occur.
void TimelineSvg::write_legend(Canvas& c) const {
  double lx = kX0, ly = c.y;
  auto entry = [&](const std::string& shape_at, const std::string& label) {
    const double w = 16 + svg::text_width(label, 11) + 18;
    if (lx + w > kWidth - 10 && lx > kX0) {
      lx = kX0;
      ly += 18;
    }
    c.shapes += fmt::format(fmt::runtime(shape_at), f1(lx), f1(ly + 1), f1(lx + 6), f1(ly - 1), f1(ly + 12)) + "\n";
    c.page.place({lx + 16, ly + 10, label, 11});
    lx += w;
  };
  const std::string rect = "<rect x=\"{0}\" y=\"{1}\" width=\"12\" height=\"10\" fill=\"";
  for (int k = 0; k < 4; ++k)
    if (totals_[k] > 0 || (k == in_progress && !pending_.empty()))
      entry(rect + kOutcomeColor[k] + "\"/>", kOutcomeName[k]);
  if (rescued_ > 0) entry(rect + "url(#rescued)\" stroke=\"#0b4d0b\"/>", "rescued: past its original deadline");
  const std::string tick = "<line x1=\"{2}\" y1=\"{3}\" x2=\"{2}\" y2=\"{4}\" stroke=\"#111\" stroke-width=\"1.5\"/>";
  if (binned_) entry(tick, "longest timeout (deadline)");
  if (!bars_.empty()) entry(tick, binned_ ? "deadline (detail)" : "deadline");
  if (c.moved_deadline)
    entry(fmt::format("<line x1=\"{{2}}\" y1=\"{{3}}\" x2=\"{{2}}\" y2=\"{{4}}\" stroke=\"{}\" stroke-width=\"2\" "
                      "stroke-dasharray=\"2,1\"/>", kOriginalDeadline),
          "original deadline (moved by a patch)");
  bool torn = false, interleaved = false;
  for (const auto& w : windows_.windows()) (w.kind == UpdateWindows::Kind::torn ? torn : interleaved) = true;
  if (torn) entry(rect + kTornBand + "\" opacity=\"0.3\"/>", "torn update window");
  if (interleaved) entry(rect + kInterleavedBand + "\" opacity=\"0.3\"/>", "interleaved update window");
  for (int k = 0; k < kMarkerKinds; ++k) {
    if (marker_count_[k] == 0) continue;
    const bool tri = k == failover || k == jm_failover || k == job_failed;
    std::string shape = marker_shape(k, 0, 0);
    shape.replace(shape.find("M0.0 0.0"), 8, tri ? "M{2} {1}" : "M{2} {3}");
    entry(shape, kMarkerName[k]);
  }
  if (c.hidden_deadlines > 0) {
    ly += 18;
    c.page.place({kX0, ly + 10,
                  fmt::format("{} deadlines not drawn: their row holds a later checkpoint first (hover a bar for its deadline)",
                              c.hidden_deadlines), 10, svg::Anchor::start, "#666"});
  }
  c.y = ly + 18;
}

}  // namespace ckptsim::analysis
