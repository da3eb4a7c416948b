// `ckptsim sweep`: a scenario over a cartesian grid of --vary values × R replications (common
// random numbers), on a pool of threads; results in run order, identical for any --jobs.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/session.hpp"
#include "cli/sweep_grid.hpp"
#include "cli/sweep_table.hpp"

namespace po = boost::program_options;

namespace ckptsim::cli {

namespace {

const char* kSweepUsage =
    "usage: ckptsim sweep SCENARIO --vary key=v1,v2,... [--vary ...] [--replications R] [--jobs N]\n"
    "                     [--shard I/N | --run N] [--list-runs] [--seed N] [--set key=value]...\n"
    "                     --out FILE.csv [--plot COLUMN]... [--plot-mark VALUE=LABEL]...\n"
    "                     [--plot-title TEXT] [--progress]\n"
    "values: lists (1min,2min), geometric ranges (1min..32min*2), arithmetic ranges\n"
    "        (1min..10min+1min); sizes, rates and plain numbers too.\n"
    "run index = point × R + replication (points in row-major order of the --vary options, the\n"
    "last varying fastest); replication r has the same seed at every point.\n"
    "writes FILE.csv (one row per run) and, for a whole sweep, FILE.points.csv (mean, stddev,\n"
    "95% CI per point) and FILE.COLUMN.svg for each --plot. --shard I/N runs the runs with\n"
    "index % N == I; join the shard files with `ckptsim merge`.\n";

std::string human_seconds(double s) {
  if (s < 0) s = 0;
  const auto t = static_cast<int64_t>(s + 0.5);
  if (t >= 3600) return fmt::format("{}h{:02}m", t / 3600, (t % 3600) / 60);
  if (t >= 60) return fmt::format("{}m{:02}s", t / 60, t % 60);
  return fmt::format("{}s", t);
}

}  // namespace

// Writes the runs file, and for a complete table the points file and plots. Shared with merge.
int write_sweep_outputs(const std::string& out_path, const RunTable& table, bool complete,
                        const std::vector<std::string>& plots, const std::vector<std::string>& marks,
                        const std::string& title, const char* who) {
  try {
    auto open = [&](const std::string& path) {
      std::ofstream f(path, std::ios::binary);
      if (!f) throw std::runtime_error(fmt::format("cannot write {}", path));
      return f;
    };
    {
      auto f = open(out_path);
      write_runs(f, table);
      if (!f) throw std::runtime_error(fmt::format("cannot write {}", out_path));
    }
    if (complete) {
      auto f = open(sibling_path(out_path, ".points.csv"));
      write_points(f, table);
      for (const std::string& column : plots) {
        auto svg = open(sibling_path(out_path, "." + column + ".svg"));
        const std::string x = table.fingerprint_column() > table.first_key() ? table.header[table.first_key()] : "point";
        write_plot(svg, table, column, title.empty() ? fmt::format("{} against {}", column, x) : title, marks);
      }
    }
  } catch (const std::exception& e) {
    std::cerr << who << ": " << e.what() << "\n";
    return 2;
  }
  return 0;
}

// Checks --plot columns and --plot-mark values before anything runs.
bool check_plot_options(const RunTable& header_only, const std::vector<std::string>& plots,
                        const std::vector<std::string>& marks, const char* who) {
  for (const std::string& c : plots)
    if (!is_numeric_column(header_only, c)) {
      std::cerr << fmt::format("{}: --plot {}: not a numeric column; one of:", who, c);
      for (size_t i = header_only.first_numeric(); i < header_only.header.size(); ++i)
        std::cerr << " " << header_only.header[i];
      std::cerr << "\n";
      return false;
    }
  for (const std::string& m : marks)
    if (m.find('=') == std::string::npos || !value_number(m.substr(0, m.find('=')))) {
      std::cerr << fmt::format("{}: --plot-mark '{}': expected VALUE=LABEL with a number, duration, size or rate\n",
                               who, m);
      return false;
    }
  return true;
}

int sweep_command(const std::vector<std::string>& args) {
  const char* who = "ckptsim sweep";
  po::options_description opts("ckptsim sweep options");
  opts.add_options()("help,h", "show this help")(
      "vary", po::value<std::vector<std::string>>()->composing(), "key=v1,v2,... | key=A..B*F | key=A..B+S")(
      "replications", po::value<int64_t>()->default_value(1), "replications per grid point")(
      "jobs,j", po::value<int64_t>()->default_value(1), "threads")(
      "shard", po::value<std::string>(), "I/N: only the runs with index % N == I")(
      "run", po::value<int64_t>(), "only run N")(
      "list-runs", po::bool_switch(), "print run, point, replication, seed and overrides; run nothing")(
      "seed", po::value<uint64_t>(), "override the scenario's seed")(
      "set", po::value<std::vector<std::string>>()->composing(), "applied before the --vary values")(
      "out", po::value<std::string>(), "FILE.csv")(
      "plot", po::value<std::vector<std::string>>()->composing(), "write FILE.COLUMN.svg (whole sweeps)")(
      "plot-mark", po::value<std::vector<std::string>>()->composing(), "VALUE=LABEL: a vertical line in plots")(
      "plot-title", po::value<std::string>(), "title of the plots (default: COLUMN against KEY)")(
      "progress", po::bool_switch(), "a progress line on stderr even when it is not a terminal");
  po::variables_map vm;
  if (auto rc = parse_scenario_command(args, opts, who, kSweepUsage, vm)) return *rc;
  auto strings = [&](const char* name) {
    return vm.count(name) ? vm[name].as<std::vector<std::string>>() : std::vector<std::string>{};
  };
  const bool list_runs = vm["list-runs"].as<bool>();
  const int64_t jobs = vm["jobs"].as<int64_t>();
  if (jobs < 1 || jobs > 1024) {
    std::cerr << who << ": --jobs must be in 1..1024\n";
    return 2;
  }
  if (vm.count("shard") && vm.count("run")) {
    std::cerr << who << ": give --shard or --run, not both\n";
    return 2;
  }
  if (!list_runs && !vm.count("out")) {
    std::cerr << who << ": give --out FILE.csv (or --list-runs)\n" << kSweepUsage;
    return 2;
  }
  std::vector<Axis> axes;
  for (const std::string& v : strings("vary")) {
    auto a = parse_vary(v);
    if (auto* e = std::get_if<std::string>(&a)) {
      std::cerr << who << ": " << *e << "\n";
      return 2;
    }
    axes.push_back(std::get<Axis>(a));
  }
  std::optional<Grid> grid;
  try {
    grid.emplace(axes, vm["replications"].as<int64_t>());
  } catch (const std::exception& e) {
    std::cerr << who << ": " << e.what() << "\n";
    return 2;
  }
  Shard shard;
  if (vm.count("shard")) {
    auto s = parse_shard(vm["shard"].as<std::string>());
    if (auto* e = std::get_if<std::string>(&s)) {
      std::cerr << who << ": " << *e << "\n";
      return 2;
    }
    shard = std::get<Shard>(s);
  }
  std::vector<int64_t> selected;
  if (vm.count("run")) {
    const int64_t n = vm["run"].as<int64_t>();
    if (n < 0 || n >= grid->runs()) {
      std::cerr << fmt::format("{}: --run {}: the grid has runs 0..{}\n", who, n, grid->runs() - 1);
      return 2;
    }
    selected.push_back(n);
  } else {
    for (int64_t r = shard.index; r < grid->runs(); r += shard.count) selected.push_back(r);
  }
  const bool complete = static_cast<int64_t>(selected.size()) == grid->runs();
  const std::vector<std::string> plots = strings("plot"), marks = strings("plot-mark");
  RunTable table;
  table.header = run_header(grid->axes());
  if (!check_plot_options(table, plots, marks, who)) return 2;

  // Load every point that has a selected run before running any: a bad value writes nothing.
  const std::string scenario_path = vm["scenario"].as<std::string>();
  const std::vector<std::string> base = strings("set");
  std::optional<uint64_t> seed;
  if (vm.count("seed")) seed = vm["seed"].as<uint64_t>();
  std::vector<std::optional<LoadedScenario>> points(static_cast<size_t>(grid->points()));
  for (int64_t run : selected) {
    const int64_t p = grid->run(run).point;
    auto& slot = points[static_cast<size_t>(p)];
    if (slot) continue;
    std::vector<std::string> sets = base;
    for (auto& o : grid->overrides(p)) sets.push_back(o);
    slot = load_or_report(scenario_path, sets, seed);
    if (!slot) {
      std::string where;
      for (auto& o : grid->overrides(p)) where += " " + o;
      std::cerr << fmt::format("{}: grid point {} ({}) is not a valid scenario\n", who, p,
                               where.empty() ? " no overrides" : where.substr(1));
      return 2;
    }
  }

  if (list_runs) {
    std::cout << "run point replication seed overrides\n";
    for (int64_t run : selected) {
      const RunId id = grid->run(run);
      std::string sets;
      for (auto& o : grid->overrides(id.point)) sets += " " + o;
      std::cout << fmt::format("{} {} {} {}{}\n", id.run, id.point, id.replication,
                               points[static_cast<size_t>(id.point)]->scenario.seed, sets);
    }
    return 0;
  }

  // The output's directory is created (as `run --out` does) before any run, so a bad path
  // fails at once instead of after the sweep.
  {
    std::error_code ec;
    const auto parent = std::filesystem::path(vm["out"].as<std::string>()).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) {
      std::cerr << fmt::format("{}: cannot create {}: {}\n", who, parent.string(), ec.message());
      return 2;
    }
  }

  // Run on a pool of threads; rows are buffered by position and written in run order.
  std::vector<std::vector<std::string>> rows(selected.size());
  std::vector<std::string> errors(selected.size());
  std::atomic<size_t> next{0}, done{0};
  auto worker = [&] {
    for (size_t i; (i = next.fetch_add(1)) < selected.size(); done.fetch_add(1)) {
      const RunId id = grid->run(selected[i]);
      try {
        model::Scenario scenario = points[static_cast<size_t>(id.point)]->scenario;
        scenario.replication = static_cast<uint64_t>(id.replication);
        // A row reads the counts, metrics and summaries, never the per-checkpoint history.
        analysis::Recorder recorder(scenario, analysis::History::summary_only);
        model::Fanout fan;
        fan.add(recorder);
        simulate(scenario, fan, false);
        rows[i] = run_row(id, scenario.seed, grid->values(id.point), recorder);
      } catch (const std::exception& e) {
        errors[i] = fmt::format("run {}: {}", id.run, e.what());
      }
    }
  };
  const size_t nthreads = std::min<size_t>(static_cast<size_t>(jobs), std::max<size_t>(1, selected.size()));
  std::vector<std::thread> threads;
  for (size_t t = 0; t < nthreads; ++t) threads.emplace_back(worker);

  // The progress bar (wall-clock time only feeds this display, never a result).
  const bool tty = isatty(STDERR_FILENO) != 0;
  if (tty || vm["progress"].as<bool>()) {
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    auto last = start;
    const size_t total = selected.size();
    while (true) {
      const size_t d = done.load();
      const auto now = Clock::now();
      if (d >= total || now - last >= std::chrono::seconds(tty ? 0 : 5)) {
        last = now;
        const double wall = std::chrono::duration<double>(now - start).count();
        const double frac = total ? static_cast<double>(d) / static_cast<double>(total) : 1;
        const int width = 30, filled = static_cast<int>(frac * width);
        const std::string eta = d ? human_seconds(wall / static_cast<double>(d) * static_cast<double>(total - d)) : "?";
        std::cerr << fmt::format("{}[{}{}] {}/{} runs ({:.0f}%), {} elapsed, ETA {}{}", tty ? "\r" : "",
                                 std::string(static_cast<size_t>(filled), '#'),
                                 std::string(static_cast<size_t>(width - filled), '.'), d, total, 100 * frac,
                                 human_seconds(wall), eta, tty && d < total ? "\x1b[K" : "\n");
        if (d >= total) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
  for (auto& t : threads) t.join();
  for (const std::string& e : errors)
    if (!e.empty()) {
      std::cerr << who << ": " << e << "\n";
      return 2;
    }
  table.rows = std::move(rows);
  return write_sweep_outputs(vm["out"].as<std::string>(), table, complete, plots, marks,
                             vm.count("plot-title") ? vm["plot-title"].as<std::string>() : "", who);
}

}  // namespace ckptsim::cli
