// A saved `GET /jobs/:jobid/checkpoints/config` response (Flink's CheckpointConfigInfo), read
// into plain values. Keys are snake_case and times milliseconds, as Flink writes them; fields
// that older versions lack (tolerable_failed_checkpoints, unaligned_checkpoints,
// aligned_checkpoint_timeout, the changelog keys) are empty. An interval of Long.MAX_VALUE
// means periodic checkpointing is off.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace ckptsim::cli::rest {

struct RestCheckpointConfig {
  std::string file;
  std::string mode;                     // "exactly_once" | "at_least_once" (lower case)
  std::optional<int64_t> interval_ms;   // empty: periodic checkpointing is off
  int64_t timeout_ms = 0;
  int64_t min_pause_ms = 0;
  int64_t max_concurrent = 1;
  std::optional<int64_t> tolerable_failed_checkpoints;
  std::optional<bool> unaligned_checkpoints;
  std::optional<int64_t> aligned_checkpoint_timeout_ms;
  std::string state_backend, checkpoint_storage;  // "" when absent
  std::optional<bool> state_changelog_enabled;
};

// Throws RestError naming the file and the JSON path at fault.
RestCheckpointConfig read_checkpoint_config(const std::string& text, const std::string& file);

}  // namespace ckptsim::cli::rest
