#include "analysis/plot_svg.hpp"

#include <algorithm>
#include <cmath>
#include <ostream>

#include <fmt/format.h>

#include "analysis/svg_text.hpp"

namespace ckptsim::analysis {

namespace {

const char* kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                         "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"};

// "Nice" tick step for a span: 1, 2 or 5 × 10^k, about `target` ticks.
double nice_step(double span, int target) {
  if (!(span > 0)) return 1;
  const double raw = span / target;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / mag;
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

std::string tick_text(double v) {
  if (v == 0) return "0";
  const double a = std::fabs(v);
  if (a >= 1e6 || a < 1e-3) return fmt::format("{:.3g}", v);
  return fmt::format("{:.6g}", v);
}

// The unit the y axis shows, and the value of one of it in the data's unit.
struct Scale {
  const char* unit;
  double factor;
};

Scale y_scale(PlotUnit u, double max_abs) {
  switch (u) {
    case PlotUnit::number: return {"", 1};
    case PlotUnit::count: return {"count", 1};
    case PlotUnit::fraction: return {"%", 0.01};
    case PlotUnit::milliseconds:
      if (max_abs < 1e3) return {"ms", 1};
      if (max_abs < 120e3) return {"s", 1e3};
      if (max_abs < 7200e3) return {"min", 60e3};
      if (max_abs < 172800e3) return {"h", 3600e3};
      return {"d", 86400e3};
    case PlotUnit::bytes:
      if (max_abs < 1e3) return {"B", 1};
      if (max_abs < 1e6) return {"KB", 1e3};
      if (max_abs < 1e9) return {"MB", 1e6};
      if (max_abs < 1e12) return {"GB", 1e9};
      return {"TB", 1e12};
  }
  return {"", 1};
}

// A point's error bar within the quantity's range; a clipped end is flagged (drawn uncapped).
struct Bar {
  double low, high;
  bool low_clipped = false, high_clipped = false;
};

Bar clip(const Plot& p, const PlotPoint& pt) {
  Bar b{pt.low.value_or(pt.y), pt.high.value_or(pt.y)};
  if (p.y_floor && b.low < *p.y_floor) b.low = *p.y_floor, b.low_clipped = true;
  if (p.y_ceiling && b.high > *p.y_ceiling) b.high = *p.y_ceiling, b.high_clipped = true;
  return b;
}

// The geometry of one chart: the plot area, the legend's room, and the scales (y in the
// scale's unit).
struct Frame {
  size_t rows = 0;  // legend rows (labelled series)
  double lw = 0;    // legend width
  double W = 0, H = 560, L = 90, R = 0, T = 50, B = 80, pw = 0, ph = 0;
  double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY, ystep = 1;
  bool logx = false;
  Scale scale{"", 1};
  double x(double v) const {
    if (xmax == xmin) return L + pw / 2;
    const double pad = 0.03;
    double f = logx ? (std::log(v) - std::log(xmin)) / (std::log(xmax) - std::log(xmin)) : (v - xmin) / (xmax - xmin);
    return L + pw * (pad + (1 - 2 * pad) * f);
  }
  double y(double data) const { return T + ph * (1 - (data / scale.factor - ymin) / (ymax - ymin)); }
};

// The legend goes right of the plot area, so it never hides a point. The y range starts at 0
// when that costs little, ends on round ticks and stays within the quantity's range.
Frame frame(const Plot& p) {
  Frame f;
  double label_width = 0;
  for (const auto& s : p.series)
    if (!s.label.empty()) {
      ++f.rows;
      label_width = std::max(label_width, svg::text_width(s.label, 13));
    }
  f.lw = f.rows ? 44 + label_width : 0;
  f.W = 900 + (f.rows ? f.lw + 10 : 0);
  f.R = 30 + (f.rows ? f.lw + 10 : 0);
  f.pw = f.W - f.L - f.R;
  f.ph = f.H - f.T - f.B;
  for (const auto& s : p.series)
    for (const auto& pt : s.points) {
      const Bar b = clip(p, pt);
      f.xmin = std::min(f.xmin, pt.x);
      f.xmax = std::max(f.xmax, pt.x);
      f.ymin = std::min({f.ymin, pt.y, b.low});
      f.ymax = std::max({f.ymax, pt.y, b.high});
    }
  for (const auto& m : p.marks) {
    f.xmin = std::min(f.xmin, m.x);
    f.xmax = std::max(f.xmax, m.x);
  }
  if (!(f.xmin <= f.xmax)) f.xmin = 0, f.xmax = 1;
  if (!(f.ymin <= f.ymax)) f.ymin = 0, f.ymax = 1;
  f.scale = y_scale(p.y_unit, std::max(std::fabs(f.ymin), std::fabs(f.ymax)));
  f.ymin /= f.scale.factor;
  f.ymax /= f.scale.factor;
  if (f.ymin > 0 && f.ymin < 0.5 * f.ymax) f.ymin = 0;
  if (f.ymax == f.ymin) f.ymax = f.ymin + (f.ymin == 0 ? 1 : std::fabs(f.ymin) * 0.1);
  f.ystep = nice_step(f.ymax - f.ymin, 6);
  f.ymin = std::floor(f.ymin / f.ystep) * f.ystep;
  f.ymax = std::ceil(f.ymax / f.ystep) * f.ystep;
  f.logx = p.log_x && f.xmin > 0;
  return f;
}

// The y grid and ticks, the x tick labels that fit (first and last first), the frame and the
// axis titles, the y one with its unit.
void axes(std::ostream& out, svg::Page& page, const Plot& p, const Frame& f) {
  for (double y = f.ymin; y <= f.ymax + f.ystep * 1e-9; y += f.ystep) {
    const double yy = f.y(y * f.scale.factor);
    out << fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#e0e0e0\"/>\n", f.L, yy, f.L + f.pw, yy);
    page.try_place({f.L - 6, yy + 4, tick_text(std::fabs(y) < f.ystep * 1e-9 ? 0 : y), 13, svg::Anchor::end});
  }
  const size_t nt = p.x_ticks.size();
  std::vector<size_t> order;
  if (nt > 0) order.push_back(0);
  if (nt > 1) order.push_back(nt - 1);
  for (size_t i = 1; i + 1 < nt; ++i) order.push_back(i);
  for (size_t i : order) {
    const double xx = f.x(p.x_ticks[i].first);
    out << fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#999\"/>\n", xx,
                       f.T + f.ph, xx, f.T + f.ph + 5);
    // A label keeps a space's room from its neighbours.
    svg::Text t{xx, f.T + f.ph + 20, p.x_ticks[i].second, 13, svg::Anchor::middle};
    svg::Box room = svg::text_box(t);
    room.x0 -= 6;
    room.x1 += 6;
    if (page.fits(room)) page.place(t);
  }
  out << fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#333\"/>\n", f.L, f.T, f.pw, f.ph);
  page.place({f.L + f.pw / 2, f.H - 16, p.x_label + (f.logx ? " (log scale)" : ""), 13, svg::Anchor::middle});
  std::string y_title = p.y_label;
  if (*f.scale.unit) y_title += fmt::format(" ({})", f.scale.unit);
  page.place({22, f.T + f.ph / 2, y_title, 13, svg::Anchor::middle, "", false, true});
}

// Vertical dashed marks with their labels, each in the first row where it fits.
void marks(std::ostream& out, svg::Page& page, const Plot& p, const Frame& f) {
  for (const PlotMark& m : p.marks) {
    const double xx = f.x(m.x);
    out << fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#555\" "
                       "stroke-dasharray=\"6 4\"/>\n",
                       xx, f.T, f.T + f.ph);
    std::vector<svg::Text> candidates;
    for (int row = 0; row < 8; ++row) candidates.push_back({xx + 4, f.T + 16 + 16.0 * row, m.label, 13, svg::Anchor::start, "#333"});
    for (int row = 0; row < 8; ++row) candidates.push_back({xx - 4, f.T + 16 + 16.0 * row, m.label, 13, svg::Anchor::end, "#333"});
    page.place_first(candidates);
  }
}

// Each series: a line through its points, each point a dot with its error bar (capped where
// the interval ends, uncapped where the quantity's range clipped it).
void series(std::ostream& out, const Plot& p, const Frame& f) {
  for (size_t si = 0; si < p.series.size(); ++si) {
    const auto& s = p.series[si];
    const char* color = kColors[si % std::size(kColors)];
    std::string path;
    for (const auto& pt : s.points)
      path += fmt::format("{}{:.1f},{:.1f}", path.empty() ? "M" : " L", f.x(pt.x), f.y(pt.y));
    if (!path.empty())
      out << fmt::format("<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>\n", path, color);
    for (const auto& pt : s.points) {
      const double xx = f.x(pt.x);
      if (pt.low && pt.high) {
        const Bar b = clip(p, pt);
        const double yl = f.y(b.low), yh = f.y(b.high);
        std::string d = fmt::format("M{0:.1f},{1:.1f} L{0:.1f},{2:.1f}", xx, yl, yh);
        if (!b.low_clipped) d += fmt::format(" M{:.1f},{:.1f} L{:.1f},{:.1f}", xx - 4, yl, xx + 4, yl);
        if (!b.high_clipped) d += fmt::format(" M{:.1f},{:.1f} L{:.1f},{:.1f}", xx - 4, yh, xx + 4, yh);
        out << fmt::format("<path d=\"{}\" stroke=\"{}\"/>\n", d, color);
      }
      out << fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"{}\"/>\n", xx, f.y(pt.y), color);
    }
  }
}

void legend(std::ostream& out, svg::Page& page, const Plot& p, const Frame& f) {
  if (!f.rows) return;
  const double lx = f.L + f.pw + 10, ly = f.T;
  out << fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"white\" "
                     "fill-opacity=\"0.85\" stroke=\"#ccc\"/>\n",
                     lx, ly, f.lw, 8 + 18 * static_cast<double>(f.rows));
  size_t r = 0;
  for (size_t si = 0; si < p.series.size(); ++si) {
    if (p.series[si].label.empty()) continue;
    const double y = ly + 17 + 18 * static_cast<double>(r++);
    out << fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\" stroke-width=\"2\"/>\n",
                       lx + 6, y - 4, lx + 28, y - 4, kColors[si % std::size(kColors)]);
    page.place({lx + 34, y, p.series[si].label, 13});
  }
}

// Whether any error bar was clipped to the quantity's range.
bool any_clipped(const Plot& p) {
  for (const auto& s : p.series)
    for (const auto& pt : s.points) {
      const Bar b = clip(p, pt);
      if (pt.low && pt.high && (b.low_clipped || b.high_clipped)) return true;
    }
  return false;
}

}  // namespace

void write_plot_svg(std::ostream& out, const Plot& p) {
  const Frame f = frame(p);
  svg::Page page(f.W);
  out << fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"{2}\" font-size=\"13\">\n",
      f.W, f.H, svg::kFontFamily);
  out << fmt::format("<rect width=\"{}\" height=\"{}\" fill=\"white\"/>\n", f.W, f.H);
  page.place({f.W / 2, 28, svg::fit(p.title, 16, f.W - 20), 16, svg::Anchor::middle, "", true});
  std::string note = "points: mean of the replications; bars: 95% confidence interval (Student t)";
  if (any_clipped(p)) note += ", clipped to the quantity's range (uncapped ends)";
  page.place({f.L + f.pw, f.T - 8, svg::fit(note, 11, f.pw), 11, svg::Anchor::end, "#666"});
  axes(out, page, p, f);
  marks(out, page, p, f);
  series(out, p, f);
  legend(out, page, p, f);
  out << page.svg();
  out << "</svg>\n";
}

}  // namespace ckptsim::analysis
