// The scenario loader: a YAML file to a validated model::Scenario plus its
// expectations, with every error positioned as file:line:column. The keys are
// declared in the schema (cli/scenario_schema.hpp), read through cli/yaml_reader.hpp.
//
// Hostile input is refused, never crashes: files over kMaxScenarioBytes, NUL bytes, nesting
// deeper than kMaxDepth, more than one document, and alias expansion past kMaxExpandedNodes
// (anchors and aliases are allowed, but the tree they expand to is bounded; an alias that
// refers to its own unfinished anchor is a cycle and refused).
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "analysis/expectations.hpp"
#include "model/scenario.hpp"

namespace ckptsim::cli {

inline constexpr size_t kMaxScenarioBytes = 16u << 20;  // 16 MiB
inline constexpr int kMaxDepth = 64;
inline constexpr int64_t kMaxExpandedNodes = 1'000'000;

struct ScenarioError {
  std::string file;
  int line = 0;    // 1-based; 0 when there is no position (e.g. an unreadable file)
  int column = 0;  // 1-based
  std::string message;
  bool warning = false;  // a warning: the scenario loads and runs all the same
  // "file:line:column: error: message" (or "file: error: message" without a position);
  // "warning:" for a warning.
  std::string format() const;
};

// One expectation of the `expect` list, as analysis checks it.
using Expectation = analysis::Expectation;

struct LoadedScenario {
  model::Scenario scenario;
  std::vector<Expectation> expectations;
  std::string file;
  // What loads but is likely not what the author meant, positioned like errors.
  std::vector<ScenarioError> warnings;
};

using LoadResult = std::variant<LoadedScenario, std::vector<ScenarioError>>;

// Parses, applies the overrides ("path=value") before validation, and validates
// everything (keys, types, units, ranges, the job graph). Never throws.
LoadResult load_scenario_file(const std::string& path, const std::vector<std::string>& overrides);
LoadResult load_scenario_text(const std::string& text, const std::string& file_name,
                              const std::vector<std::string>& overrides);

}  // namespace ckptsim::cli
