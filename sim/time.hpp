// Virtual time: an integer count of microseconds since the start of a run.
#pragma once

#include <cstdint>
#include <limits>

namespace ckptsim::sim {

using Time = int64_t;      // microseconds since the start of the run
using Duration = int64_t;  // microseconds

inline constexpr Time kNever = std::numeric_limits<Time>::max();

inline constexpr Duration kMicrosecond = 1;
inline constexpr Duration kMillisecond = 1000;
inline constexpr Duration kSecond = 1000 * kMillisecond;
inline constexpr Duration kMinute = 60 * kSecond;
inline constexpr Duration kHour = 60 * kMinute;
inline constexpr Duration kDay = 24 * kHour;

}  // namespace ckptsim::sim
