// `ckptsim explore --emit DIR`: for each distinct outcome of each design, a copy of the scenario
// whose explored patch has `apply: interleaved` with the design and the interleaving's `order`
// (and the window), and whose expectations pin that outcome, so `ckptsim run`, `compare` and the
// timeline reproduce it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/explore_report.hpp"

namespace ckptsim::cli {

// `command` is the explore command line (for the files' opening comment); `sets` and `seed` are
// its overrides, applied to the copy as the loader applied them. Returns the files written.
// Throws std::runtime_error when a file cannot be written.
std::vector<std::string> emit_interleavings(const std::string& command,
                                            const std::string& scenario_path,
                                            const std::vector<std::string>& sets,
                                            std::optional<uint64_t> seed, uint32_t event,
                                            const analysis::ExploreReport& report,
                                            const std::string& dir);

}  // namespace ckptsim::cli
