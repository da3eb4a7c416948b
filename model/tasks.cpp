#include "model/tasks.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "model/job.hpp"

namespace ckptsim::model {

namespace {

uint64_t upload_tag(uint32_t slot, int32_t subtask) {
  return (static_cast<uint64_t>(slot) << 32) | static_cast<uint32_t>(subtask);
}

}  // namespace

TaskExecutor::TaskExecutor(Job& job, const Scenario& scenario) : job_(&job), scenario_(scenario) {
  const JobGraph& g = job.graph();
  state_rng_index_.assign(static_cast<size_t>(g.subtask_count()), -1);
  constant_state_.assign(static_cast<size_t>(g.subtask_count()), 0);
  constant_upload_.assign(static_cast<size_t>(g.subtask_count()), 0);
  for (int32_t s = 0; s < g.subtask_count(); ++s) {
    const OperatorSpec& op = g.operators()[static_cast<size_t>(g.operator_of(s))];
    if (op.state.is_constant()) {
      const int64_t state = static_cast<int64_t>(std::llround(std::max(0.0, op.state.a)));
      constant_state_[static_cast<size_t>(s)] = state;
      constant_upload_[static_cast<size_t>(s)] =
          static_cast<int64_t>(std::llround(static_cast<double>(state) * op.incremental));
      continue;
    }
    state_rng_index_[static_cast<size_t>(s)] = static_cast<int32_t>(state_rng_.size());
    state_rng_.emplace_back(scenario.seed, scenario.replication,
                            fmt::format("state/{}/{}", op.name, g.index_in_operator(s)));
  }
}

int64_t TaskExecutor::draw_state(int32_t s) {
  const int32_t k = state_rng_index_[static_cast<size_t>(s)];
  if (k < 0) return constant_state_[static_cast<size_t>(s)];
  const JobGraph& g = job_->graph();
  const OperatorSpec& op = g.operators()[static_cast<size_t>(g.operator_of(s))];
  const double v = op.state.sample(state_rng_[static_cast<size_t>(k)]);
  return static_cast<int64_t>(std::llround(std::max(0.0, v)));
}

void TaskExecutor::trigger_checkpoint(CheckpointRun& run, Time rpc_arrival) {
  const JobGraph& g = job_->graph();
  if (!run.wave.valid()) {  // the run's slot is new: its wave timer too
    const uint32_t slot = run.slot;
    run.wave = job_->simulation().new_timer(job_action([slot](Job& job) { job.tasks().on_wave(slot); }));
  }
  run.tasks_active = true;
  run.subtasks.assign(static_cast<size_t>(g.subtask_count()), SubtaskRun{});
  run.channels_ready = false;
  run.planned_per_edge = false;
  const bool unaligned_sources = scenario_.checkpointing.unaligned_checkpoints &&
                                 scenario_.checkpointing.aligned_checkpoint_timeout == 0;
  for (int32_t s = 0; s < g.subtask_count(); ++s) {
    SubtaskRun& st = run.subtasks[static_cast<size_t>(s)];
    st.state_size = draw_state(s);
    if (g.is_source(g.operator_of(s))) {
      st.first = st.last = st.snapshot = rpc_arrival;
      st.unaligned = unaligned_sources;
    }
  }
  plan(run, nullptr, rpc_arrival);
  // An upload that starts at once (a source reached with no RPC latency and no sync phase)
  // still starts in an event of its own at this instant, after the events already due: in
  // Flink the tasks act after the coordinator's triggering step, never inside it.
  arm_wave(run);

  // Job-level approximation of the sync phase: processing stops from the first snapshot of a
  // subtask with a sync phase to the last end of one.
  Time stall_begin = sim::kNever, stall_end = 0;
  for (int32_t s = 0; s < g.subtask_count(); ++s) {
    const SubtaskRun& st = run.subtasks[static_cast<size_t>(s)];
    if (st.snapshot == sim::kNever || st.sync_end == st.snapshot) continue;
    stall_begin = std::min(stall_begin, st.snapshot);
    stall_end = std::max(stall_end, st.sync_end);
  }
  if (stall_begin != sim::kNever && stall_end != sim::kNever) {
    job_->simulation().at(stall_begin, job_action([](Job& job) { job.progress().stall(job.now()); }));
    job_->simulation().at(stall_end, job_action([](Job& job) { job.progress().resume(job.now()); }));
  }
}

void TaskExecutor::arm_wave(CheckpointRun& run) {
  if (run.next_start < run.starts.size())
    job_->simulation().arm(run.wave, run.starts[run.next_start].first);
  else
    job_->simulation().cancel(run.wave);
}

void TaskExecutor::on_wave(uint32_t slot) {
  CheckpointRun& run = coordinator_.run(slot);
  if (!run.tasks_active) return;
  const Time now = job_->now();
  const int64_t id = run.id;
  while (run.next_start < run.starts.size() && run.starts[run.next_start].first <= now) {
    const int32_t s = run.starts[run.next_start++].second;
    if (run.subtasks[static_cast<size_t>(s)].phase != SubtaskRun::Phase::waiting) continue;
    begin_upload(run, s);
    if (run.id != id || !run.tasks_active) return;  // the run ended meanwhile
  }
  arm_wave(run);
}

inline void TaskExecutor::upload_done(CheckpointRun& run, int32_t s) {
  const Time now = job_->now();
  SubtaskRun& st = run.subtasks[static_cast<size_t>(s)];
  st.uploaded = st.upload_size;
  st.upload_end = now;
  st.phase = SubtaskRun::Phase::awaiting_barriers;
  // An unaligned subtask finishes only when every barrier has arrived.
  if (st.last == sim::kNever) return;  // stalled: a flow change re-times it
  const Time ack = std::max(st.last, now) + scenario_.checkpointing.rpc_latency;
  if (ack > now) {
    schedule_ack(run, s, ack);
  } else {
    // An acknowledgement that takes no time reaches the coordinator in this same step, not as
    // an event of its own at this instant. (Every caller is ready for the checkpoint to
    // complete, and its slot to be reused, before this returns.)
    st.phase = SubtaskRun::Phase::acked;
    coordinator_.acknowledge_checkpoint(run, s);
  }
}

void TaskExecutor::begin_upload(CheckpointRun& run, int32_t s) {
  SubtaskRun& st = run.subtasks[static_cast<size_t>(s)];
  if (st.upload_size > 0) {
    st.phase = SubtaskRun::Phase::uploading;
    st.upload = job_->storage().start(upload_tag(run.slot, s), st.upload_size);
  } else {
    // Nothing to upload: acknowledge straight after the sync phase, no storage round trip.
    upload_done(run, s);
  }
}

void TaskExecutor::on_upload_finished(uint64_t tag) {
  CheckpointRun& run = coordinator_.run(static_cast<uint32_t>(tag >> 32));
  if (run.tasks_active) upload_done(run, static_cast<int32_t>(tag & 0xFFFFFFFFu));
}

void TaskExecutor::schedule_ack(CheckpointRun& run, int32_t s, Time at) {
  const uint32_t slot = run.slot;
  const int64_t id = run.id;
  const uint8_t generation = run.subtasks[static_cast<size_t>(s)].ack_generation;
  job_->simulation().at(at, job_action([slot, id, s, generation](Job& job) {
    job.tasks().on_ack(slot, id, s, generation);
  }));
}

void TaskExecutor::on_ack(uint32_t slot, int64_t id, int32_t s, uint8_t generation) {
  CheckpointRun* run = &coordinator_.run(slot);
  if (run->id != id || !run->tasks_active) return;
  SubtaskRun& st = run->subtasks[static_cast<size_t>(s)];
  if (st.phase != SubtaskRun::Phase::awaiting_barriers || st.ack_generation != generation) return;
  st.phase = SubtaskRun::Phase::acked;
  coordinator_.acknowledge_checkpoint(*run, s);
}

int64_t TaskExecutor::abort_checkpoint(CheckpointRun& run) {
  job_->simulation().cancel(run.wave);
  run.tasks_active = false;
  int64_t wasted = 0;
  for (SubtaskRun& st : run.subtasks) {
    if (st.phase == SubtaskRun::Phase::uploading) {
      st.uploaded = job_->storage().stop(st.upload);
      st.phase = SubtaskRun::Phase::stopped;
    }
    wasted += st.uploaded;
  }
  return wasted;
}

int64_t TaskExecutor::persisted(const CheckpointRun& run) const {
  int64_t total = 0;
  for (const SubtaskRun& st : run.subtasks) {
    if (st.phase == SubtaskRun::Phase::uploading)
      total += job_->storage().persisted(st.upload);
    else
      total += st.uploaded;
  }
  return total;
}

void TaskExecutor::on_flow_change(const Flow& old_flow) {
  // The runs are collected first: re-planning one never starts or ends another, but keeps
  // the order of the runs in their slots.
  std::vector<CheckpointRun*> runs;
  for (uint32_t slot = 0; CheckpointRun* run = coordinator_.run_in_slot(slot); ++slot)
    if (run->tasks_active) runs.push_back(run);
  for (CheckpointRun* run : runs) {
    if (!run->tasks_active) continue;
    plan(*run, &old_flow);
    arm_wave(*run);
  }
}

}  // namespace ckptsim::model
