// Writes a Calibration as a scenario file: deterministic text in which every
// value carries its note as a comment (inline when short, on the lines above when long).
#pragma once

#include <string>
#include <vector>

#include "cli/calibration.hpp"

namespace ckptsim::cli {

// `expect_lines` are written under `expect:` as they are (each a full line without newline).
std::string calibrated_yaml(const Calibration& cal, const std::vector<std::string>& expect_lines);

// A YAML double-quoted scalar: quotes, backslashes and control characters escaped.
std::string yaml_quote(const std::string& s);

}  // namespace ckptsim::cli
