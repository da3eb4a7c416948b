// `ckptsim explore` without the command line: the run up to the patch once, then the serial
// orders (the atomic update at every position) and every design's interleavings, graded.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/exploration.hpp"
#include "model/explorer.hpp"
#include "model/job_graph.hpp"
#include "model/scenario.hpp"

namespace ckptsim::analysis {

struct ExploreRequest {
  uint32_t event = 0;               // file index of the scripted patch event
  std::optional<Duration> window;   // default: the base interval in force at its arrival
  std::vector<model::Design> designs;
  size_t limit = model::kMaxInterleavings;
};

struct ExploreResult {
  // Empty when the exploration ran; else why not (the patch is rejected, arrives too late,
  // or a design has more interleavings than the limit), for an exit code 2.
  std::string error;
  Time at = 0;
  Time window_end = 0;
  Duration window = 0;
  Duration base_interval = 0;        // in force at the arrival
  std::vector<Interleaving> serial;  // serial orders, in depth-first order
  std::vector<DesignResult> designs;
  size_t runs = 0;                   // branches simulated in all (serial orders included)
  double prefix_seconds = 0, branch_seconds = 0;  // where the time went (not part of results)
  bool any_forbidden() const;
};

// What `ckptsim explore SCENARIO` explores without options, for the patch with file index
// `event`: every built-in design and the scenario's own (a scenario
// design with a built-in's name replaces it), and the scenario's explore.window if it has one.
ExploreRequest default_request(const model::Scenario& scenario, uint32_t event);

ExploreResult explore(const model::Scenario& scenario, const model::JobGraph& graph,
                      const ExploreRequest& request);

}  // namespace ckptsim::analysis
