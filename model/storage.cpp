// Checkpoint storage as a fluid resource, by processor sharing.
//
// All active uploads share the bandwidth equally, each capped at the same per-task cap, so at
// any moment they all progress at one rate r = min(cap, bandwidth / n). The cumulative service
// S(t) = ∫ r dt therefore describes every upload at once: one that joined when S was S0 has
// persisted min(b, S - S0) bytes and finishes when S reaches S0 + b. Keeping the active uploads
// ordered by that target makes a start, a stop, a completion or a bandwidth change O(log n)
// (amortised: stopped uploads leave stale heap entries, dropped later).
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
  return sim::ceil_to_int(x - slack);
}

// Heap order: `a` comes out before `b`. Keys compare as in std::pair: by key, then by id.
template <class E>
inline bool before(const E& a, const E& b) {
  if (a.key < b.key) return true;
  if (b.key < a.key) return false;
  return a.id < b.id;
}

// Binary min-heap in a vector, the entry kept in registers while the hole moves. Written out
// rather than std::push_heap/pop_heap, which measured 2% slower on bench chain and 8% on p128
// (bench_model --section throughput).
template <class E>
inline void heap_push(std::vector<E>& heap, const E e) {
  size_t i = heap.size();
  heap.push_back(e);
  E* const h = heap.data();
  while (i > 0) {
    const size_t parent = (i - 1) / 2;
    if (!before(e, h[parent])) break;
    h[i] = h[parent];
    i = parent;
  }
  h[i] = e;
}

template <class E>
inline void heap_pop(std::vector<E>& heap) {
  const E last = heap.back();
  heap.pop_back();
  const size_t n = heap.size();
  if (n == 0) return;
  E* const h = heap.data();
  size_t i = 0;
  for (;;) {
    size_t child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && before(h[child + 1], h[child])) ++child;
    if (!before(h[child], last)) break;
    h[i] = h[child];
    i = child;
  }
  h[i] = last;
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
                 UploadListener& listener, sim::Action on_timer)
    : sim_(&sim),
      spec_(spec),
      jitter_(jitter),
      listener_(&listener),
      timer_(sim.new_timer(on_timer)),
      anchor_(sim.now()) {}

size_t Storage::uploads_in_flight() const { return waiting_count_ + active_count_; }
double Storage::bandwidth() const { return spec_.bandwidth; }
double Storage::per_task_bandwidth() const { return spec_.per_task_bandwidth; }
Duration Storage::latency() const { return spec_.latency; }

template <class E>
inline void Storage::drop_stale_top(std::vector<E>& heap) {
  while (!heap.empty() && !live(heap.front())) heap_pop(heap);
}

template <class E>
void Storage::compact(std::vector<E>& heap, size_t live_count) {
  if (live_count == 0) {
    heap.clear();
    return;
  }
  if (heap.size() <= 2 * live_count + 64) return;
  std::erase_if(heap, [this](const E& e) { return !live(e); });
  std::make_heap(heap.begin(), heap.end(), [](const E& a, const E& b) { return before(b, a); });
}

double Storage::max_target() {
  if (!max_valid_) {
    bool any = false;
    for (const ActiveEntry& e : active_) {
      if (!live(e)) continue;
      max_target_ = any ? std::max(max_target_, e.key) : e.key;
      any = true;
    }
    max_valid_ = true;
  }
  return max_target_;
}

double Storage::share() const {
  if (active_count_ == 0) return 0;
  const double fair = spec_.bandwidth / static_cast<double>(active_count_);
  const double r = std::min(spec_.per_task_bandwidth, fair);
  return r > 0 ? r : 0;  // also maps NaN to a stall
}

double Storage::service_now() const {
  if (active_count_ == 0 || rate_ <= 0) return service_;
  if (std::isinf(rate_)) return kUnlimited;
  return service_ + rate_ * static_cast<double>(sim_->now() - anchor_) / kMicrosPerSecond;
}

void Storage::advance() {
  const Time now = sim_->now();
  if (active_count_ != 0) {
    if (std::isinf(rate_)) {
      // Everything active is done the instant it joined.
      service_ = std::max(service_, max_target());
    } else if (rate_ > 0 && now > anchor_) {
      service_ += rate_ * static_cast<double>(now - anchor_) / kMicrosPerSecond;
    }
  }
  anchor_ = now;
}

Time Storage::finish_time(double target) const {
  if (!(rate_ > 0)) return sim::kNever;
  if (std::isinf(rate_)) return anchor_;
  // The same inputs give the same result: a start into the latency phase re-keys the timer on
  // an unchanged top, and on_timer re-checks the top that reschedule() keyed the timer to.
  FinishMemo& m = finish_memo_;
  if (target == m.target && service_ == m.service && rate_ == m.rate && anchor_ == m.anchor)
    return m.when;
  const sim::Duration d = ceil_micros((target - service_) / rate_ * kMicrosPerSecond);
  const Time when = d >= sim::kNever - anchor_ ? sim::kNever : anchor_ + d;
  m = FinishMemo{target, service_, rate_, anchor_, when};
  return when;
}

void Storage::refresh_rate() {
  if (rate_count_ != active_count_) {  // the rate only depends on the count and the spec
    rate_ = share();
    rate_count_ = active_count_;
  }
}

// A lone upload in its latency phase (nothing else in flight) shares with nobody: its join
// changes no other upload's rate. So the timer is keyed straight to its finish, as if it had
// joined at its ready time, and no event marks the join; catch_up() performs it when anything
// next looks at the storage. This saves one event per upload of a small job, whose uploads
// rarely overlap.
void Storage::catch_up() {
  if (active_count_ != 0 || waiting_count_ != 1) return;
  drop_stale_top(waiting_);
  const WaitingEntry lone = waiting_.front();
  if (lone.key > sim_->now()) return;
  heap_pop(waiting_);
  waiting_count_ = 0;
  anchor_ = lone.key;  // S stays put while nothing is active; it grows from the ready time
  join(lone.id);
  refresh_rate();
}

// finish_time() as the join would compute it: anchored at the ready time, with S unchanged.
Time Storage::lone_finish() const {
  const Upload& u = uploads_[waiting_.front().id];
  const double rate = std::min(spec_.per_task_bandwidth, spec_.bandwidth);  // share() for one
  if (!(rate > 0)) return sim::kNever;
  if (std::isinf(rate)) return u.ready;
  const double target = service_ + static_cast<double>(u.bytes);
  const sim::Duration d = ceil_micros((target - service_) / rate * kMicrosPerSecond);
  const Time when = d >= sim::kNever - u.ready ? sim::kNever : u.ready + d;
  // After the join the same inputs reach finish_time(), which then need not divide again.
  finish_memo_ = FinishMemo{target, service_, rate, u.ready, when};
  return when;
}

void Storage::reschedule() {
  refresh_rate();
  Time next = sim::kNever;
  drop_stale_top(waiting_);
  if (active_count_ == 0 && waiting_count_ == 1) {
    next = lone_finish();
  } else {
    if (!waiting_.empty()) next = waiting_.front().key;
    drop_stale_top(active_);
    if (!active_.empty()) next = std::min(next, finish_time(active_.front().key));
  }
  if (next == sim::kNever)
    sim_->cancel(timer_);
  else if (!sim_->armed(timer_) || sim_->when(timer_) != next)
    sim_->arm(timer_, next);
}

void Storage::join(UploadId id) {
  Upload& u = uploads_[id];
  u.phase = Phase::active;
  u.start_service = service_;
  u.target = service_ + static_cast<double>(u.bytes);
  if (active_count_ == 0) {
    max_target_ = u.target;
    max_valid_ = true;
  } else if (max_valid_) {
    max_target_ = std::max(max_target_, u.target);
  }
  ++active_count_;
  heap_push(active_, ActiveEntry{u.target, id, u.generation});
}

void Storage::release(UploadId id) {
  Upload& u = uploads_[id];
  u.phase = Phase::free;
  ++u.generation;
  u.next_free = free_head_;
  free_head_ = id;
}

Storage::UploadId Storage::start(uint64_t tag, int64_t bytes) {
  catch_up();
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
  u.ready = sim_->now() + std::max<Duration>(0, delay);
  if (u.ready <= sim_->now()) {
    advance();
    join(id);
  } else {
    u.phase = Phase::latency;
    ++waiting_count_;
    heap_push(waiting_, WaitingEntry{u.ready, id, u.generation});
  }
  reschedule();
  return id;
}

int64_t Storage::persisted(UploadId id) {
  if (id >= uploads_.size()) return 0;
  catch_up();
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
  catch_up();
  const int64_t bytes = persisted(id);
  Upload& u = uploads_[id];
  switch (u.phase) {
    case Phase::free:
      return 0;
    case Phase::finishing:  // finished at this instant, its callback not yet delivered: drop it
      release(id);
      return bytes;
    case Phase::latency:
      release(id);  // its entry in waiting_ is stale from now on
      --waiting_count_;
      compact(waiting_, waiting_count_);
      reschedule();
      return bytes;
    case Phase::active:
      advance();
      if (!(u.target < max_target_)) max_valid_ = false;
      release(id);  // its entry in active_ is stale from now on
      --active_count_;
      if (active_count_ == 0) service_ = 0;
      compact(active_, active_count_);
      reschedule();
      return bytes;
  }
  return bytes;
}

void Storage::change(const StorageChange& c) {
  catch_up();
  advance();
  if (c.bandwidth) spec_.bandwidth = *c.bandwidth;
  if (c.per_task_bandwidth) spec_.per_task_bandwidth = *c.per_task_bandwidth;
  if (c.latency) spec_.latency = *c.latency;  // for uploads started from now on
  rate_count_ = kStaleCount;                  // recompute the rate
  reschedule();
}

void Storage::on_timer() {
  const Time now = sim_->now();
  if (active_count_ == 0 && waiting_count_ == 1) {
    // A lone upload: the timer was keyed to its finish and to nothing else (every change
    // re-keys it), so it is done; past its ready time, it finishes without joining first.
    drop_stale_top(waiting_);
    const UploadId id = waiting_.front().id;
    if (uploads_[id].ready < now) {
      waiting_.clear();
      waiting_count_ = 0;
      anchor_ = now;  // idle from now, S still 0
      const uint64_t tag = uploads_[id].tag;
      release(id);
      listener_->on_upload_finished(tag);
      return;
    }
  }
  catch_up();
  // Due completions, judged against the anchor the timer was keyed from (before advancing, so
  // the rounding up of their finish time is honoured), in (target, id) order.
  std::vector<Done>& done = done_;  // reused: no allocation per completion
  done.clear();
  // advance() below may need the largest target of the uploads popped here: settle it first.
  if (active_count_ != 0 && std::isinf(rate_)) max_target();
  for (drop_stale_top(active_); !active_.empty() && finish_time(active_.front().key) <= now;
       drop_stale_top(active_)) {
    const UploadId id = active_.front().id;
    heap_pop(active_);
    const Upload& u = uploads_[id];
    done.push_back(Done{id, u.generation, u.tag});
  }
  advance();
  for (const Done& d : done) {
    Upload& u = uploads_[d.id];
    if (!(u.target < max_target_)) max_valid_ = false;
    u.phase = Phase::finishing;
  }
  active_count_ -= done.size();
  if (active_count_ == 0) {
    service_ = 0;
    active_.clear();  // only stale entries are left
  }
  // Latency phases that end now: these uploads join the sharing from this instant.
  for (drop_stale_top(waiting_); !waiting_.empty() && waiting_.front().key <= now;
       drop_stale_top(waiting_)) {
    const UploadId id = waiting_.front().id;
    heap_pop(waiting_);
    --waiting_count_;
    join(id);
  }
  if (waiting_count_ == 0) waiting_.clear();  // only stale entries are left
  reschedule();
  // Callbacks last: the listener may start or stop uploads, and a stop of a peer that finished
  // at this same instant cancels that peer's callback.
  for (const Done& d : done) {
    Upload& u = uploads_[d.id];
    if (u.phase != Phase::finishing || u.generation != d.generation) continue;
    release(d.id);
    listener_->on_upload_finished(d.tag);
  }
}

}  // namespace ckptsim::model
