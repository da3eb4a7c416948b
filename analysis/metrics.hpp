// The metrics of one run (docs/outputs.md) and the one table that names them: each metric's key in
// summary.json's "metrics" (in that order), its unit and a line of doc. summary.json, the
// expectations, `compare`, the sweep table and the scenario reference all read this table.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "model/events.hpp"

namespace ckptsim::analysis {

using sim::Duration;

// Times are µs, sizes bytes (summary.json prints times as ms).
struct Metrics {
  int64_t failovers = 0;
  int64_t jobmanager_failovers = 0;
  model::JobStatus job_status = model::JobStatus::RUNNING;
  int64_t completed = 0;
  int64_t failed = 0;
  int64_t expired = 0;
  int64_t rescued = 0;
  int64_t wasted_bytes = 0;
  Duration max_time_without_completed_checkpoint = 0;
  Duration time_in_failure_loop = 0;
  int64_t replayed_bytes = 0;
  Duration replayed_time = 0;
  Duration max_lag = 0;
  Duration final_lag = 0;
  int64_t max_lag_bytes = 0;
  int64_t final_lag_bytes = 0;
  int64_t patches_accepted = 0;
  int64_t patches_rejected = 0;
  int64_t torn_observations = 0;
};

// How a metric is printed and compared: a count, a time (µs, printed and compared in ms), a size
// in bytes, or the job status (a name).
enum class MetricUnit : uint8_t { count, time, bytes, status };

struct MetricSpec {
  std::string_view name;
  MetricUnit unit;
  int64_t Metrics::*value;  // null for job_status (Metrics::job_status)
  std::string_view doc;
};

using M = Metrics;
inline constexpr MetricSpec kMetrics[] = {
    {"failovers", MetricUnit::count, &M::failovers,
     "Restarts begun, as Flink's numRestarts (a failure merged into a pending restart, or the one "
     "that leaves the job FAILED, is not one)."},
    {"jobmanager_failovers", MetricUnit::count, &M::jobmanager_failovers,
     "The JobManager failovers among them."},
    {"job_status", MetricUnit::status, nullptr,
     "The job's status at the end: RUNNING, RESTARTING or FAILED."},
    {"completed", MetricUnit::count, &M::completed, "Checkpoints completed."},
    {"failed", MetricUnit::count, &M::failed, "Checkpoints failed, for any reason."},
    {"expired", MetricUnit::count, &M::expired, "Checkpoints failed as CHECKPOINT_EXPIRED."},
    {"rescued", MetricUnit::count, &M::rescued,
     "Checkpoints completed after the deadline they were created with."},
    {"wasted_bytes", MetricUnit::bytes, &M::wasted_bytes,
     "Bytes uploaded by checkpoints that did not complete."},
    {"max_time_without_completed_checkpoint", MetricUnit::time,
     &M::max_time_without_completed_checkpoint,
     "The longest span with no checkpoint completing, from the start to the end of the run."},
    {"time_in_failure_loop", MetricUnit::time, &M::time_in_failure_loop,
     "The spans from a counted failure, while the counter was 0, to the next completion (or the "
     "end)."},
    {"replayed_bytes", MetricUnit::bytes, &M::replayed_bytes, "Input processed twice after failovers."},
    {"replayed_time", MetricUnit::time, &M::replayed_time,
     "The same, as time of input at the sources' nominal rate."},
    {"max_lag", MetricUnit::time, &M::max_lag,
     "The largest lag (input arrived less input processed), as time of input at the sources' "
     "nominal rate."},
    {"final_lag", MetricUnit::time, &M::final_lag, "The lag at the end, as time of input."},
    {"max_lag_bytes", MetricUnit::bytes, &M::max_lag_bytes, "The largest lag, in bytes."},
    {"final_lag_bytes", MetricUnit::bytes, &M::final_lag_bytes, "The lag at the end, in bytes."},
    {"patches_accepted", MetricUnit::count, &M::patches_accepted, "PATCH requests answered 200."},
    {"patches_rejected", MetricUnit::count, &M::patches_rejected,
     "PATCH requests answered 400 or 409."},
    {"torn_observations", MetricUnit::count, &M::torn_observations,
     "Reads of a half-written (torn) configuration."},
};

// The metric with this key, or null.
const MetricSpec* find_metric(std::string_view name);
// The keys in summary.json's order.
const std::vector<std::string_view>& metric_names();
// True for metrics that are durations (printed and compared in ms).
bool metric_is_time(std::string_view name);
// True for the job status (a name, compared with == and != only).
bool metric_is_status(std::string_view name);

}  // namespace ckptsim::analysis
