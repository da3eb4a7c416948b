#include "model/progress.hpp"

#include <algorithm>
#include <cmath>

namespace ckptsim::model {

double Progress::lag_at(Time t) const {
  const double dt = static_cast<double>(t - t0_) / 1e6;
  if (dt <= 0) return lag0_;
  if (stalls_ > 0) return lag0_ + nominal_ * dt;
  if (catch_up_ >= nominal_) {
    if (std::isinf(catch_up_)) return 0;
    return std::max(0.0, lag0_ - (catch_up_ - nominal_) * dt);
  }
  return lag0_ + (nominal_ - catch_up_) * dt;
}

Duration Progress::as_time(double bytes) const {
  if (nominal_ <= 0 || bytes <= 0) return 0;
  return static_cast<Duration>(std::llround(bytes / nominal_ * 1e6));
}

void Progress::advance(Time now) {
  if (now <= t0_) return;
  lag0_ = lag_at(now);
  arrived0_ += nominal_ * static_cast<double>(now - t0_) / 1e6;
  t0_ = now;
  // Within a segment lag is monotone (or falls to 0 and stays), so its maximum is at an end.
  max_lag_bytes_ = std::max(max_lag_bytes_, lag0_);
  max_lag_ = std::max(max_lag_, as_time(lag0_));
}

void Progress::set_rates(Time now, double nominal, double catch_up) {
  advance(now);
  nominal_ = nominal;
  catch_up_ = catch_up;
  max_lag_ = std::max(max_lag_, as_time(lag0_));
}

void Progress::stall(Time now) {
  advance(now);
  ++stalls_;
}

void Progress::resume(Time now) {
  advance(now);
  if (stalls_ > 0) --stalls_;
}

double Progress::rewind(Time now, double to) {
  advance(now);
  const double processed = arrived0_ - lag0_;
  const double replayed = std::max(0.0, processed - to);
  replayed_bytes_ += replayed;
  replayed_time_ += as_time(replayed);
  lag0_ = arrived0_ - std::min(to, processed);
  max_lag_bytes_ = std::max(max_lag_bytes_, lag0_);
  max_lag_ = std::max(max_lag_, as_time(lag0_));
  return replayed;
}

double Progress::processed(Time now) const {
  const double dt = std::max<double>(0, static_cast<double>(now - t0_) / 1e6);
  return arrived0_ + nominal_ * dt - lag_at(now);
}

double Progress::lag_bytes(Time now) const { return lag_at(now); }

}  // namespace ckptsim::model
