// Loading a scenario for a subcommand and running it with the requested observers: the glue
// shared by run, compare and (later) sweep.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/expectations.hpp"
#include "analysis/recorder.hpp"
#include "cli/loader.hpp"
#include "model/events.hpp"

#include <boost/program_options.hpp>

namespace ckptsim::cli {

// Parses `args` of a subcommand that takes one SCENARIO and the options `opts`. Returns an
// exit code when the command should stop here (a usage error: 2; --help: 0), else empty.
std::optional<int> parse_scenario_command(const std::vector<std::string>& args,
                                          const boost::program_options::options_description& opts,
                                          const char* who, const char* usage,
                                          boost::program_options::variables_map& vm);

// Loads, prints every error to stderr (file:line:column) and returns empty on failure.
std::optional<LoadedScenario> load_or_report(const std::string& path,
                                             const std::vector<std::string>& overrides,
                                             std::optional<uint64_t> seed);

// Runs a loaded scenario through `observers` (the recorder is always first). With `progress`,
// a status line goes to stderr while it runs.
void simulate(const model::Scenario& scenario, model::Fanout& observers, bool progress);

}  // namespace ckptsim::cli
