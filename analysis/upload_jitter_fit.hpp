// The per-upload storage jitter (`storage.jitter`, extra latency drawn per upload) whose effect
// on checkpoint end-to-end durations matches the spread of a duration-versus-size fit's
// residuals.
//
// A checkpoint's uploads share the aggregate bandwidth work-conservingly, so a delayed upload is
// partly hidden: the others use the bandwidth meanwhile. With delays sorted d(1) <= d(2) <= ...,
// the checkpoint ends E = max_k (d(k) - S(<k) / B) later than without jitter, S(<k) being the
// bytes of the uploads that began before the k-th. The fit draws lognormal delays, computes E
// per sample with common random numbers, and takes the median and sigma whose E matches the
// residuals' p50..p90 spread, the sigma being the one that then also matches p10 best. The rest
// (residual p50 - E p50) shifts the latency.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace ckptsim::analysis {

struct UploadJitterFit {
  double median_us = 0;  // lognormal median of one upload's delay
  double sigma = 0;      // lognormal sigma
  double shift_us = 0;   // add to the line's intercept to get the storage latency (may be < 0)
  double e10_us = 0, e50_us = 0, e90_us = 0;  // the delay E of a checkpoint, fitted quantiles
  double p10_error_us = 0;  // |shift + E p10 - residual p10|: what the fit leaves unexplained
};

// r10 <= r50 <= r90: quantiles of the residuals (µs). `upload_bytes`: the uploads of one
// checkpoint (at least one). bandwidth: aggregate bytes per µs, or infinity. Empty when the
// residuals have no spread above their median (r90 <= r50). Deterministic for a given seed.
std::optional<UploadJitterFit> fit_upload_jitter(double r10, double r50, double r90,
                                                 const std::vector<int64_t>& upload_bytes,
                                                 double bandwidth_bytes_per_us, uint64_t seed);

}  // namespace ckptsim::analysis
