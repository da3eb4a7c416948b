// The job's processed position and its lag, as a piecewise-linear function of
// time: it changes slope only at flow changes, stalls and restarts, so it needs no events.
#pragma once

#include <cstdint>

#include "sim/time.hpp"

namespace ckptsim::model {

using sim::Duration;
using sim::Time;

class Progress {
 public:
  // New input rate (bytes/s at the sources' nominal rate) and catch-up rate (what the job can
  // process when it lags), from `now` on.
  void set_rates(Time now, double nominal, double catch_up);
  // Processing stops (restart, or a sync phase) / resumes. Stalls nest.
  void stall(Time now);
  void resume(Time now);
  // A failover restores the position `to` (bytes of input): what was processed beyond it is
  // replayed. Returns the replayed bytes.
  double rewind(Time now, double to);

  // Brings the running maxima up to `now` (call at the end of a run).
  void settle(Time now) { advance(now); }

  double processed(Time now) const;
  double lag_bytes(Time now) const;

  double max_lag_bytes() const { return max_lag_bytes_; }
  Duration max_lag() const { return max_lag_; }
  double replayed_bytes() const { return replayed_bytes_; }
  Duration replayed_time() const { return replayed_time_; }
  // Bytes of input as time at the current nominal rate.
  Duration as_time(double bytes) const;

 private:
  void advance(Time now);
  double lag_at(Time t) const;

  Time t0_ = 0;
  double arrived0_ = 0;
  double lag0_ = 0;
  double nominal_ = 0;
  double catch_up_ = 0;
  int stalls_ = 0;
  double max_lag_bytes_ = 0;
  Duration max_lag_ = 0;
  double replayed_bytes_ = 0;
  Duration replayed_time_ = 0;
};

}  // namespace ckptsim::model
