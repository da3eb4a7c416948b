// Appending numbers to a string without a format string: the history writers print hundreds of
// thousands of rows, and fmt::format with a std::string per field dominated their cost. Every
// function prints exactly what its slower counterpart prints (sim::format_ms, json::fraction).
#pragma once

#include <charconv>
#include <cstdint>
#include <string>

#include "analysis/json_util.hpp"
#include "sim/time.hpp"

namespace ckptsim::analysis::fast {

inline void append_int(std::string& out, int64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// As sim::format_ms: milliseconds with the microseconds as up to 3 decimals, trailing zeros cut.
inline void append_ms(std::string& out, sim::Time t) {
  const bool negative = t < 0;
  const uint64_t v = negative ? static_cast<uint64_t>(-(t + 1)) + 1 : static_cast<uint64_t>(t);
  const uint64_t ms = v / 1000, us = v % 1000;
  if (negative) out += '-';
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, ms);
  out.append(buf, r.ptr);
  if (us == 0) return;
  char frac[4] = {'.', static_cast<char>('0' + us / 100), static_cast<char>('0' + us / 10 % 10),
                  static_cast<char>('0' + us % 10)};
  size_t n = 4;
  while (frac[n - 1] == '0') --n;
  out.append(frac, n);
}

// As json::fraction.
inline void append_fraction(std::string& out, double v) {
  if (v == 1.0) {
    out += "1.0";
  } else if (v == 0.0) {
    out += "0.0";
  } else {
    out += json::fraction(v);
  }
}

}  // namespace ckptsim::analysis::fast
