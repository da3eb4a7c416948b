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
  if (!decider_.enqueue_periodic())
    job_->emit(events::RequestDropped{FailureReason::TOO_MANY_CHECKPOINT_REQUESTS});
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
        decider_.pop_head();
        job_->emit(events::RequestDropped{FailureReason::MINIMUM_TIME_BETWEEN_CHECKPOINTS});
        reschedule_tick(last_completion_ + config_.min_pause());
        return;
      case CheckpointRequestDecider::Decision::run_head:
        decider_.pop_head();
        if (!job_->all_tasks_running()) {
          job_->emit(events::RequestDropped{FailureReason::NOT_ALL_REQUIRED_TASKS_RUNNING});
          continue;
        }
        create_pending_checkpoint();
        continue;
    }
  }
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
      if (r.pending) c.abort(r, FailureReason::CHECKPOINT_EXPIRED, true);
    }));
    run.finalizer = sim.new_timer(job_action([slot](Job& job) {
      CheckpointCoordinator& c = job.coordinator();
      CheckpointRun& r = c.pool_[slot];
      if (r.pending && r.finalizing) c.complete(r);
    }));
    run.wave = sim.new_timer(job_action([slot](Job& job) {
      job.tasks().on_wave(job.coordinator().pool_[slot]);
    }));
  }
  return pool_[slot];
}

void CheckpointCoordinator::release_if_unused(CheckpointRun& run) {
  if (run.in_use() || run.id == 0) return;
  run.id = 0;
  free_slots_.push_back(run.slot);
}

void CheckpointCoordinator::create_pending_checkpoint() {
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
  // The canceller is armed at creation, with the timeout the coordinator reads now.
  const CheckpointConfig::Read read = config_.read();
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
    job_->tasks().start(run, now + cp.rpc_latency);
  }
}

void CheckpointCoordinator::on_trigger_done(uint32_t slot, int64_t id) {
  if (triggering_id_ != id) return;  // a failover ended this trigger pipeline already
  triggering_ = false;
  triggering_id_ = -1;
  CheckpointRun& run = pool_[slot];
  if (run.id == id && run.pending) {
    run.triggering = false;
    job_->tasks().start(run, job_->now() + scenario_.checkpointing.rpc_latency);
  }
  // An expiry inside the trigger phase ends the pipeline with TRIGGER_CHECKPOINT_FAILURE,
  // which is not counted: nothing more to do.
  examine_queue();
}

// --- acknowledgement, completion, abort -------------------------------------------------

void CheckpointCoordinator::acknowledge(CheckpointRun& run, int32_t s) {
  if (!run.pending || run.finalizing) return;  // a late ack of an aborted checkpoint
  const Time now = job_->now();
  const SubtaskRun& st = run.subtasks[static_cast<size_t>(s)];
  run.latest_ack = now;
  run.acked_checkpointed += st.upload_size;
  run.acked_state += st.state_size;
  run.max_alignment = std::max(run.max_alignment, st.last - st.first);
  run.max_start_delay = std::max(run.max_start_delay, st.first - run.trigger_timestamp);
  run.any_unaligned = run.any_unaligned || st.unaligned;
  job_->emit(events::SubtaskAcknowledged{run.id, s, st.first, st.last, st.snapshot, st.sync_end,
                                        st.upload_end, now, st.state_size, st.upload_size,
                                        st.inflight_size, st.unaligned});
  if (--run.acks_remaining == 0) on_all_acknowledged(run);
}

void CheckpointCoordinator::on_all_acknowledged(CheckpointRun& run) {
  run.tasks_active = false;
  const Duration finalize = scenario_.checkpointing.finalize_latency;
  if (finalize > 0) {
    run.finalizing = true;
    job_->simulation().arm(run.finalizer, job_->now() + finalize);
  } else {
    run.finalizing = true;
    complete(run);
  }
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
  const bool rescued = now >= run.original_deadline;
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
  const int64_t persisted = job_->tasks().persisted(run);
  const double fraction =
      run.total_upload > 0 ? static_cast<double>(persisted) / static_cast<double>(run.total_upload)
                           : 0.0;
  remove_pending(run);
  run.finalizing = false;
  run.aborted = true;
  const auto verdict = failure_manager_.on_failure(run.id, reason);
  const bool counted = verdict != CheckpointFailureManager::Verdict::ignored;
  job_->emit(events::CheckpointFailed{
      run.id, reason, run.trigger_timestamp, run.latest_ack, run.acked_checkpointed,
      run.acked_state, run.max_alignment, run.max_start_delay,
      run.any_unaligned ? CheckpointType::UNALIGNED_CHECKPOINT : CheckpointType::CHECKPOINT,
      run.timeout, run.deadline, fraction, counted});
  // The tasks hear of the abort one RPC later and stop their uploads then.
  const Duration rpc = scenario_.checkpointing.rpc_latency;
  if (run.tasks_active) {
    if (rpc > 0) {
      const uint32_t slot = run.slot;
      const int64_t id = run.id;
      job_->simulation().after(rpc, job_action([slot, id](Job& job) {
        job.coordinator().notify_tasks_aborted(slot, id);
      }));
    } else {
      notify_tasks_aborted(run.slot, run.id);
    }
  } else {
    job_->emit(events::UploadsStopped{run.id, job_->tasks().persisted(run)});
    release_if_unused(run);
  }
  if (counted) {
    const int count = verdict == CheckpointFailureManager::Verdict::trip
                          ? failure_manager_.tolerable() + 1
                          : failure_manager_.count();
    job_->emit(events::FailureCounted{run.id, count});
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
  const int64_t wasted = job_->tasks().stop(run);
  job_->emit(events::UploadsStopped{id, wasted});
  release_if_unused(run);
}

// --- FLIP-571 configuration updates -------------------------------------------------------

void CheckpointCoordinator::patch(const PatchRequest& request) {
  if (job_->status() == JobStatus::FAILED) {
    job_->emit(events::PatchAnswered{409, "the job is FAILED; its checkpoint configuration cannot change",
                                    request.body, config_.interval(), config_.timeout()});
    return;
  }
  const PatchValidation v = validate_patch_body(request);
  if (v.status != 200) {
    job_->emit(events::PatchAnswered{v.status, v.message, request.body, config_.interval(),
                                    config_.timeout()});
    return;
  }
  const bool torn = request.apply == PatchApply::torn && v.interval && v.timeout;
  config_.begin_update(v.interval, v.timeout, torn);
  job_->emit(events::PatchAnswered{200, "", request.body, v.interval.value_or(config_.interval()),
                                  v.timeout.value_or(config_.timeout())});
  if (!torn) {
    // Atomic: both fields become visible together, then each follow-up runs.
    if (v.interval) config_.write_interval(*v.interval);
    if (v.timeout) config_.write_timeout(*v.timeout);
    job_->emit(events::ConfigWritten{v.interval.has_value(), v.timeout.has_value(),
                                    config_.interval(), config_.timeout()});
    if (v.timeout) apply_timeout();
    if (v.interval) apply_interval(request.interval_policy);
    return;
  }
  const bool interval_first = request.tear_first == ConfigField::interval;
  const ConfigField second = interval_first ? ConfigField::timeout : ConfigField::interval;
  const Duration second_value = interval_first ? *v.timeout : *v.interval;
  const auto index = static_cast<uint32_t>(delayed_writes_.size());
  delayed_writes_.push_back({second, second_value, request.interval_policy, false});
  write_field(request.tear_first, interval_first ? *v.interval : *v.timeout,
              request.interval_policy);
  job_->simulation().after(request.tear_gap, job_action([index](Job& job) {
    CheckpointCoordinator& c = job.coordinator();
    DelayedWrite& w = c.delayed_writes_[index];
    if (!w.cancelled) c.write_field(w.field, w.value, w.policy);
    w.cancelled = true;
  }));
}

void CheckpointCoordinator::write_field(ConfigField field, Duration value, IntervalPolicy policy) {
  if (field == ConfigField::interval) {
    config_.write_interval(value);
    job_->emit(events::ConfigWritten{true, false, config_.interval(), config_.timeout()});
    apply_interval(policy);
  } else {
    config_.write_timeout(value);
    job_->emit(events::ConfigWritten{false, true, config_.interval(), config_.timeout()});
    apply_timeout();
  }
}

void CheckpointCoordinator::apply_timeout() {
  const Time now = job_->now();
  const Duration timeout = config_.timeout();
  std::vector<int64_t> ids;
  for (uint32_t slot : pending_) ids.push_back(pool_[slot].id);
  for (int64_t id : ids) {
    auto it = std::find_if(pending_.begin(), pending_.end(),
                           [this, id](uint32_t slot) { return pool_[slot].id == id; });
    if (it == pending_.end()) continue;  // gone meanwhile (an expiry tripped a failover)
    CheckpointRun& run = pool_[*it];
    const Time old = run.deadline;
    run.deadline = run.trigger_timestamp + timeout;
    job_->emit(events::CheckpointRearmed{id, old, run.deadline});
    if (run.deadline <= now) {
      abort(run, FailureReason::CHECKPOINT_EXPIRED, true);
    } else {
      job_->simulation().arm(run.canceller, run.deadline);  // re-arming replaces the one canceller
    }
  }
}

void CheckpointCoordinator::apply_interval(IntervalPolicy policy) {
  if (!scheduling_) return;  // the next scheduler start reads the new interval
  const Time now = job_->now();
  const Duration base = config_.base_interval();
  switch (policy) {
    case IntervalPolicy::earlier_only:
      // FLIP-309: only an earlier next tick moves the timer.
      if (now + base < next_tick_) reschedule_tick(now + base);
      break;
    case IntervalPolicy::next_cycle:
      break;
    case IntervalPolicy::immediate:
      reschedule_tick(last_tick_ + base);
      break;
  }
}

void CheckpointCoordinator::reload_configuration(bool persist_overrides) {
  for (DelayedWrite& w : delayed_writes_) w.cancelled = true;
  config_.reload(persist_overrides);
  job_->emit(events::ConfigReloaded{config_.interval(), config_.timeout(), persist_overrides});
}

}  // namespace ckptsim::model
