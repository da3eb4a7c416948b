// Flink's CheckpointCoordinator: the fixed-rate periodic trigger, the request queue (through
// CheckpointRequestDecider), pending checkpoints with one canceller each, completion and
// subsumption, expiry (coordinator.cpp), and FLIP-571 configuration updates run as the steps
// of steps.hpp, back to back or interleaved with the coordinator's own (patch_handler.cpp).
#pragma once

#include <deque>
#include <optional>
#include <vector>

#include "model/checkpoint_config.hpp"
#include "model/checkpoint_gateways.hpp"
#include "model/checkpoint_run.hpp"
#include "model/failure_manager.hpp"
#include "model/request_decider.hpp"
#include "model/steps.hpp"
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
  // Talks to the tasks only through the gateway it is connected to.
  CheckpointCoordinator(Job& job, const Scenario& scenario);
  void connect(TaskGateway tasks) { tasks_ = tasks; }
  // A copy belongs to a copy of the job (Job's branch constructor), which rebinds it.
  CheckpointCoordinator(const CheckpointCoordinator&) = default;
  CheckpointCoordinator& operator=(const CheckpointCoordinator&) = delete;
  void rebind(Job& job, TaskGateway tasks) {
    job_ = &job;
    tasks_ = tasks;
  }

  // Job RUNNING: periodic scheduling starts after a fresh initial delay.
  void start_scheduler();
  // Job no longer RUNNING: the timer stops, pending checkpoints fail
  // CHECKPOINT_COORDINATOR_SUSPEND and queued requests are dropped.
  void stop_scheduler();
  // A JobManager failover: the configuration is reloaded, with or without the persisted
  // overrides; a half-done torn update is lost (jobmanager_failover.cpp).
  void on_jobmanager_failover(bool persist_overrides);


  // --- FLIP-571 (patch_handler.cpp) ---
  // PATCH /jobs/:jobid/checkpoints/configuration: the scripted event with file index `event`.
  void patch(const PatchRequest& request, uint32_t event);

  // The explorer's hold on one scripted patch: when the event with file index `event` arrives
  // and is accepted, its writer steps `design` run interleaved with the coordinator steps of
  // the window [arrival, arrival + window] (default: the base interval at arrival). At the
  // k-th turn (the arrival, and after every step while writer steps remain) the writer goes
  // next when turns[k], else the coordinator's next step comes first. Past the end of `turns`
  // the writer goes, and the turn is recorded as open: the coordinator could have gone there.
  struct ExplorePlan {
    uint32_t event = 0;
    std::vector<WriterStep> design;
    std::optional<Duration> window;
    std::vector<bool> turns;
  };
  void explore_patch(ExplorePlan plan) { plan_ = std::move(plan); }
  // What became of the explored patch.
  struct TurnRecord {
    int status = 0;               // the PATCH's answer (0: it never arrived)
    std::vector<bool> taken;      // the turns, true where the writer went
    std::vector<size_t> open;     // turns past the plan, where the coordinator could have gone
    bool dead = false;            // the window ended with writer steps left: the coordinator's
                                  // turn found no step in the window (the branch adds nothing)
  };
  const TurnRecord& turn_record() const { return turns_; }

  const CheckpointConfig& config() const { return config_; }
  const RestorePoint& restore_point() const { return restore_; }

 private:
  // --- the tasks' RPCs, through CoordinatorGateway (checkpoint_gateways.hpp) ---
  friend class CoordinatorGateway;
  void acknowledge_checkpoint(CheckpointRun& run, int32_t subtask);
  CheckpointRun* run_in_slot(uint32_t slot) { return slot < pool_.size() ? &pool_[slot] : nullptr; }
  CheckpointRun& run(uint32_t slot) { return pool_[slot]; }

  // Frees a run once neither the coordinator nor the tasks need it.
  void release_if_unused(CheckpointRun& run);
  void on_tick();
  void reschedule_tick(Time when);
  void examine_queue();
  // Takes the head request off the queue; with carried readers, the pair its tick read.
  std::optional<CheckpointConfig::Read> pop_request();
  void create_pending_checkpoint(const std::optional<CheckpointConfig::Read>& carried);
  // The canceller fired: the step `expire`.
  void expire(CheckpointRun& run);
  void on_trigger_done(uint32_t slot, int64_t id);
  void on_all_acknowledged(CheckpointRun& run);
  void complete(CheckpointRun& run);
  // Fails a pending checkpoint. Returns true when the failure manager tripped the job.
  bool abort(CheckpointRun& run, FailureReason reason, bool examine_queue_after);
  void notify_tasks_aborted(uint32_t slot, int64_t id);
  void remove_pending(CheckpointRun& run);
  CheckpointRun& acquire_run();

  // --- FLIP-571 (patch_handler.cpp) ---
  // An accepted PATCH whose writer steps have not all run.
  struct Update {
    std::optional<Duration> interval, timeout;
    IntervalPolicy policy = IntervalPolicy::earlier_only;
    std::vector<WriterStep> steps;
    size_t next = 0;
    bool lost = false;  // a JobManager failover lost the steps not yet run
    bool done() const { return lost || next == steps.size(); }
  };
  // Runs one writer step of `u`: its writes (one ConfigWritten per run of writes), then its
  // follow-ups, in the step's order.
  void execute(const WriterStep& step, const Update& u);
  void run_next_step(size_t update);  // the next step of updates_[update]
  void rearm();                       // the follow-up of a timeout write
  void reschedule(IntervalPolicy policy);  // the follow-up of an interval write

  // The window of an interleaved update (apply: interleaved, or the explored patch).
  void open_window(size_t update, Duration window, const PatchRequest& request, bool explored);
  // A coordinator step of the window ran (what it read: -1 for nothing); the writer may go.
  void coordinator_step(CoordinatorStep step, int64_t id, Duration interval, Duration timeout,
                        bool torn) {
    if (window_.open) on_coordinator_step(step, id, interval, timeout, torn);
  }
  void on_coordinator_step(CoordinatorStep step, int64_t id, Duration interval, Duration timeout,
                           bool torn);
  void writer_turns();       // the writer's steps while the schedule gives it the turn
  bool writer_goes_next();   // one turn of the schedule
  void record(events::StepTaken step);
  void take_snapshot();      // the state after a step, once the writer is done
  void close_window();

  Job* job_;
  TaskGateway tasks_;
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

  // carried readers: the pair each queued request's tick read, oldest first.
  std::deque<CheckpointConfig::Read> carried_;

  std::vector<Update> updates_;  // torn and interleaved updates, by index (never reused)
  struct Window {
    bool open = false;
    size_t update = 0;
    Time end = 0;  // the last instant of the window
    bool explored = false;
    std::vector<bool> turns;        // explored
    std::vector<StepLabel> order;   // apply: interleaved
    size_t position = 0;            // steps recorded so far (the place in `order`)
    bool order_followed = true;
    bool in_writer = false;         // inside a writer step: no turns of its own
    events::WindowClosed state{};   // after the last step so far
  } window_;
  std::optional<ExplorePlan> plan_;
  TurnRecord turns_;
};

inline void CoordinatorGateway::acknowledge_checkpoint(CheckpointRun& run, int32_t subtask) {
  coordinator_->acknowledge_checkpoint(run, subtask);
}
inline CheckpointRun* CoordinatorGateway::run_in_slot(uint32_t slot) const {
  return coordinator_->run_in_slot(slot);
}
inline CheckpointRun& CoordinatorGateway::run(uint32_t slot) const { return coordinator_->run(slot); }

}  // namespace ckptsim::model
