// A saved `GET /jobs/:jobid/checkpoints/details/:checkpointid/subtasks/:vertexid` response
// (Flink's TaskCheckpointStatisticsWithSubtaskDetails): one vertex's subtasks in one checkpoint,
// with their sync and async durations, alignment, start delay and sizes.
//
// The response does not name its vertex: the caller says which (a vertex id in the file name,
// or `VERTEX=FILE` on the command line).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ckptsim::cli::rest {

struct RestSubtask {
  int64_t index = 0;
  bool completed = false;  // "completed"; else "pending_or_failed" (no timings)
  int64_t ack_timestamp = 0;        // epoch ms
  int64_t end_to_end_duration = 0;  // ms
  int64_t uploaded = 0;  // checkpointed_size when given, else state_size (FLINK-13390)
  std::optional<int64_t> full_state;  // state_size when checkpointed_size is given too
  int64_t sync_ms = 0, async_ms = 0, alignment_ms = 0, start_delay_ms = 0;
  bool unaligned = false;
  std::string path;  // JSON path, for comments
};

struct RestSubtaskDetails {
  std::string file;
  std::optional<int64_t> checkpoint_id;  // the response's id (the checkpoint)
  int64_t num_subtasks = 0;
  std::optional<int64_t> task_uploaded;  // the task's checkpointed_size (or state_size)
  std::vector<RestSubtask> subtasks;     // as listed
};

// Throws RestError naming the file and the JSON path at fault.
RestSubtaskDetails read_subtask_details(const std::string& text, const std::string& file);

}  // namespace ckptsim::cli::rest
