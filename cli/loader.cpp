#include "cli/loader.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "cli/explore_schema.hpp"
#include "cli/overrides.hpp"
#include "cli/scenario_schema.hpp"
#include "cli/yaml_reader.hpp"
#include "model/job_graph.hpp"

namespace ckptsim::cli {

std::string ScenarioError::format() const {
  const char* kind = warning ? "warning" : "error";
  if (line > 0) return fmt::format("{}:{}:{}: {}: {}", file, line, column, kind, message);
  return fmt::format("{}: {}: {}", file, kind, message);
}

namespace {

// Bounds the task graph before expanding it (all-to-all edges make p_from x p_to channels), then
// builds it; each error names where its operator or edge is written.
void check_graph(schema::Context& c, const model::Scenario& sc) {
  constexpr int64_t kMaxChannels = 20'000'000;
  std::map<std::string, int> par;
  int64_t subtasks = 0;
  for (const auto& o : sc.operators) {
    par[o.name] = o.parallelism;
    subtasks += o.parallelism;
  }
  int64_t channels = 0;
  for (size_t i = 0; i < sc.edges.size(); ++i) {
    const auto& e = sc.edges[i];
    auto f = par.find(e.from), t = par.find(e.to);
    if (f == par.end() || t == par.end()) continue;
    channels += e.partitioning == model::Partitioning::forward
                    ? std::max(f->second, t->second)
                    : static_cast<int64_t>(f->second) * t->second;
    if (channels > kMaxChannels) {
      c.yaml.error_at(c.edge_places[i],
                      fmt::format("job.edges.{}: the task graph would have more than {} channels; "
                                  "reduce the parallelism",
                                  i, kMaxChannels));
      return;
    }
  }
  if (sc.edges.size() > 100'000 || subtasks > 1'000'000) {
    c.yaml.error_at(c.job_place, "job: the job graph is too large (at most 100000 edges and "
                                 "1000000 subtasks)");
    return;
  }
  auto built = model::JobGraph::build(sc.operators, sc.edges);
  auto* errs = std::get_if<std::vector<model::GraphError>>(&built);
  if (!errs) return;
  for (const auto& ge : *errs) {
    Where w = c.job_place;
    if (ge.pos.line > 0) {
      w.pos = ge.pos;
      w.file = c.yaml.file();
      auto same = [&](model::SourcePos p) { return p.line == ge.pos.line && p.column == ge.pos.column; };
      for (size_t i = 0; i < sc.operators.size(); ++i)
        if (same(sc.operators[i].pos)) w.file = c.operator_places[i].file;
      for (size_t i = 0; i < sc.edges.size(); ++i)
        if (same(sc.edges[i].pos)) w.file = c.edge_places[i].file;
    }
    c.yaml.error_at(w, "job graph: " + ge.message);
  }
}

// The whole file: the schema's sections, then the checks that need all of them.
void read_scenario(YamlReader& y, const YAML::Node& root, LoadedScenario& out) {
  const YamlNode rn = y.root(root);
  if (!root.IsMap()) {
    y.error(rn, fmt::format("expected a mapping with at least `duration`, `job` and "
                            "`checkpointing`, got {}",
                            root.IsNull() || !root.IsDefined() ? "an empty document"
                                                                : yaml_type_name(root)));
    return;
  }
  schema::Context c{y, {}, {}, {}, {}, {}, y.where(rn)};
  const bool read = schema::scenario_schema().read(c, rn, out.scenario);
  out.expectations = std::move(c.expectations);
  if (!read) return;
  if (y.error_count() > 0) return;
  schema::check_load_events(c, out.scenario);
  schema::check_interleaved_patches(c, out.scenario);
  check_graph(c, out.scenario);
}

}  // namespace

LoadResult load_scenario_text(const std::string& text, const std::string& file_name,
                              const std::vector<std::string>& overrides) {
  try {
    YAML::Node root;
    if (auto err = parse_yaml_safely(text, root)) {
      int line = err->line >= 0 ? err->line + 1 : 0;
      int col = err->column >= 0 ? err->column + 1 : 0;
      if (line == 0 && text.size() <= kMaxScenarioBytes) {
        line = 1;
        col = 1;
      }
      return std::vector<ScenarioError>{{file_name, line, col, err->message}};
    }
    std::vector<AppliedOverride> applied;
    std::vector<ScenarioError> override_errors;
    for (size_t i = 0; i < overrides.size(); ++i) {
      auto r = apply_override(root, overrides[i], static_cast<int>(i));
      if (auto* e = std::get_if<ScenarioError>(&r))
        override_errors.push_back(std::move(*e));
      else
        applied.push_back(std::get<AppliedOverride>(std::move(r)));
    }
    if (!override_errors.empty()) return override_errors;

    YamlReader reader(file_name, std::move(applied));
    LoadedScenario out;
    out.file = file_name;
    read_scenario(reader, root, out);
    if (reader.error_count() > 0) return std::move(reader.errors());
    out.warnings = std::move(reader.warnings());
    return out;
  } catch (const YAML::Exception& e) {
    return std::vector<ScenarioError>{
        {file_name, e.mark.line >= 0 ? e.mark.line + 1 : 0, e.mark.column >= 0 ? e.mark.column + 1 : 0,
         "invalid YAML: " + e.msg}};
  } catch (const std::bad_alloc&) {
    return std::vector<ScenarioError>{{file_name, 0, 0, "out of memory while loading the scenario"}};
  } catch (const std::exception& e) {
    return std::vector<ScenarioError>{{file_name, 0, 0, std::string("cannot load: ") + e.what()}};
  }
}

LoadResult load_scenario_file(const std::string& path, const std::vector<std::string>& overrides) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return std::vector<ScenarioError>{
        {path, 0, 0, fmt::format("cannot read the scenario file '{}': it is a directory", path)}};
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return std::vector<ScenarioError>{
        {path, 0, 0, fmt::format("cannot read the scenario file '{}'", path)}};
  // Read in chunks, at most one byte past the limit, so that a huge file is refused without
  // loading it (and a small one costs no 16 MiB buffer).
  std::string text;
  char chunk[65536];
  while (text.size() <= kMaxScenarioBytes) {
    const size_t want = std::min(sizeof chunk, kMaxScenarioBytes + 1 - text.size());
    in.read(chunk, static_cast<std::streamsize>(want));
    text.append(chunk, static_cast<size_t>(in.gcount()));
    if (!in) break;
  }
  if (in.bad())
    return std::vector<ScenarioError>{
        {path, 0, 0, fmt::format("cannot read the scenario file '{}'", path)}};
  if (text.size() > kMaxScenarioBytes)
    return std::vector<ScenarioError>{
        {path, 0, 0,
         fmt::format("the scenario file is larger than the limit of {} bytes (16 MiB)",
                     kMaxScenarioBytes)}};
  return load_scenario_text(text, path, overrides);
}

}  // namespace ckptsim::cli
