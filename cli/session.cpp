#include "cli/session.hpp"

#include <unistd.h>

#include <chrono>
#include <iostream>

#include <fmt/format.h>

#include "analysis/table.hpp"
#include "model/job.hpp"
#include "sim/units.hpp"

namespace ckptsim::cli {

std::optional<int> parse_scenario_command(const std::vector<std::string>& args,
                                          const boost::program_options::options_description& opts,
                                          const char* who, const char* usage,
                                          boost::program_options::variables_map& vm) {
  namespace po = boost::program_options;
  po::options_description hidden;
  hidden.add_options()("scenario", po::value<std::string>());
  po::options_description all;
  all.add(opts).add(hidden);
  po::positional_options_description pos;
  pos.add("scenario", 1);
  try {
    po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << who << ": " << e.what() << "\n" << usage;
    return 2;
  }
  if (vm.count("help")) {
    std::cout << usage << "\n" << opts;
    return 0;
  }
  if (!vm.count("scenario")) {
    std::cerr << who << ": missing SCENARIO\n" << usage;
    return 2;
  }
  return std::nullopt;
}

std::optional<LoadedScenario> load_or_report(const std::string& path,
                                             const std::vector<std::string>& overrides,
                                             std::optional<uint64_t> seed) {
  LoadResult result = load_scenario_file(path, overrides);
  if (auto* errors = std::get_if<std::vector<ScenarioError>>(&result)) {
    for (const ScenarioError& e : *errors) std::cerr << e.format() << "\n";
    return std::nullopt;
  }
  LoadedScenario loaded = std::move(std::get<LoadedScenario>(result));
  for (const ScenarioError& w : loaded.warnings) std::cerr << w.format() << "\n";
  if (seed) loaded.scenario.seed = *seed;
  return loaded;
}

namespace {

// The --progress line. Wall-clock time only feeds this display, never a result.
struct ProgressLine {
  using Clock = std::chrono::steady_clock;
  Clock::time_point start = Clock::now();
  Clock::time_point last_print = start;
  sim::Duration duration = 0;
  bool tty = isatty(STDERR_FILENO) != 0;

  static void callback(void* self, sim::Time reached, uint64_t events) {
    static_cast<ProgressLine*>(self)->update(reached, events);
  }
  void update(sim::Time reached, uint64_t events) {
    const auto now = Clock::now();
    const bool done = reached >= duration;
    if (!done && now - last_print < std::chrono::milliseconds(500)) return;
    last_print = now;
    const double wall = std::chrono::duration<double>(now - start).count();
    const double speed = wall > 0 ? static_cast<double>(reached) / 1e6 / wall : 0;
    const double eps = wall > 0 ? static_cast<double>(events) / wall : 0;
    std::cerr << fmt::format("{}simulated {} of {} ({:.0f}%), {:.3g}x real time, {:.3g} M events/s{}",
                             tty ? "\r" : "", analysis::human_duration(reached),
                             analysis::human_duration(duration),
                             100.0 * static_cast<double>(reached) / static_cast<double>(duration),
                             speed, eps / 1e6, tty && !done ? "" : "\n");
  }
};

}  // namespace

void simulate(const model::Scenario& scenario, model::Fanout& observers, bool progress) {
  auto built = model::JobGraph::build(scenario.operators, scenario.edges);
  const model::JobGraph& graph = std::get<model::JobGraph>(built);
  model::Job job(scenario, graph, observers.target());
  ProgressLine line;
  line.duration = scenario.duration;
  if (progress) job.on_progress(&ProgressLine::callback, &line, 1000);
  job.run();
}

}  // namespace ckptsim::cli
