// A small self-contained SVG line chart: series of (x, y) points with optional error bars,
// numeric x positions labelled with given texts (linear or log scale), vertical marks, a
// legend. Used for sweep studies (`ckptsim sweep --plot`). The y axis is in the unit of what
// it shows (ms scaled to s, min or h; bytes to MB or GB; a fraction as %), error bars are
// clipped to the range the quantity can take, and no two texts overlap (svg_text.hpp).
// Deterministic output.
#pragma once

#include <cstdint>
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

// What the y values are: a plain number, a count, milliseconds, bytes, or a fraction of 1.
enum class PlotUnit : uint8_t { number, count, milliseconds, bytes, fraction };

struct Plot {
  std::string title, x_label, y_label;  // y_label without its unit: the plot adds it
  std::vector<std::pair<double, std::string>> x_ticks;  // position, label
  bool log_x = false;
  PlotUnit y_unit = PlotUnit::number;
  // The range the quantity can take (a count, a time or a size is never negative): error bars
  // are clipped to it.
  std::optional<double> y_floor, y_ceiling;
  std::vector<PlotSeries> series;
  std::vector<PlotMark> marks;
};

void write_plot_svg(std::ostream& out, const Plot& plot);

}  // namespace ckptsim::analysis
