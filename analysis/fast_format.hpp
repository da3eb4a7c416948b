// Writing numbers and rows without a format string: the history writers print hundreds of
// thousands of rows, and fmt::format with a std::string per field, then std::string appends
// (a capacity check and a memmove per field), dominated their cost. Every function prints
// exactly what its slower counterpart prints (sim::format_ms, json::fraction, json::quote).
#pragma once

#include <cassert>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include "analysis/json_util.hpp"
#include "sim/time.hpp"

namespace ckptsim::analysis::fast {

// Room enough for the digits of any int64_t, with a sign.
inline constexpr size_t kIntChars = 21;

inline char* put_int(char* p, int64_t v) { return std::to_chars(p, p + kIntChars, v).ptr; }

// As sim::format_ms: milliseconds with the microseconds as up to 3 decimals, trailing zeros
// cut. At most kIntChars + 4 characters.
inline char* put_ms(char* p, sim::Time t) {
  const bool negative = t < 0;
  const uint64_t v = negative ? static_cast<uint64_t>(-(t + 1)) + 1 : static_cast<uint64_t>(t);
  const uint64_t ms = v / 1000, us = v % 1000;
  if (negative) *p++ = '-';
  p = std::to_chars(p, p + kIntChars, ms).ptr;
  if (us == 0) return p;
  p[0] = '.';
  p[1] = static_cast<char>('0' + us / 100);
  p[2] = static_cast<char>('0' + us / 10 % 10);
  p[3] = static_cast<char>('0' + us % 10);
  size_t n = 4;
  while (p[n - 1] == '0') --n;
  return p + n;
}

// A write position in a BlockWriter's block, held in a local variable for one row: the stores
// through it may alias anything, so a position kept in the writer would be reloaded and stored
// again around every field; a local one stays in a register.
struct Cursor {
  char* p;
  void put(char c) { *p++ = c; }
  void put(std::string_view s) {
    std::memcpy(p, s.data(), s.size());
    p += s.size();
  }
  void put_int(int64_t v) { p = fast::put_int(p, v); }
  void put_ms(sim::Time t) { p = fast::put_ms(p, t); }
};

// Text written to an ostream through a 64 KiB block: reserve() the row's maximum size once (the
// block goes out when it lacks that room), then put its fields through a cursor (or take() a
// Cursor with that room and give() it back after the row).
class BlockWriter {
 public:
  explicit BlockWriter(std::ostream& os) : os_(os), block_(new char[kBlock]), p_(block_.get()) {}
  BlockWriter(const BlockWriter&) = delete;
  BlockWriter& operator=(const BlockWriter&) = delete;
  ~BlockWriter() { flush(); }
  void reserve(size_t n) {
    assert(p_ <= limit_);  // the previous row stayed within its reserve()
    assert(n <= kBlock);
    if (static_cast<size_t>(block_.get() + kBlock - p_) < n) flush();
    limit_ = p_ + n;
  }
  void flush() {
    assert(p_ <= limit_);
    os_.write(block_.get(), p_ - block_.get());
    p_ = block_.get();
  }
  Cursor take(size_t n) {
    reserve(n);
    return {p_};
  }
  void give(Cursor c) {
    p_ = c.p;
    assert(p_ <= limit_);
  }
  void put(char c) { *p_++ = c; }
  void put(std::string_view s) {
    std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
  }
  void put_int(int64_t v) { p_ = fast::put_int(p_, v); }
  void put_ms(sim::Time t) { p_ = fast::put_ms(p_, t); }

 private:
  static constexpr size_t kBlock = size_t{1} << 16;
  std::ostream& os_;
  std::unique_ptr<char[]> block_;
  char* p_;
  char* limit_ = p_;  // the end of the room the last reserve() asked for
};

// As json::fraction ("1.0", "0.0", or 6 decimals trimmed; null when unknown): at most 24
// characters for a fraction in [0, 1], which is all a record holds.
inline std::string fraction(double v) {
  if (v == 1.0) return "1.0";
  if (v == 0.0) return "0.0";
  return json::fraction(v);
}

}  // namespace ckptsim::analysis::fast
