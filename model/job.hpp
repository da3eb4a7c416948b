// A running job: it wires the graph, flow, storage, coordinator, tasks and failure handling onto
// one simulation, runs the scenario's script, and emits the domain events.
#pragma once

#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "model/coordinator.hpp"
#include "model/events.hpp"
#include "model/flow.hpp"
#include "model/job_graph.hpp"
#include "model/progress.hpp"
#include "model/restart_strategy.hpp"
#include "model/storage.hpp"
#include "model/tasks.hpp"
#include "sim/fingerprint.hpp"
#include "sim/simulation.hpp"

namespace ckptsim::model {

// The fingerprint's subject of an event: the checkpoint it concerns, or 0.
template <class T>
int64_t fingerprint_subject(const T& e) {
  if constexpr (std::is_same_v<T, events::SubtaskAcknowledged>)
    return e.id * 1000003 + e.subtask;
  else if constexpr (requires { e.id; })
    return e.id;
  else if constexpr (std::is_same_v<T, events::ConfigRead>)
    return e.checkpoint_id;
  else
    return 0;
}

// An action that runs against the Job its simulation belongs to (so that it also runs, in a
// copy of the job, against the copy): the lambda takes `Job&` and captures ids, never pointers.
class Job;
template <class F>
sim::Action job_action(F f) {
  return sim::Action::with<Job>(f);
}

class Job : public UploadListener {
 public:
  // `graph` must be built from the scenario's operators and edges (JobGraph::build).
  Job(const Scenario& scenario, const JobGraph& graph, Observer& observer);
  // A branch: an exact copy of `other` at its current instant (pending events, timers, RNG
  // streams, every part's state) that reports to `observer` from now on. Running the copy
  // leaves `other` untouched, and both go on exactly as `other` alone would have. The scenario
  // and graph are shared, not copied.
  Job(const Job& other, Observer& observer);
  Job& operator=(const Job&) = delete;
  ~Job() override;

  // Simulates [0, duration) and ends with RunFinished: start(), run_until(duration), finish().
  // Call once.
  void run();
  // The phases of run(), for a caller that stops on the way (the explorer branches a run at a
  // PATCH): start() emits the first events and arms the script, the scheduler and the random
  // failures; run_until(t) runs every event due before t (t <= duration); finish() settles the
  // run at `duration` and emits RunFinished.
  void start();
  void run_until(Time end);
  void finish();
  // Called `slices` times during run(), after each equal share of the virtual duration, with
  // the virtual time reached and the kernel events run so far (for a progress display).
  using ProgressCallback = void (*)(void* context, Time reached, uint64_t events_run);
  void on_progress(ProgressCallback callback, void* context, int slices = 1000) {
    progress_callback_ = callback;
    progress_context_ = context;
    progress_slices_ = slices;
  }
  sim::Simulation& simulation() { return sim_; }

  // --- services for the parts ---
  Time now() const { return sim_.now(); }
  // Stamps an event (events::*) with now, folds it into the fingerprint and hands it to the
  // observer; built in place, since it is sent once per state change.
  template <class E>
  void emit(E&& event) {
    using T = std::remove_cvref_t<E>;
    const int64_t subject = fingerprint_subject(event);
    const DomainEvent e{sim_.now(), EventBody(std::in_place_type<T>, std::forward<E>(event))};
    fingerprint_.add(e.at, static_cast<uint32_t>(e.body.index()), subject);
    observer_->on_event(e);
  }
  const Scenario& scenario() const { return scenario_; }
  const JobGraph& graph() const { return graph_; }
  const Flow& flow() const { return flow_; }
  uint64_t flow_version() const { return flow_version_; }  // changes with every flow change
  Storage& storage() { return storage_; }
  Progress& progress() { return progress_; }
  CheckpointCoordinator& coordinator() { return coordinator_; }
  const CheckpointCoordinator& coordinator() const { return coordinator_; }
  TaskExecutor& tasks() { return tasks_; }
  JobStatus status() const { return status_; }
  bool all_tasks_running() const { return status_ == JobStatus::RUNNING && tasks_running_; }

  // A failover at now (task failure, JobManager failure, or tolerable failures exceeded).
  void fail_over(FailoverCause cause);

  void on_upload_finished(uint64_t tag) override;

 private:
  Job(const Job&) = default;  // the members as they are; the public copy then rebinds them
  void queue_next_scripted_event();
  void apply(const ScriptedEvent& e, uint32_t index);  // index: in the file
  void change_load(const LoadChange& change);
  void on_restart();
  void on_recovered();
  void arm_random_failure(FailoverCause cause);
  void on_random_failure(FailoverCause cause);

  // Every part is a value member and every pending action reaches the job through the
  // simulation's context, so the implicit copy plus rebind() is a complete branch.
  const Scenario& scenario_;
  const JobGraph& graph_;
  Observer* observer_;
  sim::Simulation sim_;
  sim::Fingerprint fingerprint_;
  Loads loads_;
  Flow flow_;
  Progress progress_;
  Storage storage_;
  TaskExecutor tasks_;
  CheckpointCoordinator coordinator_;
  RestartStrategy restart_;
  sim::RandomStream task_failures_, jobmanager_failures_;

  JobStatus status_ = JobStatus::RUNNING;
  bool tasks_running_ = true;
  Duration recovery_download_ = 0;
  uint64_t flow_version_ = 0;
  std::vector<uint32_t> script_order_;  // scripted events before the end, by (time, file index)
  size_t next_scripted_ = 0;
  ProgressCallback progress_callback_ = nullptr;
  void* progress_context_ = nullptr;
  int progress_slices_ = 1;
  sim::TimerId restart_timer_, recovery_timer_;
  sim::TimerId task_failure_timer_, jobmanager_failure_timer_;  // Poisson failures
};

// Builds the graph and runs a scenario that the loader already validated.
void run_scenario(const Scenario& scenario, Observer& observer);

}  // namespace ckptsim::model
