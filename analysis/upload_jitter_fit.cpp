#include "analysis/upload_jitter_fit.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

#include "analysis/robust_fit.hpp"
#include "sim/rng.hpp"

namespace ckptsim::analysis {

namespace {

constexpr std::array<double, 6> kSigmas{0.25, 0.5, 0.75, 1.0, 1.5, 2.0};
constexpr size_t kMaxDraws = size_t{1} << 19;  // samples x uploads
constexpr int kBisections = 60;

// The samples of one checkpoint's uploads: delays' normal draws in arrival order, and the
// bandwidth time of the bytes that began before each.
struct Sample {
  std::vector<double> z;       // sorted ascending: the arrival order for any median and sigma
  std::vector<double> before;  // µs of upload time of the uploads before index i
};

std::vector<Sample> draw_samples(const std::vector<int64_t>& bytes, double bandwidth, uint64_t seed) {
  const size_t n = bytes.size();
  const size_t k = std::clamp<size_t>(kMaxDraws / n, 16, 512);
  sim::RandomStream rng(seed, 0, "calibrate/jitter");
  std::vector<Sample> samples(k);
  std::vector<size_t> order(n);
  std::vector<double> z(n);
  for (Sample& s : samples) {
    for (double& v : z) v = rng.standard_normal();
    std::iota(order.begin(), order.end(), size_t{0});
    // Ties (equal draws) ordered by index: the order is a function of the draws alone.
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return z[a] < z[b] || (z[a] == z[b] && a < b); });
    s.z.resize(n);
    s.before.resize(n);
    double acc = 0;
    for (size_t i = 0; i < n; ++i) {
      s.z[i] = z[order[i]];
      s.before[i] = acc;
      acc += std::isinf(bandwidth) ? 0.0 : static_cast<double>(bytes[order[i]]) / bandwidth;
    }
  }
  return samples;
}

struct Quantiles {
  double q10, q50, q90;
};

// E's quantiles over the samples for one median, with exp(sigma z) precomputed in `scaled`.
Quantiles delay_quantiles(const std::vector<Sample>& samples,
                          const std::vector<std::vector<double>>& scaled, double median) {
  std::vector<double> e(samples.size());
  for (size_t k = 0; k < samples.size(); ++k) {
    double worst = 0;
    for (size_t i = 0; i < scaled[k].size(); ++i)
      worst = std::max(worst, median * scaled[k][i] - samples[k].before[i]);
    e[k] = worst;
  }
  return {quantile(e, 0.1), quantile(e, 0.5), quantile(e, 0.9)};
}

}  // namespace

std::optional<UploadJitterFit> fit_upload_jitter(double r10, double r50, double r90,
                                                 const std::vector<int64_t>& upload_bytes,
                                                 double bandwidth_bytes_per_us, uint64_t seed) {
  const double spread = r90 - r50;
  if (!(spread > 0) || upload_bytes.empty()) return std::nullopt;
  const std::vector<Sample> samples = draw_samples(upload_bytes, bandwidth_bytes_per_us, seed);
  std::optional<UploadJitterFit> best;
  for (double sigma : kSigmas) {
    std::vector<std::vector<double>> scaled(samples.size());
    for (size_t k = 0; k < samples.size(); ++k)
      for (double z : samples[k].z) scaled[k].push_back(std::exp(sigma * z));
    // Bisection on log(median): the spread E p90 - E p50 grows with the median.
    double lo = std::log(1e-3), hi = std::log(1e13);
    for (int it = 0; it < kBisections; ++it) {
      const double mid = (lo + hi) / 2;
      const Quantiles q = delay_quantiles(samples, scaled, std::exp(mid));
      (q.q90 - q.q50 < spread ? lo : hi) = mid;
    }
    const double median = std::exp((lo + hi) / 2);
    const Quantiles q = delay_quantiles(samples, scaled, median);
    UploadJitterFit fit;
    fit.median_us = median;
    fit.sigma = sigma;
    fit.shift_us = r50 - q.q50;
    fit.e10_us = q.q10;
    fit.e50_us = q.q50;
    fit.e90_us = q.q90;
    fit.p10_error_us = std::fabs(fit.shift_us + q.q10 - r10);
    // Strictly better only: among equals the smaller sigma (the grid's order) stays.
    if (!best || fit.p10_error_us < best->p10_error_us) best = fit;
  }
  return best;
}

}  // namespace ckptsim::analysis
