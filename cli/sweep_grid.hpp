// The grid of `ckptsim sweep` (docs/cli.md): --vary values, run numbering and shards.
//
//   --vary checkpointing.interval=1min,2min,5min         a list (commas inside {} or [] kept)
//   --vary checkpointing.interval=1min..32min*2          geometric: 1, 2, 4, 8, 16, 32 min
//   --vary checkpointing.timeout=1min..10min+1min        arithmetic: 1, 2, ..., 10 min
//   --vary storage.bandwidth=50MB/s..250MB/s+50MB/s      sizes and rates too; plain numbers
//
// List elements and ranges mix ("30s,1min..4min*2"). A range's ends and step must be of one
// kind (number, duration, size or rate); its values are printed back in the unit's exact form.
//
// Points are the cartesian product in row-major order of the --vary options as given (the
// last varies fastest). Run index = point × R + replication. Replication r runs with the same
// seed at every point and model::Scenario::replication = r: common random numbers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ckptsim::cli {

inline constexpr int64_t kMaxAxisValues = 100'000;
inline constexpr int64_t kMaxRuns = 100'000'000;

struct Axis {
  std::string key;
  std::vector<std::string> values;
};

// "key=v1,v2,..." (values may be ranges). Returns the axis or an error message.
std::variant<Axis, std::string> parse_vary(std::string_view arg);
// The value list alone: "1min..4min*2,10min".
std::variant<std::vector<std::string>, std::string> expand_values(std::string_view list);

// A value's position on a numeric axis: plain numbers as written, durations in µs, sizes in
// bytes, rates in bytes per second. Empty for anything else.
std::optional<double> value_number(std::string_view text);
// A value as a person reads it: "10.5 MB/s" for "10500000B/s", "1.25 GB" for "1250MB",
// "3min30s" for "210s" (a duration in its compound form); plain numbers as written.
std::string human_value(std::string_view text);

struct Shard {
  int64_t index = 0, count = 1;  // runs with run % count == index
  bool contains(int64_t run) const { return run % count == index; }
};
// "I/N" with 0 <= I < N.
std::variant<Shard, std::string> parse_shard(std::string_view text);

struct RunId {
  int64_t run = 0, point = 0, replication = 0;
};

class Grid {
 public:
  // Axes with distinct keys, each non-empty; replications >= 1. Throws std::invalid_argument
  // when the grid would exceed kMaxRuns.
  Grid(std::vector<Axis> axes, int64_t replications);

  const std::vector<Axis>& axes() const { return axes_; }
  int64_t replications() const { return replications_; }
  int64_t points() const { return points_; }
  int64_t runs() const { return points_ * replications_; }

  RunId run(int64_t index) const;
  // The value index on each axis of a point.
  std::vector<size_t> coordinates(int64_t point) const;
  // The "key=value" overrides of a point, in axis order.
  std::vector<std::string> overrides(int64_t point) const;
  std::vector<std::string> values(int64_t point) const;

 private:
  std::vector<Axis> axes_;
  int64_t replications_ = 1;
  int64_t points_ = 1;
};

}  // namespace ckptsim::cli
