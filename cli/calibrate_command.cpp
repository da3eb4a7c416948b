// `ckptsim calibrate` (docs/cli.md): saved REST responses of a running Flink job to a
// scenario that reproduces its checkpoints, replayed over the span its history covers.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "analysis/expectations.hpp"
#include "analysis/recorder.hpp"
#include "cli/calibrated_yaml.hpp"
#include "cli/calibration.hpp"
#include "cli/calibration_replay.hpp"
#include "cli/commands.hpp"
#include "cli/loader.hpp"
#include "cli/rest_json.hpp"

namespace po = boost::program_options;

namespace ckptsim::cli {

namespace {

const char* kCalibrateUsage =
    "usage: ckptsim calibrate --checkpoints FILE [--config FILE] [--job FILE]\n"
    "                         [--subtasks [VERTEX=]FILE]... --out SCENARIO.yaml [--seed N]\n"
    "  --checkpoints  GET /jobs/:jobid/checkpoints              (required)\n"
    "  --config       GET /jobs/:jobid/checkpoints/config\n"
    "  --job          GET /jobs/:jobid (or /jobs/:jobid/plan)\n"
    "  --subtasks     GET /jobs/:jobid/checkpoints/details/:checkpointid/subtasks/:vertexid;\n"
    "                 the vertex is VERTEX (an id or a name), else a vertex id in the file name\n";

// "VERTEX=FILE", unless the whole argument names a file.
SubtaskInput read_subtasks_arg(const std::string& arg) {
  std::string vertex, file = arg;
  const auto eq = arg.find('=');
  if (eq != std::string::npos && eq > 0 && !std::filesystem::exists(arg)) {
    vertex = arg.substr(0, eq);
    file = arg.substr(eq + 1);
  }
  SubtaskInput in;
  in.details = rest::read_subtask_details(rest::read_file(file), file);
  in.vertex = vertex;
  return in;
}

CalibrationInputs read_inputs(const po::variables_map& vm) {
  CalibrationInputs in;
  const std::string cps = vm["checkpoints"].as<std::string>();
  in.checkpoints = rest::read_checkpoints(rest::read_file(cps), cps);
  if (vm.count("config")) {
    const std::string f = vm["config"].as<std::string>();
    in.config = rest::read_checkpoint_config(rest::read_file(f), f);
  }
  if (vm.count("job")) {
    const std::string f = vm["job"].as<std::string>();
    in.job = rest::read_job(rest::read_file(f), f);
  }
  if (vm.count("subtasks"))
    for (const std::string& arg : vm["subtasks"].as<std::vector<std::string>>())
      in.subtasks.push_back(read_subtasks_arg(arg));
  in.seed = vm["seed"].as<uint64_t>();
  return in;
}

// Loads the text calibrate wrote; it must validate (a failure here is calibrate's own bug).
LoadedScenario load_written(const std::string& yaml, const std::string& out) {
  LoadResult result = load_scenario_text(yaml, out, {});
  if (auto* errors = std::get_if<std::vector<ScenarioError>>(&result)) {
    std::string msg = "calibrate wrote a scenario that does not load (a bug):";
    for (const ScenarioError& e : *errors) msg += "\n  " + e.format();
    throw std::logic_error(msg);
  }
  return std::move(std::get<LoadedScenario>(result));
}

void write_atomically(const std::string& path, const std::string& text) {
  const std::filesystem::path p(path);
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    out << text;
    if (!out) throw std::runtime_error(fmt::format("cannot write {}", tmp));
  }
  std::filesystem::rename(tmp, p);
}

}  // namespace

int calibrate_command(const std::vector<std::string>& args) {
  po::options_description opts("ckptsim calibrate options");
  opts.add_options()("help,h", "show this help")(
      "checkpoints", po::value<std::string>(), "GET /jobs/:jobid/checkpoints (required)")(
      "config", po::value<std::string>(), "GET /jobs/:jobid/checkpoints/config")(
      "job", po::value<std::string>(), "GET /jobs/:jobid")(
      "subtasks", po::value<std::vector<std::string>>()->composing(),
      "[VERTEX=]FILE: GET .../checkpoints/details/:id/subtasks/:vertexid")(
      "out", po::value<std::string>(), "the scenario to write")(
      "seed", po::value<uint64_t>()->default_value(1), "the scenario's seed");
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(opts).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "ckptsim calibrate: " << e.what() << "\n" << kCalibrateUsage;
    return 2;
  }
  if (vm.count("help")) {
    std::cout << kCalibrateUsage << "\n" << opts;
    return 0;
  }
  if (!vm.count("checkpoints") || !vm.count("out")) {
    std::cerr << "ckptsim calibrate: give --checkpoints FILE and --out SCENARIO.yaml\n" << kCalibrateUsage;
    return 2;
  }
  const std::string out = vm["out"].as<std::string>();
  try {
    const Calibration cal = calibrate(read_inputs(vm));
    for (const std::string& g : cal.guesses) std::cerr << "ckptsim calibrate: " << g << "\n";
    // Replay what is written: the scenario without expectations first, then with the ones the
    // replay reproduced. Both load through the public loader, as `ckptsim run` would.
    const LoadedScenario first = load_written(calibrated_yaml(cal, {}), out);
    const auto runs = run_replay(first.scenario);
    const Replay replay = compare_replay(cal, runs);
    const std::string yaml = calibrated_yaml(cal, replay.expect_lines);
    const LoadedScenario final = load_written(yaml, out);
    for (const auto& r : analysis::check_expectations(*runs.front(), final.expectations))
      if (!r.passed) throw std::logic_error("calibrate wrote an expectation its replay fails: " + analysis::describe(r));
    write_atomically(out, yaml);
    write_calibration_report(std::cout, cal, replay, out);
    return 0;
  } catch (const rest::RestError& e) {
    std::cerr << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "ckptsim calibrate: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace ckptsim::cli
