#include "sim/simulation.hpp"

#include <cassert>

namespace ckptsim::sim {

Simulation::Simulation() {
  heap_.reserve(1024);
  slots_.reserve(1024);
}

uint32_t Simulation::allocate_slot(Action action, bool persistent) {
  uint32_t s;
  if (free_head_ != kNotQueued) {
    s = free_head_;
    free_head_ = slots_[s].next_free;
  } else {
    s = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Slot& slot = slots_[s];
  slot.action = action;
  slot.heap_pos = kNotQueued;
  slot.persistent = persistent;
  return s;
}

void Simulation::free_slot(uint32_t s) {
  slots_[s].action = Action();
  slots_[s].next_free = free_head_;
  free_head_ = s;
}

void Simulation::at(Time when, Action action) {
  schedule(allocate_slot(action, false), when);
}

void Simulation::schedule(uint32_t s, Time when) {
  if (when < now_) when = now_;
  Entry e{when, next_seq_++, s};
  uint32_t pos = slots_[s].heap_pos;
  if (pos == kNotQueued) {
    heap_.push_back(e);
    pos = static_cast<uint32_t>(heap_.size() - 1);
    place(pos, e);
    sift_up(pos);
  } else {
    // A re-arm takes a fresh sequence number: it is a new scheduling, and runs after anything
    // already scheduled for the same instant.
    place(pos, e);
    sift_up(pos);
    sift_down(slots_[s].heap_pos);
  }
}

void Simulation::unschedule(uint32_t s) {
  uint32_t pos = slots_[s].heap_pos;
  if (pos == kNotQueued) return;
  slots_[s].heap_pos = kNotQueued;
  Entry last = heap_.back();
  heap_.pop_back();
  if (pos < heap_.size()) {
    place(pos, last);
    sift_up(pos);
    sift_down(slots_[last.slot].heap_pos);
  }
}

void Simulation::sift_up(uint32_t pos) {
  Entry e = heap_[pos];
  while (pos > 0) {
    uint32_t parent = (pos - 1) / 4;
    if (!before(e, heap_[parent])) break;
    place(pos, heap_[parent]);
    pos = parent;
  }
  place(pos, e);
}

void Simulation::sift_down(uint32_t pos) {
  const uint32_t n = static_cast<uint32_t>(heap_.size());
  Entry e = heap_[pos];
  for (;;) {
    uint32_t first = pos * 4 + 1;
    if (first >= n) break;
    uint32_t best = first;
    uint32_t last = first + 4 < n ? first + 4 : n;
    for (uint32_t c = first + 1; c < last; ++c)
      if (before(heap_[c], heap_[best])) best = c;
    if (!before(heap_[best], e)) break;
    place(pos, heap_[best]);
    pos = best;
  }
  place(pos, e);
}

uint64_t Simulation::run_until(Time end) {
  stopped_ = false;
  uint64_t ran = 0;
  while (!heap_.empty() && heap_[0].time < end && !stopped_) {
    Entry top = heap_[0];
    unschedule(top.slot);
    now_ = top.time;
    // Copy out: the action may schedule, which can grow (and move) the slot table.
    Action action = slots_[top.slot].action;
    if (!slots_[top.slot].persistent) free_slot(top.slot);
    action();
    ++ran;
  }
  events_run_ += ran;
  if (!stopped_ && end > now_) now_ = end;
  return ran;
}

Timer::Timer(Simulation& sim, Action action) : sim_(&sim) {
  slot_ = sim.allocate_slot(action, true);
}

Timer::Timer(Timer&& other) noexcept : sim_(other.sim_), slot_(other.slot_) {
  other.sim_ = nullptr;
}

Timer& Timer::operator=(Timer&& other) noexcept {
  if (this != &other) {
    if (sim_) {
      sim_->unschedule(slot_);
      sim_->free_slot(slot_);
    }
    sim_ = other.sim_;
    slot_ = other.slot_;
    other.sim_ = nullptr;
  }
  return *this;
}

Timer::~Timer() {
  if (sim_) {
    sim_->unschedule(slot_);
    sim_->free_slot(slot_);
  }
}

void Timer::arm_at(Time when) {
  assert(sim_);
  sim_->schedule(slot_, when);
}

void Timer::cancel() {
  if (sim_) sim_->unschedule(slot_);
}

bool Timer::armed() const {
  return sim_ && sim_->slots_[slot_].heap_pos != Simulation::kNotQueued;
}

Time Timer::when() const {
  if (!armed()) return kNever;
  return sim_->heap_[sim_->slots_[slot_].heap_pos].time;
}

}  // namespace ckptsim::sim
