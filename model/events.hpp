// The domain events a run emits: the only thing analysis sees of the model (docs/architecture.md).
// Metrics, outputs and the fingerprint are all folds over this stream.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "model/scenario.hpp"

namespace ckptsim::model {

// Flink's CheckpointFailureReason names, for the ones the model produces.
enum class FailureReason : uint8_t {
  CHECKPOINT_EXPIRED,
  CHECKPOINT_DECLINED,
  CHECKPOINT_ASYNC_EXCEPTION,
  IO_EXCEPTION,
  FINALIZE_CHECKPOINT_FAILURE,
  CHECKPOINT_SUBSUMED,
  CHECKPOINT_COORDINATOR_SUSPEND,
  JOB_FAILOVER_REGION,
  MINIMUM_TIME_BETWEEN_CHECKPOINTS,
  NOT_ALL_REQUIRED_TASKS_RUNNING,
  TOO_MANY_CHECKPOINT_REQUESTS,
  PERIODIC_SCHEDULER_SHUTDOWN,
  TRIGGER_CHECKPOINT_FAILURE,
};
const char* to_string(FailureReason r);
// The five reasons the failure manager counts (CheckpointFailureManager).
bool is_counted(FailureReason r);

enum class JobStatus : uint8_t { RUNNING, RESTARTING, FAILED };
const char* to_string(JobStatus s);

enum class CheckpointType : uint8_t { CHECKPOINT, UNALIGNED_CHECKPOINT };
const char* to_string(CheckpointType t);

enum class ConfigReader : uint8_t { periodic_trigger, pending_checkpoint };
const char* to_string(ConfigReader r);  // "periodic-trigger" | "pending-checkpoint"

enum class FailoverCause : uint8_t { task, jobmanager, checkpoint_failures };
const char* to_string(FailoverCause c);  // "task" | "jobmanager" | "checkpoint-failures"

namespace events {

// The job changed status (RUNNING, RESTARTING, FAILED).
struct JobStatusChanged {
  JobStatus status;
};

// A periodic tick fired and queued a request; the next tick is armed at `next_tick`.
struct PeriodicTick {
  Time next_tick;
};

// A request that never got an id: dropped or failed before a pending checkpoint existed.
struct RequestDropped {
  FailureReason reason;
};

// The periodic timer was moved (min-pause re-anchor, or an interval patch).
struct TriggerRescheduled {
  Time next_tick;
};

// A reader of the checkpoint configuration: a periodic tick reading the interval, or a pending
// checkpoint reading the timeout. `torn` when the pair it saw mixes old and new values.
struct ConfigRead {
  ConfigReader reader;
  Duration interval;
  Duration timeout;
  bool torn;
  int64_t checkpoint_id;  // -1 for the periodic trigger
};

// A pending checkpoint was created; its canceller is armed at `deadline`.
struct CheckpointCreated {
  int64_t id;
  Duration timeout;
  Time deadline;
};

// A pending checkpoint's canceller was re-armed after a timeout change.
struct CheckpointRearmed {
  int64_t id;
  Time old_deadline;
  Time deadline;
};

// One subtask acknowledged a checkpoint: its whole timeline, for the trace and the statistics.
struct SubtaskAcknowledged {
  int64_t id;
  int32_t subtask;       // global subtask index (see JobGraph)
  Time first_barrier;    // for a source: trigger RPC arrival
  Time last_barrier;     // when the last input barrier arrived (= first_barrier for a source)
  Time snapshot;         // when the snapshot started (aligned: last barrier; unaligned: earlier)
  Time sync_end;         // end of the synchronous phase = start of the async upload
  Time upload_end;       // when the async upload finished (= sync_end with nothing to upload)
  Time ack;              // when the acknowledgement reached the coordinator
  int64_t state_size;    // full state of this subtask, channel state (in-flight bytes) included
  int64_t checkpointed_size;  // bytes uploaded: state x incremental + in-flight bytes
  int64_t inflight_size;      // of each, the in-flight (unaligned) bytes: the channel state
  bool unaligned;
};

// A checkpoint completed (all acks + finalize_latency).
struct CheckpointCompleted {
  int64_t id;
  Time trigger_timestamp;
  Time latest_ack_timestamp;
  int64_t checkpointed_size;
  int64_t state_size;
  Duration alignment_duration;  // max over subtasks
  Duration start_delay;         // max over subtasks
  CheckpointType type;
  Duration timeout;         // read at creation
  Time original_deadline;   // creation + timeout read at creation
  Time deadline;            // the deadline in force at completion
  bool rescued;             // last acknowledgement at or after original_deadline
};

// A pending checkpoint failed at the coordinator.
struct CheckpointFailed {
  int64_t id;
  FailureReason reason;
  Time trigger_timestamp;
  Time latest_ack_timestamp;  // -1 when no subtask acknowledged
  int64_t checkpointed_size;  // of the acknowledged subtasks
  int64_t state_size;         // of the acknowledged subtasks
  Duration alignment_duration;
  Duration start_delay;
  CheckpointType type;
  Duration timeout;
  Time deadline;              // in force at failure
  double persisted_fraction;  // uploaded share of the checkpoint's total upload, now
  bool counted;               // counted by the failure manager
};

// The uploads of a failed checkpoint stopped (its abort reached the tasks): `wasted_bytes` is
// everything that checkpoint uploaded.
struct UploadsStopped {
  int64_t id;
  int64_t wasted_bytes;
};

// The failure manager counted a failure; `count` after counting.
struct FailureCounted {
  int64_t id;
  int count;
};

// A failure made the job fail over (it is RESTARTING, or FAILED); RUNNING again after
// `restart_delay`. Only a failure that begins a restart is a failover in metrics.failovers
// (Flink's numRestarts): the restart strategy decides it (RestartDecision::begins_restart).
struct FailoverStarted {
  FailoverCause cause;
  Duration restart_delay;      // -1: no restart (the job is FAILED)
  int64_t restore_checkpoint;  // -1: restart from the beginning
  bool begins_restart;         // false when merged into the pending restart, or FAILED
};

// Every subtask has downloaded its state and deployed: checkpoints can run again.
struct TasksRunning {
  Duration download;  // the state download part of the recovery
};

// A PATCH request was answered.
struct PatchAnswered {
  int status;  // 200, 400, 409
  std::string message;
  std::vector<PatchField> body;
  Duration interval;  // the effective configuration after the request
  Duration timeout;
};

// One configuration field became visible (an atomic patch writes both in one event).
struct ConfigWritten {
  bool interval_written;
  bool timeout_written;
  Duration interval;
  Duration timeout;
};

// The configuration was reloaded on a JobManager failover.
struct ConfigReloaded {
  Duration interval;
  Duration timeout;
  bool overrides_kept;
};

struct LoadChanged {
  std::string operator_name;
  int subtask;  // -1: all
  double rate;  // -1 when unchanged
  double capacity;
  double throttle;  // θ after the change
};

struct StorageChanged {
  double bandwidth;
  double per_task_bandwidth;
  Duration latency;
};

// Sent once, at the end of the run, with what only the model can know.
struct RunFinished {
  JobStatus job_status;
  Duration interval, timeout, min_pause;
  int max_concurrent;
  int tolerable_failed_checkpoints;
  int64_t max_lag_bytes, final_lag_bytes;
  Duration max_lag, final_lag;  // as time of input at the sources' nominal rate
  int64_t replayed_bytes;
  Duration replayed_time;
  std::string fingerprint;  // hex of the 64-bit fingerprint over every event before this one
  uint64_t events_run;      // kernel events executed
};

// A step in the window of an interleaved update (apply: interleaved, and every branch of
// `ckptsim explore`): a coordinator step with what it read, or one of the writer's steps.
struct StepTaken {
  bool writer;                  // a writer step (else a coordinator step)
  CoordinatorStep coordinator;  // when !writer
  std::string label;            // "tick", "create", "expire", "W:interval", "L:rearm+reschedule"
  int64_t checkpoint_id;        // create and expire: the checkpoint; else -1
  Duration interval_read;       // tick: the interval it read; else -1
  Duration timeout_read;        // create: the timeout its canceller uses; carried tick: -1 else
  bool torn;                    // the values read mix old and new (a half-visible update)
  bool nested;                  // a coordinator step inside a writer step (no turn of its own)
};

// The window of an interleaved update closed: the coordinator's state after the last step of
// the window (both sides done), which the explorer compares with the serial orders.
struct WindowClosed {
  Duration interval;  // visible
  Duration timeout;   // visible
  Time next_tick;     // the armed tick (kNever: none)
  std::vector<std::pair<int64_t, Time>> pending;  // (id, deadline), by id
  int writer_steps_left;  // steps the window ended before (none when all ran)
  bool order_followed;    // apply: interleaved: every step came as `order` said
};

}  // namespace events

using EventBody = std::variant<events::JobStatusChanged, events::PeriodicTick, events::RequestDropped,
                               events::TriggerRescheduled, events::ConfigRead,
                               events::CheckpointCreated, events::CheckpointRearmed,
                               events::SubtaskAcknowledged, events::CheckpointCompleted,
                               events::CheckpointFailed, events::UploadsStopped,
                               events::FailureCounted, events::FailoverStarted, events::TasksRunning,
                               events::PatchAnswered, events::ConfigWritten, events::ConfigReloaded,
                               events::LoadChanged, events::StorageChanged, events::RunFinished,
                               events::StepTaken, events::WindowClosed>;

struct DomainEvent {
  Time at;
  EventBody body;
};

// The stable name of an event type, as written in events.jsonl ("checkpoint-completed").
const char* type_name(const EventBody& body);

// Receives the domain events of a run, in order.
class Observer {
 public:
  virtual ~Observer() = default;
  virtual void on_event(const DomainEvent& e) = 0;
};

// Forwards every event to several observers, in the order they were added.
class Fanout : public Observer {
 public:
  void add(Observer& o) { observers_.push_back(&o); }
  void on_event(const DomainEvent& e) override;
  // The observer to hand a run: the sole one directly (one virtual call per event, not two).
  Observer& target() { return observers_.size() == 1 ? *observers_.front() : *this; }

 private:
  std::vector<Observer*> observers_;
};

}  // namespace ckptsim::model
