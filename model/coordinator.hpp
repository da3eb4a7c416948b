// Flink's CheckpointCoordinator: the fixed-rate periodic trigger, the request queue (through
// CheckpointRequestDecider), pending checkpoints with one canceller each, completion and
// subsumption, expiry, and FLIP-571 configuration updates (SPEC sections 4 and 6).
#pragma once

#include <deque>
#include <optional>
#include <vector>

#include "model/checkpoint_config.hpp"
#include "model/checkpoint_run.hpp"
#include "model/failure_manager.hpp"
#include "model/request_decider.hpp"
#include "sim/rng.hpp"

namespace ckptsim::model {

class Job;

// The checkpoint a failover restores.
struct RestorePoint {
  int64_t id = -1;  // -1: none completed yet
  Time trigger_timestamp = 0;
  int64_t state_size = 0;
  double processed_at_trigger = 0;
};

class CheckpointCoordinator {
 public:
  CheckpointCoordinator(Job& job, const Scenario& scenario);
  // A copy belongs to a copy of the job (Job's branch constructor), which rebinds it.
  CheckpointCoordinator(const CheckpointCoordinator&) = default;
  CheckpointCoordinator& operator=(const CheckpointCoordinator&) = delete;
  void rebind(Job& job) { job_ = &job; }

  // Job RUNNING: periodic scheduling starts after a fresh initial delay.
  void start_scheduler();
  // Job no longer RUNNING: the timer stops, pending checkpoints fail
  // CHECKPOINT_COORDINATOR_SUSPEND and queued requests are dropped.
  void stop_scheduler();
  // A JobManager failover: the configuration is reloaded; a half-done torn update is lost.
  void reload_configuration(bool persist_overrides);

  // A subtask's acknowledgement reached the coordinator.
  void acknowledge(CheckpointRun& run, int32_t subtask);
  // PATCH /jobs/:jobid/checkpoints/configuration.
  void patch(const PatchRequest& request);

  const CheckpointConfig& config() const { return config_; }
  const RestorePoint& restore_point() const { return restore_; }
  CheckpointRun* run_in_slot(uint32_t slot) { return slot < pool_.size() ? &pool_[slot] : nullptr; }
  // Frees a run once neither the coordinator nor the tasks need it.
  void release_if_unused(CheckpointRun& run);

 private:
  void on_tick();
  void reschedule_tick(Time when);
  void examine_queue();
  void create_pending_checkpoint();
  void on_trigger_done(uint32_t slot, int64_t id);
  void on_all_acknowledged(CheckpointRun& run);
  void complete(CheckpointRun& run);
  // Fails a pending checkpoint. Returns true when the failure manager tripped the job.
  bool abort(CheckpointRun& run, FailureReason reason, bool examine_queue_after);
  void notify_tasks_aborted(uint32_t slot, int64_t id);
  void remove_pending(CheckpointRun& run);
  CheckpointRun& acquire_run();

  void write_field(ConfigField field, Duration value, IntervalPolicy policy);
  void apply_timeout();
  void apply_interval(IntervalPolicy policy);

  Job* job_;
  const Scenario& scenario_;
  CheckpointConfig config_;
  CheckpointRequestDecider decider_;
  CheckpointFailureManager failure_manager_;
  sim::RandomStream initial_delay_rng_;

  bool scheduling_ = false;
  bool triggering_ = false;
  int64_t triggering_id_ = -1;
  Time next_tick_ = sim::kNever;
  Time last_tick_ = 0;  // scheduled time of the last tick (or the scheduler start)
  sim::TimerId tick_timer_;

  int64_t next_id_ = 1;
  Time last_completion_ = sim::kNever;
  RestorePoint restore_;
  std::vector<uint32_t> pending_;  // the slots of the pending checkpoints, ordered by id
  std::deque<CheckpointRun> pool_;  // indexed by slot; a deque keeps each run in place as it grows
  std::vector<uint32_t> free_slots_;

  // The second write of a torn update, waiting for its gap to pass.
  struct DelayedWrite {
    ConfigField field;
    Duration value;
    IntervalPolicy policy;
    bool cancelled;
  };
  std::vector<DelayedWrite> delayed_writes_;
};

}  // namespace ckptsim::model
