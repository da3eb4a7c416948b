// The task side of every subtask: the trigger reaching the sources, the sync
// phase, the async upload, the acknowledgement and the abort (tasks.cpp); where the barriers
// travel and when each subtask snapshots (aligned, unaligned, the aligned-checkpoint timeout
// and its overtaking, channel state: barrier_alignment.cpp).
//
// Cost: barrier arrivals are computed by arithmetic when a checkpoint starts, not simulated one
// event per channel. For each channel the model keeps the bytes still ahead of the barrier and
// the instant they were measured; the arrival follows from the channel's flow rate. Only a flow
// change re-times them (bytes drained so far at the old rate, the rest at the new one). Events
// are scheduled per subtask only where its state changes: upload start, upload end, and the
// ack when it takes time (rpc_latency > 0, or barriers still to come).
#pragma once

#include <cstdint>
#include <vector>

#include "model/checkpoint_gateways.hpp"
#include "model/checkpoint_run.hpp"
#include "model/flow.hpp"
#include "sim/rng.hpp"

namespace ckptsim::model {

class Job;

// The barriers of one subtask's inputs, as its alignment sees them (barrier_alignment.cpp).
struct BarrierArrivals {
  Time first = sim::kNever, last = 0;
  Time first_unaligned = sim::kNever;  // the first barrier from an unaligned sender
  Time first_announced = sim::kNever;  // the first announcement (a priority event)
};

class TaskExecutor {
 public:
  // Talks to the coordinator only through the gateway it is connected to.
  TaskExecutor(Job& job, const Scenario& scenario);
  void connect(CoordinatorGateway coordinator) { coordinator_ = coordinator; }
  // A copy belongs to a copy of the job (Job's branch constructor), which rebinds it.
  TaskExecutor(const TaskExecutor&) = default;
  TaskExecutor& operator=(const TaskExecutor&) = delete;
  void rebind(Job& job, CoordinatorGateway coordinator) {
    job_ = &job;
    coordinator_ = coordinator;
  }

  // The flow changed at now: re-time the barriers still in channels.
  void on_flow_change(const Flow& old_flow);
  // Storage finished the upload tagged `tag` (upload_tag: the run's slot and the subtask).
  void on_upload_finished(uint64_t tag);

 private:
  // --- the coordinator's RPCs, through TaskGateway (checkpoint_gateways.hpp) ---
  friend class TaskGateway;
  void trigger_checkpoint(CheckpointRun& run, Time rpc_arrival);
  int64_t abort_checkpoint(CheckpointRun& run);
  int64_t persisted(const CheckpointRun& run) const;

  // The run's wave timer fired: start the uploads whose sync phase ended.
  void on_wave(uint32_t slot);
  // --- barrier alignment (barrier_alignment.cpp) ---
  // Plans the barrier wave, the snapshots and the upload starts (run.starts); arm_wave() then
  // keys the run's wave timer to the next start. `old_flow`: a re-plan at a flow change, the
  // flow the barriers moved under so far. `rpc_arrival`: when the trigger reached the sources
  // (a first plan only).
  void plan(CheckpointRun& run, const Flow* old_flow, Time rpc_arrival = sim::kNever);
  // What every step of one plan reads.
  struct WavePlan {
    CheckpointRun& run;
    const Flow* old_flow;
    Time now;
    Time aligned_deadline;  // trigger + aligned_checkpoint_timeout (kNever: no such timeout)
  };
  void collect_earlier_runs(const WavePlan& p);
  void align_per_edge(const WavePlan& p, int32_t s);
  void align_per_channel(const WavePlan& p, int32_t s, bool decided);
  BarrierArrivals channel_arrivals(const WavePlan& p, int32_t s);  // also fills arrivals_
  void enter_channel(const WavePlan& p, int32_t c, const SubtaskRun& up);
  void retime_channel(const WavePlan& p, int32_t c);
  BarrierArrivals overtake(const WavePlan& p, int32_t s) const;
  double channel_state(const WavePlan& p, int32_t s) const;
  void size_snapshot(const WavePlan& p, int32_t s);
  void order_upload_starts(const WavePlan& p);
  void record_wave(const CheckpointRun& run, Time rpc_arrival);
  void replay_wave(CheckpointRun& run, Time rpc_arrival);
  void arm_wave(CheckpointRun& run);
  // Fills the run's per-channel arrays; a run planned per edge derives them from its
  // subtasks' snapshots under `emission_flow`, the flow in force when it was planned.
  void ensure_channels(CheckpointRun& run, const Flow& emission_flow);
  // When every channel of an edge has the same backlog and rate (the usual case), a barrier
  // wave needs one value per edge, not one per channel.
  void refresh_edges();
  struct EdgeWave {
    bool ready = false;
    Time first = sim::kNever, last = 0;
  };
  const EdgeWave& edge_wave(const CheckpointRun& run, int32_t edge);

  // --- the task lifecycle (tasks.cpp) ---
  void begin_upload(CheckpointRun& run, int32_t s);
  // Inline (defined and used in tasks.cpp only): the end of every upload, on the hot path.
  inline void upload_done(CheckpointRun& run, int32_t s);
  void schedule_ack(CheckpointRun& run, int32_t s, Time at);
  void on_ack(uint32_t slot, int64_t id, int32_t s, uint8_t generation);
  int64_t draw_state(int32_t s);
  int64_t state_upload(int32_t s, int64_t state) const;

  Job* job_;
  CoordinatorGateway coordinator_;
  const Scenario& scenario_;
  // One stream per subtask whose state varies: "state/<operator>/<subtask index>".
  std::vector<sim::RandomStream> state_rng_;
  std::vector<int32_t> state_rng_index_;  // per subtask, -1 when its state is constant
  // Per subtask with a constant state: that state, and its upload (state x incremental), so
  // that a checkpoint computes neither again.
  std::vector<int64_t> constant_state_, constant_upload_;
  std::vector<CheckpointRun*> earlier_runs_;  // scratch: older runs still in the channels
  std::vector<Time> arrivals_;                // scratch: one subtask's barrier arrivals, by input
  uint64_t edges_flow_version_ = ~0ull;
  std::vector<char> edge_uniform_;
  std::vector<double> edge_backlog_, edge_rate_;
  std::vector<EdgeWave> edge_waves_;  // scratch for one plan
  // The last first aligned plan, relative to its trigger's arrival at the sources.
  struct WaveTimes {
    Duration first, last, snapshot, sync_end;
  };
  struct RecordedWave {
    uint64_t flow_version = ~0ull;  // the flow it was planned under (none yet)
    std::vector<WaveTimes> subtasks;
    std::vector<std::pair<Duration, int32_t>> starts;
  } wave_;
};

inline void TaskGateway::trigger_checkpoint(CheckpointRun& run, Time rpc_arrival) {
  tasks_->trigger_checkpoint(run, rpc_arrival);
}
inline int64_t TaskGateway::abort_checkpoint(CheckpointRun& run) { return tasks_->abort_checkpoint(run); }
inline int64_t TaskGateway::persisted(const CheckpointRun& run) const { return tasks_->persisted(run); }

}  // namespace ckptsim::model
