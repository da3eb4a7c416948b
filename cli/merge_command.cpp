// `ckptsim merge OUT.csv SHARD.csv...`: joins the runs files of `sweep --shard` (or `--run`)
// into the files one unsharded sweep would have written (OUT.csv, OUT.points.csv, plots).
#include <iostream>
#include <map>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/sweep_outputs.hpp"
#include "cli/sweep_table.hpp"

namespace po = boost::program_options;

namespace ckptsim::cli {

namespace {

const char* kMergeUsage =
    "usage: ckptsim merge OUT.csv SHARD.csv... [--runs N] [--plot COLUMN]...\n"
    "                     [--plot-mark VALUE=LABEL]... [--plot-title TEXT]\n"
    "joins the runs files of `ckptsim sweep --shard I/N` (or --run N) into OUT.csv and\n"
    "OUT.points.csv, byte-identical to one unsharded sweep. Every run must be present exactly\n"
    "once; --runs N also checks the total (ckptsim sweep ... --list-runs | tail -n +2 | wc -l).\n";

}  // namespace

int merge_command(const std::vector<std::string>& args) {
  const char* who = "ckptsim merge";
  po::options_description opts("ckptsim merge options");
  opts.add_options()("help,h", "show this help")(
      "runs", po::value<int64_t>(), "the expected number of runs")(
      "plot", po::value<std::vector<std::string>>()->composing(), "write OUT.COLUMN.svg")(
      "plot-mark", po::value<std::vector<std::string>>()->composing(), "VALUE=LABEL: a vertical line in plots")(
      "plot-title", po::value<std::string>(), "title of the plots (default: COLUMN against KEY)");
  po::options_description hidden;
  hidden.add_options()("files", po::value<std::vector<std::string>>());
  po::options_description all;
  all.add(opts).add(hidden);
  po::positional_options_description pos;
  pos.add("files", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << who << ": " << e.what() << "\n" << kMergeUsage;
    return 2;
  }
  if (vm.count("help")) {
    std::cout << kMergeUsage << "\n" << opts;
    return 0;
  }
  const auto files = vm.count("files") ? vm["files"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (files.size() < 2) {
    std::cerr << who << ": give OUT.csv and at least one shard file\n" << kMergeUsage;
    return 2;
  }
  auto strings = [&](const char* name) {
    return vm.count(name) ? vm[name].as<std::vector<std::string>>() : std::vector<std::string>{};
  };
  const std::string out = files.front();
  RunTable merged;
  std::map<int64_t, std::vector<std::string>> by_run;
  std::map<int64_t, std::string> source;
  for (size_t i = 1; i < files.size(); ++i) {
    if (files[i] == out) {
      std::cerr << fmt::format("{}: {} is both the output and a shard\n", who, out);
      return 2;
    }
    auto r = read_runs(files[i]);
    if (auto* e = std::get_if<std::string>(&r)) {
      std::cerr << who << ": " << *e << "\n";
      return 2;
    }
    RunTable& t = std::get<RunTable>(r);
    if (merged.header.empty()) {
      merged.header = t.header;
    } else if (t.header != merged.header) {
      std::cerr << fmt::format("{}: {} has other columns than {} (not shards of one sweep)\n", who, files[i], files[1]);
      return 2;
    }
    for (auto& row : t.rows) {
      const int64_t run = std::stoll(row[0]);
      if (source.count(run)) {
        std::cerr << fmt::format("{}: run {} is in both {} and {}\n", who, run, source[run], files[i]);
        return 2;
      }
      source[run] = files[i];
      by_run[run] = std::move(row);
    }
  }
  // Every run 0..n-1 exactly once, numbered point × R + replication, one set of values per point.
  const int64_t n = static_cast<int64_t>(by_run.size());
  if (n == 0 || by_run.rbegin()->first != n - 1) {
    std::cerr << fmt::format("{}: the shards hold {} runs but not runs 0..{}: a shard is missing\n", who, n, n - 1);
    return 2;
  }
  if (vm.count("runs") && vm["runs"].as<int64_t>() != n) {
    std::cerr << fmt::format("{}: the shards hold {} runs, expected {}\n", who, n, vm["runs"].as<int64_t>());
    return 2;
  }
  int64_t replications = 0;
  for (const auto& [run, row] : by_run) replications = std::max<int64_t>(replications, std::stoll(row[2]) + 1);
  std::map<int64_t, std::vector<std::string>> values_of;
  const size_t k0 = merged.first_key(), k1 = merged.fingerprint_column();
  for (const auto& [run, row] : by_run) {
    const int64_t point = std::stoll(row[1]), rep = std::stoll(row[2]);
    if (run != point * replications + rep) {
      std::cerr << fmt::format("{}: {}: run {} is point {} replication {}, not point × {} + replication\n", who,
                               source[run], run, point, rep, replications);
      return 2;
    }
    std::vector<std::string> values(row.begin() + static_cast<std::ptrdiff_t>(k0),
                                    row.begin() + static_cast<std::ptrdiff_t>(k1));
    auto [it, inserted] = values_of.emplace(point, values);
    if (!inserted && it->second != values) {
      std::cerr << fmt::format("{}: {}: run {} has other --vary values than the rest of point {}\n", who,
                               source[run], run, point);
      return 2;
    }
  }
  if (n % replications != 0) {
    std::cerr << fmt::format("{}: {} runs are not whole points of {} replications: a shard is missing\n", who, n,
                             replications);
    return 2;
  }
  const PlotOptions plots{strings("plot"), strings("plot-mark"),
                          vm.count("plot-title") ? vm["plot-title"].as<std::string>() : ""};
  if (!check_plot_options(merged, plots, who)) return 2;
  for (auto& [run, row] : by_run) merged.rows.push_back(std::move(row));
  return write_sweep_outputs(out, merged, true, plots, who);
}

}  // namespace ckptsim::cli
