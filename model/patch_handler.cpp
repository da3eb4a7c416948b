// The coordinator's side of PATCH /jobs/:jobid/checkpoints/configuration (FLIP-571): the
// request is validated, then its design's writer steps run (steps.hpp). An atomic update is
// one step; a torn one two, `tear.gap` apart; an interleaved one takes turns with the
// coordinator's own steps (tick, create, expire) in the window that opens at its arrival, as
// `order` says or as the explorer chooses. Every way goes through execute(): a run is one
// interleaving. See docs/explore.md.
#include <algorithm>

#include "model/coordinator.hpp"
#include "model/job.hpp"

namespace ckptsim::model {

namespace {

// `apply: torn`: each field with its own follow-up, the first one now, the other after the gap.
std::vector<WriterStep> torn_steps(ConfigField first) {
  const WriterStep interval{{WriterAction::write_interval, WriterAction::reschedule}, true};
  const WriterStep timeout{{WriterAction::write_timeout, WriterAction::rearm}, true};
  if (first == ConfigField::interval) return {interval, timeout};
  return {timeout, interval};
}

Time saturating_add(Time t, Duration d) { return d > sim::kNever - t ? sim::kNever : t + d; }

}  // namespace

void CheckpointCoordinator::patch(const PatchRequest& request, uint32_t event) {
  const bool explored = plan_ && plan_->event == event;
  if (job_->status() == JobStatus::FAILED) {
    job_->emit(events::PatchAnswered{409, "the job is FAILED; its checkpoint configuration cannot change",
                                     request.body, config_.interval(), config_.timeout()});
    if (explored) turns_.status = 409;
    return;
  }
  const PatchValidation v = validate_patch_body(request);
  if (explored) turns_.status = v.status;
  if (v.status != 200) {
    job_->emit(events::PatchAnswered{v.status, v.message, request.body, config_.interval(),
                                     config_.timeout()});
    return;
  }
  const PatchApply apply = explored ? PatchApply::interleaved : request.apply;
  const bool both = v.interval && v.timeout;
  // The window's default length is the base interval in force when the request arrives.
  const Duration base = config_.base_interval();
  config_.begin_update(v.interval, v.timeout, apply != PatchApply::atomic && both);
  job_->emit(events::PatchAnswered{200, "", request.body, v.interval.value_or(config_.interval()),
                                   v.timeout.value_or(config_.timeout())});
  Update u{v.interval, v.timeout, request.interval_policy, {}, 0, false};

  if (apply == PatchApply::interleaved) {
    u.steps = steps_for_body(explored ? plan_->design : request.steps, v.interval.has_value(),
                             v.timeout.has_value());
    updates_.push_back(std::move(u));
    const std::optional<Duration> window = explored ? plan_->window : request.window;
    open_window(updates_.size() - 1, window.value_or(base), request, explored);
    writer_turns();
    return;
  }
  if (apply == PatchApply::atomic || !both) {
    // Both fields become visible together, then each follow-up runs.
    u.steps = steps_for_body({atomic_step()}, v.interval.has_value(), v.timeout.has_value());
    for (const WriterStep& step : u.steps) execute(step, u);
    return;
  }
  // Torn: the first field and its follow-up now, the other one after the gap.
  u.steps = torn_steps(request.tear_first);
  updates_.push_back(std::move(u));
  const size_t index = updates_.size() - 1;
  run_next_step(index);
  job_->simulation().after(request.tear_gap, job_action([index](Job& job) {
    CheckpointCoordinator& c = job.coordinator();
    if (!c.updates_[index].done()) c.run_next_step(index);
  }));
}

void CheckpointCoordinator::run_next_step(size_t update) {
  // A copy: a step can start another update (it never does today), which may move updates_.
  const Update u = updates_[update];
  ++updates_[update].next;
  execute(u.steps[u.next], u);
}

void CheckpointCoordinator::execute(const WriterStep& step, const Update& u) {
  bool interval_written = false, timeout_written = false;
  // One ConfigWritten per run of writes: both fields of a lock group or a publish together.
  auto flush = [&] {
    if (!interval_written && !timeout_written) return;
    job_->emit(events::ConfigWritten{interval_written, timeout_written, config_.interval(),
                                     config_.timeout()});
    interval_written = timeout_written = false;
  };
  for (WriterAction a : step.actions) {
    const bool interval = u.interval && (a == WriterAction::write_interval || a == WriterAction::publish);
    const bool timeout = u.timeout && (a == WriterAction::write_timeout || a == WriterAction::publish);
    if (interval) {
      config_.write_interval(*u.interval);
      interval_written = true;
    }
    if (timeout) {
      config_.write_timeout(*u.timeout);
      timeout_written = true;
    }
    if (a == WriterAction::rearm) {
      flush();
      rearm();
    } else if (a == WriterAction::reschedule) {
      flush();
      reschedule(u.policy);
    }
  }
  flush();
}

void CheckpointCoordinator::rearm() {
  const Time now = job_->now();
  const Duration timeout = config_.timeout();
  std::vector<int64_t> ids;
  for (uint32_t slot : pending_) ids.push_back(pool_[slot].id);
  for (int64_t id : ids) {
    auto it = std::find_if(pending_.begin(), pending_.end(),
                           [this, id](uint32_t slot) { return pool_[slot].id == id; });
    if (it == pending_.end()) continue;  // gone meanwhile (an expiry tripped a failover)
    CheckpointRun& run = pool_[*it];
    if (run.finalizing) continue;  // fully acknowledged: no canceller left to re-arm
    const Time old = run.deadline;
    run.deadline = saturating_add(run.trigger_timestamp, timeout);
    job_->emit(events::CheckpointRearmed{id, old, run.deadline});
    if (run.deadline <= now) {
      abort(run, FailureReason::CHECKPOINT_EXPIRED, true);
    } else {
      job_->simulation().arm(run.canceller, run.deadline);  // re-arming replaces the one canceller
    }
  }
}

void CheckpointCoordinator::reschedule(IntervalPolicy policy) {
  if (!scheduling_) return;  // the next scheduler start reads the new interval
  const Time now = job_->now();
  const Duration base = config_.base_interval();
  switch (policy) {
    case IntervalPolicy::earlier_only:
      // FLIP-309: only an earlier next tick moves the timer.
      if (saturating_add(now, base) < next_tick_) reschedule_tick(now + base);
      break;
    case IntervalPolicy::next_cycle:
      break;
    case IntervalPolicy::immediate:
      reschedule_tick(saturating_add(last_tick_, base));
      break;
  }
}

// --- the window of an interleaved update ----------------------------------------------------

void CheckpointCoordinator::open_window(size_t update, Duration window,
                                        const PatchRequest& request, bool explored) {
  window_ = Window{};
  window_.open = true;
  window_.update = update;
  window_.end = saturating_add(job_->now(), std::max<Duration>(0, window));
  window_.explored = explored;
  if (explored) {
    window_.turns = plan_->turns;
  } else {
    window_.order = request.order;
  }
  // Closes after every step due at the window's last instant (a coordinator step then is in).
  job_->simulation().at(saturating_add(window_.end, 1),
                        job_action([](Job& job) { job.coordinator().close_window(); }));
  take_snapshot();
}

void CheckpointCoordinator::on_coordinator_step(CoordinatorStep step, int64_t id, Duration interval,
                                                Duration timeout, bool torn) {
  if (job_->now() > window_.end) return;
  record(events::StepTaken{false, step, to_string(step), id, interval, timeout, torn, window_.in_writer});
  if (updates_[window_.update].done()) take_snapshot();
  if (!window_.in_writer) writer_turns();
}

void CheckpointCoordinator::writer_turns() {
  while (window_.open && !updates_[window_.update].done()) {
    if (!writer_goes_next()) return;
    const size_t index = window_.update;
    const Update& u = updates_[index];
    record(events::StepTaken{true, CoordinatorStep::tick, u.steps[u.next].label(), -1, -1, -1,
                             false, false});
    window_.in_writer = true;
    run_next_step(index);
    window_.in_writer = false;
    if (updates_[index].done()) take_snapshot();
  }
}

bool CheckpointCoordinator::writer_goes_next() {
  if (window_.explored) {
    const size_t k = turns_.taken.size();
    bool writer = true;
    if (k < window_.turns.size())
      writer = window_.turns[k];
    else
      turns_.open.push_back(k);
    turns_.taken.push_back(writer);
    return writer;
  }
  // apply: interleaved: the writer goes when `order` names a writer step next (or is over).
  return window_.position >= window_.order.size() || window_.order[window_.position].writer;
}

void CheckpointCoordinator::record(events::StepTaken step) {
  // A step nested in a writer's step takes no turn and no place in `order`.
  if (!window_.explored && !step.nested) {
    if (window_.position >= window_.order.size() || window_.order[window_.position].text != step.label)
      window_.order_followed = false;
    ++window_.position;
  }
  job_->emit(std::move(step));
}

void CheckpointCoordinator::take_snapshot() {
  events::WindowClosed& s = window_.state;
  s.interval = config_.interval();
  s.timeout = config_.timeout();
  s.next_tick = scheduling_ ? next_tick_ : sim::kNever;
  s.pending.clear();
  for (uint32_t slot : pending_) s.pending.emplace_back(pool_[slot].id, pool_[slot].deadline);
}

void CheckpointCoordinator::close_window() {
  if (!window_.open) return;
  Update& u = updates_[window_.update];
  const int left = u.done() ? 0 : static_cast<int>(u.steps.size() - u.next);
  if (left > 0 && window_.explored) {
    // The coordinator had the turn but no step of its own came in the window: every order of
    // the rest is another branch's (the writer's) already. Nothing more to see here.
    turns_.dead = true;
    window_.open = false;
    job_->simulation().stop();
    return;
  }
  if (left > 0) {
    // `order` waited for coordinator steps that never came: the rest of the writer runs now.
    window_.order_followed = false;
    while (!updates_[window_.update].done()) run_next_step(window_.update);
    take_snapshot();
  }
  events::WindowClosed closed = window_.state;
  closed.writer_steps_left = left;
  closed.order_followed = window_.order_followed && window_.position == window_.order.size();
  if (window_.explored) closed.order_followed = true;
  window_.open = false;
  job_->emit(std::move(closed));
}

}  // namespace ckptsim::model
