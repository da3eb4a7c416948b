#include "model/tasks.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "model/job.hpp"

namespace ckptsim::model {

namespace {

// Time to move `bytes` at `rate` bytes/s, rounded up to the next whole microsecond.
Time drain_end(Time since, double bytes, double rate) {
  if (since == sim::kNever) return sim::kNever;
  if (bytes <= 0) return since;
  if (rate <= 0) return sim::kNever;
  if (std::isinf(rate)) return since;
  const double us = bytes / rate * 1e6;
  if (!(us < 9.0e18)) return sim::kNever;  // (ceil(us) >= 9e18 exactly when us >= 9e18)
  return since + sim::ceil_to_int(us);
}

// Bytes still ahead of a barrier at time t (it entered the channel at `since` with `ahead`).
double ahead_at(double ahead, Time since, double rate, Time t) {
  if (since == sim::kNever || t <= since) return ahead;
  if (std::isinf(rate)) return 0;
  return std::max(0.0, ahead - rate * static_cast<double>(t - since) / 1e6);
}

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

// The bytes of state a subtask uploads for a checkpoint (state x incremental).
int64_t TaskExecutor::state_upload(int32_t s, int64_t state) const {
  if (state_rng_index_[static_cast<size_t>(s)] < 0) return constant_upload_[static_cast<size_t>(s)];
  const JobGraph& g = job_->graph();
  const OperatorSpec& op = g.operators()[static_cast<size_t>(g.operator_of(s))];
  return static_cast<int64_t>(std::llround(static_cast<double>(state) * op.incremental));
}

void TaskExecutor::start(CheckpointRun& run, Time rpc_arrival) {
  const JobGraph& g = job_->graph();
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

void TaskExecutor::plan(CheckpointRun& run, const Flow* old_flow, Time rpc_arrival) {
  const JobGraph& g = job_->graph();
  const Flow& flow = job_->flow();
  const auto& cp = scenario_.checkpointing;
  const Duration latency = scenario_.network.latency;
  const Time now = job_->now();
  const bool uc = cp.unaligned_checkpoints;
  const Time aligned_deadline =
      cp.aligned_checkpoint_timeout > 0 ? run.trigger_timestamp + cp.aligned_checkpoint_timeout
                                        : sim::kNever;
  const auto& channels = g.channels();
  const auto& inputs = g.input_channels();
  const auto& outputs = g.output_channels();
  earlier_runs_.clear();
  for (uint32_t slot = 0; CheckpointRun* other = job_->coordinator().run_in_slot(slot); ++slot)
    if (other != &run && other->tasks_active && other->id < run.id) {
      ensure_channels(*other, old_flow ? *old_flow : flow);  // the flow it was planned under
      earlier_runs_.push_back(other);
    }
  if (edges_flow_version_ != job_->flow_version()) refresh_edges();
  // A first, aligned plan with no older barrier in the channels is computed per edge.
  const bool per_edge = !old_flow && earlier_runs_.empty() && !uc;
  if (per_edge) {
    run.planned_per_edge = true;
    if (wave_.flow_version == job_->flow_version()) {
      replay_wave(run, rpc_arrival);
      return;
    }
    for (EdgeWave& w : edge_waves_) w.ready = false;
  } else {
    ensure_channels(run, old_flow ? *old_flow : flow);
  }

  for (int32_t s : g.subtasks_in_topological_order()) {
    SubtaskRun& st = run.subtasks[static_cast<size_t>(s)];
    if (st.phase == SubtaskRun::Phase::acked || st.phase == SubtaskRun::Phase::stopped) continue;
    // On a re-plan, a snapshot already taken stays as it was.
    const bool decided = old_flow && st.snapshot != sim::kNever && st.snapshot <= now;
    if (g.is_source(g.operator_of(s))) {
      // fall through to the output side only
    } else if (per_edge) {
      Time first = sim::kNever, last = 0;
      const int32_t end = g.inputs_end(s);
      for (int32_t k = g.inputs_begin(s); k < end;) {
        const Channel& ch = channels[static_cast<size_t>(inputs[static_cast<size_t>(k)])];
        const auto e = static_cast<size_t>(ch.edge);
        if (edge_uniform_[e] && g.edges()[e].partitioning != Partitioning::forward) {
          // Every sender of an all-to-all edge reaches every receiver: one value per edge.
          const EdgeWave& w = edge_wave(run, ch.edge);
          first = std::min(first, w.first);
          last = std::max(last, w.last);
          while (k < end && channels[static_cast<size_t>(inputs[static_cast<size_t>(k)])].edge == ch.edge) ++k;
          continue;
        }
        const int32_t c = inputs[static_cast<size_t>(k)];
        const SubtaskRun& up = run.subtasks[static_cast<size_t>(ch.from)];
        const Time drained =
            drain_end(up.snapshot, flow.channel_backlog[static_cast<size_t>(c)], flow.channel_rate[static_cast<size_t>(c)]);
        const Time arrival = drained == sim::kNever ? sim::kNever : drained + latency;
        first = std::min(first, arrival);
        last = std::max(last, arrival);
        ++k;
      }
      st.first = first;
      st.last = last;
      st.snapshot = last;  // aligned: the snapshot waits for the last barrier
      st.unaligned = false;
    } else {
      Time first = sim::kNever, last = 0, first_uc = sim::kNever, first_announced = sim::kNever;
      arrivals_.clear();
      for (int32_t k = g.inputs_begin(s); k < g.inputs_end(s); ++k) {
        const int32_t c = inputs[static_cast<size_t>(k)];
        const SubtaskRun& up = run.subtasks[static_cast<size_t>(channels[static_cast<size_t>(c)].from)];
        double& ahead = run.channel_ahead[static_cast<size_t>(c)];
        Time& since = run.channel_since[static_cast<size_t>(c)];
        if (up.snapshot == sim::kNever) {
          since = sim::kNever;  // the sender has not emitted its barrier (stalled)
        } else if (since == sim::kNever || up.snapshot > now) {
          // The barrier enters the channel when the sender snapshots: behind the channel's
          // backlog, or overtaking it when the sender is unaligned.
          since = up.snapshot;
          ahead = up.unaligned ? 0.0 : flow.channel_backlog[static_cast<size_t>(c)];
          // Barriers keep FIFO order in a channel: an aligned barrier waits at least for the
          // bytes still ahead of an earlier checkpoint's barrier there.
          if (!up.unaligned)
            for (const CheckpointRun* earlier : earlier_runs_)
              if (earlier->channel_since[static_cast<size_t>(c)] != sim::kNever)
                  ahead = std::max(ahead, ahead_at(earlier->channel_ahead[static_cast<size_t>(c)],
                                                 earlier->channel_since[static_cast<size_t>(c)],
                                                 flow.channel_rate[static_cast<size_t>(c)], since));
        } else if (old_flow && since <= now) {
          // Re-timing: what drained so far drained at the old rate; the rest drains from now at
          // the new one. A barrier already through its bytes (in the wire, or arrived) keeps
          // the instant it got through.
          const double old_rate = old_flow->channel_rate[static_cast<size_t>(c)];
          const double left = ahead_at(ahead, since, old_rate, now);
          if (left > 0) {
            ahead = left;
            since = now;
          } else {
            since = drain_end(since, ahead, old_rate);
            ahead = 0;
          }
        }
        const Time drained = drain_end(since, ahead, flow.channel_rate[static_cast<size_t>(c)]);
        const Time arrival = drained == sim::kNever ? sim::kNever : drained + latency;
        first = std::min(first, arrival);
        last = std::max(last, arrival);
        if (up.unaligned) first_uc = std::min(first_uc, arrival);
        // The barrier's announcement is a priority event: it arrives after network.latency.
        if (up.snapshot != sim::kNever) first_announced = std::min(first_announced, up.snapshot + latency);
        arrivals_.push_back(arrival);
      }
      if (!decided) {
        Time snap;
        bool unaligned = false;
        if (!uc) {
          snap = last;
        } else if (cp.aligned_checkpoint_timeout == 0) {
          snap = first;
          unaligned = first != sim::kNever;
        } else {
          // Start aligned. The alignment timer is armed at the first barrier or announcement and
          // fires at trigger + aligned timeout (Flink's Alternating* barrier handler states,
          // BarrierAlignmentUtil.getTimerDelay: at once if that is past); an unaligned barrier
          // from upstream switches at its arrival.
          snap = last;
          const Time timed_out =
              first_announced == sim::kNever ? sim::kNever : std::max(first_announced, aligned_deadline);
          if (timed_out < snap) snap = timed_out;
          if (first_uc < snap) snap = first_uc;
          unaligned = snap < last;
        }
        st.snapshot = snap;
        st.unaligned = unaligned;
      }
      if (st.unaligned && st.snapshot != sim::kNever) {
        // Overtaking: an aligned barrier still on its way is converted to a priority barrier
        // at the aligned timeout by its sender (SubtaskCheckpointCoordinatorImpl's output
        // timer) or at the switch by this receiver (prioritizeAllAnnouncements), whichever
        // comes first, or at its emission when that is later; from then on it arrives after
        // network.latency alone.
        first = sim::kNever;
        last = 0;
        const Time converts = std::min(aligned_deadline, st.snapshot);
        for (int32_t k = g.inputs_begin(s), i = 0; k < g.inputs_end(s); ++k, ++i) {
          const SubtaskRun& up = run.subtasks[static_cast<size_t>(channels[static_cast<size_t>(inputs[static_cast<size_t>(k)])].from)];
          Time arrival = arrivals_[static_cast<size_t>(i)];
          if (up.snapshot != sim::kNever) arrival = std::min(arrival, std::max(up.snapshot, converts) + latency);
          first = std::min(first, arrival);
          last = std::max(last, arrival);
        }
      }
      st.first = first;
      st.last = last;
    }
    if (decided) continue;  // snapshot taken: its upload size is fixed
    // In-flight bytes (unaligned only): the receiver persists what is still ahead of barriers
    // that have not arrived; an unaligned sender persists its output backlog. Each byte once.
    double inflight = 0;
    if (st.unaligned && st.snapshot != sim::kNever) {
      if (!g.is_source(g.operator_of(s))) {
        for (int32_t k = g.inputs_begin(s); k < g.inputs_end(s); ++k) {
          const int32_t c = inputs[static_cast<size_t>(k)];
          const SubtaskRun& up = run.subtasks[static_cast<size_t>(channels[static_cast<size_t>(c)].from)];
          if (up.unaligned) continue;
          const Time since = run.channel_since[static_cast<size_t>(c)];
          if (since == sim::kNever || since > st.snapshot) {
            inflight += flow.channel_backlog[static_cast<size_t>(c)];
          } else {
            // The bytes still ahead of the barrier when it was converted (see above).
            const Time converted = std::max(up.snapshot, std::min(aligned_deadline, st.snapshot));
            inflight += ahead_at(run.channel_ahead[static_cast<size_t>(c)], since,
                                 flow.channel_rate[static_cast<size_t>(c)], converted);
          }
        }
      }
      for (int32_t k = g.outputs_begin(s); k < g.outputs_end(s); ++k)
        inflight += flow.channel_backlog[static_cast<size_t>(outputs[static_cast<size_t>(k)])];
    }
    const OperatorSpec& op = g.operators()[static_cast<size_t>(g.operator_of(s))];
    st.inflight_size = inflight == 0 ? 0 : static_cast<int64_t>(std::llround(inflight));
    st.upload_size = state_upload(s, st.state_size) + st.inflight_size;
    st.sync_end = st.snapshot == sim::kNever ? sim::kNever : st.snapshot + op.sync_phase;
  }

  // Upload starts, in time order (ties by subtask index).
  run.total_upload = 0;
  run.starts.clear();
  for (int32_t s = 0; s < g.subtask_count(); ++s) {
    SubtaskRun& st = run.subtasks[static_cast<size_t>(s)];
    run.total_upload += st.upload_size;
    if (st.phase == SubtaskRun::Phase::waiting && st.sync_end != sim::kNever)
      run.starts.emplace_back(st.sync_end, s);
    if (st.phase == SubtaskRun::Phase::awaiting_barriers && old_flow) {
      ++st.ack_generation;
      if (st.last != sim::kNever) schedule_ack(run, s, std::max(st.last, now) + cp.rpc_latency);
    }
  }
  std::sort(run.starts.begin(), run.starts.end());
  run.next_start = 0;
  if (per_edge) record_wave(run, rpc_arrival);
}

// A first aligned plan is a function of the flow and of the instant the trigger reaches the
// sources, and shifts with that instant (every time in it is that instant plus drains and
// latencies, or kNever). So it is recorded relative to it and replayed for the next checkpoint
// planned under the same flow: the usual periodic checkpoint of a steady job costs a copy.
namespace {
Duration relative(Time t, Time base) { return t == sim::kNever ? sim::kNever : t - base; }
Time absolute(Duration d, Time base) { return d == sim::kNever ? sim::kNever : base + d; }
}  // namespace

void TaskExecutor::record_wave(const CheckpointRun& run, Time base) {
  wave_.flow_version = job_->flow_version();
  wave_.subtasks.resize(run.subtasks.size());
  for (size_t s = 0; s < run.subtasks.size(); ++s) {
    const SubtaskRun& st = run.subtasks[s];
    wave_.subtasks[s] = {relative(st.first, base), relative(st.last, base),
                         relative(st.snapshot, base), relative(st.sync_end, base)};
  }
  wave_.starts.resize(run.starts.size());
  for (size_t i = 0; i < run.starts.size(); ++i)
    wave_.starts[i] = {relative(run.starts[i].first, base), run.starts[i].second};
}

void TaskExecutor::replay_wave(CheckpointRun& run, Time base) {
  run.total_upload = 0;
  for (size_t s = 0; s < run.subtasks.size(); ++s) {
    SubtaskRun& st = run.subtasks[s];
    const WaveTimes& w = wave_.subtasks[s];
    st.first = absolute(w.first, base);
    st.last = absolute(w.last, base);
    st.snapshot = absolute(w.snapshot, base);
    st.sync_end = absolute(w.sync_end, base);
    st.unaligned = false;
    st.inflight_size = 0;
    st.upload_size = state_upload(static_cast<int32_t>(s), st.state_size);
    run.total_upload += st.upload_size;
  }
  run.starts.resize(wave_.starts.size());
  for (size_t i = 0; i < wave_.starts.size(); ++i)
    run.starts[i] = {absolute(wave_.starts[i].first, base), wave_.starts[i].second};
  run.next_start = 0;
}

void TaskExecutor::refresh_edges() {
  const JobGraph& g = job_->graph();
  const Flow& flow = job_->flow();
  const size_t n = g.edges().size();
  edge_uniform_.assign(n, 1);
  edge_backlog_.assign(n, 0.0);
  edge_rate_.assign(n, 0.0);
  std::vector<char> seen(n, 0);
  for (int32_t c = 0; c < g.channel_count(); ++c) {
    const auto e = static_cast<size_t>(g.channels()[static_cast<size_t>(c)].edge);
    const double b = flow.channel_backlog[static_cast<size_t>(c)];
    const double r = flow.channel_rate[static_cast<size_t>(c)];
    if (!seen[e]) {
      seen[e] = 1;
      edge_backlog_[e] = b;
      edge_rate_[e] = r;
    } else if (b != edge_backlog_[e] || r != edge_rate_[e]) {
      edge_uniform_[e] = 0;
    }
  }
  edge_waves_.assign(n, EdgeWave{});
  edges_flow_version_ = job_->flow_version();
}

const TaskExecutor::EdgeWave& TaskExecutor::edge_wave(const CheckpointRun& run, int32_t edge) {
  EdgeWave& w = edge_waves_[static_cast<size_t>(edge)];
  if (w.ready) return w;
  const JobGraph& g = job_->graph();
  const int from = g.edges()[static_cast<size_t>(edge)].from_op;
  const int32_t begin = g.first_subtask(from);
  const int32_t end = begin + g.operators()[static_cast<size_t>(from)].parallelism;
  const Duration latency = scenario_.network.latency;
  w.first = sim::kNever;
  w.last = 0;
  for (int32_t u = begin; u < end; ++u) {
    const Time drained = drain_end(run.subtasks[static_cast<size_t>(u)].snapshot,
                                   edge_backlog_[static_cast<size_t>(edge)],
                                   edge_rate_[static_cast<size_t>(edge)]);
    const Time arrival = drained == sim::kNever ? sim::kNever : drained + latency;
    w.first = std::min(w.first, arrival);
    w.last = std::max(w.last, arrival);
  }
  w.ready = true;
  return w;
}

void TaskExecutor::ensure_channels(CheckpointRun& run, const Flow& emission_flow) {
  if (run.channels_ready) return;
  const JobGraph& g = job_->graph();
  run.channel_ahead.assign(static_cast<size_t>(g.channel_count()), 0.0);
  run.channel_since.assign(static_cast<size_t>(g.channel_count()), sim::kNever);
  run.channels_ready = true;
  if (!run.planned_per_edge) return;
  // Planned per edge (aligned): every emitted barrier entered behind its channel's backlog.
  for (int32_t c = 0; c < g.channel_count(); ++c) {
    const SubtaskRun& up = run.subtasks[static_cast<size_t>(g.channels()[static_cast<size_t>(c)].from)];
    if (up.snapshot == sim::kNever) continue;
    run.channel_since[static_cast<size_t>(c)] = up.snapshot;
    run.channel_ahead[static_cast<size_t>(c)] = emission_flow.channel_backlog[static_cast<size_t>(c)];
  }
}

void TaskExecutor::on_wave(CheckpointRun& run) {
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

void TaskExecutor::on_upload_finished(CheckpointRun& run, int32_t s) {
  if (!run.tasks_active) return;
  upload_done(run, s);
}

void TaskExecutor::upload_done(CheckpointRun& run, int32_t s) {
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
    job_->coordinator().acknowledge(run, s);
  }
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
  CheckpointRun* run = job_->coordinator().run_in_slot(slot);
  if (!run || run->id != id || !run->tasks_active) return;
  SubtaskRun& st = run->subtasks[static_cast<size_t>(s)];
  if (st.phase != SubtaskRun::Phase::awaiting_barriers || st.ack_generation != generation) return;
  st.phase = SubtaskRun::Phase::acked;
  job_->coordinator().acknowledge(*run, s);
}

int64_t TaskExecutor::stop(CheckpointRun& run) {
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

void TaskExecutor::on_flow_change(CheckpointRun& run, const Flow& old_flow) {
  if (!run.tasks_active) return;
  plan(run, &old_flow);
  arm_wave(run);
}

}  // namespace ckptsim::model
