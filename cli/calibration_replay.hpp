// The replay of a calibrated scenario over the span its history covers: observed against
// simulated checkpoint counts and end-to-end durations (p50, p90, max), and the expectations
// the written scenario carries (what the replay reproduced; what it did not, commented out).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "analysis/recorder.hpp"
#include "cli/calibration.hpp"

namespace ckptsim::cli {

// How many runs of the span the replay pools: one run of ten checkpoints draws too few sizes
// to compare percentiles (their sampling error is about the 15% target itself).
inline constexpr int kReplayReplications = 20;

struct ReplaySide {
  int64_t triggered = 0, completed = 0, failed = 0, expired = 0;  // simulated: the first run
  // End-to-end over the completed ones; simulated: pooled over the runs, and the max the median
  // of each run's max (a run is as long as the history, so its max compares with the observed).
  std::optional<sim::Duration> p50, p90, max;
};

struct Replay {
  ReplaySide observed, simulated;
  std::vector<std::string> expect_lines;  // for calibrated_yaml
  // Relative differences of the simulated p50 and p90 from the observed ones.
  std::optional<double> p50_error, p90_error;
};

// kReplayReplications runs of `scenario` (History::full): the first with its seed and
// replication as written (it decides the counts and the expectations), the others with the
// replications after it.
std::vector<std::unique_ptr<analysis::Recorder>> run_replay(model::Scenario scenario);

// Compares the history of `cal` with `runs` of the scenario written from it.
Replay compare_replay(const Calibration& cal, const std::vector<std::unique_ptr<analysis::Recorder>>& runs);

// The fit and the replay side by side, for a person.
void write_calibration_report(std::ostream& out, const Calibration& cal, const Replay& replay,
                              const std::string& scenario_file);

}  // namespace ckptsim::cli
