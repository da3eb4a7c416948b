// What `ckptsim calibrate` derives from a job's REST responses: the scenario's
// values, each with a note naming the fields and checkpoints it came from and its fit error, or
// saying that it is a guess. Plain values: cli/calibrated_yaml writes them, the command replays.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/robust_fit.hpp"
#include "cli/rest_checkpoints.hpp"
#include "cli/rest_config.hpp"
#include "cli/rest_job.hpp"
#include "cli/rest_subtasks.hpp"
#include "sim/time.hpp"

namespace ckptsim::cli {

// A value of the scenario and where it came from (one line, for a YAML comment).
template <class T>
struct Noted {
  T value{};
  std::string note;
};

struct CalibratedOperator {
  std::string name;  // the scenario's operator name (derived from the Flink name)
  std::string header;  // "vertex cbc357... 'Source: Socket Stream' (vertices[0])"
  int64_t parallelism = 1;
  std::optional<Noted<double>> rate;  // bytes/s per subtask, on sources
  double state_mean = 0;  // full state per subtask, bytes (the mean of its draws)
  double state_cv = 0;    // coefficient of variation of a subtask's draws; 0: a constant
  std::string state_note;
  Noted<double> incremental{1.0, ""};
  Noted<sim::Duration> sync_phase{0, ""};
};

struct CalibratedEdge {
  std::string from, to;
  std::string partitioning;  // forward | rebalance | hash | broadcast
  std::string note;
};

// One checkpoint of the history, placed on the virtual clock (trigger of the first = 0).
struct ObservedCheckpoint {
  int64_t id = 0;
  sim::Time trigger = 0;  // µs since the first checkpoint of the history
  rest::RestStatus status = rest::RestStatus::COMPLETED;
  sim::Duration end_to_end = 0;  // µs
  bool expired = false;
};

struct Calibration {
  std::string name, description;
  std::vector<std::string> header;  // comment lines opening the file
  uint64_t seed = 1;
  Noted<sim::Duration> duration;
  sim::Duration span = 0;  // trigger of the last history checkpoint (the first is at 0)
  std::vector<CalibratedOperator> operators;
  std::vector<CalibratedEdge> edges;
  std::string graph_note;
  Noted<double> bandwidth;  // bytes/s; infinity when the sizes cannot tell it
  bool bandwidth_refitted = false;  // through the median, the line's latency being below 0
  Noted<sim::Duration> latency;
  std::optional<Noted<std::pair<sim::Duration, double>>> jitter;  // lognormal median, sigma
  Noted<double> download_bandwidth;
  Noted<sim::Duration> deploy;
  Noted<sim::Duration> interval, timeout, min_pause, trigger_latency, aligned_checkpoint_timeout;
  Noted<int64_t> max_concurrent, tolerable_failed_checkpoints;
  Noted<bool> unaligned_checkpoints;
  std::string restart_note, mode_note;
  std::vector<std::string> guesses;  // the guesses that matter most, also printed on stderr
  std::vector<ObservedCheckpoint> observed;  // oldest first, savepoints left out
  std::optional<analysis::TheilSenFit> fit;
  size_t fit_points = 0;
};

// A subtask-details response and the vertex it belongs to: a vertex id or name given as
// VERTEX=FILE, else a 32-hex-digit vertex id in the file name, else empty.
struct SubtaskInput {
  rest::RestSubtaskDetails details;
  std::string vertex;
};

struct CalibrationInputs {
  rest::RestCheckpoints checkpoints;
  std::optional<rest::RestCheckpointConfig> config;
  std::optional<rest::RestJob> job;
  std::vector<SubtaskInput> subtasks;
  uint64_t seed = 1;
};

// Throws rest::RestError (naming the file and path) when the responses cannot make a scenario:
// no completed checkpoint, a subtask file of a vertex the job does not have, and the like.
Calibration calibrate(const CalibrationInputs& in);

// v rounded to a whole number with three significant digits (half up): what the scenario file
// holds of a fitted value, so that the notes and the replay use what is written.
double three_significant(double v);
// "1.23s", "450ms", "97.3MB/s", "5.12GB": three significant digits in a unit the scenario
// loader reads back exactly.
std::string short_duration(double us);
std::string short_size(double bytes);

}  // namespace ckptsim::cli
