// A small self-contained SVG line chart: series of (x, y) points with optional error bars,
// numeric x positions labelled with given texts (linear or log scale), vertical marks, a
// legend. Used for sweep studies (`ckptsim sweep --plot`). Deterministic output.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace ckptsim::analysis {

struct PlotPoint {
  double x = 0, y = 0;
  std::optional<double> low, high;  // error bar
};

struct PlotSeries {
  std::string label;
  std::vector<PlotPoint> points;  // in x order
};

struct PlotMark {
  double x = 0;
  std::string label;
};

struct Plot {
  std::string title, x_label, y_label;
  std::vector<std::pair<double, std::string>> x_ticks;  // position, label
  bool log_x = false;
  std::vector<PlotSeries> series;
  std::vector<PlotMark> marks;
};

void write_plot_svg(std::ostream& out, const Plot& plot);

}  // namespace ckptsim::analysis
