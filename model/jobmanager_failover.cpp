// A JobManager failover (docs/model-and-limits.md): what it does to the checkpoint configuration,
// in one place. It is a failover like a task failure (Job::fail_over: the same restart
// strategy, recovery and fresh initial delay), and in addition the new JobManager rebuilds the
// coordinator's configuration from the job's submitted configuration plus the PATCH overrides
// that FLIP-571 persists in the ExecutionPlanStore, as it does JobResourceRequirements
// (config.persist_overrides: true), or from the submitted configuration alone (false: the
// overrides lived in the old JobManager's memory only). A torn update's write that was not yet
// visible dies with the old JobManager either way. A task failover keeps the coordinator's
// in-memory configuration (nothing here runs).
#include "model/checkpoint_config.hpp"
#include "model/coordinator.hpp"
#include "model/job.hpp"

namespace ckptsim::model {

void CheckpointCoordinator::on_jobmanager_failover(bool persist_overrides) {
  for (Update& u : updates_) u.lost = true;
  config_.reload_after_jobmanager_failover(persist_overrides);
  job_->emit(events::ConfigReloaded{config_.interval(), config_.timeout(), persist_overrides});
}

void CheckpointConfig::reload_after_jobmanager_failover(bool persist_overrides) {
  interval_ = submitted_.interval;
  timeout_ = submitted_.timeout;
  if (persist_overrides) {
    // Every accepted override, including the field of a torn update not yet visible: it was
    // persisted when the PATCH was accepted.
    if (override_interval_) interval_ = *override_interval_;
    if (override_timeout_) timeout_ = *override_timeout_;
  } else {
    override_interval_.reset();
    override_timeout_.reset();
  }
  torn_pending_ = false;
  pending_interval_ = pending_timeout_ = false;
  unwritten_ = 0;
}

}  // namespace ckptsim::model
