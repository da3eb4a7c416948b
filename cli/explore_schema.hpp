// The explorer's scenario keys: the `explore` section and the value types of a patch with
// `apply: interleaved` (cli/explore_schema.cpp).
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "cli/schema.hpp"
#include "model/steps.hpp"

namespace ckptsim::cli::schema {

// A design's writer steps: `[write interval, {lock: [rearm, reschedule]}]`.
struct StepsValue {
  std::optional<std::vector<model::WriterStep>> read(Context& c, const YamlNode& n) const;
  void describe(KeyDoc& d) const;
  std::string show(const std::vector<model::WriterStep>& v) const;
};

// One entry of an interleaving's `order`: `tick`, `create`, `expire`, `W:interval`, `L:...`.
struct StepLabelValue {
  std::optional<model::StepLabel> read(Context& c, const YamlNode& n) const;
  void describe(KeyDoc& d) const;
  std::string show(const model::StepLabel& v) const { return v.text; }
};

const Section<model::ExploreSpec>& explore_schema();

// A duration or a distribution of durations given on the command line (`--gap '{dist: lognormal,
// median: 2us, sigma: 2}'`), read as the scenario's keys are; errors name `option`.
std::variant<model::Distribution, std::vector<ScenarioError>> read_duration_distribution(
    const std::string& text, const std::string& option);

// After the whole file: each interleaved patch's design resolved into its steps (a name must
// exist), its order's writer steps checked against them, and the warnings of a design that
// never re-arms while a body changes the timeout.
void check_interleaved_patches(Context& c, model::Scenario& sc);

}  // namespace ckptsim::cli::schema
