// A 64-bit fingerprint over a stream of (time, kind, subject) triples: two runs agree exactly
// when their fingerprints do.
#pragma once

#include <cstdint>
#include <string>

namespace ckptsim::sim {

class Fingerprint {
 public:
  void add(int64_t time, uint32_t kind, int64_t subject) {
    mix(static_cast<uint64_t>(time));
    mix(kind);
    mix(static_cast<uint64_t>(subject));
  }
  uint64_t value() const { return h_; }
  std::string hex() const;

 private:
  void mix(uint64_t v) {
    // A multiply-xorshift round per word (in the manner of wyhash/murmur finalisers).
    h_ ^= v + 0x9E3779B97F4A7C15ULL + (h_ << 6) + (h_ >> 2);
    h_ *= 0xFF51AFD7ED558CCDULL;
    h_ ^= h_ >> 32;
  }
  uint64_t h_ = 0x6A09E667F3BCC909ULL;
};

}  // namespace ckptsim::sim
