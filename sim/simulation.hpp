// The discrete-event kernel: a virtual clock in microseconds, and an indexed 4-ary heap of
// pending actions ordered by (time, sequence) so that equal times run first-scheduled-first.
#pragma once

#include <cassert>
#include <cstdint>
#include <cstring>
#include <limits>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

#include "sim/time.hpp"

namespace ckptsim::sim {

// A small callable stored inline: a lambda capturing a few integers (or pointers, for a
// kernel user with one owner). No heap allocation per event; the capture must be trivially
// copyable and fit in 32 bytes.
//
// An action made `with<Owner>` receives the simulation's context (set_context) as `Owner&`
// when it runs, instead of capturing its owner: a copy of the simulation handed to a copy of
// the owner then runs every pending action against that copy. This is what makes a whole run
// copyable (the explorer branches a run at a PATCH instead of simulating the prefix again).
class Action {
 public:
  Action() = default;
  template <class F>
  Action(F f) {  // NOLINT(google-explicit-constructor): lambdas convert implicitly
    place(f);
    invoke_ = [](void* p, void*) { (*static_cast<F*>(p))(); };
  }
  template <class Owner, class F>
  static Action with(F f) {
    Action a;
    a.place(f);
    a.invoke_ = [](void* p, void* owner) { (*static_cast<F*>(p))(*static_cast<Owner*>(owner)); };
    return a;
  }
  void operator()(void* context) { invoke_(storage_, context); }
  explicit operator bool() const { return invoke_ != nullptr; }

 private:
  template <class F>
  void place(const F& f) {
    static_assert(sizeof(F) <= sizeof(storage_), "Action capture too large (max 32 bytes)");
    static_assert(std::is_trivially_copyable_v<F> && std::is_trivially_destructible_v<F>,
                  "Action capture must be trivially copyable");
    ::new (static_cast<void*>(storage_)) F(f);
  }
  alignas(8) unsigned char storage_[32] = {};
  void (*invoke_)(void*, void*) = nullptr;
};

// A timer owned by value: an index into the simulation's timer slots, with no pointer back to
// the simulation, so an object holding TimerIds copies with the simulation it belongs to. The
// slot lives as long as the simulation. Operated through Simulation::arm / cancel / when.
struct TimerId {
  static constexpr uint32_t kNone = 0xFFFFFFFFu;
  uint32_t slot = kNone;
  bool valid() const { return slot != kNone; }
};

class Simulation;

// A re-armable, cancellable timer that frees its slot when destroyed (for kernel users with one
// owner; the model holds TimerIds). Arming an armed timer moves it (O(log n)); cancelling
// removes it from the queue at once, so no stale entry is ever left behind.
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
  TimerId id_;
};

// Copyable: a copy holds the same pending actions and timers, with the same sequence numbers,
// and runs exactly as the original would (give it its owner's copy with set_context).
class Simulation {
 public:
  Simulation();

  // The object that actions made with Action::with<Owner> receive when they run.
  void set_context(void* owner) { context_ = owner; }
  void* context() const { return context_; }

  // Timers owned by value (TimerId). A timer is created once and lives with the simulation.
  TimerId new_timer(Action action) { return TimerId{allocate_slot(action)}; }
  inline void arm(TimerId t, Time when);  // (re-)arm; a time in the past is clamped to now
  void cancel(TimerId t) { unschedule(t.slot); }
  bool armed(TimerId t) const { return slots_[t.slot].heap_pos != kNotQueued; }
  Time when(TimerId t) const {  // kNever when not armed
    return armed(t) ? heap_[kPad + slots_[t.slot].heap_pos].time : kNever;
  }

  Time now() const { return now_; }

  // One-shot action at an absolute time (clamped to now when in the past).
  inline void at(Time when, Action action);

  // Sets aside the sequence numbers 0..n-1, which order before every other: an action
  // scheduled with one of them runs before anything else due at the same time, whenever it was
  // scheduled. This lets a script of n actions be scheduled one at a time (each scheduling the
  // next) and still run as if all had been scheduled first, in their given order, while the
  // queue holds one of them instead of n. Call before anything is scheduled.
  void reserve_leading_sequences(uint64_t n);
  // One-shot action with reserved sequence number `seq` (< n above); at most one pending per seq.
  void at_reserved(Time when, uint64_t seq, Action action);
  // A delay past the end of time saturates at kNever instead of overflowing.
  void after(Duration delay, Action action) {
    at(delay > kNever - now_ ? kNever : now_ + delay, std::move(action));
  }

  // Runs every action due before `end`; the clock then reads `end`. Returns the number run.
  uint64_t run_until(Time end);
  // Stops run_until after the current action.
  void stop() { stopped_ = true; }

  uint64_t events_run() const { return events_run_; }
  size_t pending() const { return heap_.size() - kPad; }
  // When the earliest pending action is due (kNever if none).
  Time next_time() const { return heap_.size() == kPad ? kNever : heap_[kPad].time; }

 private:
  friend class Timer;
  friend struct SimulationTestAccess;  // tests only: forces a sequence renumbering
  static constexpr uint32_t kNotQueued = std::numeric_limits<uint32_t>::max();

  // A heap entry is 16 bytes, so the four children of a node span one 64-byte cache line:
  // the time, then a key holding the sequence number above a reference to the action's slot.
  // The sequence number is unique, so comparing (time, key) as one 128-bit number orders by
  // (time, sequence) with no branch and no look-up.
  //   key = seq << kRefBits | ref;   ref = slot | (kTimerBit when the slot belongs to a Timer)
  // Only timers can be moved or cancelled, so only their heap positions are tracked: sifting a
  // one-shot action touches the heap alone.
  static constexpr unsigned kSlotBits = 24;  // at most 16.7 M live actions and timers
  static constexpr unsigned kRefBits = kSlotBits + 1;
  static constexpr uint64_t kTimerBit = uint64_t{1} << kSlotBits;
  static constexpr uint64_t kSlotMask = kTimerBit - 1;
  static constexpr uint64_t kRefMask = (uint64_t{1} << kRefBits) - 1;
  // 2^39 schedulings (days of run time at full speed); then the pending entries are renumbered.
  static constexpr uint64_t kSeqLimit = uint64_t{1} << (64 - kRefBits);

  // One cache line per slot.
  struct alignas(64) Slot {
    Action action;
    uint32_t heap_pos = kNotQueued;  // timers only
    uint32_t next_free = 0;
  };
  struct Entry {
    Time time;  // never negative: the clock starts at 0 and times are clamped to now
    uint64_t key;
    uint32_t slot() const { return static_cast<uint32_t>(key & kSlotMask); }
    bool timer() const { return (key & kTimerBit) != 0; }
  };
  // The heap is stored after kPad unused entries in 64-byte aligned memory, so that the children
  // 4p+1..4p+4 of every node p sit at physical 4(p+1): one whole cache line.
  static constexpr size_t kPad = 3;
  template <class T>
  struct CacheAligned {
    using value_type = T;
    CacheAligned() = default;
    template <class U>
    CacheAligned(const CacheAligned<U>&) {}  // NOLINT(google-explicit-constructor)
    T* allocate(size_t n) {
      return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t{64}));
    }
    void deallocate(T* p, size_t n) { ::operator delete(p, n * sizeof(T), std::align_val_t{64}); }
    template <class U>
    bool operator==(const CacheAligned<U>&) const { return true; }
  };
  static bool before(const Entry& a, const Entry& b) {
    using u128 = unsigned __int128;
    return ((static_cast<u128>(a.time) << 64) | a.key) < ((static_cast<u128>(b.time) << 64) | b.key);
  }

  inline uint32_t allocate_slot(const Action& action);
  uint32_t new_slot();  // grows the slot table (the free list is empty)
  void free_slot(uint32_t slot) {
    slots_[slot].next_free = free_head_;
    free_head_ = slot;
  }
  inline Entry stamp(uint64_t ref, Time when);
  inline void schedule(uint64_t ref, Time when);
  void push(Entry e) {
    const auto pos = static_cast<uint32_t>(pending());
    heap_.push_back(e);
    sift_up(pos, e);
  }
  void unschedule(uint32_t slot);  // timers only
  void pop_top();
  void renumber();
  inline void sift_up(uint32_t pos, Entry e);
  void sift_down(uint32_t pos, Entry e);
  Entry* heap() { return heap_.data() + kPad; }  // logical index 0 is the root
  void place(Entry* h, uint32_t pos, const Entry& e) {
    h[pos] = e;
    if (e.timer()) slots_[e.slot()].heap_pos = pos;
  }

  void* context_ = nullptr;
  Time now_ = 0;
  uint64_t next_seq_ = 0;
  uint64_t reserved_ = 0;  // sequence numbers below this are reserved (reserve_leading_sequences)
  uint64_t events_run_ = 0;
  bool stopped_ = false;
  std::vector<Entry, CacheAligned<Entry>> heap_;
  std::vector<Slot> slots_;
  uint32_t free_head_ = kNotQueued;
};

// --- The hot paths, inline: every event passes through them ----------------------------------

inline uint32_t Simulation::allocate_slot(const Action& action) {
  uint32_t s = free_head_;
  if (s != kNotQueued)
    free_head_ = slots_[s].next_free;
  else
    s = new_slot();
  Slot& slot = slots_[s];
  slot.action = action;
  slot.heap_pos = kNotQueued;
  return s;
}

// Clamps `when` to now and draws the next sequence number for `ref`.
inline Simulation::Entry Simulation::stamp(uint64_t ref, Time when) {
  if (when < now_) when = now_;
  if (next_seq_ == kSeqLimit) [[unlikely]] renumber();
  return Entry{when, (next_seq_++ << kRefBits) | ref};
}

inline void Simulation::at(Time when, Action action) { push(stamp(allocate_slot(action), when)); }

inline void Simulation::schedule(uint64_t ref, Time when) {
  // Every (re-)scheduling takes a fresh sequence number: a re-armed timer runs after anything
  // already scheduled for the same instant.
  const Entry e = stamp(ref, when);
  const uint32_t pos = (ref & kTimerBit) ? slots_[ref & kSlotMask].heap_pos : kNotQueued;
  if (pos == kNotQueued) {
    push(e);
  } else if (pos > 0 && before(e, heap()[(pos - 1) / 4])) {
    sift_up(pos, e);
  } else {
    sift_down(pos, e);
  }
}

// Places `e` at `pos` or above it.
inline void Simulation::sift_up(uint32_t pos, Entry e) {
  Entry* h = heap();
  while (pos > 0) {
    const uint32_t parent = (pos - 1) / 4;
    if (!before(e, h[parent])) break;
    place(h, pos, h[parent]);
    pos = parent;
  }
  place(h, pos, e);
}

inline void Simulation::arm(TimerId t, Time when) {
  assert(t.valid() && t.slot < slots_.size());
  schedule(t.slot | kTimerBit, when);
}

inline void Timer::arm_at(Time when) {
  assert(sim_);
  sim_->arm(id_, when);
}

}  // namespace ckptsim::sim
