#include "sim/simulation.hpp"

#include <algorithm>
#include <cassert>
#include <stdexcept>

namespace ckptsim::sim {

Simulation::Simulation() {
  heap_.reserve(1024);
  heap_.resize(kPad, Entry{0, 0});
  slots_.reserve(1024);
}

uint32_t Simulation::new_slot() {
  if (slots_.size() > kSlotMask)
    throw std::length_error("sim::Simulation: more than 2^24 pending actions and timers");
  slots_.emplace_back();
  return static_cast<uint32_t>(slots_.size() - 1);
}

void Simulation::reserve_leading_sequences(uint64_t n) {
  if (next_seq_ != 0 || pending() != 0)
    throw std::logic_error("sim::Simulation: sequences are reserved before anything is scheduled");
  if (n >= kSeqLimit / 2) throw std::length_error("sim::Simulation: too many reserved sequences");
  reserved_ = next_seq_ = n;
}

void Simulation::at_reserved(Time when, uint64_t seq, Action action) {
  assert(seq < reserved_);
  push(Entry{std::max(when, now_), (seq << kRefBits) | allocate_slot(action)});
}

// Gives the pending entries the sequence numbers r, r+1, ... in their (time, sequence) order,
// where r is the reserved count (reserved numbers are kept), which keeps the outcome of every
// comparison. A sorted array is a valid heap.
void Simulation::renumber() {
  Entry* h = heap();
  const uint32_t n = static_cast<uint32_t>(pending());
  std::sort(h, h + n, before);
  uint64_t seq = reserved_;
  for (uint32_t i = 0; i < n; ++i) {
    if ((h[i].key >> kRefBits) >= reserved_)
      h[i].key = (seq++ << kRefBits) | (h[i].key & kRefMask);
    place(h, i, h[i]);
  }
  next_seq_ = seq;
}

// Removes a timer's entry from wherever it is in the heap.
void Simulation::unschedule(uint32_t s) {
  const uint32_t pos = slots_[s].heap_pos;
  if (pos == kNotQueued) return;
  slots_[s].heap_pos = kNotQueued;
  const Entry last = heap_.back();
  heap_.pop_back();
  if (pos == pending()) return;  // it was the last entry
  if (pos > 0 && before(last, heap()[(pos - 1) / 4]))
    sift_up(pos, last);
  else
    sift_down(pos, last);
}

// Removes the root (the caller has read it). Floyd's bottom-up deletion: walk the hole down to
// a leaf along the smaller children, then sift the last entry up from there; the last entry
// usually belongs near the bottom, so this saves the comparison against it at every level.
// While comparing one level, the next level's four cache lines are prefetched, and the slot of
// the new root is prefetched as soon as it is known (run_until reads it next).
void Simulation::pop_top() {
  const Entry last = heap_.back();
  heap_.pop_back();
  const uint32_t n = static_cast<uint32_t>(pending());
  if (n == 0) return;
  Entry* h = heap();
  if (n <= 4) {
    // A small queue (a small job keeps 2-5 actions pending): every entry left is a leaf under
    // the root. The least of them and `last` takes the root; `last` otherwise fills that leaf.
    uint32_t best = 0;  // 0 stands for `last`
    Entry least = last;
    for (uint32_t c = 1; c < n; ++c)
      if (before(h[c], least)) {
        least = h[c];
        best = c;
      }
    place(h, 0, least);
    if (best != 0) place(h, best, last);
    return;
  }
  uint32_t pos = 0;
  for (;;) {
    const uint32_t first = pos * 4 + 1;
    uint32_t best;
    if (first + 3 < n) {
      const uint32_t grand = first * 4 + 1;
      if (grand < n) {
        const char* g = reinterpret_cast<const char*>(h + grand);
        __builtin_prefetch(g);
        __builtin_prefetch(g + 64);
        __builtin_prefetch(g + 128);
        __builtin_prefetch(g + 192);
      }
      // A full set of four children: a small tournament of independent comparisons.
      const uint32_t a = before(h[first + 1], h[first]) ? first + 1 : first;
      const uint32_t b = before(h[first + 3], h[first + 2]) ? first + 3 : first + 2;
      best = before(h[b], h[a]) ? b : a;
    } else if (first < n) {
      best = first;
      for (uint32_t c = first + 1; c < n; ++c)
        if (before(h[c], h[best])) best = c;
    } else {
      break;
    }
    if (pos == 0) __builtin_prefetch(&slots_[h[best].slot()]);
    place(h, pos, h[best]);
    pos = best;
  }
  sift_up(pos, last);
}

// Places `e` at `pos` or below it.
void Simulation::sift_down(uint32_t pos, Entry e) {
  Entry* h = heap();
  const uint32_t n = static_cast<uint32_t>(pending());
  for (;;) {
    const uint32_t first = pos * 4 + 1;
    if (first >= n) break;
    uint32_t best = first;
    const uint32_t last = first + 4 < n ? first + 4 : n;
    for (uint32_t c = first + 1; c < last; ++c)
      if (before(h[c], h[best])) best = c;
    if (!before(h[best], e)) break;
    place(h, pos, h[best]);
    pos = best;
  }
  place(h, pos, e);
}

uint64_t Simulation::run_until(Time end) {
  stopped_ = false;
  uint64_t ran = 0;
  while (pending() > 0 && heap()[0].time < end && !stopped_) {
    const Entry top = heap()[0];
    pop_top();
    now_ = top.time;
    const uint32_t s = top.slot();
    // Copy out: the action may schedule, which can grow (and move) the slot table, and a
    // one-shot's slot is recycled at once.
    Action action = slots_[s].action;
    if (top.timer())
      slots_[s].heap_pos = kNotQueued;
    else
      free_slot(s);
    action(context_);
    ++ran;
  }
  events_run_ += ran;
  if (!stopped_ && end > now_) now_ = end;
  return ran;
}

Timer::Timer(Simulation& sim, Action action) : sim_(&sim), id_(sim.new_timer(action)) {}

Timer::Timer(Timer&& other) noexcept : sim_(other.sim_), id_(other.id_) { other.sim_ = nullptr; }

Timer& Timer::operator=(Timer&& other) noexcept {
  if (this != &other) {
    if (sim_) {
      sim_->unschedule(id_.slot);
      sim_->free_slot(id_.slot);
    }
    sim_ = other.sim_;
    id_ = other.id_;
    other.sim_ = nullptr;
  }
  return *this;
}

Timer::~Timer() {
  if (sim_) {
    sim_->unschedule(id_.slot);
    sim_->free_slot(id_.slot);
  }
}

void Timer::cancel() {
  if (sim_) sim_->cancel(id_);
}

bool Timer::armed() const { return sim_ && sim_->armed(id_); }

Time Timer::when() const { return sim_ ? sim_->when(id_) : kNever; }

}  // namespace ckptsim::sim
