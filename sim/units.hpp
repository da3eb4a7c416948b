// Durations, sizes and rates: parsed and printed in one place.
//
//   durations  us ms s min h d, compounded ("1h30min"); a bare number is milliseconds
//   sizes      B KB MB GB TB (powers of 1000), KiB MiB GiB TiB (powers of 1024); bare = bytes
//   rates      a size per second ("20MB/s")
//
// Decimals are accepted ("1.5s", "0.5GB") when they name a whole number of microseconds or
// bytes. Overflow and malformed input are errors, never a wrap-around.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/time.hpp"

namespace ckptsim::sim {

template <class T>
struct Parsed {
  std::optional<T> value;
  std::string error;  // what was expected, when value is empty
  explicit operator bool() const { return value.has_value(); }
  const T& operator*() const { return *value; }
};

Parsed<Duration> parse_duration(std::string_view text);
Parsed<int64_t> parse_size(std::string_view text);
Parsed<int64_t> parse_rate(std::string_view text);  // bytes per second

// Compound form that parse_duration reads back exactly: "1h30min", "250ms", "0ms".
std::string format_duration(Duration d);
// Exact form that parse_size reads back: "25GB", "128KiB", "1234B".
std::string format_size(int64_t bytes);
std::string format_rate(int64_t bytes_per_second);
// Milliseconds printed exactly from microseconds, as in JSON and CSV: "1234.567", "1000", "-0.5".
std::string format_ms(Time t);

}  // namespace ckptsim::sim
