// Checkpoint storage as a fluid resource (SimGrid style): uploads share the aggregate bandwidth
// max-min fair, each capped at per_task_bandwidth, after paying a per-upload latency. One timer
// is keyed to the next completion and re-keyed whenever the set of uploads or the bandwidth
// changes. The bytes persisted by every upload are known exactly at any instant.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "model/scenario.hpp"
#include "sim/rng.hpp"
#include "sim/simulation.hpp"

namespace ckptsim::model {

class UploadListener {
 public:
  virtual ~UploadListener() = default;
  virtual void on_upload_finished(uint64_t tag) = 0;
};

class Storage {
 public:
  using UploadId = uint32_t;

  // `on_timer` is the action of the storage's one timer: it must call on_timer() on this
  // storage (or, in a copy of the simulation, on the copy of it that the owner holds).
  Storage(sim::Simulation& sim, const StorageSpec& spec, sim::RandomStream jitter,
          UploadListener& listener, sim::Action on_timer);
  // A copy is a branch of the same storage; rebind() then points it at the copied simulation
  // and listener before it is used.
  Storage(const Storage&) = default;
  Storage& operator=(const Storage&) = delete;
  void rebind(sim::Simulation& sim, UploadListener& listener) {
    sim_ = &sim;
    listener_ = &listener;
  }
  // The timer's action: the next completion or end of a latency phase is due.
  void on_timer();

  // Starts an upload of `bytes` (> 0): it waits latency (+ a jitter draw), then shares the
  // bandwidth. The listener hears `tag` when it finishes; the id is then released.
  UploadId start(uint64_t tag, int64_t bytes);
  // Stops an upload (an abort); returns the bytes it had persisted. The id is released.
  int64_t stop(UploadId id);
  // Bytes persisted so far by a live upload (rounded down).
  int64_t persisted(UploadId id);
  // New bandwidth, cap or latency from now on; uploads in flight are re-timed.
  void change(const StorageChange& change);

  size_t uploads_in_flight() const;
  double bandwidth() const;
  double per_task_bandwidth() const;
  Duration latency() const;

 private:
  // Processor sharing: every active upload progresses at the same rate r = min(cap, bw / n), so
  // one cumulative "service" S(t) = ∫ r dt serves them all. An upload that joined at S0 with b
  // bytes finishes when S reaches S0 + b (its target); active uploads are kept ordered by
  // (target, id), and one timer is keyed to the earlier of the next completion and the next end
  // of a latency phase. S is kept as (service_ at anchor_) plus rate_ since.
  //
  // Both orders are binary min-heaps in plain vectors (no allocation per upload once warm) with
  // lazy deletion: a stop only releases the upload; its entry stays in the heap, recognised as
  // stale by the upload's phase and generation, and is dropped when it reaches the top (or when
  // the heap is rebuilt, once stale entries outnumber the live ones). The (key, id) order among
  // live entries is total, so the heaps yield exactly the order of an ordered set.
  enum class Phase : uint8_t { free, latency, active, finishing };
  struct Upload {
    uint64_t tag = 0;
    int64_t bytes = 0;
    double start_service = 0;  // S0 (active)
    double target = 0;         // S0 + bytes (active)
    Time ready = 0;            // end of the latency phase
    Phase phase = Phase::free;
    uint32_t generation = 0;   // bumped on release, so a stale reference is detected
    UploadId next_free = 0;
  };

  // A heap entry: the key (target for active_, ready for waiting_), then the upload it stands
  // for, live while the upload is still in that phase under that generation.
  template <class Key>
  struct Entry {
    Key key;
    UploadId id;
    uint32_t generation;
  };
  using ActiveEntry = Entry<double>;
  using WaitingEntry = Entry<Time>;

  bool live(const ActiveEntry& e) const {
    const Upload& u = uploads_[e.id];
    return u.generation == e.generation && u.phase == Phase::active;
  }
  bool live(const WaitingEntry& e) const {
    const Upload& u = uploads_[e.id];
    return u.generation == e.generation && u.phase == Phase::latency;
  }
  template <class E>
  void drop_stale_top(std::vector<E>& heap);  // pops stale entries off the top
  template <class E>
  void compact(std::vector<E>& heap, size_t live_count);  // rebuilds when mostly stale
  double max_target();  // the largest target of an active upload (active_count_ > 0)

  void advance();            // bring S to now under the current rate
  void refresh_rate();       // the rate for the current active count
  void reschedule();         // recompute the rate (after advance) and re-key the timer
  void catch_up();           // joins a lone upload whose latency phase has ended
  Time lone_finish() const;  // the finish of a lone upload still in its latency phase
  void join(UploadId id);
  void release(UploadId id);
  double service_now() const;
  double share() const;  // the per-upload rate for the current active count
  Time finish_time(double target) const;

  sim::Simulation* sim_;
  StorageSpec spec_;
  sim::RandomStream jitter_;
  UploadListener* listener_;
  sim::TimerId timer_;
  std::vector<Upload> uploads_;
  struct Done {
    UploadId id;
    uint32_t generation;
    uint64_t tag;
  };
  std::vector<Done> done_;  // scratch of on_timer
  UploadId free_head_ = kNone;
  std::vector<ActiveEntry> active_;    // min-heap by (target, id), with stale entries
  std::vector<WaitingEntry> waiting_;  // min-heap by (ready, id): the latency phase, ditto
  size_t active_count_ = 0;            // live uploads in active_
  size_t waiting_count_ = 0;           // live uploads in waiting_
  // The largest target among the active uploads, when max_valid_ (used at an infinite rate).
  double max_target_ = 0;
  bool max_valid_ = true;
  double service_ = 0;                            // S at anchor_
  Time anchor_ = 0;
  double rate_ = 0;                               // r since anchor_
  static constexpr size_t kStaleCount = ~size_t{0};
  size_t rate_count_ = 0;  // the active count rate_ was computed for (kStaleCount: none)
  // The last finish_time(): its inputs and result.
  struct FinishMemo {
    double target = std::numeric_limits<double>::quiet_NaN();  // matches no target
    double service = 0;
    double rate = 0;
    Time anchor = 0;
    Time when = 0;
  };
  mutable FinishMemo finish_memo_;
  static constexpr UploadId kNone = ~UploadId{0};
};

}  // namespace ckptsim::model
