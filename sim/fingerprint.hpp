// A 64-bit fingerprint over a stream of (time, kind, subject) triples: two runs agree exactly
// when their fingerprints do.
#pragma once

#include <cstdint>
#include <string>

namespace ckptsim::sim {

class Fingerprint {
 public:
  // Each triple is hashed on its own (two murmur3 finalisers), off the running value; only an
  // xor, a multiply and a shift chain one triple to the next, so the chain does not hold up the
  // model (it had been three dependent multiply-xorshift rounds per event).
  void add(int64_t time, uint32_t kind, int64_t subject) {
    const uint64_t a = finalize(static_cast<uint64_t>(time));
    const uint64_t b = finalize(static_cast<uint64_t>(subject) ^ 0x9E3779B97F4A7C15ULL);
    const uint64_t e = a ^ ((b << 29) | (b >> 35)) ^ (static_cast<uint64_t>(kind + 1) * 0xD1B54A32D192ED03ULL);
    h_ = (h_ ^ e) * 0xFF51AFD7ED558CCDULL;
    h_ ^= h_ >> 32;
  }
  uint64_t value() const { return h_; }
  std::string hex() const;

 private:
  static uint64_t finalize(uint64_t x) {
    x ^= x >> 33;
    x *= 0xFF51AFD7ED558CCDULL;
    x ^= x >> 33;
    x *= 0xC4CEB9FE1A85EC53ULL;
    x ^= x >> 33;
    return x;
  }
  uint64_t h_ = 0x6A09E667F3BCC909ULL;
};

}  // namespace ckptsim::sim
