// Virtual time: an integer count of microseconds since the start of a run.
#pragma once

#include <cstdint>
#include <limits>

namespace ckptsim::sim {

using Time = int64_t;      // microseconds since the start of the run
using Duration = int64_t;  // microseconds

inline constexpr Time kNever = std::numeric_limits<Time>::max();

// ceil(x) as an integer, for -1 < x < 2^63: the same value as std::ceil, without the call into
// libm that baseline x86-64 (no rounding instruction) makes for every upload and barrier.
inline constexpr int64_t ceil_to_int(double x) {
  const auto t = static_cast<int64_t>(x);  // truncates: floor(x) for x >= 0, 0 for -1 < x < 0
  return t + (static_cast<double>(t) < x ? 1 : 0);
}

inline constexpr Duration kMicrosecond = 1;
inline constexpr Duration kMillisecond = 1000;
inline constexpr Duration kSecond = 1000 * kMillisecond;
inline constexpr Duration kMinute = 60 * kSecond;
inline constexpr Duration kHour = 60 * kMinute;
inline constexpr Duration kDay = 24 * kHour;

}  // namespace ckptsim::sim
