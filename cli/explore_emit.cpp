#include "cli/explore_emit.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "cli/overrides.hpp"
#include "sim/units.hpp"

namespace ckptsim::cli {

namespace {

YAML::Node metric_expectation(const char* metric, int64_t value) {
  YAML::Node x;
  x["metric"] = metric;
  x["op"] = "==";
  x["value"] = value;
  x.SetStyle(YAML::EmitterStyle::Flow);
  return x;
}

YAML::Node fate_expectation(const analysis::CheckpointFate& f) {
  YAML::Node x;
  x["checkpoint"] = f.id;
  x["status"] = analysis::to_string(f.fate);
  if (f.reason) x["failure_reason"] = model::to_string(*f.reason);
  x.SetStyle(YAML::EmitterStyle::Flow);
  return x;
}

// The scenario file as the explorer loaded it: the file's tree with the overrides applied.
YAML::Node loaded_tree(const std::string& path, const std::vector<std::string>& sets,
                       std::optional<uint64_t> seed) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  YAML::Node root;
  if (parse_yaml_safely(text.str(), root)) throw std::runtime_error(path + ": cannot be read again for --emit");
  for (size_t i = 0; i < sets.size(); ++i)
    if (std::holds_alternative<ScenarioError>(apply_override(root, sets[i], static_cast<int>(i))))
      throw std::runtime_error("--set " + sets[i] + ": cannot be applied again for --emit");
  if (seed) root["seed"] = *seed;
  return root;
}

}  // namespace

std::vector<std::string> emit_interleavings(const std::string& command,
                                            const std::string& scenario_path,
                                            const std::vector<std::string>& sets,
                                            std::optional<uint64_t> seed, uint32_t event,
                                            const analysis::ExploreReport& report,
                                            const std::string& dir) {
  const YAML::Node base = loaded_tree(scenario_path, sets, seed);
  std::filesystem::create_directories(dir);
  std::vector<std::string> written;
  for (const analysis::DesignResult& d : report.result.designs) {
    std::vector<const analysis::Row*> outcomes;  // the first row of each distinct outcome
    for (const analysis::Row& row : d.rows)
      if (std::none_of(outcomes.begin(), outcomes.end(),
                       [&](const analysis::Row* o) { return o->outcome == row.outcome; }))
        outcomes.push_back(&row);
    for (size_t k = 0; k < outcomes.size(); ++k) {
      const analysis::Row& row = *outcomes[k];
      const analysis::Interleaving& x = d.interleavings[row.example];
      size_t samples = 0;
      for (const analysis::Row& r : d.rows)
        if (r.outcome == row.outcome) samples += r.samples;
      const std::string name = fmt::format("{}.{}.{}", report.scenario.name, d.name, k + 1);
      // name and description first, then the scenario's keys as they were.
      YAML::Node node;
      node["name"] = name;
      node["description"] = fmt::format(
          "Patch {} interleaved by the '{}' design as {} ({}): {}.", report.patch_number, d.name,
          x.labels(), analysis::to_string(row.grade), row.description);
      for (auto it = base.begin(); it != base.end(); ++it) {
        const std::string key = it->first.as<std::string>();
        if (key != "name" && key != "description") node[key] = YAML::Clone(it->second);
      }
      YAML::Node patch = node["events"][event]["patch"];
      patch.remove("tear");
      patch["apply"] = "interleaved";
      patch["design"] = d.name;
      YAML::Node order;
      for (const std::string& label : x.label_list()) order.push_back(label);
      order.SetStyle(YAML::EmitterStyle::Flow);
      patch["order"] = order;
      patch["window"] = sim::format_duration(report.result.window);
      YAML::Node expect;
      expect.push_back(metric_expectation("completed", row.outcome.completed));
      expect.push_back(metric_expectation("expired", row.outcome.expired));
      expect.push_back(metric_expectation("failovers", row.outcome.failovers));
      expect.push_back(metric_expectation("rescued", row.outcome.rescued));
      for (const analysis::CheckpointFate& f : row.outcome.checkpoints) expect.push_back(fate_expectation(f));
      node["expect"] = expect;

      YAML::Emitter out;
      out << node;
      const std::filesystem::path file = std::filesystem::path(dir) / (name + ".yaml");
      std::ofstream f(file, std::ios::binary);
      f << fmt::format(
          "# Emitted by `{}`: design '{}', {} of its {} interleavings end in this outcome.\n"
          "# Run it with `ckptsim run {}`; its expectations pin the outcome the explorer saw.\n",
          command, d.name, samples, d.interleavings.size(), file.string());
      f << out.c_str() << "\n";
      if (!f) throw std::runtime_error("cannot write " + file.string());
      written.push_back(file.string());
    }
  }
  return written;
}

}  // namespace ckptsim::cli
