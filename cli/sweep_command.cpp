// `ckptsim sweep`: a scenario over a cartesian grid of --vary values × R replications (common
// random numbers), on a pool of threads; results in run order, identical for any --jobs.
// The command in steps: read the request, select the runs, load their grid points (a bad
// value writes nothing), then list them, write a Slurm batch file, or run them.
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <thread>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/session.hpp"
#include "cli/sweep_grid.hpp"
#include "cli/sweep_outputs.hpp"
#include "cli/sweep_sbatch.hpp"
#include "cli/sweep_table.hpp"

namespace po = boost::program_options;

namespace ckptsim::cli {

namespace {

const char* kWho = "ckptsim sweep";

const char* kSweepUsage =
    "usage: ckptsim sweep SCENARIO --vary key=v1,v2,... [--vary ...] [--replications R] [--jobs N]\n"
    "                     [--shard I/N | --run N] [--skip-done] [--list-runs] [--seed N] [--set key=value]...\n"
    "                     --out FILE.csv [--plot COLUMN]... [--plot-mark VALUE=LABEL]...\n"
    "                     [--plot-title TEXT] [--progress] [--emit-sbatch FILE --shards N]\n"
    "values: lists (1min,2min), geometric ranges (1min..32min*2), arithmetic ranges\n"
    "        (1min..10min+1min); sizes, rates and plain numbers too.\n"
    "run index = point × R + replication (points in row-major order of the --vary options, the\n"
    "last varying fastest); replication r has the same seed at every point.\n"
    "writes FILE.csv (one row per run) and, for a whole sweep, FILE.points.csv (mean, stddev,\n"
    "95% CI per point) and FILE.COLUMN.svg for each --plot. --shard I/N runs the runs with\n"
    "index % N == I; join the shard files with `ckptsim merge`. --skip-done runs nothing when\n"
    "FILE.csv already holds exactly these runs. --emit-sbatch FILE --shards N writes a Slurm\n"
    "job array of N tasks (FILE.shard-I.csv, --jobs CPUs each) and prints how to submit and\n"
    "merge it; nothing runs.\n";

po::options_description sweep_options() {
  po::options_description opts("ckptsim sweep options");
  opts.add_options()("help,h", "show this help")(
      "vary", po::value<std::vector<std::string>>()->composing(), "key=v1,v2,... | key=A..B*F | key=A..B+S")(
      "replications", po::value<int64_t>()->default_value(1), "replications per grid point")(
      "jobs,j", po::value<int64_t>()->default_value(1), "threads (with --emit-sbatch: CPUs per array task)")(
      "shard", po::value<std::string>(), "I/N: only the runs with index % N == I")(
      "run", po::value<int64_t>(), "only run N")(
      "skip-done", po::bool_switch(), "run nothing when --out already holds exactly these runs")(
      "list-runs", po::bool_switch(), "print run, point, replication, seed and overrides; run nothing")(
      "seed", po::value<uint64_t>(), "override the scenario's seed")(
      "set", po::value<std::vector<std::string>>()->composing(), "applied before the --vary values")(
      "out", po::value<std::string>(), "FILE.csv")(
      "plot", po::value<std::vector<std::string>>()->composing(), "write FILE.COLUMN.svg (whole sweeps)")(
      "plot-mark", po::value<std::vector<std::string>>()->composing(), "VALUE=LABEL: a vertical line in plots")(
      "plot-title", po::value<std::string>(), "title of the plots (default: COLUMN against KEY)")(
      "progress", po::bool_switch(), "a progress line on stderr even when it is not a terminal")(
      "emit-sbatch", po::value<std::string>(), "FILE: write a Slurm job array of this sweep; run nothing")(
      "shards", po::value<int64_t>(), "N: the array's tasks (with --emit-sbatch)");
  return opts;
}

struct SweepRequest {
  std::string scenario;
  std::vector<std::string> vary, sets;  // as given
  std::optional<uint64_t> seed;
  std::optional<Grid> grid;
  int64_t jobs = 1;
  Shard shard;
  std::optional<int64_t> run;
  bool list_runs = false, skip_done = false, progress = false;
  std::string out;
  PlotOptions plots;
  std::string emit_sbatch;  // empty: run the sweep
  int64_t shards = 0;
};

bool fail(const std::string& message) {
  std::cerr << kWho << ": " << message << "\n";
  return false;
}

std::vector<std::string> strings(const po::variables_map& vm, const char* name) {
  return vm.count(name) ? vm[name].as<std::vector<std::string>>() : std::vector<std::string>{};
}

// The options that exclude each other or need another.
bool check_combinations(const po::variables_map& vm) {
  if (vm.count("shard") && vm.count("run")) return fail("give --shard or --run, not both");
  if (vm.count("emit-sbatch")) {
    for (const char* o : {"shard", "run", "list-runs", "skip-done"})
      if (vm.count(o) && !vm[o].defaulted()) return fail(fmt::format("--emit-sbatch runs nothing: drop --{}", o));
    if (!vm.count("shards")) return fail("--emit-sbatch needs --shards N (the array's tasks)");
    if (!vm.count("out")) return fail("--emit-sbatch needs --out FILE.csv (the merged file; shards are FILE.shard-I.csv)");
  } else if (vm.count("shards")) {
    return fail("--shards N goes with --emit-sbatch FILE (use --shard I/N to run one shard)");
  }
  if (!vm["list-runs"].as<bool>() && !vm.count("out")) {
    std::cerr << kWho << ": give --out FILE.csv (or --list-runs)\n" << kSweepUsage;
    return false;
  }
  return true;
}

bool read_grid(const po::variables_map& vm, SweepRequest& r) {
  std::vector<Axis> axes;
  for (const std::string& v : r.vary) {
    auto a = parse_vary(v);
    if (auto* e = std::get_if<std::string>(&a)) return fail(*e);
    axes.push_back(std::get<Axis>(a));
  }
  try {
    r.grid.emplace(axes, vm["replications"].as<int64_t>());
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  if (vm.count("shard")) {
    auto s = parse_shard(vm["shard"].as<std::string>());
    if (auto* e = std::get_if<std::string>(&s)) return fail(*e);
    r.shard = std::get<Shard>(s);
  }
  if (vm.count("run")) {
    r.run = vm["run"].as<int64_t>();
    if (*r.run < 0 || *r.run >= r.grid->runs())
      return fail(fmt::format("--run {}: the grid has runs 0..{}", *r.run, r.grid->runs() - 1));
  }
  if (vm.count("shards")) {
    r.shards = vm["shards"].as<int64_t>();
    if (r.shards < 1 || r.shards > r.grid->runs())
      return fail(fmt::format("--shards {}: the grid has {} runs; give 1..{}", r.shards, r.grid->runs(), r.grid->runs()));
  }
  return true;
}

std::optional<SweepRequest> read_request(const po::variables_map& vm) {
  if (!check_combinations(vm)) return std::nullopt;
  SweepRequest r;
  r.scenario = vm["scenario"].as<std::string>();
  r.vary = strings(vm, "vary");
  r.sets = strings(vm, "set");
  if (vm.count("seed")) r.seed = vm["seed"].as<uint64_t>();
  r.jobs = vm["jobs"].as<int64_t>();
  if (r.jobs < 1 || r.jobs > 1024) {
    fail("--jobs must be in 1..1024");
    return std::nullopt;
  }
  r.list_runs = vm["list-runs"].as<bool>();
  r.skip_done = vm["skip-done"].as<bool>();
  r.progress = vm["progress"].as<bool>();
  if (vm.count("out")) r.out = vm["out"].as<std::string>();
  r.plots = {strings(vm, "plot"), strings(vm, "plot-mark"),
             vm.count("plot-title") ? vm["plot-title"].as<std::string>() : ""};
  if (vm.count("emit-sbatch")) {
    r.emit_sbatch = vm["emit-sbatch"].as<std::string>();
    if (auto problem = sbatch_out_problem(r.out)) {
      fail(*problem);
      return std::nullopt;
    }
  }
  if (!read_grid(vm, r)) return std::nullopt;
  return r;
}

std::vector<int64_t> selected_runs(const SweepRequest& r) {
  if (r.run) return {*r.run};
  std::vector<int64_t> selected;
  for (int64_t run = r.shard.index; run < r.grid->runs(); run += r.shard.count) selected.push_back(run);
  return selected;
}

// The scenario of every grid point that has a selected run, loaded before any run.
using Points = std::vector<std::optional<LoadedScenario>>;

std::optional<Points> load_points(const SweepRequest& r, const std::vector<int64_t>& selected) {
  Points points(static_cast<size_t>(r.grid->points()));
  for (int64_t run : selected) {
    const int64_t p = r.grid->run(run).point;
    auto& slot = points[static_cast<size_t>(p)];
    if (slot) continue;
    std::vector<std::string> sets = r.sets;
    for (auto& o : r.grid->overrides(p)) sets.push_back(o);
    slot = load_or_report(r.scenario, sets, r.seed);
    if (!slot) {
      std::string where;
      for (auto& o : r.grid->overrides(p)) where += " " + o;
      fail(fmt::format("grid point {} ({}) is not a valid scenario", p, where.empty() ? "no overrides" : where.substr(1)));
      return std::nullopt;
    }
  }
  return points;
}

uint64_t seed_of(const Points& points, const RunId& id) { return points[static_cast<size_t>(id.point)]->scenario.seed; }

int list_runs(const Grid& grid, const Points& points, const std::vector<int64_t>& selected) {
  std::cout << "run point replication seed overrides\n";
  for (int64_t run : selected) {
    const RunId id = grid.run(run);
    std::string sets;
    for (auto& o : grid.overrides(id.point)) sets += " " + o;
    std::cout << fmt::format("{} {} {} {}{}\n", id.run, id.point, id.replication, seed_of(points, id), sets);
  }
  return 0;
}

int emit_sbatch(const SweepRequest& r, const Points& points, const std::string& program) {
  SbatchSweep s;
  s.program = program;
  s.scenario = r.scenario;
  for (const std::string& v : r.vary) s.options.insert(s.options.end(), {"--vary", v});
  s.options.insert(s.options.end(), {"--replications", fmt::format("{}", r.grid->replications())});
  if (r.seed) s.options.insert(s.options.end(), {"--seed", fmt::format("{}", *r.seed)});
  for (const std::string& v : r.sets) s.options.insert(s.options.end(), {"--set", v});
  s.out = r.out;
  std::string name = points.front() ? points.front()->scenario.name : "";
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') c = '-';
  s.job_name = name.empty() ? "ckptsim-sweep" : "ckptsim-" + name;
  s.shards = r.shards;
  s.cpus_per_task = r.jobs;
  s.runs = r.grid->runs();
  s.plots = r.plots;
  try {
    write_file_whole(r.emit_sbatch, [&](std::ostream& f) { f << sbatch_script(s, r.emit_sbatch); });
  } catch (const std::exception& e) {
    fail(e.what());
    return 2;
  }
  const int64_t per_task = (s.runs + s.shards - 1) / s.shards;
  std::cout << fmt::format("wrote {}: a Slurm job array of {} tasks, {} CPU{} and {}{} runs each ({} runs)\n",
                           r.emit_sbatch, s.shards, s.cpus_per_task, s.cpus_per_task == 1 ? "" : "s",
                           s.runs % s.shards ? "up to " : "", per_task, s.runs);
  std::cout << "submit it, and merge the shards once every task has succeeded:\n";
  for (const std::string& line : sbatch_submit_lines(s, r.emit_sbatch)) std::cout << "  " << line << "\n";
  if (s.shards > 1001)
    std::cerr << fmt::format("{}: note: {} tasks exceed Slurm's default MaxArraySize (1001)\n", kWho, s.shards);
  return 0;
}

// The output's directory is created (as `run --out` does) before any run, so a bad path fails
// at once instead of after the sweep.
bool create_out_directory(const std::string& out) {
  std::error_code ec;
  const auto parent = std::filesystem::path(out).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) return fail(fmt::format("cannot create {}: {}", parent.string(), ec.message()));
  return true;
}

// --skip-done: the rows already written when --out holds exactly the selected runs.
std::optional<RunTable> rows_done(const SweepRequest& r, const Points& points, const std::vector<int64_t>& selected,
                                  const RunTable& table) {
  std::error_code ec;
  if (!std::filesystem::exists(r.out, ec)) return std::nullopt;
  std::vector<std::vector<std::string>> identities;
  for (int64_t run : selected) {
    const RunId id = r.grid->run(run);
    identities.push_back(run_identity(id, seed_of(points, id), r.grid->values(id.point)));
  }
  auto done = read_complete_runs(r.out, table.header, identities);
  if (auto* why = std::get_if<std::string>(&done)) {
    std::cerr << fmt::format("{}: --skip-done: {}: running them again\n", kWho, *why);
    return std::nullopt;
  }
  std::cerr << fmt::format("{}: --skip-done: {} already holds its {} run{}: not run again\n", kWho, r.out,
                           selected.size(), selected.size() == 1 ? "" : "s");
  return std::get<RunTable>(std::move(done));
}

std::string human_seconds(double s) {
  if (s < 0) s = 0;
  const auto t = static_cast<int64_t>(s + 0.5);
  if (t >= 3600) return fmt::format("{}h{:02}m", t / 3600, (t % 3600) / 60);
  if (t >= 60) return fmt::format("{}m{:02}s", t / 60, t % 60);
  return fmt::format("{}s", t);
}

// The progress bar, until `done` reaches `total` (wall-clock time only feeds this display,
// never a result): redrawn on a terminal, a line every 5 s otherwise.
void show_progress(const std::atomic<size_t>& done, size_t total, bool tty) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  auto last = start;
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

// Runs the selected runs on a pool of threads; rows are buffered by position, so they come
// back in run order whatever the thread count. Empty (the error printed) when a run fails.
std::optional<std::vector<std::vector<std::string>>> run_selected(const SweepRequest& r, const Points& points,
                                                                  const std::vector<int64_t>& selected) {
  std::vector<std::vector<std::string>> rows(selected.size());
  std::vector<std::string> errors(selected.size());
  std::atomic<size_t> next{0}, done{0};
  auto worker = [&] {
    for (size_t i; (i = next.fetch_add(1)) < selected.size(); done.fetch_add(1)) {
      const RunId id = r.grid->run(selected[i]);
      try {
        model::Scenario scenario = points[static_cast<size_t>(id.point)]->scenario;
        scenario.replication = static_cast<uint64_t>(id.replication);
        // A row reads the counts, metrics and summaries, never the per-checkpoint history.
        analysis::Recorder recorder(scenario, analysis::History::summary_only);
        model::Fanout fan;
        fan.add(recorder);
        simulate(scenario, fan, false);
        rows[i] = run_row(id, scenario.seed, r.grid->values(id.point), recorder);
      } catch (const std::exception& e) {
        errors[i] = fmt::format("run {}: {}", id.run, e.what());
      }
    }
  };
  const size_t nthreads = std::min<size_t>(static_cast<size_t>(r.jobs), std::max<size_t>(1, selected.size()));
  std::vector<std::thread> threads;
  for (size_t t = 0; t < nthreads; ++t) threads.emplace_back(worker);
  const bool tty = isatty(STDERR_FILENO) != 0;
  if (tty || r.progress) show_progress(done, selected.size(), tty);
  for (auto& t : threads) t.join();
  for (const std::string& e : errors)
    if (!e.empty()) {
      fail(e);
      return std::nullopt;
    }
  return rows;
}

}  // namespace

int sweep_command(const std::vector<std::string>& args, const std::string& program) {
  po::variables_map vm;
  if (auto rc = parse_scenario_command(args, sweep_options(), kWho, kSweepUsage, vm)) return *rc;
  const std::optional<SweepRequest> request = read_request(vm);
  if (!request) return 2;
  const SweepRequest& r = *request;
  const std::vector<int64_t> selected = selected_runs(r);
  RunTable table;
  table.header = run_header(r.grid->axes());
  if (!check_plot_options(table, r.plots, kWho)) return 2;
  const std::optional<Points> points = load_points(r, selected);
  if (!points) return 2;
  if (r.list_runs) return list_runs(*r.grid, *points, selected);
  // The batch file's shards and logs go there: Slurm does not create an --output directory.
  if (!create_out_directory(r.out)) return 2;
  if (!r.emit_sbatch.empty()) return emit_sbatch(r, *points, program);
  const bool complete = static_cast<int64_t>(selected.size()) == r.grid->runs();
  if (r.skip_done)
    if (std::optional<RunTable> done = rows_done(r, *points, selected, table)) {
      // A shard's file stays as it is; a whole sweep's points and plots are drawn from it.
      return complete ? write_sweep_outputs(r.out, *done, true, r.plots, kWho) : 0;
    }
  auto rows = run_selected(r, *points, selected);
  if (!rows) return 2;
  table.rows = std::move(*rows);
  return write_sweep_outputs(r.out, table, complete, r.plots, kWho);
}

}  // namespace ckptsim::cli
