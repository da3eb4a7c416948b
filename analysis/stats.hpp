// Sample statistics for sweeps: mean, sample standard deviation and a Student-t 95% confidence
// interval of the mean. The t quantile is computed portably (no std::*_distribution): closed
// forms for df 1 and 2, otherwise bisection on the t CDF written with the regularized
// incomplete beta function (continued fraction). Deterministic for given inputs.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace ckptsim::analysis {

// The regularized incomplete beta function I_x(a, b), for a, b > 0 and 0 <= x <= 1.
double incomplete_beta(double a, double b, double x);
// P(T <= t) for Student's t with df degrees of freedom (df >= 1).
double student_t_cdf(double t, int64_t df);
// The p-quantile of Student's t with df >= 1 degrees of freedom, 0 < p < 1.
double student_t_quantile(double p, int64_t df);

struct SampleStats {
  int64_t n = 0;
  double mean = 0;
  // Empty when n < 2 (a sample standard deviation and a t interval need two values).
  std::optional<double> stddev;
  std::optional<double> ci95_low, ci95_high;
};

// Mean, sample standard deviation (n - 1) and mean ± t(0.975, n - 1) · s / √n. Values are
// summed in the given order.
SampleStats sample_stats(const std::vector<double>& values);

}  // namespace ckptsim::analysis
