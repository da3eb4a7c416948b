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
  const bool events = vm["events"].as<bool>(), trace = vm["trace"].as<bool>();
  if ((events || trace) && !vm.count("out")) {
    std::cerr << "ckptsim run: --events and --trace write files: give --out DIR\n";
    return 2;
  }
  std::vector<std::string> sets;
  if (vm.count("set")) sets = vm["set"].as<std::vector<std::string>>();
  std::optional<uint64_t> seed;
  if (vm.count("seed")) seed = vm["seed"].as<uint64_t>();

  auto loaded = load_or_report(vm["scenario"].as<std::string>(), sets, seed);
  if (!loaded) return 2;
  const model::Scenario& scenario = loaded->scenario;

  // Only now, with a valid scenario, is anything written.
  std::filesystem::path out_dir;
  std::ofstream events_file, trace_file;
  std::unique_ptr<analysis::EventsJsonlWriter> events_writer;
  std::unique_ptr<analysis::TraceJsonWriter> trace_writer;
  // The per-checkpoint history is read only by summary.json and history.csv (--out, or
  // --format json on stdout); the table and the expectations need the counts, metrics and
  // summaries, and the checkpoints the expectations name.
  const bool history = vm.count("out") || format == "json";
  std::vector<int64_t> keep;
  for (const Expectation& x : loaded->expectations)
    if (x.kind == Expectation::Kind::checkpoint) keep.push_back(x.checkpoint);
  analysis::Recorder recorder(scenario, history ? analysis::History::full : analysis::History::summary_only,
                              std::move(keep));
  analysis::TimelineSvg timeline(scenario);
  model::Fanout observers;
  observers.add(recorder);
  try {
    if (vm.count("out")) {
      out_dir = vm["out"].as<std::string>();
      std::filesystem::create_directories(out_dir);
      observers.add(timeline);
      if (events) {
        events_file = open_output(out_dir / "events.jsonl");
        events_writer = std::make_unique<analysis::EventsJsonlWriter>(events_file);
        observers.add(*events_writer);
      }
      if (trace) {
        trace_file = open_output(out_dir / "trace.json");
        trace_writer = std::make_unique<analysis::TraceJsonWriter>(trace_file);
        observers.add(*trace_writer);
      }
    }
    simulate(scenario, observers, vm["progress"].as<bool>());
    events_writer.reset();
    trace_writer.reset();
    const auto results = analysis::check_expectations(recorder, loaded->expectations);
    if (!out_dir.empty()) {
      auto summary = open_output(out_dir / "summary.json");
      analysis::write_summary_json(summary, recorder);
      auto history = open_output(out_dir / "history.csv");
      analysis::write_history_csv(history, recorder);
      auto svg = open_output(out_dir / "timeline.svg");
      analysis::write_timeline_svg(svg, timeline);
    }
    if (format == "json") {
      analysis::write_summary_json(std::cout, recorder);
    } else {
      analysis::write_table(std::cout, recorder, &results);
    }
    for (const auto& r : results)
      if (!r.passed) std::cerr << loaded->file << ": expectation failed: " << analysis::describe(r) << "\n";
    return analysis::all_passed(results) ? 0 : 1;
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
