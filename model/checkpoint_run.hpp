// One checkpoint in flight: the coordinator's PendingCheckpoint and the subtasks' side of it,
// kept in one pooled object so that no allocation happens per checkpoint once the pool is warm.
#pragma once

#include <cstdint>
#include <vector>

#include "model/events.hpp"
#include "model/storage.hpp"
#include "sim/simulation.hpp"

namespace ckptsim::model {

// What one subtask does for one checkpoint.
struct SubtaskRun {
  enum class Phase : uint8_t { waiting, syncing, uploading, awaiting_barriers, acked, stopped };
  Phase phase = Phase::waiting;
  bool unaligned = false;       // snapshot taken unaligned (its barriers overtake)
  uint8_t ack_generation = 0;   // invalidates a scheduled ack when the barriers are re-timed
  Time first = sim::kNever;     // first barrier (source: trigger RPC arrival)
  Time last = sim::kNever;      // last barrier
  Time snapshot = sim::kNever;  // snapshot start = barrier emission downstream
  Time sync_end = sim::kNever;
  Time upload_end = sim::kNever;
  int64_t state_size = 0;
  int64_t upload_size = 0;  // state x incremental + in-flight
  int64_t inflight_size = 0;
  int64_t uploaded = 0;     // bytes persisted when the upload finished or stopped
  Storage::UploadId upload = 0;
};

struct CheckpointRun {
  uint32_t slot = 0;  // index in the coordinator's pool

  // --- coordinator side (PendingCheckpoint) ---
  int64_t id = 0;
  bool pending = false;     // known to the coordinator as pending
  bool triggering = false;  // inside the trigger phase
  bool finalizing = false;  // all acknowledged, finalize_latency running
  Time trigger_timestamp = 0;
  Duration timeout = 0;
  Time original_deadline = 0;
  Time deadline = 0;
  double processed_at_trigger = 0;  // job position, for the rewind on restore
  int acks_remaining = 0;
  Time latest_ack = -1;
  int64_t acked_checkpointed = 0, acked_state = 0;
  Duration max_alignment = 0, max_start_delay = 0;
  bool any_unaligned = false;
  sim::TimerId canceller;  // the one canceller of this checkpoint
  sim::TimerId finalizer;  // fires finalize_latency after the last ack

  // --- task side ---
  bool tasks_active = false;  // subtasks still work on it (until the abort notice arrives)
  bool aborted = false;       // failed at the coordinator; tasks not yet told
  std::vector<SubtaskRun> subtasks;
  // Per channel, the bytes ahead of the barrier at a time (kNever: barrier not emitted). Filled
  // only when needed (re-timing, FIFO with an older checkpoint, unaligned in-flight bytes):
  // a plain aligned wave is planned per edge without them.
  bool channels_ready = false;
  bool planned_per_edge = false;
  std::vector<double> channel_ahead;
  std::vector<Time> channel_since;
  std::vector<std::pair<Time, int32_t>> starts;  // (sync_end, subtask) awaiting their upload
  size_t next_start = 0;
  sim::TimerId wave;  // fires at the next sync_end
  int64_t total_upload = 0;  // planned bytes of all subtasks

  bool in_use() const { return pending || tasks_active || finalizing; }
};

}  // namespace ckptsim::model
