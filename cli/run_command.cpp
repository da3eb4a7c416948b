#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "analysis/events_jsonl.hpp"
#include "analysis/history_csv.hpp"
#include "analysis/summary_json.hpp"
#include "analysis/table.hpp"
#include "analysis/timeline_svg.hpp"
#include "analysis/trace_json.hpp"
#include "cli/commands.hpp"
#include "cli/session.hpp"

namespace po = boost::program_options;

namespace ckptsim::cli {

namespace {

const char* kRunUsage =
    "usage: ckptsim run SCENARIO [--seed N] [--set key=value]... [--out DIR] [--events] [--trace]\n"
    "                            [--format table|json] [--progress]\n";

std::ofstream open_output(const std::filesystem::path& path) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw std::runtime_error(fmt::format("cannot write {}", path.string()));
  return out;
}

// The observers writing events.jsonl and trace.json as the run goes (with --events, --trace).
struct StreamedOutputs {
  std::ofstream events_file, trace_file;
  std::unique_ptr<analysis::EventsJsonlWriter> events;
  std::unique_ptr<analysis::TraceJsonWriter> trace;
  void open(const std::filesystem::path& dir, bool with_events, bool with_trace, const model::Scenario& scenario,
            model::Fanout& observers) {
    if (with_events) {
      events_file = open_output(dir / "events.jsonl");
      events = std::make_unique<analysis::EventsJsonlWriter>(events_file);
      observers.add(*events);
    }
    if (with_trace) {
      trace_file = open_output(dir / "trace.json");
      trace = std::make_unique<analysis::TraceJsonWriter>(trace_file, scenario);
      observers.add(*trace);
    }
  }
  void close() {
    events.reset();
    trace.reset();
  }
};

// summary.json, history.csv and timeline.svg, once the run is over.
void write_outputs(const std::filesystem::path& dir, const analysis::Recorder& recorder,
                   const analysis::TimelineSvg& timeline) {
  auto summary = open_output(dir / "summary.json");
  analysis::write_summary_json(summary, recorder);
  auto history = open_output(dir / "history.csv");
  analysis::write_history_csv(history, recorder);
  auto svg = open_output(dir / "timeline.svg");
  analysis::write_timeline_svg(svg, timeline);
}

// The checkpoints the expectations name: kept by a recorder without the full history.
std::vector<int64_t> expected_checkpoints(const std::vector<Expectation>& expectations) {
  std::vector<int64_t> keep;
  for (const Expectation& x : expectations)
    if (x.kind == Expectation::Kind::checkpoint) keep.push_back(x.checkpoint);
  return keep;
}

// Runs the loaded scenario with its observers, writes what was asked, checks the expectations.
int run_loaded(const LoadedScenario& loaded, const po::variables_map& vm) {
  const model::Scenario& scenario = loaded.scenario;
  const std::string format = vm["format"].as<std::string>();
  // The per-checkpoint history is read only by summary.json and history.csv (--out, or
  // --format json on stdout); the table and the expectations need the counts, metrics and
  // summaries, and the checkpoints the expectations name.
  const bool history = vm.count("out") || format == "json";
  analysis::Recorder recorder(scenario, history ? analysis::History::full : analysis::History::summary_only,
                              expected_checkpoints(loaded.expectations));
  analysis::TimelineSvg timeline(scenario);
  model::Fanout observers;
  observers.add(recorder);
  StreamedOutputs streamed;
  std::filesystem::path out_dir;
  if (vm.count("out")) {
    out_dir = vm["out"].as<std::string>();
    std::filesystem::create_directories(out_dir);
    observers.add(timeline);
    streamed.open(out_dir, vm["events"].as<bool>(), vm["trace"].as<bool>(), scenario, observers);
  }
  simulate(scenario, observers, vm["progress"].as<bool>());
  streamed.close();
  const auto results = analysis::check_expectations(recorder, loaded.expectations);
  if (!out_dir.empty()) write_outputs(out_dir, recorder, timeline);
  if (format == "json") analysis::write_summary_json(std::cout, recorder);
  else analysis::write_table(std::cout, recorder, &results);
  for (const auto& r : results)
    if (!r.passed) std::cerr << loaded.file << ": expectation failed: " << analysis::describe(r) << "\n";
  return analysis::all_passed(results) ? 0 : 1;
}

}  // namespace

int run_command(const std::vector<std::string>& args) {
  po::options_description opts("ckptsim run options");
  opts.add_options()("help,h", "show this help")(
      "seed", po::value<uint64_t>(), "override the scenario's seed")(
      "set", po::value<std::vector<std::string>>()->composing(),
      "override a field before validation: --set checkpointing.timeout=20min")(
      "out", po::value<std::string>(), "write summary.json, history.csv and timeline.svg here")(
      "events", po::bool_switch(), "also write events.jsonl (needs --out)")(
      "trace", po::bool_switch(), "also write trace.json, Chrome trace format (needs --out)")(
      "format", po::value<std::string>()->default_value("table"), "table | json")(
      "progress", po::bool_switch(), "report simulated time per second on stderr");
  po::variables_map vm;
  if (auto rc = parse_scenario_command(args, opts, "ckptsim run", kRunUsage, vm)) return *rc;
  const std::string format = vm["format"].as<std::string>();
  if (format != "table" && format != "json") {
    std::cerr << "ckptsim run: --format must be table or json, not '" << format << "'\n";
    return 2;
  }
  if ((vm["events"].as<bool>() || vm["trace"].as<bool>()) && !vm.count("out")) {
    std::cerr << "ckptsim run: --events and --trace write files: give --out DIR\n";
    return 2;
  }
  std::vector<std::string> sets;
  if (vm.count("set")) sets = vm["set"].as<std::vector<std::string>>();
  std::optional<uint64_t> seed;
  if (vm.count("seed")) seed = vm["seed"].as<uint64_t>();

  auto loaded = load_or_report(vm["scenario"].as<std::string>(), sets, seed);
  if (!loaded) return 2;
  // Only now, with a valid scenario, is anything written.
  try {
    return run_loaded(*loaded, vm);
  } catch (const std::exception& e) {
    std::cerr << "ckptsim run: " << e.what() << "\n";
    return 2;
  }
}

int validate_command(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    (args.empty() ? std::cerr : std::cout) << "usage: ckptsim validate SCENARIO...\n";
    return args.empty() ? 2 : 0;
  }
  int rc = 0;
  for (const std::string& path : args) {
    if (load_or_report(path, {}, std::nullopt))
      std::cout << path << ": ok\n";
    else
      rc = 2;
  }
  return rc;
}

}  // namespace ckptsim::cli
