// Small helpers of the scenario values: distribution moments and draws, enum names.
#include "model/scenario.hpp"

#include <algorithm>
#include <cmath>

namespace ckptsim::model {

double Distribution::mean() const {
  switch (kind) {
    case Kind::constant:
      return std::max(0.0, a);
    case Kind::uniform:
      return std::max(0.0, (a + b) / 2);
    case Kind::exponential:
      return std::max(0.0, a);
    case Kind::lognormal:
      return std::max(0.0, a * std::exp(b * b / 2));
    case Kind::normal: {
      // Normal(a, b) truncated at 0: mean + stddev * phi(alpha) / (1 - Phi(alpha)), alpha = -a/b.
      if (b <= 0) return std::max(0.0, a);
      const double alpha = -a / b;
      const double tail = 0.5 * std::erfc(alpha / std::sqrt(2.0));  // 1 - Phi(alpha)
      if (tail <= 0) return 0;
      const double phi = std::exp(-alpha * alpha / 2) / std::sqrt(2 * 3.14159265358979323846);
      return std::max(0.0, a + b * phi / tail);
    }
  }
  return 0;
}

double Distribution::sample(sim::RandomStream& rng) const {
  double v = 0;
  switch (kind) {
    case Kind::constant:
      v = a;  // no draw: a constant never consumes the stream
      break;
    case Kind::uniform:
      v = rng.uniform(a, b);
      break;
    case Kind::exponential:
      v = rng.exponential(a);
      break;
    case Kind::lognormal:
      v = rng.lognormal(a, b);
      break;
    case Kind::normal:
      v = rng.normal_truncated(a, b);
      break;
  }
  return v > 0 ? v : 0;  // never negative (also maps NaN to 0)
}

const char* to_string(Partitioning p) {
  switch (p) {
    case Partitioning::forward:
      return "forward";
    case Partitioning::rebalance:
      return "rebalance";
    case Partitioning::hash:
      return "hash";
    case Partitioning::broadcast:
      return "broadcast";
  }
  return "?";
}

}  // namespace ckptsim::model
