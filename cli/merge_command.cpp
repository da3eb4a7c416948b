// `ckptsim merge OUT.csv SHARD.csv...`: joins the runs files of `sweep --shard` (or `--run`),
// given in any order, into the files one unsharded sweep would have written (OUT.csv,
// OUT.points.csv, plots). Every missing or duplicated shard is named before anything is written.
#include <glob.h>

#include <filesystem>
#include <iostream>
#include <map>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/sweep_outputs.hpp"
#include "cli/sweep_shards.hpp"
#include "cli/sweep_table.hpp"

namespace po = boost::program_options;

namespace ckptsim::cli {

namespace {

const char* kWho = "ckptsim merge";

const char* kMergeUsage =
    "usage: ckptsim merge OUT.csv SHARD.csv... [--runs N] [--plot COLUMN]...\n"
    "                     [--plot-mark VALUE=LABEL]... [--plot-title TEXT]\n"
    "joins the runs files of `ckptsim sweep --shard I/N` (or --run N), in any order, into OUT.csv\n"
    "and OUT.points.csv, byte-identical to one unsharded sweep. Every run must be present exactly\n"
    "once; a missing or duplicated shard is named. --runs N also checks the total (ckptsim sweep\n"
    "... --list-runs | tail -n +2 | wc -l). A quoted pattern ('out/shard-*.csv') is expanded here.\n";

int fail(const std::string& message) {
  std::cerr << kWho << ": " << message << "\n";
  return 2;
}

// A shard argument that is no file but a pattern (quoted, or a glob the shell left as it is
// because nothing matched) is expanded here, in glob order.
std::variant<std::vector<std::string>, std::string> expand_patterns(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (const std::string& a : args) {
    std::error_code ec;
    if (std::filesystem::exists(a, ec) || a.find_first_of("*?[") == std::string::npos) {
      out.push_back(a);
      continue;
    }
    glob_t g{};
    const int rc = glob(a.c_str(), 0, nullptr, &g);
    if (rc == 0)
      for (size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
    globfree(&g);
    if (rc != 0) return fmt::format("no file matches '{}'", a);
  }
  return out;
}

struct Shards {
  RunTable merged;                                // the header; rows are added at the end
  std::vector<ShardFile> files;                   // each file's runs, for naming problems
  std::map<int64_t, std::vector<std::string>> by_run;  // the first row of each run
  std::map<int64_t, std::string> source;
};

// Reads every shard; 0, or the exit code with the error printed.
int read_shards(const std::string& out, const std::vector<std::string>& paths, Shards& s) {
  for (const std::string& path : paths) {
    if (path == out) return fail(fmt::format("{} is both the output and a shard", out));
    auto r = read_runs(path);
    if (auto* e = std::get_if<std::string>(&r)) return fail(*e);
    RunTable& t = std::get<RunTable>(r);
    if (s.merged.header.empty())
      s.merged.header = t.header;
    else if (t.header != s.merged.header)
      return fail(fmt::format("{} has other columns than {} (not shards of one sweep)", path, paths.front()));
    ShardFile file{path, {}};
    for (auto& row : t.rows) {
      const int64_t run = std::stoll(row[0]);
      file.runs.push_back(run);
      if (s.by_run.emplace(run, std::move(row)).second) s.source[run] = path;
    }
    s.files.push_back(std::move(file));
  }
  return 0;
}

// Runs numbered point × R + replication, with one set of --vary values per point.
int check_numbering(const Shards& s) {
  const int64_t n = static_cast<int64_t>(s.by_run.size());
  int64_t replications = 0;
  for (const auto& [run, row] : s.by_run) replications = std::max<int64_t>(replications, std::stoll(row[2]) + 1);
  std::map<int64_t, std::vector<std::string>> values_of;
  const size_t k0 = s.merged.first_key(), k1 = s.merged.fingerprint_column();
  for (const auto& [run, row] : s.by_run) {
    const int64_t point = std::stoll(row[1]), rep = std::stoll(row[2]);
    if (run != point * replications + rep)
      return fail(fmt::format("{}: run {} is point {} replication {}, not point × {} + replication",
                              s.source.at(run), run, point, rep, replications));
    std::vector<std::string> values(row.begin() + static_cast<std::ptrdiff_t>(k0),
                                    row.begin() + static_cast<std::ptrdiff_t>(k1));
    auto [it, inserted] = values_of.emplace(point, values);
    if (!inserted && it->second != values)
      return fail(fmt::format("{}: run {} has other --vary values than the rest of point {}", s.source.at(run), run,
                              point));
  }
  if (n % replications != 0)
    return fail(fmt::format("{} runs are not whole points of {} replications: a shard is missing", n, replications));
  return 0;
}

}  // namespace

int merge_command(const std::vector<std::string>& args) {
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
    std::cerr << kWho << ": " << e.what() << "\n" << kMergeUsage;
    return 2;
  }
  if (vm.count("help")) {
    std::cout << kMergeUsage << "\n" << opts;
    return 0;
  }
  auto strings = [&](const char* name) {
    return vm.count(name) ? vm[name].as<std::vector<std::string>>() : std::vector<std::string>{};
  };
  const auto files = strings("files");
  if (files.size() < 2) {
    std::cerr << kWho << ": give OUT.csv and at least one shard file\n" << kMergeUsage;
    return 2;
  }
  auto paths = expand_patterns({files.begin() + 1, files.end()});
  if (auto* e = std::get_if<std::string>(&paths)) return fail(*e);
  const std::string& out = files.front();
  Shards s;
  if (int rc = read_shards(out, std::get<std::vector<std::string>>(paths), s)) return rc;
  if (s.by_run.empty()) return fail("the shards hold no runs");
  // Without --runs the sweep's size is taken as the highest run + 1.
  const int64_t total = vm.count("runs") ? vm["runs"].as<int64_t>() : s.by_run.rbegin()->first + 1;
  const std::vector<std::string> problems = shard_problems(s.files, total);
  for (const std::string& p : problems) fail(p);
  if (!problems.empty()) {
    if (!vm.count("runs"))
      fail(fmt::format("(without --runs N the sweep is taken to end at run {}, the highest present)", total - 1));
    return 2;
  }
  if (int rc = check_numbering(s)) return rc;
  const PlotOptions plots{strings("plot"), strings("plot-mark"),
                          vm.count("plot-title") ? vm["plot-title"].as<std::string>() : ""};
  if (!check_plot_options(s.merged, plots, kWho)) return 2;
  for (auto& [run, row] : s.by_run) s.merged.rows.push_back(std::move(row));
  return write_sweep_outputs(out, s.merged, true, plots, kWho);
}

}  // namespace ckptsim::cli
