// The two narrow interfaces between the checkpoint coordinator and the tasks: the RPCs each
// side sends the other (Flink's TaskExecutorGateway.triggerCheckpoint and abortCheckpoint,
// CheckpointCoordinatorGateway.acknowledgeCheckpoint), and the checkpoints in flight that both
// work on. Neither side reaches the other through Job; Job connects them (and reconnects them
// in a branch).
#pragma once

#include <cstdint>

#include "model/checkpoint_run.hpp"

namespace ckptsim::model {

// What the coordinator asks of the tasks (TaskExecutor).
class TaskExecutorGateway {
 public:
  // The trigger RPC reaches the sources at `rpc_arrival` (>= now): the barrier wave starts.
  virtual void trigger_checkpoint(CheckpointRun& run, Time rpc_arrival) = 0;
  // The abort notice reached the tasks: they stop their uploads and forget the checkpoint.
  // Returns every byte the run uploaded (its wasted bytes).
  virtual int64_t abort_checkpoint(CheckpointRun& run) = 0;
  // Bytes the run's uploads have persisted by now (finished ones and the progress of the rest).
  virtual int64_t persisted(const CheckpointRun& run) const = 0;

 protected:
  ~TaskExecutorGateway() = default;
};

// What the tasks ask of the coordinator (CheckpointCoordinator).
class CheckpointCoordinatorGateway {
 public:
  // A subtask's acknowledgement reached the coordinator.
  virtual void acknowledge_checkpoint(CheckpointRun& run, int32_t subtask) = 0;
  // The checkpoint in pool slot `slot`, or nullptr past the last slot: the runs in flight
  // (a slot's run may be idle: see CheckpointRun::in_use).
  virtual CheckpointRun* run_in_slot(uint32_t slot) = 0;

 protected:
  ~CheckpointCoordinatorGateway() = default;
};

}  // namespace ckptsim::model
