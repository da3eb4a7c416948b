// Checkpoint storage as a fluid resource (SPEC section 3), by processor sharing.
//
// All active uploads share the bandwidth equally, each capped at the same per-task cap, so at
// any moment they all progress at one rate r = min(cap, bandwidth / n). The cumulative service
// S(t) = ∫ r dt therefore describes every upload at once: one that joined when S was S0 has
// persisted min(b, S - S0) bytes and finishes when S reaches S0 + b. Keeping the active uploads
// ordered by that target makes a start, a stop, a completion or a bandwidth change O(log n).
#include "model/storage.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace ckptsim::model {

namespace {

constexpr double kMicrosPerSecond = 1e6;

// Whole microseconds needed for x (> 0) microseconds of work, rounded up. A relative slack of
// 1e-12 absorbs the floating error of a result that is an exact integer (e.g. 999999.9999999999
// for a mathematically exact 1 s) without moving any genuine fraction.
sim::Duration ceil_micros(double x) {
  if (!(x > 0)) return 0;
  if (x >= 4e18) return sim::kNever;
  const double slack = std::max(1e-9, x * 1e-12);
  return static_cast<sim::Duration>(std::ceil(x - slack));
}

// Whole bytes in x, rounded down, with the same slack against floating error.
int64_t floor_bytes(double x) {
  if (!(x > 0)) return 0;
  if (x >= 9e18) return std::numeric_limits<int64_t>::max();
  const double slack = std::max(1e-9, x * 1e-12);
  return static_cast<int64_t>(std::floor(x + slack));
}

}  // namespace

Storage::Storage(sim::Simulation& sim, const StorageSpec& spec, sim::RandomStream jitter,
                 UploadListener& listener)
    : sim_(sim),
      spec_(spec),
      jitter_(jitter),
      listener_(listener),
      timer_(sim, [this] { on_timer(); }),
      anchor_(sim.now()) {}

size_t Storage::uploads_in_flight() const { return waiting_.size() + active_.size(); }
double Storage::bandwidth() const { return spec_.bandwidth; }
double Storage::per_task_bandwidth() const { return spec_.per_task_bandwidth; }
Duration Storage::latency() const { return spec_.latency; }

double Storage::share() const {
  if (active_.empty()) return 0;
  const double fair = spec_.bandwidth / static_cast<double>(active_.size());
  const double r = std::min(spec_.per_task_bandwidth, fair);
  return r > 0 ? r : 0;  // also maps NaN to a stall
}

double Storage::service_now() const {
  if (active_.empty() || rate_ <= 0) return service_;
  if (std::isinf(rate_)) return kUnlimited;
  return service_ + rate_ * static_cast<double>(sim_.now() - anchor_) / kMicrosPerSecond;
}

void Storage::advance() {
  const Time now = sim_.now();
  if (!active_.empty()) {
    if (std::isinf(rate_)) {
      // Everything active is done the instant it joined.
      service_ = std::max(service_, std::prev(active_.end())->first);
    } else if (rate_ > 0 && now > anchor_) {
      service_ += rate_ * static_cast<double>(now - anchor_) / kMicrosPerSecond;
    }
  }
  anchor_ = now;
}

Time Storage::finish_time(double target) const {
  if (!(rate_ > 0)) return sim::kNever;
  if (std::isinf(rate_)) return anchor_;
  const sim::Duration d = ceil_micros((target - service_) / rate_ * kMicrosPerSecond);
  if (d >= sim::kNever - anchor_) return sim::kNever;
  return anchor_ + d;
}

void Storage::reschedule() {
  rate_ = share();
  Time next = sim::kNever;
  if (!waiting_.empty()) next = waiting_.begin()->first;
  if (!active_.empty()) next = std::min(next, finish_time(active_.begin()->first));
  if (next == sim::kNever)
    timer_.cancel();
  else if (!timer_.armed() || timer_.when() != next)
    timer_.arm_at(next);
}

void Storage::join(UploadId id) {
  Upload& u = uploads_[id];
  u.phase = Phase::active;
  u.start_service = service_;
  u.target = service_ + static_cast<double>(u.bytes);
  active_.emplace(u.target, id);
}

void Storage::release(UploadId id) {
  Upload& u = uploads_[id];
  u.phase = Phase::free;
  ++u.generation;
  u.next_free = free_head_;
  free_head_ = id;
}

Storage::UploadId Storage::start(uint64_t tag, int64_t bytes) {
  UploadId id;
  if (free_head_ != kNone) {
    id = free_head_;
    free_head_ = uploads_[id].next_free;
  } else {
    id = static_cast<UploadId>(uploads_.size());
    uploads_.emplace_back();
  }
  Upload& u = uploads_[id];
  u.tag = tag;
  u.bytes = std::max<int64_t>(0, bytes);
  Duration delay = spec_.latency;
  if (spec_.jitter) delay += std::llround(spec_.jitter->sample(jitter_));
  u.ready = sim_.now() + std::max<Duration>(0, delay);
  if (u.ready <= sim_.now()) {
    advance();
    join(id);
  } else {
    u.phase = Phase::latency;
    waiting_.emplace(u.ready, id);
  }
  reschedule();
  return id;
}

int64_t Storage::persisted(UploadId id) const {
  if (id >= uploads_.size()) return 0;
  const Upload& u = uploads_[id];
  switch (u.phase) {
    case Phase::free:
    case Phase::latency:
      return 0;
    case Phase::finishing:
      return u.bytes;
    case Phase::active: {
      const double done = service_now() - u.start_service;
      return std::min(u.bytes, floor_bytes(std::min(done, static_cast<double>(u.bytes))));
    }
  }
  return 0;
}

int64_t Storage::stop(UploadId id) {
  if (id >= uploads_.size()) return 0;
  const int64_t bytes = persisted(id);
  Upload& u = uploads_[id];
  switch (u.phase) {
    case Phase::free:
      return 0;
    case Phase::finishing:  // finished at this instant, its callback not yet delivered: drop it
      release(id);
      return bytes;
    case Phase::latency:
      waiting_.erase({u.ready, id});
      release(id);
      reschedule();
      return bytes;
    case Phase::active:
      advance();
      active_.erase({u.target, id});
      if (active_.empty()) service_ = 0;
      release(id);
      reschedule();
      return bytes;
  }
  return bytes;
}

void Storage::change(const StorageChange& c) {
  advance();
  if (c.bandwidth) spec_.bandwidth = *c.bandwidth;
  if (c.per_task_bandwidth) spec_.per_task_bandwidth = *c.per_task_bandwidth;
  if (c.latency) spec_.latency = *c.latency;  // for uploads started from now on
  reschedule();
}

void Storage::on_timer() {
  const Time now = sim_.now();
  // Due completions, judged against the anchor the timer was keyed from (before advancing, so
  // the rounding up of their finish time is honoured), in (target, id) order.
  std::vector<Done>& done = done_;  // reused: no allocation per completion
  done.clear();
  for (auto it = active_.begin(); it != active_.end() && finish_time(it->first) <= now; ++it) {
    const Upload& u = uploads_[it->second];
    done.push_back(Done{it->second, u.generation, u.tag});
  }
  advance();
  for (const Done& d : done) {
    active_.erase({uploads_[d.id].target, d.id});
    uploads_[d.id].phase = Phase::finishing;
  }
  if (active_.empty()) service_ = 0;
  // Latency phases that end now: these uploads join the sharing from this instant.
  while (!waiting_.empty() && waiting_.begin()->first <= now) {
    const UploadId id = waiting_.begin()->second;
    waiting_.erase(waiting_.begin());
    join(id);
  }
  reschedule();
  // Callbacks last: the listener may start or stop uploads, and a stop of a peer that finished
  // at this same instant cancels that peer's callback.
  for (const Done& d : done) {
    Upload& u = uploads_[d.id];
    if (u.phase != Phase::finishing || u.generation != d.generation) continue;
    release(d.id);
    listener_.on_upload_finished(d.tag);
  }
}

}  // namespace ckptsim::model
