// Robust statistics for calibrating a scenario from a job's history: a Theil–Sen line through
// integer observations (durations against sizes), quantiles and the median absolute deviation.
//
// The pairwise slopes of Theil–Sen are ordered exactly, as rationals compared by 128-bit cross
// multiplication, so that ties and the median never depend on rounding or on the input order:
// the same points in any order give bit-identical fits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace ckptsim::analysis {

// One observation: x (e.g. bytes) and y (e.g. microseconds), both integers.
struct FitPoint {
  int64_t x = 0;
  int64_t y = 0;
};

struct TheilSenFit {
  double slope = 0;      // y per unit of x: the median of the pairwise slopes
  double intercept = 0;  // the median of y - slope * x
  size_t pairs = 0;      // pairs with distinct x (the slopes the median was taken over)
  // The interquartile range of the pairwise slopes (nearest rank): the fit's error on the slope.
  double slope_q25 = 0, slope_q75 = 0;
  std::vector<double> residuals;  // y - (intercept + slope * x), in input order
};

// |x| and |y| up to 2^62 (bytes and microseconds far beyond any real job). Empty when fewer than
// two points have distinct x (no slope can be taken).
std::optional<TheilSenFit> theil_sen(const std::vector<FitPoint>& points);

// The p-quantile (0 <= p <= 1) by linear interpolation between order statistics (Hyndman–Fan
// type 7, as R's default). `values` must not be empty.
double quantile(std::vector<double> values, double p);
// The p-quantile by nearest rank: the ceil(p * n)-th smallest value (1-based; the smallest for
// p = 0), as summary.json's p50 and p90. `values` must not be empty.
int64_t nearest_rank(std::vector<int64_t> values, double p);
// The median absolute deviation from the median, times 1.4826 (a robust standard deviation).
double robust_stddev(const std::vector<double>& values);

}  // namespace ckptsim::analysis
