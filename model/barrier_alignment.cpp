// Barrier alignment: where each checkpoint's barriers travel and when each
// subtask snapshots. TaskExecutor::plan computes a whole wave when the trigger reaches the
// sources, and again when the flow changes, in named steps:
//   - each input channel's barrier enters behind the backlog (FIFO behind an older
//     checkpoint's barrier), is re-timed by a flow change, and arrives (channel_arrivals);
//   - the subtask snapshots aligned at the last barrier, unaligned at the first, or starts
//     aligned and switches at the aligned-checkpoint timeout (choose_snapshot,
//     aligned_timeout_switch);
//   - an unaligned subtask's remaining barriers overtake (overtake), and it persists the bytes
//     they overtook as channel state (channel_state);
//   - the snapshot sets the upload and the start of the async phase (size_snapshot,
//     order_upload_starts).
// A plain aligned wave is planned per edge (align_per_edge) and replayed under an unchanged
// flow (record_wave, replay_wave). The task lifecycle around it is tasks.cpp.
#include <algorithm>
#include <cmath>

#include "model/job.hpp"
#include "model/tasks.hpp"

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

Time arrival_after(Time drained, Duration latency) {
  return drained == sim::kNever ? sim::kNever : drained + latency;
}

// When a subtask snapshots, and whether unaligned.
struct Snapshot {
  Time at;
  bool unaligned;
};

// The aligned-checkpoint timeout (unaligned checkpoints with aligned_checkpoint_timeout > 0):
// the subtask starts aligned; its alignment timer is armed at the first barrier or
// announcement and fires at trigger + aligned timeout, measured from the trigger timestamp
// (Flink's Alternating* barrier handler states, BarrierAlignmentUtil.getTimerDelay: at once
// when that is already past); an unaligned barrier from upstream switches at its arrival.
// It switches at the earlier of the two, unless alignment ends first (a tie stays aligned).
Snapshot aligned_timeout_switch(const BarrierArrivals& a, Time aligned_deadline) {
  Time at = a.last;
  const Time timer =
      a.first_announced == sim::kNever ? sim::kNever : std::max(a.first_announced, aligned_deadline);
  if (timer < at) at = timer;
  if (a.first_unaligned < at) at = a.first_unaligned;
  return {at, at < a.last};
}

Snapshot choose_snapshot(const BarrierArrivals& a, const CheckpointingSpec& cp,
                         Time aligned_deadline) {
  if (!cp.unaligned_checkpoints) return {a.last, false};  // aligned: waits for the last barrier
  if (cp.aligned_checkpoint_timeout == 0) return {a.first, a.first != sim::kNever};  // unaligned
  return aligned_timeout_switch(a, aligned_deadline);
}

}  // namespace

void TaskExecutor::plan(CheckpointRun& run, const Flow* old_flow, Time rpc_arrival) {
  const JobGraph& g = job_->graph();
  const auto& cp = scenario_.checkpointing;
  const WavePlan p{run, old_flow, job_->now(),
                   cp.aligned_checkpoint_timeout > 0
                       ? run.trigger_timestamp + cp.aligned_checkpoint_timeout
                       : sim::kNever};
  collect_earlier_runs(p);
  if (edges_flow_version_ != job_->flow_version()) refresh_edges();
  // A first, aligned plan with no older barrier in the channels is computed per edge.
  const bool per_edge = !old_flow && earlier_runs_.empty() && !cp.unaligned_checkpoints;
  if (per_edge) {
    run.planned_per_edge = true;
    if (wave_.flow_version == job_->flow_version()) {
      replay_wave(run, rpc_arrival);
      return;
    }
    for (EdgeWave& w : edge_waves_) w.ready = false;
  } else {
    ensure_channels(run, old_flow ? *old_flow : job_->flow());
  }

  for (int32_t s : g.subtasks_in_topological_order()) {
    SubtaskRun& st = run.subtasks[static_cast<size_t>(s)];
    if (st.phase == SubtaskRun::Phase::acked || st.phase == SubtaskRun::Phase::stopped) continue;
    // On a re-plan, a snapshot already taken stays as it was.
    const bool decided = old_flow && st.snapshot != sim::kNever && st.snapshot <= p.now;
    if (!g.is_source(g.operator_of(s))) {  // a source snapshots at the trigger RPC (start())
      if (per_edge)
        align_per_edge(p, s);
      else
        align_per_channel(p, s, decided);
    }
    if (!decided) size_snapshot(p, s);  // snapshot taken: its upload size is fixed
  }
  order_upload_starts(p);
  if (per_edge) record_wave(run, rpc_arrival);
}

void TaskExecutor::collect_earlier_runs(const WavePlan& p) {
  earlier_runs_.clear();
  for (uint32_t slot = 0; CheckpointRun* other = coordinator_.run_in_slot(slot); ++slot)
    if (other != &p.run && other->tasks_active && other->id < p.run.id) {
      ensure_channels(*other, p.old_flow ? *p.old_flow : job_->flow());  // the flow it was planned under
      earlier_runs_.push_back(other);
    }
}

// An aligned subtask planned per edge: the barriers of an all-to-all edge whose channels all
// carry the same backlog and rate arrive as one value per edge.
void TaskExecutor::align_per_edge(const WavePlan& p, int32_t s) {
  const JobGraph& g = job_->graph();
  const Flow& flow = job_->flow();
  const auto& channels = g.channels();
  const auto& inputs = g.input_channels();
  Time first = sim::kNever, last = 0;
  const int32_t end = g.inputs_end(s);
  for (int32_t k = g.inputs_begin(s); k < end;) {
    const Channel& ch = channels[static_cast<size_t>(inputs[static_cast<size_t>(k)])];
    const auto e = static_cast<size_t>(ch.edge);
    if (edge_uniform_[e] && g.edges()[e].partitioning != Partitioning::forward) {
      // Every sender of an all-to-all edge reaches every receiver: one value per edge.
      const EdgeWave& w = edge_wave(p.run, ch.edge);
      first = std::min(first, w.first);
      last = std::max(last, w.last);
      while (k < end && channels[static_cast<size_t>(inputs[static_cast<size_t>(k)])].edge == ch.edge) ++k;
      continue;
    }
    const auto c = static_cast<size_t>(inputs[static_cast<size_t>(k)]);
    const SubtaskRun& up = p.run.subtasks[static_cast<size_t>(ch.from)];
    const Time arrival = arrival_after(drain_end(up.snapshot, flow.channel_backlog[c], flow.channel_rate[c]),
                                       scenario_.network.latency);
    first = std::min(first, arrival);
    last = std::max(last, arrival);
    ++k;
  }
  SubtaskRun& st = p.run.subtasks[static_cast<size_t>(s)];
  st.first = first;
  st.last = last;
  st.snapshot = last;  // aligned: the snapshot waits for the last barrier
  st.unaligned = false;
}

// A subtask planned per channel: its barriers' arrivals, its snapshot (unless `decided`: taken
// already), and, once unaligned, the overtaking of the barriers still on their way.
void TaskExecutor::align_per_channel(const WavePlan& p, int32_t s, bool decided) {
  SubtaskRun& st = p.run.subtasks[static_cast<size_t>(s)];
  BarrierArrivals a = channel_arrivals(p, s);
  if (!decided) {
    const Snapshot snap = choose_snapshot(a, scenario_.checkpointing, p.aligned_deadline);
    st.snapshot = snap.at;
    st.unaligned = snap.unaligned;
  }
  if (st.unaligned && st.snapshot != sim::kNever) a = overtake(p, s);
  st.first = a.first;
  st.last = a.last;
}

BarrierArrivals TaskExecutor::channel_arrivals(const WavePlan& p, int32_t s) {
  const JobGraph& g = job_->graph();
  const Flow& flow = job_->flow();
  const Duration latency = scenario_.network.latency;
  BarrierArrivals a;
  arrivals_.clear();
  for (int32_t k = g.inputs_begin(s); k < g.inputs_end(s); ++k) {
    const int32_t c = g.input_channels()[static_cast<size_t>(k)];
    const SubtaskRun& up = p.run.subtasks[static_cast<size_t>(g.channels()[static_cast<size_t>(c)].from)];
    Time& since = p.run.channel_since[static_cast<size_t>(c)];
    if (up.snapshot == sim::kNever)
      since = sim::kNever;  // the sender has not emitted its barrier (stalled)
    else if (since == sim::kNever || up.snapshot > p.now)
      enter_channel(p, c, up);
    else if (p.old_flow && since <= p.now)
      retime_channel(p, c);
    const Time arrival = arrival_after(
        drain_end(since, p.run.channel_ahead[static_cast<size_t>(c)], flow.channel_rate[static_cast<size_t>(c)]),
        latency);
    a.first = std::min(a.first, arrival);
    a.last = std::max(a.last, arrival);
    if (up.unaligned) a.first_unaligned = std::min(a.first_unaligned, arrival);
    // The barrier's announcement is a priority event: it arrives after network.latency.
    if (up.snapshot != sim::kNever) a.first_announced = std::min(a.first_announced, up.snapshot + latency);
    arrivals_.push_back(arrival);
  }
  return a;
}

// The barrier enters the channel when the sender snapshots: behind the channel's backlog, or
// overtaking it when the sender is unaligned.
void TaskExecutor::enter_channel(const WavePlan& p, int32_t c, const SubtaskRun& up) {
  const auto ch = static_cast<size_t>(c);
  const Flow& flow = job_->flow();
  Time& since = p.run.channel_since[ch];
  double& ahead = p.run.channel_ahead[ch];
  since = up.snapshot;
  ahead = up.unaligned ? 0.0 : flow.channel_backlog[ch];
  // Barriers keep FIFO order in a channel: an aligned barrier waits at least for the bytes
  // still ahead of an earlier checkpoint's barrier there.
  if (!up.unaligned)
    for (const CheckpointRun* earlier : earlier_runs_)
      if (earlier->channel_since[ch] != sim::kNever)
        ahead = std::max(ahead, ahead_at(earlier->channel_ahead[ch], earlier->channel_since[ch],
                                         flow.channel_rate[ch], since));
}

// Re-timing at a flow change: what drained so far drained at the old rate; the rest drains
// from now at the new one. A barrier already through its bytes (in the wire, or arrived)
// keeps the instant it got through.
void TaskExecutor::retime_channel(const WavePlan& p, int32_t c) {
  const auto ch = static_cast<size_t>(c);
  Time& since = p.run.channel_since[ch];
  double& ahead = p.run.channel_ahead[ch];
  const double old_rate = p.old_flow->channel_rate[ch];
  const double left = ahead_at(ahead, since, old_rate, p.now);
  if (left > 0) {
    ahead = left;
    since = p.now;
  } else {
    since = drain_end(since, ahead, old_rate);
    ahead = 0;
  }
}

// Overtaking: an aligned barrier still on its way is converted to a priority barrier at the
// aligned timeout by its sender (SubtaskCheckpointCoordinatorImpl's output timer) or at the
// switch by this receiver (prioritizeAllAnnouncements), whichever comes first, or at its
// emission when that is later; from then on it arrives after network.latency alone. Returns
// the arrivals of an unaligned subtask `s` (from channel_arrivals' per-input arrivals).
BarrierArrivals TaskExecutor::overtake(const WavePlan& p, int32_t s) const {
  const JobGraph& g = job_->graph();
  const Duration latency = scenario_.network.latency;
  const Time converts = std::min(p.aligned_deadline, p.run.subtasks[static_cast<size_t>(s)].snapshot);
  BarrierArrivals a;
  for (int32_t k = g.inputs_begin(s), i = 0; k < g.inputs_end(s); ++k, ++i) {
    const int32_t c = g.input_channels()[static_cast<size_t>(k)];
    const SubtaskRun& up = p.run.subtasks[static_cast<size_t>(g.channels()[static_cast<size_t>(c)].from)];
    Time arrival = arrivals_[static_cast<size_t>(i)];
    if (up.snapshot != sim::kNever) arrival = std::min(arrival, std::max(up.snapshot, converts) + latency);
    a.first = std::min(a.first, arrival);
    a.last = std::max(a.last, arrival);
  }
  return a;
}

// Channel state (unaligned only): a receiver persists the bytes its barriers overtook, still
// ahead of them when they were converted, on each input whose sender was aligned; an unaligned
// sender persists its output backlog. Each in-flight byte once.
double TaskExecutor::channel_state(const WavePlan& p, int32_t s) const {
  const JobGraph& g = job_->graph();
  const Flow& flow = job_->flow();
  const SubtaskRun& st = p.run.subtasks[static_cast<size_t>(s)];
  double inflight = 0;
  if (!g.is_source(g.operator_of(s))) {
    for (int32_t k = g.inputs_begin(s); k < g.inputs_end(s); ++k) {
      const auto c = static_cast<size_t>(g.input_channels()[static_cast<size_t>(k)]);
      const SubtaskRun& up = p.run.subtasks[static_cast<size_t>(g.channels()[c].from)];
      if (up.unaligned) continue;
      const Time since = p.run.channel_since[c];
      if (since == sim::kNever || since > st.snapshot) {
        inflight += flow.channel_backlog[c];
      } else {
        // The bytes still ahead of the barrier when it was converted (see overtake).
        const Time converted = std::max(up.snapshot, std::min(p.aligned_deadline, st.snapshot));
        inflight += ahead_at(p.run.channel_ahead[c], since, flow.channel_rate[c], converted);
      }
    }
  }
  for (int32_t k = g.outputs_begin(s); k < g.outputs_end(s); ++k)
    inflight += flow.channel_backlog[static_cast<size_t>(g.output_channels()[static_cast<size_t>(k)])];
  return inflight;
}

// The bytes of state a subtask uploads for a checkpoint (state x incremental). Beside its
// callers, the snapshot and the replayed wave, so that it inlines into them.
int64_t TaskExecutor::state_upload(int32_t s, int64_t state) const {
  if (state_rng_index_[static_cast<size_t>(s)] < 0) return constant_upload_[static_cast<size_t>(s)];
  const JobGraph& g = job_->graph();
  const OperatorSpec& op = g.operators()[static_cast<size_t>(g.operator_of(s))];
  return static_cast<int64_t>(std::llround(static_cast<double>(state) * op.incremental));
}

// The snapshot fixes what the subtask uploads (state x incremental + channel state) and when
// its async phase starts (after the sync phase).
void TaskExecutor::size_snapshot(const WavePlan& p, int32_t s) {
  const JobGraph& g = job_->graph();
  SubtaskRun& st = p.run.subtasks[static_cast<size_t>(s)];
  const double inflight = st.unaligned && st.snapshot != sim::kNever ? channel_state(p, s) : 0.0;
  const OperatorSpec& op = g.operators()[static_cast<size_t>(g.operator_of(s))];
  st.inflight_size = inflight == 0 ? 0 : static_cast<int64_t>(std::llround(inflight));
  st.upload_size = state_upload(s, st.state_size) + st.inflight_size;
  st.sync_end = st.snapshot == sim::kNever ? sim::kNever : st.snapshot + op.sync_phase;
}

// Upload starts, in time order (ties by subtask index); on a re-plan, the acknowledgements
// that wait for barriers move with them.
void TaskExecutor::order_upload_starts(const WavePlan& p) {
  CheckpointRun& run = p.run;
  run.total_upload = 0;
  run.starts.clear();
  for (int32_t s = 0; s < job_->graph().subtask_count(); ++s) {
    SubtaskRun& st = run.subtasks[static_cast<size_t>(s)];
    run.total_upload += st.upload_size;
    if (st.phase == SubtaskRun::Phase::waiting && st.sync_end != sim::kNever)
      run.starts.emplace_back(st.sync_end, s);
    if (st.phase == SubtaskRun::Phase::awaiting_barriers && p.old_flow) {
      ++st.ack_generation;
      if (st.last != sim::kNever)
        schedule_ack(run, s, std::max(st.last, p.now) + scenario_.checkpointing.rpc_latency);
    }
  }
  std::sort(run.starts.begin(), run.starts.end());
  run.next_start = 0;
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
  w.first = sim::kNever;
  w.last = 0;
  for (int32_t u = begin; u < end; ++u) {
    const Time arrival = arrival_after(drain_end(run.subtasks[static_cast<size_t>(u)].snapshot,
                                                 edge_backlog_[static_cast<size_t>(edge)],
                                                 edge_rate_[static_cast<size_t>(edge)]),
                                       scenario_.network.latency);
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

}  // namespace ckptsim::model
