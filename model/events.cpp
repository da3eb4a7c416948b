#include "model/events.hpp"

#include <type_traits>

namespace ckptsim::model {

const char* to_string(FailureReason r) {
  switch (r) {
    case FailureReason::CHECKPOINT_EXPIRED: return "CHECKPOINT_EXPIRED";
    case FailureReason::CHECKPOINT_DECLINED: return "CHECKPOINT_DECLINED";
    case FailureReason::CHECKPOINT_ASYNC_EXCEPTION: return "CHECKPOINT_ASYNC_EXCEPTION";
    case FailureReason::IO_EXCEPTION: return "IO_EXCEPTION";
    case FailureReason::FINALIZE_CHECKPOINT_FAILURE: return "FINALIZE_CHECKPOINT_FAILURE";
    case FailureReason::CHECKPOINT_SUBSUMED: return "CHECKPOINT_SUBSUMED";
    case FailureReason::CHECKPOINT_COORDINATOR_SUSPEND: return "CHECKPOINT_COORDINATOR_SUSPEND";
    case FailureReason::JOB_FAILOVER_REGION: return "JOB_FAILOVER_REGION";
    case FailureReason::MINIMUM_TIME_BETWEEN_CHECKPOINTS: return "MINIMUM_TIME_BETWEEN_CHECKPOINTS";
    case FailureReason::NOT_ALL_REQUIRED_TASKS_RUNNING: return "NOT_ALL_REQUIRED_TASKS_RUNNING";
    case FailureReason::TOO_MANY_CHECKPOINT_REQUESTS: return "TOO_MANY_CHECKPOINT_REQUESTS";
    case FailureReason::PERIODIC_SCHEDULER_SHUTDOWN: return "PERIODIC_SCHEDULER_SHUTDOWN";
    case FailureReason::TRIGGER_CHECKPOINT_FAILURE: return "TRIGGER_CHECKPOINT_FAILURE";
  }
  return "UNKNOWN";
}

// CheckpointFailureManager.isCountedAgainstFailureThreshold, restricted to the model's reasons.
bool is_counted(FailureReason r) {
  switch (r) {
    case FailureReason::CHECKPOINT_EXPIRED:
    case FailureReason::CHECKPOINT_DECLINED:
    case FailureReason::CHECKPOINT_ASYNC_EXCEPTION:
    case FailureReason::IO_EXCEPTION:
    case FailureReason::FINALIZE_CHECKPOINT_FAILURE:
      return true;
    default:
      return false;
  }
}

const char* to_string(JobStatus s) {
  switch (s) {
    case JobStatus::RUNNING: return "RUNNING";
    case JobStatus::RESTARTING: return "RESTARTING";
    case JobStatus::FAILED: return "FAILED";
  }
  return "UNKNOWN";
}

const char* to_string(CheckpointType t) {
  switch (t) {
    case CheckpointType::CHECKPOINT: return "CHECKPOINT";
    case CheckpointType::UNALIGNED_CHECKPOINT: return "UNALIGNED_CHECKPOINT";
  }
  return "UNKNOWN";
}

const char* to_string(ConfigReader r) {
  switch (r) {
    case ConfigReader::periodic_trigger: return "periodic-trigger";
    case ConfigReader::pending_checkpoint: return "pending-checkpoint";
  }
  return "unknown";
}

const char* to_string(FailoverCause c) {
  switch (c) {
    case FailoverCause::task: return "task";
    case FailoverCause::jobmanager: return "jobmanager";
    case FailoverCause::checkpoint_failures: return "checkpoint-failures";
  }
  return "unknown";
}

namespace {

template <class T>
constexpr const char* name_of() {
  using namespace events;
  if constexpr (std::is_same_v<T, JobStatusChanged>) return "job-status";
  else if constexpr (std::is_same_v<T, PeriodicTick>) return "periodic-tick";
  else if constexpr (std::is_same_v<T, RequestDropped>) return "request-dropped";
  else if constexpr (std::is_same_v<T, TriggerRescheduled>) return "trigger-rescheduled";
  else if constexpr (std::is_same_v<T, ConfigRead>) return "config-read";
  else if constexpr (std::is_same_v<T, CheckpointCreated>) return "checkpoint-created";
  else if constexpr (std::is_same_v<T, CheckpointRearmed>) return "checkpoint-rearmed";
  else if constexpr (std::is_same_v<T, SubtaskAcknowledged>) return "subtask-acknowledged";
  else if constexpr (std::is_same_v<T, CheckpointCompleted>) return "checkpoint-completed";
  else if constexpr (std::is_same_v<T, CheckpointFailed>) return "checkpoint-failed";
  else if constexpr (std::is_same_v<T, UploadsStopped>) return "uploads-stopped";
  else if constexpr (std::is_same_v<T, FailureCounted>) return "failure-counted";
  else if constexpr (std::is_same_v<T, FailoverStarted>) return "failover-started";
  else if constexpr (std::is_same_v<T, TasksRunning>) return "tasks-running";
  else if constexpr (std::is_same_v<T, PatchAnswered>) return "patch-answered";
  else if constexpr (std::is_same_v<T, ConfigWritten>) return "config-written";
  else if constexpr (std::is_same_v<T, ConfigReloaded>) return "config-reloaded";
  else if constexpr (std::is_same_v<T, LoadChanged>) return "load-changed";
  else if constexpr (std::is_same_v<T, StorageChanged>) return "storage-changed";
  else if constexpr (std::is_same_v<T, RunFinished>) return "run-finished";
  else if constexpr (std::is_same_v<T, StepTaken>) return "step-taken";
  else if constexpr (std::is_same_v<T, WindowClosed>) return "window-closed";
  else static_assert(sizeof(T) == 0, "every event type needs a stable name");
}

}  // namespace

const char* type_name(const EventBody& body) {
  return std::visit([](const auto& e) { return name_of<std::decay_t<decltype(e)>>(); }, body);
}

void Fanout::on_event(const DomainEvent& e) {
  for (Observer* o : observers_) o->on_event(e);
}

}  // namespace ckptsim::model
