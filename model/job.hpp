// A running job: it wires the graph, flow, storage, coordinator, tasks and failure handling onto
// one simulation, runs the scenario's script, and emits the domain events (SPEC sections 2-6).
#pragma once

#include <memory>
#include <optional>
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

class Job : public UploadListener {
 public:
  // `graph` must be built from the scenario's operators and edges (JobGraph::build).
  Job(const Scenario& scenario, const JobGraph& graph, Observer& observer);
  ~Job() override;

  // Simulates [0, duration) and ends with RunFinished. Call once.
  void run();
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
  void emit(EventBody body);
  const Scenario& scenario() const { return scenario_; }
  const JobGraph& graph() const { return graph_; }
  const Flow& flow() const { return flow_; }
  uint64_t flow_version() const { return flow_version_; }  // changes with every flow change
  Storage& storage() { return *storage_; }
  Progress& progress() { return progress_; }
  CheckpointCoordinator& coordinator() { return *coordinator_; }
  TaskExecutor& tasks() { return *tasks_; }
  JobStatus status() const { return status_; }
  bool all_tasks_running() const { return status_ == JobStatus::RUNNING && tasks_running_; }

  // A failover at now (task failure, JobManager failure, or tolerable failures exceeded).
  void fail_over(FailoverCause cause);

  void on_upload_finished(uint64_t tag) override;

 private:
  void apply(const ScriptedEvent& e);
  void change_load(const LoadChange& change);
  void on_restart();
  void on_recovered();
  void arm_random_failure(FailoverCause cause);
  void on_random_failure(FailoverCause cause);

  const Scenario& scenario_;
  const JobGraph& graph_;
  Observer& observer_;
  sim::Simulation sim_;
  sim::Fingerprint fingerprint_;
  Loads loads_;
  Flow flow_;
  Progress progress_;
  std::unique_ptr<Storage> storage_;
  std::unique_ptr<TaskExecutor> tasks_;
  std::unique_ptr<CheckpointCoordinator> coordinator_;
  RestartStrategy restart_;
  sim::RandomStream task_failures_, jobmanager_failures_;

  JobStatus status_ = JobStatus::RUNNING;
  bool tasks_running_ = true;
  Duration recovery_download_ = 0;
  uint64_t flow_version_ = 0;
  ProgressCallback progress_callback_ = nullptr;
  void* progress_context_ = nullptr;
  int progress_slices_ = 1;
  sim::Timer restart_timer_, recovery_timer_;
  sim::Timer task_failure_timer_, jobmanager_failure_timer_;  // Poisson failures
};

// Builds the graph and runs a scenario that the loader already validated.
void run_scenario(const Scenario& scenario, Observer& observer);

}  // namespace ckptsim::model
