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

}  // namespace

void write_plot_svg(std::ostream& out, const Plot& p) {
  // The legend goes right of the plot area, so it never hides a point.
  size_t rows = 0, label_width = 0;
  for (const auto& s : p.series)
    if (!s.label.empty()) {
      ++rows;
      label_width = std::max(label_width, s.label.size());
    }
  const double lw = rows ? 40 + 7.2 * static_cast<double>(label_width) : 0;
  const double W = 900 + (rows ? lw + 10 : 0), H = 560, L = 90, R = 30 + (rows ? lw + 10 : 0), T = 50, B = 110;
  const double pw = W - L - R, ph = H - T - B;
  // Ranges.
  double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY;
  for (const auto& s : p.series)
    for (const auto& pt : s.points) {
      xmin = std::min(xmin, pt.x);
      xmax = std::max(xmax, pt.x);
      ymin = std::min({ymin, pt.y, pt.low.value_or(pt.y)});
      ymax = std::max({ymax, pt.y, pt.high.value_or(pt.y)});
    }
  for (const auto& m : p.marks) {
    xmin = std::min(xmin, m.x);
    xmax = std::max(xmax, m.x);
  }
  if (!(xmin <= xmax)) xmin = 0, xmax = 1;
  if (!(ymin <= ymax)) ymin = 0, ymax = 1;
  if (ymin > 0 && ymin < 0.5 * ymax) ymin = 0;  // start at 0 when it costs little
  if (ymax == ymin) ymax = ymin + (ymin == 0 ? 1 : std::fabs(ymin) * 0.1);
  const double ystep = nice_step(ymax - ymin, 6);
  ymin = std::floor(ymin / ystep) * ystep;
  ymax = std::ceil(ymax / ystep) * ystep;
  const bool logx = p.log_x && xmin > 0;
  auto fx = [&](double x) {
    if (xmax == xmin) return L + pw / 2;
    const double pad = 0.03;
    double f = logx ? (std::log(x) - std::log(xmin)) / (std::log(xmax) - std::log(xmin)) : (x - xmin) / (xmax - xmin);
    return L + pw * (pad + (1 - 2 * pad) * f);
  };
  auto fy = [&](double y) { return T + ph * (1 - (y - ymin) / (ymax - ymin)); };

  out << fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"sans-serif\" font-size=\"13\">\n",
      W, H);
  out << fmt::format("<rect width=\"{}\" height=\"{}\" fill=\"white\"/>\n", W, H);
  out << fmt::format("<text x=\"{}\" y=\"28\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">{}</text>\n",
                     W / 2, json::xml_escape(p.title));
  // Y grid and ticks.
  for (double y = ymin; y <= ymax + ystep * 1e-9; y += ystep) {
    const double yy = fy(y);
    out << fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#e0e0e0\"/>\n", L, yy, L + pw, yy);
    out << fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", L - 6, yy + 4,
                       json::xml_escape(tick_text(std::fabs(y) < ystep * 1e-9 ? 0 : y)));
  }
  // X ticks: at most about 14 labels.
  const size_t nt = p.x_ticks.size();
  const size_t every = nt > 14 ? (nt + 13) / 14 : 1;
  for (size_t i = 0; i < nt; ++i) {
    const double xx = fx(p.x_ticks[i].first);
    out << fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#999\"/>\n", xx,
                       T + ph, xx, T + ph + 5);
    if (i % every == 0)
      out << fmt::format(
          "<text x=\"{0:.1f}\" y=\"{1:.1f}\" text-anchor=\"end\" transform=\"rotate(-35 {0:.1f} {1:.1f})\">{2}</text>\n",
          xx + 4, T + ph + 18, json::xml_escape(p.x_ticks[i].second));
  }
  out << fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#333\"/>\n", L, T, pw, ph);
  out << fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}{}</text>\n", L + pw / 2, H - 12,
                     json::xml_escape(p.x_label), logx ? " (log scale)" : "");
  out << fmt::format("<text x=\"18\" y=\"{0:.1f}\" text-anchor=\"middle\" transform=\"rotate(-90 18 {0:.1f})\">{1}</text>\n",
                     T + ph / 2, json::xml_escape(p.y_label));
  // Marks.
  for (size_t i = 0; i < p.marks.size(); ++i) {
    const double xx = fx(p.marks[i].x);
    out << fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#555\" "
                       "stroke-dasharray=\"6 4\"/>\n",
                       xx, T, T + ph);
    out << fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" fill=\"#333\">{}</text>\n", xx + 4, T + 16 + 16 * static_cast<double>(i),
                       json::xml_escape(p.marks[i].label));
  }
  // Series.
  for (size_t si = 0; si < p.series.size(); ++si) {
    const auto& s = p.series[si];
    const char* color = kColors[si % std::size(kColors)];
    std::string path;
    for (const auto& pt : s.points)
      path += fmt::format("{}{:.1f},{:.1f}", path.empty() ? "M" : " L", fx(pt.x), fy(pt.y));
    if (!path.empty())
      out << fmt::format("<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>\n", path, color);
    for (const auto& pt : s.points) {
      const double xx = fx(pt.x);
      if (pt.low && pt.high)
        out << fmt::format("<path d=\"M{0:.1f},{1:.1f} L{0:.1f},{2:.1f} M{3:.1f},{1:.1f} L{4:.1f},{1:.1f} M{3:.1f},{2:.1f} "
                           "L{4:.1f},{2:.1f}\" stroke=\"{5}\"/>\n",
                           xx, fy(*pt.low), fy(*pt.high), xx - 4, xx + 4, color);
      out << fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"{}\"/>\n", xx, fy(pt.y), color);
    }
  }
  // Legend.
  if (rows) {
    const double lx = L + pw + 10, ly = T;
    out << fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"white\" "
                       "fill-opacity=\"0.85\" stroke=\"#ccc\"/>\n",
                       lx, ly, lw, 8 + 18 * static_cast<double>(rows));
    size_t r = 0;
    for (size_t si = 0; si < p.series.size(); ++si) {
      if (p.series[si].label.empty()) continue;
      const double y = ly + 17 + 18 * static_cast<double>(r++);
      out << fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\" stroke-width=\"2\"/>\n",
                         lx + 6, y - 4, lx + 28, y - 4, kColors[si % std::size(kColors)]);
      out << fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n", lx + 34, y, json::xml_escape(p.series[si].label));
    }
  }
  out << fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" fill=\"#666\" font-size=\"11\" text-anchor=\"end\">points: "
                     "mean of the replications; bars: 95% confidence interval (Student t)</text>\n",
                     L + pw, T - 8);
  out << "</svg>\n";
}

}  // namespace ckptsim::analysis
