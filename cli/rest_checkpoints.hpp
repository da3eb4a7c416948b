// A saved `GET /jobs/:jobid/checkpoints` response (Flink's CheckpointingStatistics), read into
// plain values for calibration. Every shape from Flink 1.9 to 2.x: the type tag "@class" (up to
// 1.18) or "className" (1.19+); no checkpoint_type before 1.12, no checkpointed_size and no
// percentiles before 1.15 (state_size then meant the uploaded size, FLINK-13390); statistics
// given as "NaN"; the history capped at web.checkpoints.history entries; failed entries with
// failure_message.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ckptsim::cli::rest {

enum class RestStatus { IN_PROGRESS, COMPLETED, FAILED };
const char* to_string(RestStatus s);

// One entry of `history`.
struct RestCheckpoint {
  size_t index = 0;  // position in the response's history[] (for messages and comments)
  int64_t id = 0;
  RestStatus status = RestStatus::COMPLETED;
  bool is_savepoint = false;           // is_savepoint, or a SAVEPOINT / SYNC_SAVEPOINT type
  std::string checkpoint_type;         // "" before Flink 1.12
  int64_t trigger_timestamp = 0;       // epoch ms
  std::optional<int64_t> latest_ack_timestamp;  // epoch ms; empty when no subtask acknowledged
  int64_t end_to_end_duration = 0;     // ms
  std::optional<int64_t> checkpointed_size;  // bytes uploaded (1.15+; the delta if incremental)
  int64_t state_size = 0;              // bytes: the full state (1.15+), the upload before
  int64_t num_subtasks = 0;
  int64_t num_acknowledged_subtasks = 0;
  std::optional<int64_t> failure_timestamp;  // epoch ms, FAILED entries
  std::string failure_message;                // FAILED entries ("" when absent)

  // The bytes this checkpoint uploaded: checkpointed_size, or state_size before Flink 1.15.
  int64_t uploaded() const { return checkpointed_size ? *checkpointed_size : state_size; }
  // A failure message of an expiry ("Checkpoint expired before completing").
  bool expired() const;
};

struct RestCounts {
  int64_t restored = 0, total = 0, in_progress = 0, completed = 0, failed = 0;
};

struct RestCheckpoints {
  std::string file;
  std::optional<RestCounts> counts;
  std::string type_tag;  // "className", "@class", or "" when the entries carry none
  bool has_checkpointed_size = false;  // any entry has it (Flink 1.15+)
  bool has_checkpoint_type = false;    // any entry has it (Flink 1.12+)
  // summary.end_to_end_duration percentiles over every completed checkpoint since the job
  // started (1.15+; empty when absent or "NaN").
  std::optional<double> summary_p50_ms, summary_p90_ms;
  std::vector<RestCheckpoint> history;  // sorted by id, oldest first (Flink lists newest first)

  // "Flink 1.19+ (className, checkpointed_size)" and the like, for comments.
  std::string shape() const;
};

// Throws RestError naming the file and the JSON path of the first field that is not as any
// version of Flink writes it.
RestCheckpoints read_checkpoints(const std::string& text, const std::string& file);

}  // namespace ckptsim::cli::rest
