// What `ckptsim explore` prints: per design a jcstress-style table (one row per distinct
// observation), a summary line and a verdict; with --trace each FORBIDDEN row's interleaving as
// two columns; or the whole result as JSON. Times in JSON are milliseconds.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "analysis/explore.hpp"
#include "analysis/likelihood.hpp"
#include "model/scenario.hpp"

namespace ckptsim::analysis {

struct ExploreReport {
  const model::Scenario& scenario;
  int patch_number;  // 1-based among the scenario's patch events
  const model::PatchRequest& patch;
  const ExploreResult& result;
  const std::optional<Likelihood>& likelihood;
};

// "tick@10min→5min, create #2@10min→20min; after: interval 5min, ..." (at most max_reads steps)
std::string describe(const Observation& o, size_t max_reads = ~size_t{0});
std::string describe(const Outcome& o);

void write_explore_table(std::ostream& os, const ExploreReport& report, bool trace);
void write_explore_json(std::ostream& os, const ExploreReport& report);

}  // namespace ckptsim::analysis
