// docs/scenario-reference.md, written from the schema: every key of a scenario file with its
// type, unit, default, range and doc line, and the names an expectation may use.
#pragma once

#include <string>

namespace ckptsim::cli {

std::string scenario_reference_markdown();

}  // namespace ckptsim::cli
