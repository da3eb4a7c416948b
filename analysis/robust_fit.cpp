#include "analysis/robust_fit.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ckptsim::analysis {

namespace {

// A pairwise slope dy / dx with dx > 0, kept exact.
struct Slope {
  int64_t dy;
  int64_t dx;
  double value() const { return static_cast<double>(dy) / static_cast<double>(dx); }
};

// a < b exactly: dy_a / dx_a < dy_b / dx_b with both dx > 0.
bool less(const Slope& a, const Slope& b) {
  return static_cast<__int128>(a.dy) * b.dx < static_cast<__int128>(b.dy) * a.dx;
}

size_t rank_index(size_t n, double p) {
  // ceil(p * n) - 1, clamped to [0, n - 1]; p * n is exact enough for the p used here.
  const double r = std::ceil(p * static_cast<double>(n));
  if (r <= 1) return 0;
  return std::min(n - 1, static_cast<size_t>(r) - 1);
}

}  // namespace

std::optional<TheilSenFit> theil_sen(const std::vector<FitPoint>& points) {
  constexpr int64_t kLimit = int64_t{1} << 62;
  for (const FitPoint& p : points)
    if (p.x >= kLimit || p.x <= -kLimit || p.y >= kLimit || p.y <= -kLimit)
      throw std::invalid_argument("theil_sen: a coordinate is out of range");
  std::vector<Slope> slopes;
  slopes.reserve(points.size() * (points.size() > 0 ? points.size() - 1 : 0) / 2);
  for (size_t i = 0; i < points.size(); ++i)
    for (size_t j = i + 1; j < points.size(); ++j) {
      const FitPoint& a = points[i].x < points[j].x ? points[i] : points[j];
      const FitPoint& b = points[i].x < points[j].x ? points[j] : points[i];
      if (a.x == b.x) continue;  // no slope between points of equal x
      slopes.push_back({b.y - a.y, b.x - a.x});
    }
  if (slopes.empty()) return std::nullopt;
  // Equal slopes are equal values, so the order among them cannot change any statistic.
  std::sort(slopes.begin(), slopes.end(), less);
  const size_t m = slopes.size();
  TheilSenFit fit;
  fit.pairs = m;
  fit.slope = m % 2 == 1 ? slopes[m / 2].value()
                         : (slopes[m / 2 - 1].value() + slopes[m / 2].value()) / 2;
  fit.slope_q25 = slopes[rank_index(m, 0.25)].value();
  fit.slope_q75 = slopes[rank_index(m, 0.75)].value();
  std::vector<double> offsets;
  offsets.reserve(points.size());
  for (const FitPoint& p : points)
    offsets.push_back(static_cast<double>(p.y) - fit.slope * static_cast<double>(p.x));
  fit.intercept = quantile(offsets, 0.5);
  for (const FitPoint& p : points)
    fit.residuals.push_back(static_cast<double>(p.y) -
                            (fit.intercept + fit.slope * static_cast<double>(p.x)));
  return fit;
}

double quantile(std::vector<double> values, double p) {
  if (values.empty()) throw std::invalid_argument("quantile of no values");
  std::sort(values.begin(), values.end());
  const double h = std::clamp(p, 0.0, 1.0) * static_cast<double>(values.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(h));
  const size_t hi = std::min(values.size() - 1, lo + 1);
  return values[lo] + (h - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

int64_t nearest_rank(std::vector<int64_t> values, double p) {
  if (values.empty()) throw std::invalid_argument("nearest_rank of no values");
  std::sort(values.begin(), values.end());
  return values[rank_index(values.size(), p)];
}

double robust_stddev(const std::vector<double>& values) {
  if (values.empty()) return 0;
  const double med = quantile(values, 0.5);
  std::vector<double> dev;
  dev.reserve(values.size());
  for (double v : values) dev.push_back(std::fabs(v - med));
  return 1.4826 * quantile(dev, 0.5);
}

}  // namespace ckptsim::analysis
