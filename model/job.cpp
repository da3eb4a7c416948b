#include "model/job.hpp"

#include <algorithm>
#include <cmath>
#include <type_traits>

namespace ckptsim::model {


Job::Job(const Scenario& scenario, const JobGraph& graph, Observer& observer)
    : scenario_(scenario),
      graph_(graph),
      observer_(&observer),
      loads_(Loads::from_graph(graph)),
      flow_(compute_flow(graph, loads_, scenario.network)),
      storage_(sim_, scenario.storage,
               sim::RandomStream(scenario.seed, scenario.replication, "storage/jitter"), *this,
               job_action([](Job& job) { job.storage_.on_timer(); })),
      tasks_(*this, scenario),
      coordinator_(*this, scenario),
      restart_(scenario.restart_strategy,
               sim::RandomStream(scenario.seed, scenario.replication, "restart/jitter")),
      task_failures_(scenario.seed, scenario.replication, "failures/task"),
      jobmanager_failures_(scenario.seed, scenario.replication, "failures/jobmanager"),
      restart_timer_(sim_.new_timer(job_action([](Job& job) { job.on_restart(); }))),
      recovery_timer_(sim_.new_timer(job_action([](Job& job) { job.on_recovered(); }))),
      task_failure_timer_(sim_.new_timer(
          job_action([](Job& job) { job.on_random_failure(FailoverCause::task); }))),
      jobmanager_failure_timer_(sim_.new_timer(
          job_action([](Job& job) { job.on_random_failure(FailoverCause::jobmanager); }))) {
  sim_.set_context(this);
  tasks_.connect(CoordinatorGateway(coordinator_));
  coordinator_.connect(TaskGateway(tasks_));
  progress_.set_rates(0, flow_.nominal_input, flow_.catch_up_rate());
}

Job::Job(const Job& other, Observer& observer) : Job(other) {
  observer_ = &observer;
  sim_.set_context(this);
  storage_.rebind(sim_, *this);
  tasks_.rebind(*this, CoordinatorGateway(coordinator_));
  coordinator_.rebind(*this, TaskGateway(tasks_));
}

Job::~Job() = default;

void Job::run() {
  start();
  if (progress_callback_ == nullptr) {
    run_until(scenario_.duration);
  } else {
    // Slicing the run changes nothing in it: no event is due between slices unless scheduled.
    for (int i = 1; i <= progress_slices_; ++i) {
      const Time reached = scenario_.duration / progress_slices_ * i +
                           (i == progress_slices_ ? scenario_.duration % progress_slices_ : 0);
      run_until(reached);
      progress_callback_(progress_context_, reached, sim_.events_run());
    }
  }
  finish();
}

void Job::run_until(Time end) { sim_.run_until(std::min(end, scenario_.duration)); }

void Job::start() {
  emit(events::JobStatusChanged{JobStatus::RUNNING});
  // At equal times scripted events run before everything else, in file order: each takes the
  // reserved sequence number of its file index. They are queued one at a time, in (time, file
  // index) order, each queueing the next, so a month-long script keeps the queue short.
  for (uint32_t i = 0; i < scenario_.events.size(); ++i)
    if (scenario_.events[i].at < scenario_.duration) script_order_.push_back(i);
  std::stable_sort(script_order_.begin(), script_order_.end(), [this](uint32_t a, uint32_t b) {
    return scenario_.events[a].at < scenario_.events[b].at;
  });
  sim_.reserve_leading_sequences(scenario_.events.size());
  queue_next_scripted_event();
  if (scenario_.failures.task_mtbf) arm_random_failure(FailoverCause::task);
  if (scenario_.failures.jobmanager_mtbf) arm_random_failure(FailoverCause::jobmanager);
  coordinator_.start_scheduler();
}

void Job::finish() {
  progress_.settle(scenario_.duration);
  const CheckpointConfig& config = coordinator_.config();
  const double final_lag = progress_.lag_bytes(scenario_.duration);
  events::RunFinished fin{status_,
                          config.interval(),
                          config.timeout(),
                          config.min_pause(),
                          scenario_.checkpointing.max_concurrent,
                          scenario_.checkpointing.tolerable_failed_checkpoints,
                          static_cast<int64_t>(std::llround(progress_.max_lag_bytes())),
                          static_cast<int64_t>(std::llround(final_lag)),
                          progress_.max_lag(),
                          progress_.as_time(final_lag),
                          static_cast<int64_t>(std::llround(progress_.replayed_bytes())),
                          progress_.replayed_time(),
                          fingerprint_.hex(),
                          sim_.events_run()};
  observer_->on_event(DomainEvent{sim_.now(), fin});
}

void Job::queue_next_scripted_event() {
  if (next_scripted_ == script_order_.size()) return;
  const uint32_t index = script_order_[next_scripted_++];
  sim_.at_reserved(scenario_.events[index].at, index, job_action([index](Job& job) {
    job.queue_next_scripted_event();
    job.apply(job.scenario_.events[index], index);
  }));
}

void Job::apply(const ScriptedEvent& e, uint32_t index) {
  std::visit(
      [this, index](const auto& what) {
        using T = std::decay_t<decltype(what)>;
        if constexpr (std::is_same_v<T, StorageChange>) {
          storage_.change(what);
          emit(events::StorageChanged{storage_.bandwidth(), storage_.per_task_bandwidth(),
                                      storage_.latency()});
        } else if constexpr (std::is_same_v<T, LoadChange>) {
          change_load(what);
        } else if constexpr (std::is_same_v<T, PatchRequest>) {
          coordinator_.patch(what, index);
        } else {
          fail_over(what == FailureKind::task ? FailoverCause::task : FailoverCause::jobmanager);
        }
      },
      e.what);
}

void Job::change_load(const LoadChange& change) {
  const int op = graph_.operator_index(change.operator_name);
  const int32_t first = graph_.first_subtask(op);
  const int parallelism = graph_.operators()[static_cast<size_t>(op)].parallelism;
  for (int i = 0; i < parallelism; ++i) {
    if (change.subtask && *change.subtask != i) continue;
    const auto s = static_cast<size_t>(first + i);
    if (change.rate) loads_.rate[s] = *change.rate;
    if (change.capacity) loads_.capacity[s] = *change.capacity;
  }
  Flow old = std::move(flow_);
  flow_ = compute_flow(graph_, loads_, scenario_.network);
  ++flow_version_;
  progress_.set_rates(now(), flow_.nominal_input, flow_.catch_up_rate());
  tasks_.on_flow_change(old);
  emit(events::LoadChanged{change.operator_name, change.subtask.value_or(-1),
                           change.rate.value_or(-1), change.capacity.value_or(-1), flow_.throttle});
}

void Job::on_upload_finished(uint64_t tag) { tasks_.on_upload_finished(tag); }

void Job::fail_over(FailoverCause cause) {
  if (status_ == JobStatus::FAILED) return;
  const Time now = sim_.now();
  const bool was_stalled = status_ == JobStatus::RESTARTING || !tasks_running_;
  const RestartDecision decision = restart_.on_failure(now);
  // A failure merged into the pending restart (exponential-delay) leaves it where it is;
  // every other failure (re)schedules the restart from now.
  const bool keep_restart = decision.restart && !decision.new_attempt &&
                            status_ == JobStatus::RESTARTING && sim_.armed(restart_timer_);
  if (!keep_restart) sim_.cancel(restart_timer_);
  sim_.cancel(recovery_timer_);
  const RestorePoint& restore = coordinator_.restore_point();
  // The position rewinds to what the restored checkpoint had processed at its trigger.
  progress_.rewind(now, restore.id >= 0 ? restore.processed_at_trigger : 0.0);
  if (!was_stalled) progress_.stall(now);
  tasks_running_ = false;

  emit(events::FailoverStarted{cause, decision.restart ? decision.delay : -1, restore.id,
                               decision.begins_restart()});
  if (status_ != JobStatus::RESTARTING) {
    status_ = JobStatus::RESTARTING;
    emit(events::JobStatusChanged{JobStatus::RESTARTING});
  }
  coordinator_.stop_scheduler();
  // A JobManager failover also reloads the coordinator's configuration (jobmanager_failover.cpp).
  if (cause == FailoverCause::jobmanager)
    coordinator_.on_jobmanager_failover(scenario_.config.persist_overrides);
  if (!decision.restart) {
    status_ = JobStatus::FAILED;
    emit(events::JobStatusChanged{JobStatus::FAILED});
    sim_.cancel(task_failure_timer_);
    sim_.cancel(jobmanager_failure_timer_);
    return;
  }
  if (!keep_restart)
    sim_.arm(restart_timer_, decision.delay > sim::kNever - now ? sim::kNever : now + decision.delay);
}

void Job::on_restart() {
  status_ = JobStatus::RUNNING;
  emit(events::JobStatusChanged{JobStatus::RUNNING});
  coordinator_.start_scheduler();
  // The subtasks download the restored state, then deploy; only then are they RUNNING.
  const RestorePoint& restore = coordinator_.restore_point();
  Duration download = 0;
  const double bw = scenario_.recovery.download_bandwidth;
  if (restore.id >= 0 && restore.state_size > 0 && !std::isinf(bw)) {
    download = bw <= 0 ? sim::kNever / 4
                       : static_cast<Duration>(std::ceil(static_cast<double>(restore.state_size) / bw * 1e6));
  }
  recovery_download_ = download;
  sim_.arm(recovery_timer_, sim_.now() + download + scenario_.recovery.deploy);
}

void Job::on_recovered() {
  tasks_running_ = true;
  progress_.resume(sim_.now());
  emit(events::TasksRunning{recovery_download_});
}

void Job::on_random_failure(FailoverCause cause) {
  fail_over(cause);
  if (status_ != JobStatus::FAILED) arm_random_failure(cause);
}

void Job::arm_random_failure(FailoverCause cause) {
  const bool task = cause == FailoverCause::task;
  const Duration mtbf = task ? *scenario_.failures.task_mtbf : *scenario_.failures.jobmanager_mtbf;
  sim::RandomStream& rng = task ? task_failures_ : jobmanager_failures_;
  const double gap = std::ceil(rng.exponential(static_cast<double>(mtbf)));
  sim_.arm(task ? task_failure_timer_ : jobmanager_failure_timer_,
           sim_.now() + std::max<Duration>(1, static_cast<Duration>(std::min(gap, 4e18))));
}

void run_scenario(const Scenario& scenario, Observer& observer) {
  auto built = JobGraph::build(scenario.operators, scenario.edges);
  const JobGraph& graph = std::get<JobGraph>(built);
  Job job(scenario, graph, observer);
  job.run();
}

}  // namespace ckptsim::model
