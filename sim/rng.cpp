#include "sim/rng.hpp"

#include <cmath>

namespace ckptsim::sim {

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

uint64_t hash_name(std::string_view name) {
  uint64_t h = 0xCBF29CE484222325ULL;
  for (unsigned char c : name) {
    h ^= c;
    h *= 0x100000001B3ULL;
  }
  return splitmix64(h);
}

RandomStream::RandomStream(uint64_t seed, uint64_t replication, std::string_view name) {
  uint64_t st = seed;
  uint64_t a = splitmix64(st);
  st = a ^ replication;
  uint64_t b = splitmix64(st);
  st = b ^ hash_name(name);
  for (auto& word : s_) word = splitmix64(st);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t RandomStream::next_u64() {
  const uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

int64_t RandomStream::uniform_int(int64_t lo, int64_t hi) {
  if (hi <= lo) return lo;
  const uint64_t range = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);  // hi - lo
  if (range == UINT64_MAX) return static_cast<int64_t>(next_u64());
  const uint64_t span = range + 1;
  // Unbiased: reject the 2^64 mod span lowest values (as OpenBSD's arc4random_uniform).
  const uint64_t threshold = (0 - span) % span;
  uint64_t x;
  do {
    x = next_u64();
  } while (x < threshold);
  return static_cast<int64_t>(static_cast<uint64_t>(lo) + x % span);
}

double RandomStream::uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

double RandomStream::uniform(double lo, double hi) { return lo + (hi - lo) * uniform01(); }

double RandomStream::exponential(double mean) {
  // 1 - u lies in (0, 1], so the log is finite.
  return -mean * std::log(1.0 - uniform01());
}

double RandomStream::standard_normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  double u, v, s;
  do {
    u = 2.0 * uniform01() - 1.0;
    v = 2.0 * uniform01() - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  const double f = std::sqrt(-2.0 * std::log(s) / s);
  spare_ = v * f;
  has_spare_ = true;
  return u * f;
}

double RandomStream::normal_truncated(double mean, double stddev) {
  if (stddev <= 0) return mean < 0 ? 0 : mean;
  // Redraw negatives; after many misses (mean far below 0) fall back to 0.
  for (int i = 0; i < 1000; ++i) {
    double x = mean + stddev * standard_normal();
    if (x >= 0) return x;
  }
  return 0;
}

double RandomStream::lognormal(double median, double sigma) {
  return median * std::exp(sigma * standard_normal());
}

}  // namespace ckptsim::sim
