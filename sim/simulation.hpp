// The discrete-event kernel: a virtual clock in microseconds, and an indexed 4-ary heap of
// pending actions ordered by (time, sequence) so that equal times run first-scheduled-first.
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

#include "sim/time.hpp"

namespace ckptsim::sim {

// A small callable stored inline: a lambda capturing a pointer and a few integers. No heap
// allocation per event; the capture must be trivially copyable and fit in 32 bytes.
class Action {
 public:
  Action() = default;
  template <class F>
  Action(F f) {  // NOLINT(google-explicit-constructor): lambdas convert implicitly
    static_assert(sizeof(F) <= sizeof(storage_), "Action capture too large (max 32 bytes)");
    static_assert(std::is_trivially_copyable_v<F> && std::is_trivially_destructible_v<F>,
                  "Action capture must be trivially copyable");
    ::new (static_cast<void*>(storage_)) F(f);
    invoke_ = [](void* p) { (*static_cast<F*>(p))(); };
  }
  void operator()() { invoke_(storage_); }
  explicit operator bool() const { return invoke_ != nullptr; }

 private:
  alignas(8) unsigned char storage_[32] = {};
  void (*invoke_)(void*) = nullptr;
};

class Simulation;

// A re-armable, cancellable timer. Arming an armed timer moves it (O(log n)); cancelling removes
// it from the queue at once, so no stale entry is ever left behind.
class Timer {
 public:
  Timer() = default;
  Timer(Simulation& sim, Action action);
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;
  Timer(Timer&& other) noexcept;
  Timer& operator=(Timer&& other) noexcept;
  ~Timer();

  void arm_at(Time when);  // (re-)arm; a time in the past is clamped to now
  void cancel();
  bool armed() const;
  Time when() const;  // kNever when not armed

 private:
  Simulation* sim_ = nullptr;
  uint32_t slot_ = 0;
};

class Simulation {
 public:
  Simulation();

  Time now() const { return now_; }

  // One-shot action at an absolute time (clamped to now when in the past).
  void at(Time when, Action action);
  // A delay past the end of time saturates at kNever instead of overflowing.
  void after(Duration delay, Action action) {
    at(delay > kNever - now_ ? kNever : now_ + delay, std::move(action));
  }

  // Runs every action due before `end`; the clock then reads `end`. Returns the number run.
  uint64_t run_until(Time end);
  // Stops run_until after the current action.
  void stop() { stopped_ = true; }

  uint64_t events_run() const { return events_run_; }
  size_t pending() const { return heap_.size(); }
  // When the earliest pending action is due (kNever if none).
  Time next_time() const { return heap_.empty() ? kNever : heap_[0].time; }

 private:
  friend class Timer;
  static constexpr uint32_t kNotQueued = std::numeric_limits<uint32_t>::max();

  struct Slot {
    Action action;
    uint32_t heap_pos = kNotQueued;
    uint32_t next_free = 0;
    bool persistent = false;  // owned by a Timer; otherwise freed after it runs
  };
  struct Entry {
    Time time;
    uint64_t seq;
    uint32_t slot;
  };
  static bool before(const Entry& a, const Entry& b) {
    return a.time < b.time || (a.time == b.time && a.seq < b.seq);
  }

  uint32_t allocate_slot(Action action, bool persistent);
  void free_slot(uint32_t slot);
  void schedule(uint32_t slot, Time when);
  void unschedule(uint32_t slot);
  void sift_up(uint32_t pos);
  void sift_down(uint32_t pos);
  void place(uint32_t pos, const Entry& e) {
    heap_[pos] = e;
    slots_[e.slot].heap_pos = pos;
  }

  Time now_ = 0;
  uint64_t next_seq_ = 0;
  uint64_t events_run_ = 0;
  bool stopped_ = false;
  std::vector<Entry> heap_;
  std::vector<Slot> slots_;
  uint32_t free_head_ = kNotQueued;
};

}  // namespace ckptsim::sim
