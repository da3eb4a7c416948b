#include "model/coordinator.hpp"

#include <algorithm>

#include "model/job.hpp"

namespace ckptsim::model {

CheckpointCoordinator::CheckpointCoordinator(Job& job, const Scenario& scenario)
    : job_(&job),
      scenario_(scenario),
      config_(scenario.checkpointing),
      failure_manager_(scenario.checkpointing.tolerable_failed_checkpoints),
      initial_delay_rng_(scenario.seed, scenario.replication, "initial-delay"),
      tick_timer_(job.simulation().new_timer(
          job_action([](Job& j) { j.coordinator().on_tick(); }))) {}

// --- periodic trigger ---------------------------------------------------------------------

void CheckpointCoordinator::start_scheduler() {
  scheduling_ = true;
  const Time now = job_->now();
  Duration delay;
  if (scenario_.checkpointing.initial_delay) {
    delay = *scenario_.checkpointing.initial_delay;
  } else {
    // Flink's getRandomInitDelay: a uniform whole number of ms in [minPause, baseInterval].
    const int64_t lo = config_.min_pause() / sim::kMillisecond;
    const int64_t hi = config_.base_interval() / sim::kMillisecond;
    delay = initial_delay_rng_.uniform_int(lo, hi) * sim::kMillisecond;
  }
  last_tick_ = now;
  next_tick_ = now + delay;
  job_->simulation().arm(tick_timer_, next_tick_);
}

void CheckpointCoordinator::stop_scheduler() {
  scheduling_ = false;
  job_->simulation().cancel(tick_timer_);
  next_tick_ = sim::kNever;
  triggering_ = false;
  triggering_id_ = -1;
  carried_.clear();
  for (int64_t n = decider_.clear(); n > 0; --n)
    job_->emit(events::RequestDropped{FailureReason::CHECKPOINT_COORDINATOR_SUSPEND});
  const std::vector<uint32_t> slots = pending_;
  for (uint32_t slot : slots)
    if (pool_[slot].pending) abort(pool_[slot], FailureReason::CHECKPOINT_COORDINATOR_SUSPEND, false);
}

void CheckpointCoordinator::on_tick() {
  const Time scheduled = next_tick_;
  const CheckpointConfig::Read read = config_.read();
  job_->emit(events::ConfigRead{ConfigReader::periodic_trigger, read.interval, read.timeout,
                               read.torn, -1});
  // Fixed rate: the next tick is anchored on this tick's scheduled time, not on the fire time.
  last_tick_ = scheduled;
  next_tick_ = scheduled + std::max(read.interval, config_.min_pause());
  job_->simulation().arm(tick_timer_, next_tick_);
  job_->emit(events::PeriodicTick{next_tick_});
  const bool carried = scenario_.explore.readers == Readers::carried;
  if (!decider_.enqueue_periodic())
    job_->emit(events::RequestDropped{FailureReason::TOO_MANY_CHECKPOINT_REQUESTS});
  else if (carried)
    carried_.push_back(read);
  // The tick's lock section ends here; the request decider runs after it.
  coordinator_step(CoordinatorStep::tick, -1, read.interval, carried ? read.timeout : -1, read.torn);
  examine_queue();
}

void CheckpointCoordinator::reschedule_tick(Time when) {
  next_tick_ = std::max(when, job_->now());
  job_->simulation().arm(tick_timer_, next_tick_);
  job_->emit(events::TriggerRescheduled{next_tick_});
}

// --- requests -----------------------------------------------------------------------------

void CheckpointCoordinator::examine_queue() {
  const auto& cp = scenario_.checkpointing;
  for (;;) {
    if (!scheduling_) return;
    const auto decision =
        decider_.decide(job_->now(), triggering_, static_cast<int>(pending_.size()),
                        cp.max_concurrent, last_completion_, config_.min_pause());
    switch (decision) {
      case CheckpointRequestDecider::Decision::none:
      case CheckpointRequestDecider::Decision::wait:
        return;
      case CheckpointRequestDecider::Decision::drop_head_min_pause:
        pop_request();
        job_->emit(events::RequestDropped{FailureReason::MINIMUM_TIME_BETWEEN_CHECKPOINTS});
        reschedule_tick(last_completion_ + config_.min_pause());
        return;
      case CheckpointRequestDecider::Decision::run_head: {
        const std::optional<CheckpointConfig::Read> carried = pop_request();
        if (!job_->all_tasks_running()) {
          job_->emit(events::RequestDropped{FailureReason::NOT_ALL_REQUIRED_TASKS_RUNNING});
          continue;
        }
        create_pending_checkpoint(carried);
        continue;
      }
    }
  }
}

std::optional<CheckpointConfig::Read> CheckpointCoordinator::pop_request() {
  decider_.pop_head();
  if (carried_.empty()) return std::nullopt;
  const CheckpointConfig::Read read = carried_.front();
  carried_.pop_front();
  return read;
}

CheckpointRun& CheckpointCoordinator::acquire_run() {
  uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<uint32_t>(pool_.size());
    CheckpointRun& run = pool_.emplace_back();
    run.slot = slot;
    sim::Simulation& sim = job_->simulation();
    run.canceller = sim.new_timer(job_action([slot](Job& job) {
      CheckpointCoordinator& c = job.coordinator();
      CheckpointRun& r = c.pool_[slot];
      if (r.pending) c.expire(r);
    }));
    run.finalizer = sim.new_timer(job_action([slot](Job& job) {
      CheckpointCoordinator& c = job.coordinator();
      CheckpointRun& r = c.pool_[slot];
      if (r.pending && r.finalizing) c.complete(r);
    }));
  }
  return pool_[slot];
}

void CheckpointCoordinator::release_if_unused(CheckpointRun& run) {
  if (run.in_use() || run.id == 0) return;
  run.id = 0;
  free_slots_.push_back(run.slot);
}

void CheckpointCoordinator::create_pending_checkpoint(
    const std::optional<CheckpointConfig::Read>& carried) {
  const auto& cp = scenario_.checkpointing;
  const Time now = job_->now();
  CheckpointRun& run = acquire_run();
  run.id = next_id_++;
  run.pending = true;
  run.triggering = cp.trigger_latency > 0;
  run.finalizing = false;
  run.aborted = false;
  run.tasks_active = false;
  run.trigger_timestamp = now;
  // The canceller is armed at creation, with the timeout the coordinator reads now (carried
  // readers: the one the request's tick read; that is no read of its own).
  const CheckpointConfig::Read read = carried ? *carried : config_.read();
  if (!carried)
    job_->emit(events::ConfigRead{ConfigReader::pending_checkpoint, read.interval, read.timeout,
                                 read.torn, run.id});
  run.timeout = read.timeout;
  run.original_deadline = run.deadline = now + read.timeout;
  job_->simulation().arm(run.canceller, run.deadline);
  run.processed_at_trigger = job_->progress().processed(now);
  run.acks_remaining = job_->graph().subtask_count();
  run.latest_ack = -1;
  run.acked_checkpointed = run.acked_state = 0;
  run.max_alignment = run.max_start_delay = 0;
  run.any_unaligned = false;
  run.total_upload = 0;
  run.subtasks.clear();
  pending_.push_back(run.slot);
  job_->emit(events::CheckpointCreated{run.id, run.timeout, run.deadline});

  if (cp.trigger_latency > 0) {
    triggering_ = true;
    triggering_id_ = run.id;
    const uint32_t slot = run.slot;
    const int64_t id = run.id;
    job_->simulation().after(cp.trigger_latency, job_action([slot, id](Job& job) {
      job.coordinator().on_trigger_done(slot, id);
    }));
  } else {
    tasks_.trigger_checkpoint(run, now + cp.rpc_latency);
  }
  coordinator_step(CoordinatorStep::create, run.id, -1, read.timeout, read.torn);
}

void CheckpointCoordinator::expire(CheckpointRun& run) {
  const int64_t id = run.id;
  const bool tripped = abort(run, FailureReason::CHECKPOINT_EXPIRED, false);
  // The canceller's lock section ends with the abort (and a trip's failover); the queued
  // requests are examined after it.
  coordinator_step(CoordinatorStep::expire, id, -1, -1, false);
  if (!tripped) examine_queue();
}

void CheckpointCoordinator::on_trigger_done(uint32_t slot, int64_t id) {
  if (triggering_id_ != id) return;  // a failover ended this trigger pipeline already
  triggering_ = false;
  triggering_id_ = -1;
  CheckpointRun& run = pool_[slot];
  if (run.id == id && run.pending) {
    run.triggering = false;
    tasks_.trigger_checkpoint(run, job_->now() + scenario_.checkpointing.rpc_latency);
  }
  // An expiry inside the trigger phase ends the pipeline with TRIGGER_CHECKPOINT_FAILURE,
  // which is not counted: nothing more to do.
  examine_queue();
}

// --- acknowledgement, completion, abort -------------------------------------------------

void CheckpointCoordinator::acknowledge_checkpoint(CheckpointRun& run, int32_t s) {
  if (!run.pending || run.finalizing) return;  // a late ack of an aborted checkpoint
  const Time now = job_->now();
  const SubtaskRun& st = run.subtasks[static_cast<size_t>(s)];
  // The subtask's full state includes its channel state (in-flight bytes of an unaligned
  // snapshot), as Flink's OperatorSubtaskState does: it counts in state_size, and a restore
  // downloads it.
  const int64_t state_size = st.state_size + st.inflight_size;
  run.latest_ack = now;
  run.acked_checkpointed += st.upload_size;
  run.acked_state += state_size;
  run.max_alignment = std::max(run.max_alignment, st.last - st.first);
  run.max_start_delay = std::max(run.max_start_delay, st.first - run.trigger_timestamp);
  run.any_unaligned = run.any_unaligned || st.unaligned;
  job_->emit(events::SubtaskAcknowledged{run.id, s, st.first, st.last, st.snapshot, st.sync_end,
                                        st.upload_end, now, state_size, st.upload_size,
                                        st.inflight_size, st.unaligned});
  if (--run.acks_remaining == 0) on_all_acknowledged(run);
}

void CheckpointCoordinator::on_all_acknowledged(CheckpointRun& run) {
  run.tasks_active = false;
  run.finalizing = true;
  // Fully acknowledged, it can no longer expire: in Flink completePendingCheckpoint runs under
  // the coordinator lock from the last acknowledgement on, and the CheckpointCanceller then
  // finds the PendingCheckpoint disposed. The canceller is disarmed here, so a deadline that
  // falls inside finalize_latency changes nothing (and rearm() leaves it alone).
  job_->simulation().cancel(run.canceller);
  const Duration finalize = scenario_.checkpointing.finalize_latency;
  if (finalize > 0)
    job_->simulation().arm(run.finalizer, job_->now() + finalize);
  else
    complete(run);
}

void CheckpointCoordinator::remove_pending(CheckpointRun& run) {
  run.pending = false;
  job_->simulation().cancel(run.canceller);
  job_->simulation().cancel(run.finalizer);
  pending_.erase(std::find(pending_.begin(), pending_.end(), run.slot));
}

void CheckpointCoordinator::complete(CheckpointRun& run) {
  const Time now = job_->now();
  remove_pending(run);
  run.finalizing = false;
  failure_manager_.on_success(run.id);
  last_completion_ = now;
  restore_ = RestorePoint{run.id, run.trigger_timestamp, run.acked_state, run.processed_at_trigger};
  // Rescued: it would have expired without a patch, i.e. its last acknowledgement came at or
  // after the deadline it was created with (finalization cannot expire, so it does not count).
  const bool rescued = run.latest_ack >= run.original_deadline;
  job_->emit(events::CheckpointCompleted{
      run.id, run.trigger_timestamp, run.latest_ack, run.acked_checkpointed, run.acked_state,
      run.max_alignment, run.max_start_delay,
      run.any_unaligned ? CheckpointType::UNALIGNED_CHECKPOINT : CheckpointType::CHECKPOINT,
      run.timeout, run.original_deadline, run.deadline, rescued});
  const int64_t id = run.id;
  release_if_unused(run);
  // Older pending checkpoints are subsumed (not counted).
  std::vector<uint32_t> older;
  for (uint32_t slot : pending_)
    if (pool_[slot].id < id) older.push_back(slot);
  for (uint32_t slot : older) abort(pool_[slot], FailureReason::CHECKPOINT_SUBSUMED, false);
  examine_queue();
}

bool CheckpointCoordinator::abort(CheckpointRun& run, FailureReason reason,
                                  bool examine_queue_after) {
  // The run may be released (its id cleared, its slot reused) before the failure is counted.
  const int64_t id = run.id;
  const int64_t persisted = tasks_.persisted(run);
  const double fraction =
      run.total_upload > 0 ? static_cast<double>(persisted) / static_cast<double>(run.total_upload)
                           : 0.0;
  remove_pending(run);
  run.finalizing = false;
  run.aborted = true;
  const auto verdict = failure_manager_.on_failure(id, reason);
  const bool counted = verdict != CheckpointFailureManager::Verdict::ignored;
  job_->emit(events::CheckpointFailed{
      id, reason, run.trigger_timestamp, run.latest_ack, run.acked_checkpointed,
      run.acked_state, run.max_alignment, run.max_start_delay,
      run.any_unaligned ? CheckpointType::UNALIGNED_CHECKPOINT : CheckpointType::CHECKPOINT,
      run.timeout, run.deadline, fraction, counted});
  // The tasks hear of the abort one RPC later and stop their uploads then.
  const Duration rpc = scenario_.checkpointing.rpc_latency;
  if (run.tasks_active) {
    if (rpc > 0) {
      const uint32_t slot = run.slot;
      job_->simulation().after(rpc, job_action([slot, id](Job& job) {
        job.coordinator().notify_tasks_aborted(slot, id);
      }));
    } else {
      notify_tasks_aborted(run.slot, id);
    }
  } else {
    job_->emit(events::UploadsStopped{id, tasks_.persisted(run)});
    release_if_unused(run);
  }
  if (counted) {
    const int count = verdict == CheckpointFailureManager::Verdict::trip
                          ? failure_manager_.tolerable() + 1
                          : failure_manager_.count();
    job_->emit(events::FailureCounted{id, count});
  }
  if (verdict == CheckpointFailureManager::Verdict::trip) {
    // The failover happens at this instant, before the queue is looked at again.
    job_->fail_over(FailoverCause::checkpoint_failures);
    return true;
  }
  if (examine_queue_after) examine_queue();
  return false;
}

void CheckpointCoordinator::notify_tasks_aborted(uint32_t slot, int64_t id) {
  CheckpointRun& run = pool_[slot];
  if (run.id != id || !run.tasks_active) return;
  const int64_t wasted = tasks_.abort_checkpoint(run);
  job_->emit(events::UploadsStopped{id, wasted});
  release_if_unused(run);
}

}  // namespace ckptsim::model
