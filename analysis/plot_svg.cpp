#include "analysis/plot_svg.hpp"

#include <algorithm>
#include <cmath>
#include <ostream>

#include <fmt/format.h>

#include "analysis/json_util.hpp"
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

// The geometry of one chart: the plot area, the legend's room, and the scales.
struct Frame {
  size_t rows = 0;  // legend rows (labelled series)
  double lw = 0;    // legend width
  double W = 0, H = 560, L = 90, R = 0, T = 50, B = 110, pw = 0, ph = 0;
  double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY, ystep = 1;
  bool logx = false;
  double x(double v) const {
    if (xmax == xmin) return L + pw / 2;
    const double pad = 0.03;
    double f = logx ? (std::log(v) - std::log(xmin)) / (std::log(xmax) - std::log(xmin)) : (v - xmin) / (xmax - xmin);
    return L + pw * (pad + (1 - 2 * pad) * f);
  }
  double y(double v) const { return T + ph * (1 - (v - ymin) / (ymax - ymin)); }
};

// The legend goes right of the plot area, so it never hides a point. The y range starts at 0
// when that costs little and ends on round ticks.
Frame frame(const Plot& p) {
  Frame f;
  size_t label_width = 0;
  for (const auto& s : p.series)
    if (!s.label.empty()) {
      ++f.rows;
      label_width = std::max(label_width, s.label.size());
    }
  f.lw = f.rows ? 40 + 7.2 * static_cast<double>(label_width) : 0;
  f.W = 900 + (f.rows ? f.lw + 10 : 0);
  f.R = 30 + (f.rows ? f.lw + 10 : 0);
  f.pw = f.W - f.L - f.R;
  f.ph = f.H - f.T - f.B;
  for (const auto& s : p.series)
    for (const auto& pt : s.points) {
      f.xmin = std::min(f.xmin, pt.x);
      f.xmax = std::max(f.xmax, pt.x);
      f.ymin = std::min({f.ymin, pt.y, pt.low.value_or(pt.y)});
      f.ymax = std::max({f.ymax, pt.y, pt.high.value_or(pt.y)});
    }
  for (const auto& m : p.marks) {
    f.xmin = std::min(f.xmin, m.x);
    f.xmax = std::max(f.xmax, m.x);
  }
  if (!(f.xmin <= f.xmax)) f.xmin = 0, f.xmax = 1;
  if (!(f.ymin <= f.ymax)) f.ymin = 0, f.ymax = 1;
  if (f.ymin > 0 && f.ymin < 0.5 * f.ymax) f.ymin = 0;
  if (f.ymax == f.ymin) f.ymax = f.ymin + (f.ymin == 0 ? 1 : std::fabs(f.ymin) * 0.1);
  f.ystep = nice_step(f.ymax - f.ymin, 6);
  f.ymin = std::floor(f.ymin / f.ystep) * f.ystep;
  f.ymax = std::ceil(f.ymax / f.ystep) * f.ystep;
  f.logx = p.log_x && f.xmin > 0;
  return f;
}

// The y grid and ticks, the x ticks (at most about 14 labels), the frame and the axis labels.
void axes(std::ostream& out, const Plot& p, const Frame& f) {
  for (double y = f.ymin; y <= f.ymax + f.ystep * 1e-9; y += f.ystep) {
    const double yy = f.y(y);
    out << fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#e0e0e0\"/>\n", f.L, yy, f.L + f.pw, yy);
    out << fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", f.L - 6, yy + 4,
                       json::xml_escape(tick_text(std::fabs(y) < f.ystep * 1e-9 ? 0 : y)));
  }
  const size_t nt = p.x_ticks.size();
  const size_t every = nt > 14 ? (nt + 13) / 14 : 1;
  for (size_t i = 0; i < nt; ++i) {
    const double xx = f.x(p.x_ticks[i].first);
    out << fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#999\"/>\n", xx,
                       f.T + f.ph, xx, f.T + f.ph + 5);
    if (i % every == 0)
      out << fmt::format(
          "<text x=\"{0:.1f}\" y=\"{1:.1f}\" text-anchor=\"end\" transform=\"rotate(-35 {0:.1f} {1:.1f})\">{2}</text>\n",
          xx + 4, f.T + f.ph + 18, json::xml_escape(p.x_ticks[i].second));
  }
  out << fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#333\"/>\n", f.L, f.T, f.pw, f.ph);
  out << fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}{}</text>\n", f.L + f.pw / 2, f.H - 12,
                     json::xml_escape(p.x_label), f.logx ? " (log scale)" : "");
  out << fmt::format("<text x=\"18\" y=\"{0:.1f}\" text-anchor=\"middle\" transform=\"rotate(-90 18 {0:.1f})\">{1}</text>\n",
                     f.T + f.ph / 2, json::xml_escape(p.y_label));
}

// Vertical dashed marks with their labels.
void marks(std::ostream& out, const Plot& p, const Frame& f) {
  for (size_t i = 0; i < p.marks.size(); ++i) {
    const double xx = f.x(p.marks[i].x);
    out << fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#555\" "
                       "stroke-dasharray=\"6 4\"/>\n",
                       xx, f.T, f.T + f.ph);
    out << fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" fill=\"#333\">{}</text>\n", xx + 4, f.T + 16 + 16 * static_cast<double>(i),
                       json::xml_escape(p.marks[i].label));
  }
}

// Each series: a line through its points, each point a dot with its error bar.
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
      if (pt.low && pt.high)
        out << fmt::format("<path d=\"M{0:.1f},{1:.1f} L{0:.1f},{2:.1f} M{3:.1f},{1:.1f} L{4:.1f},{1:.1f} M{3:.1f},{2:.1f} "
                           "L{4:.1f},{2:.1f}\" stroke=\"{5}\"/>\n",
                           xx, f.y(*pt.low), f.y(*pt.high), xx - 4, xx + 4, color);
      out << fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"{}\"/>\n", xx, f.y(pt.y), color);
    }
  }
}

void legend(std::ostream& out, const Plot& p, const Frame& f) {
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
    out << fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n", lx + 34, y, json::xml_escape(p.series[si].label));
  }
}

}  // namespace

void write_plot_svg(std::ostream& out, const Plot& p) {
  const Frame f = frame(p);
  out << fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"sans-serif\" font-size=\"13\">\n",
      f.W, f.H);
  out << fmt::format("<rect width=\"{}\" height=\"{}\" fill=\"white\"/>\n", f.W, f.H);
  out << fmt::format("<text x=\"{}\" y=\"28\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">{}</text>\n",
                     f.W / 2, json::xml_escape(p.title));
  axes(out, p, f);
  marks(out, p, f);
  series(out, p, f);
  legend(out, p, f);
  out << fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" fill=\"#666\" font-size=\"11\" text-anchor=\"end\">points: "
                     "mean of the replications; bars: 95% confidence interval (Student t)</text>\n",
                     f.L + f.pw, f.T - 8);
  out << "</svg>\n";
}

}  // namespace ckptsim::analysis
