// Checkpoint storage as a fluid resource (SimGrid style): uploads share the aggregate bandwidth
// max-min fair, each capped at per_task_bandwidth, after paying a per-upload latency. One timer
// is keyed to the next completion and re-keyed whenever the set of uploads or the bandwidth
// changes. The bytes persisted by every upload are known exactly at any instant.
#pragma once

#include <cstdint>
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

  Storage(sim::Simulation& sim, const StorageSpec& spec, sim::RandomStream jitter,
          UploadListener& listener);

  // Starts an upload of `bytes` (> 0): it waits latency (+ a jitter draw), then shares the
  // bandwidth. The listener hears `tag` when it finishes; the id is then released.
  UploadId start(uint64_t tag, int64_t bytes);
  // Stops an upload (an abort); returns the bytes it had persisted. The id is released.
  int64_t stop(UploadId id);
  // Bytes persisted so far by a live upload (rounded down).
  int64_t persisted(UploadId id) const;
  // New bandwidth, cap or latency from now on; uploads in flight are re-timed.
  void change(const StorageChange& change);

  size_t uploads_in_flight() const;
  double bandwidth() const;
  double per_task_bandwidth() const;
  Duration latency() const;

 private:
  // Implementation-defined; see storage.cpp.
  struct Upload;
  void advance();       // bring every active upload's progress to now
  void reschedule();    // re-solve the shares and re-key the completion timer
  void on_timer();

  sim::Simulation& sim_;
  StorageSpec spec_;
  sim::RandomStream jitter_;
  UploadListener& listener_;
  sim::Timer timer_;
  std::vector<Upload*> dummy_;  // placeholder; the implementation may change private members
};

}  // namespace ckptsim::model
