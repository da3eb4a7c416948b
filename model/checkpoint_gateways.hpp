// The two narrow interfaces between the checkpoint coordinator and the tasks: the RPCs each
// side sends the other (Flink's TaskExecutorGateway.triggerCheckpoint and abortCheckpoint,
// CheckpointCoordinatorGateway.acknowledgeCheckpoint), and the checkpoints in flight that both
// work on. Each side holds the other's gateway and nothing else of it: the functions behind a
// gateway are private to their class, which befriends the gateway. Neither side reaches the
// other through Job; Job connects them (and reconnects them in a branch).
//
// A gateway is a pointer and inline forwarders (defined beside the class they forward to, in
// tasks.hpp and coordinator.hpp), not a virtual interface: an acknowledgement per subtask per
// checkpoint and a run lookup per upload are hot paths.
#pragma once

#include <cstdint>

#include "model/checkpoint_run.hpp"

namespace ckptsim::model {

class CheckpointCoordinator;
class TaskExecutor;

// What the coordinator asks of the tasks.
class TaskGateway {
 public:
  TaskGateway() = default;
  explicit TaskGateway(TaskExecutor& tasks) : tasks_(&tasks) {}

  // The trigger RPC reaches the sources at `rpc_arrival` (>= now): the barrier wave starts.
  inline void trigger_checkpoint(CheckpointRun& run, Time rpc_arrival);
  // The abort notice reached the tasks: they stop their uploads and forget the checkpoint.
  // Returns every byte the run uploaded (its wasted bytes).
  inline int64_t abort_checkpoint(CheckpointRun& run);
  // Bytes the run's uploads have persisted by now (finished ones and the progress of the rest).
  inline int64_t persisted(const CheckpointRun& run) const;

 private:
  TaskExecutor* tasks_ = nullptr;
};

// What the tasks ask of the coordinator.
class CoordinatorGateway {
 public:
  CoordinatorGateway() = default;
  explicit CoordinatorGateway(CheckpointCoordinator& coordinator) : coordinator_(&coordinator) {}

  // A subtask's acknowledgement reached the coordinator.
  inline void acknowledge_checkpoint(CheckpointRun& run, int32_t subtask);
  // The checkpoint in pool slot `slot`, or nullptr past the last slot: the runs in flight
  // (a slot's run may be idle: see CheckpointRun::in_use).
  inline CheckpointRun* run_in_slot(uint32_t slot) const;
  // The same for a slot known to exist (one a run was seen in: slots are never removed).
  inline CheckpointRun& run(uint32_t slot) const;

 private:
  CheckpointCoordinator* coordinator_ = nullptr;
};

}  // namespace ckptsim::model
