// `--set path=value` overrides (docs/cli.md), applied to the YAML tree before validation.
//
//   checkpointing.timeout=20min        a scalar (parsed as YAML: `20min` stays a string)
//   job.operators.0.parallelism=8      list entries by index
//   events.1.patch={body: {checkpointTimeout: 30min}}   any YAML value, maps and lists too
//   events.3={at: 1h, fail: task}      index == size appends to a list
//
// A key missing from a map may be created only when the schema knows it. An alias shared by
// several places is one node in yaml-cpp: overriding it changes every place that uses it.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "cli/loader.hpp"

namespace ckptsim::cli {

// A YAML value or document parsed with the loader's limits (size, NUL bytes, one document,
// depth, bounded alias expansion). On failure: the mark (0-based, may be -1) and a message.
struct YamlParseError {
  int line = -1;
  int column = -1;
  std::string message;
};
std::optional<YamlParseError> parse_yaml_safely(const std::string& text, YAML::Node& out);

// Where an applied override's value sits, so that later validation errors inside it point at
// the `--set` argument rather than at the file.
struct AppliedOverride {
  YAML::Node value;
  int index = 0;         // position among the overrides (0-based); reported as line index + 1
  int value_column = 1;  // 1-based column of the value in the argument
};

// Applies one "path=value" argument to `root` (which may be null: it then becomes a map).
// Errors are ScenarioErrors with file "--set", line index + 1 and the column of the bad part.
std::variant<AppliedOverride, ScenarioError> apply_override(YAML::Node& root,
                                                            const std::string& arg, int index);

}  // namespace ckptsim::cli
