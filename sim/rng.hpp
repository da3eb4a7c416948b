// Seeded random streams keyed by stable names, with portable distributions.
//
// A stream's state is derived from (seed, replication, name) alone, never from creation order,
// so adding a stream or a draw elsewhere never shifts its numbers. The generator is
// xoshiro256**; the distributions are written here because std::*_distribution differ between
// standard libraries.
#pragma once

#include <cstdint>
#include <string_view>

namespace ckptsim::sim {

// SplitMix64 step: the seeding and hashing primitive.
uint64_t splitmix64(uint64_t& state);
// A stable 64-bit hash of a name (FNV-1a followed by a SplitMix64 finaliser).
uint64_t hash_name(std::string_view name);

class RandomStream {
 public:
  RandomStream(uint64_t seed, uint64_t replication, std::string_view name);

  uint64_t next_u64();
  // Uniform integer in [lo, hi], both inclusive, without modulo bias.
  int64_t uniform_int(int64_t lo, int64_t hi);
  // Uniform real in [0, 1) with 53 random bits.
  double uniform01();
  double uniform(double lo, double hi);
  double exponential(double mean);
  // Standard normal by the Marsaglia polar method (its spare value is kept for the next call).
  double standard_normal();
  // Normal(mean, stddev) truncated at 0: negative draws are redrawn.
  double normal_truncated(double mean, double stddev);
  // Lognormal with the given median and sigma of the underlying normal.
  double lognormal(double median, double sigma);

 private:
  uint64_t s_[4];
  bool has_spare_ = false;
  double spare_ = 0;
};

}  // namespace ckptsim::sim
