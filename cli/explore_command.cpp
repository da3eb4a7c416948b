// `ckptsim explore`: every interleaving of one PATCH's writer steps with the coordinator's
// steps in its window, graded against the atomic update (analysis/explore.hpp), printed as
// jcstress-style tables or JSON; --emit writes a runnable scenario per distinct outcome.
#include <filesystem>
#include <fstream>
#include <iostream>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "analysis/explore_report.hpp"
#include "cli/commands.hpp"
#include "cli/explore_emit.hpp"
#include "cli/explore_schema.hpp"
#include "cli/session.hpp"
#include "sim/units.hpp"

namespace po = boost::program_options;

namespace ckptsim::cli {

namespace {

const char* kExploreUsage =
    "usage: ckptsim explore SCENARIO [--patch N] [--window D] [--design NAME]...\n"
    "                                [--format table|json] [--trace] [--emit DIR]\n"
    "                                [--likelihood N --gap DIST] [--seed N] [--set key=value]...\n";

// The file index of the Nth (1-based) patch event, if there is one.
std::optional<uint32_t> nth_patch(const model::Scenario& s, int n) {
  int seen = 0;
  for (uint32_t i = 0; i < s.events.size(); ++i)
    if (std::holds_alternative<model::PatchRequest>(s.events[i].what) && ++seen == n) return i;
  return std::nullopt;
}

// The designs named with --design (scenario-defined first, then built-in).
std::optional<std::vector<model::Design>> chosen_designs(const model::Scenario& s,
                                                         const std::vector<std::string>& names) {
  std::vector<model::Design> out;
  for (const std::string& n : names) {
    const model::Design* d = model::find_design(n, s.explore.designs);
    if (!d) {
      std::string known;
      for (const model::Design& b : model::builtin_designs()) known += (known.empty() ? "" : ", ") + b.name;
      for (const model::Design& b : s.explore.designs) known += ", " + b.name;
      std::cerr << fmt::format("ckptsim explore: unknown design '{}'; known: {}\n", n, known);
      return std::nullopt;
    }
    out.push_back(*d);
  }
  return out;
}

}  // namespace

int explore_command(const std::vector<std::string>& args) {
  po::options_description opts("ckptsim explore options");
  opts.add_options()("help,h", "show this help")(
      "patch", po::value<int>()->default_value(1), "the Nth patch event of the scenario (1-based)")(
      "window", po::value<std::string>(), "window length after the patch's arrival (default: the base interval then)")(
      "design", po::value<std::vector<std::string>>()->composing(),
      "explore only this design (repeatable): volatile, volatile-timeout-first, per-field, locked, snapshot, or one of explore.designs")(
      "format", po::value<std::string>()->default_value("table"), "table | json")(
      "trace", po::bool_switch(), "print each FORBIDDEN row's interleaving, writer and coordinator side by side")(
      "emit", po::value<std::string>(), "write a scenario reproducing each distinct outcome of each design into DIR")(
      "likelihood", po::value<size_t>(),
      "sample N timings of the patch (arrival uniform over one base interval, writer gaps from --gap) "
      "and report the share of each grade with a 95% Wilson interval")(
      "gap", po::value<std::string>(),
      "the gap between the writer's steps: a duration or a distribution, e.g. "
      "'{dist: lognormal, median: 2us, sigma: 2}'")(
      "seed", po::value<uint64_t>(), "override the scenario's seed")(
      "set", po::value<std::vector<std::string>>()->composing(), "override a field before validation");
  po::variables_map vm;
  if (auto rc = parse_scenario_command(args, opts, "ckptsim explore", kExploreUsage, vm)) return *rc;
  const std::string format = vm["format"].as<std::string>();
  if (format != "table" && format != "json") {
    std::cerr << "ckptsim explore: --format must be table or json, not '" << format << "'\n";
    return 2;
  }
  std::optional<sim::Duration> window;
  if (vm.count("window")) {
    const auto w = sim::parse_duration(vm["window"].as<std::string>());
    if (!w || *w < 0) {
      std::cerr << "ckptsim explore: --window: expected a duration such as 2min"
                << (w ? "" : " (" + w.error + ")") << "\n";
      return 2;
    }
    window = *w;
  }
  std::optional<model::Distribution> gap;
  if (vm.count("likelihood") != vm.count("gap")) {
    std::cerr << "ckptsim explore: --likelihood N and --gap DIST go together\n";
    return 2;
  }
  if (vm.count("gap")) {
    auto g = schema::read_duration_distribution(vm["gap"].as<std::string>(), "--gap");
    if (auto* errors = std::get_if<std::vector<ScenarioError>>(&g)) {
      for (const ScenarioError& e : *errors) std::cerr << e.format() << "\n";
      return 2;
    }
    gap = std::get<model::Distribution>(g);
    if (vm["likelihood"].as<size_t>() == 0) {
      std::cerr << "ckptsim explore: --likelihood: expected at least 1 sample\n";
      return 2;
    }
  }
  std::vector<std::string> sets;
  if (vm.count("set")) sets = vm["set"].as<std::vector<std::string>>();
  std::optional<uint64_t> seed;
  if (vm.count("seed")) seed = vm["seed"].as<uint64_t>();
  const std::string path = vm["scenario"].as<std::string>();
  auto loaded = load_or_report(path, sets, seed);
  if (!loaded) return 2;
  const model::Scenario& scenario = loaded->scenario;

  const int n = vm["patch"].as<int>();
  const std::optional<uint32_t> event = nth_patch(scenario, n);
  if (!event) {
    std::cerr << fmt::format("ckptsim explore: {}: there is no patch event number {} to explore\n", path, n);
    return 2;
  }
  analysis::ExploreRequest request = analysis::default_request(scenario, *event);
  if (window) request.window = window;
  if (vm.count("design")) {
    auto designs = chosen_designs(scenario, vm["design"].as<std::vector<std::string>>());
    if (!designs) return 2;
    request.designs = std::move(*designs);
  }
  const auto& patch = std::get<model::PatchRequest>(scenario.events[*event].what);
  if (model::validate_patch_body(patch).timeout)
    for (const model::Design& d : request.designs)
      if (!model::rearms(d.steps))
        std::cerr << fmt::format("ckptsim explore: warning: design '{}' never re-arms, but the body "
                                 "changes the timeout: in-flight checkpoints keep their old deadlines\n",
                                 d.name);

  auto built = model::JobGraph::build(scenario.operators, scenario.edges);
  const analysis::ExploreResult result =
      analysis::explore(scenario, std::get<model::JobGraph>(built), request);
  if (!result.error.empty()) {
    std::cerr << fmt::format("ckptsim explore: {}: {}\n", path, result.error);
    return 2;
  }
  std::optional<analysis::Likelihood> likelihood;
  if (gap)
    likelihood = analysis::estimate_likelihood(result, vm["likelihood"].as<size_t>(), *gap,
                                               vm["gap"].as<std::string>(), scenario.seed,
                                               scenario.replication);
  const analysis::ExploreReport report{scenario, n, patch, result, likelihood};
  try {
    if (vm.count("emit")) {
      std::string command = "ckptsim explore";
      for (const std::string& a : args) command += " " + a;
      const std::vector<std::string> written = emit_interleavings(command, path, sets, seed, *event, report,
                                                                  vm["emit"].as<std::string>());
      for (const std::string& f : written) std::cerr << "wrote " << f << "\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "ckptsim explore: " << e.what() << "\n";
    return 2;
  }
  if (format == "json")
    analysis::write_explore_json(std::cout, report);
  else
    analysis::write_explore_table(std::cout, report, vm["trace"].as<bool>());
  return result.any_forbidden() ? 1 : 0;
}

}  // namespace ckptsim::cli
