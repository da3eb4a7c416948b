// The checkpoint configuration the coordinator reads: the submitted values, the accepted PATCH
// overrides, and the visible interval/timeout cells. A torn update makes one cell visible
// before the other; reads in between see a mixed pair.
#pragma once

#include <optional>
#include <string>

#include "model/scenario.hpp"

namespace ckptsim::model {

// The outcome of validating a PATCH body, before anything changes.
struct PatchValidation {
  int status = 200;     // 200 or 400
  std::string message;  // why a 400; empty on 200
  std::optional<Duration> interval;
  std::optional<Duration> timeout;
};

// Validates `PATCH /jobs/:jobid/checkpoints/configuration` bodies: known fields only
// (checkpointInterval, checkpointTimeout), each a whole number of milliseconds or a duration
// with units, at least 10 ms; an empty body is rejected.
PatchValidation validate_patch_body(const PatchRequest& request);

inline constexpr Duration kMinimalCheckpointTime = 10 * sim::kMillisecond;

class CheckpointConfig {
 public:
  explicit CheckpointConfig(const CheckpointingSpec& submitted);

  struct Read {
    Duration interval;
    Duration timeout;
    bool torn;  // a torn update is half visible
  };
  Read read() const { return {interval_, timeout_, torn_pending_}; }

  Duration interval() const { return interval_; }
  Duration timeout() const { return timeout_; }
  Duration min_pause() const { return submitted_.min_pause; }
  // max(interval, min_pause), as CheckpointCoordinator's baseInterval.
  Duration base_interval() const { return interval_ > min_pause() ? interval_ : min_pause(); }
  const CheckpointingSpec& submitted() const { return submitted_; }
  // The accepted overrides remembered for persistence (empty: never overridden, or forgotten).
  std::optional<Duration> override_interval() const { return override_interval_; }
  std::optional<Duration> override_timeout() const { return override_timeout_; }

  // An accepted update: remembers the overrides, and whether a torn pair is now half written.
  void begin_update(std::optional<Duration> interval, std::optional<Duration> timeout, bool torn);
  // Makes one field visible. The update stops being torn once its last field is written.
  void write_interval(Duration v);
  void write_timeout(Duration v);

  // A JobManager failover: back to the submitted configuration, plus the accepted overrides
  // when they are persisted. A half-written torn update is settled either way
  // (jobmanager_failover.cpp).
  void reload_after_jobmanager_failover(bool persist_overrides);

 private:
  CheckpointingSpec submitted_;
  Duration interval_, timeout_;
  std::optional<Duration> override_interval_, override_timeout_;
  bool torn_pending_ = false;
  int unwritten_ = 0;  // fields of the current update not yet visible
  bool pending_interval_ = false, pending_timeout_ = false;  // which ones

  void field_written(bool& pending);
};

}  // namespace ckptsim::model
