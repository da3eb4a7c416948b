// Pins cli/sweep_grid.cpp (--vary values, run numbering, shards), cli/sweep_table.cpp (rows,
// point summaries, CSV) and analysis/stats.cpp (Student t), and the sweep's determinism.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "analysis/stats.hpp"
#include "cli/commands.hpp"
#include "cli/session.hpp"
#include "cli/sweep_grid.hpp"
#include "cli/sweep_outputs.hpp"
#include "cli/sweep_sbatch.hpp"
#include "cli/sweep_shards.hpp"
#include "cli/sweep_table.hpp"

using namespace ckptsim;
using namespace ckptsim::cli;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> values_of(const std::string& list) {
  auto r = expand_values(list);
  REQUIRE_MESSAGE(std::holds_alternative<std::vector<std::string>>(r), std::get<std::string>(r));
  return std::get<std::vector<std::string>>(r);
}

std::string error_of(const std::string& arg) {
  auto r = parse_vary(arg);
  REQUIRE(std::holds_alternative<std::string>(r));
  return std::get<std::string>(r);
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A small scenario with random failures, so replications differ.
const char* kScenario = R"(name: sweep-test
seed: 11
duration: 2h
job:
  operators:
    - {name: src, parallelism: 2, rate: 10MB/s}
    - {name: agg, parallelism: 2, capacity: 12MB/s, state: 1GB, sync_phase: 1s}
  edges:
    - {from: src, to: agg, partitioning: hash}
storage: {bandwidth: 100MB/s, latency: 50ms}
recovery: {download_bandwidth: 1GB/s, deploy: 10s}
checkpointing: {interval: 2min, timeout: 10min, tolerable_failed_checkpoints: 2}
failures: {task_mtbf: 30min, jobmanager_mtbf: none}
)";

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("ckptsim-sweep-test-" + std::to_string(getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
    std::ofstream(path / "s.yaml") << kScenario;
  }
  ~TempDir() { fs::remove_all(path); }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

std::vector<std::string> sweep_args(const TempDir& d, std::vector<std::string> extra) {
  std::vector<std::string> a{d / "s.yaml", "--vary", "checkpointing.interval=1min..4min*2",
                             "--vary", "storage.bandwidth=50MB/s,200MB/s", "--replications", "3"};
  a.insert(a.end(), extra.begin(), extra.end());
  return a;
}

}  // namespace

TEST_CASE("--vary lists and ranges") {
  CHECK(values_of("1min,2min,5min") == std::vector<std::string>{"1min", "2min", "5min"});
  CHECK(values_of("1min..32min*2") ==
        std::vector<std::string>{"1min", "2min", "4min", "8min", "16min", "32min"});
  CHECK(values_of("1min..10min+3min") == std::vector<std::string>{"1min", "4min", "7min", "10min"});
  CHECK(values_of("1min..11min+3min") == std::vector<std::string>{"1min", "4min", "7min", "10min"});
  CHECK(values_of("90s..3min+30s") == std::vector<std::string>{"1min30s", "2min", "2min30s", "3min"});
  CHECK(values_of("50MB/s..200MB/s*2") == std::vector<std::string>{"50MB/s", "100MB/s", "200MB/s"});
  CHECK(values_of("1GB..3GB+1GB") == std::vector<std::string>{"1GB", "2GB", "3GB"});
  CHECK(values_of("1..2+0.25") == std::vector<std::string>{"1", "1.25", "1.5", "1.75", "2"});
  CHECK(values_of("1..10*3") == std::vector<std::string>{"1", "3", "9"});
  CHECK(values_of("10s,1min..4min*2, 1h") == std::vector<std::string>{"10s", "1min", "2min", "4min", "1h"});
  CHECK(values_of("1min..1min*2") == std::vector<std::string>{"1min"});
  // Commas inside flow maps stay in the value.
  CHECK(values_of("{dist: uniform, min: 1s, max: 2s},3s") ==
        std::vector<std::string>{"{dist: uniform, min: 1s, max: 2s}", "3s"});
  auto a = std::get<Axis>(parse_vary("checkpointing.timeout=1min,2min"));
  CHECK(a.key == "checkpointing.timeout");
  CHECK(a.values.size() == 2);
}

TEST_CASE("--vary errors") {
  CHECK(error_of("checkpointing.timeout").find("expected key=") != std::string::npos);
  CHECK(error_of("=1min").find("key is empty") != std::string::npos);
  CHECK(error_of("k=1min,,2min").find("empty value") != std::string::npos);
  CHECK(error_of("k=").find("empty value") != std::string::npos);
  CHECK(error_of("k=1min..2GB+1min").find("is a duration but '2GB' is a size") != std::string::npos);
  CHECK(error_of("k=1min..8min*1").find("greater than 1") != std::string::npos);
  CHECK(error_of("k=1min..8min*x").find("greater than 1") != std::string::npos);
  CHECK(error_of("k=8min..1min+1min").find("must not exceed") != std::string::npos);
  CHECK(error_of("k=1min..8min+0s").find("positive") != std::string::npos);
  CHECK(error_of("k=1min..8min+1GB").find("must be a duration") != std::string::npos);
  CHECK(error_of("k=1min..8min").find("A..B*FACTOR") != std::string::npos);
  CHECK(error_of("k=1parsec..2parsec+1parsec").find("not a number, duration, size or rate") != std::string::npos);
  CHECK(error_of("k=0s..8min*2").find("0 < A") != std::string::npos);
  CHECK(error_of("k=1us..1000s+1us").find("more than") != std::string::npos);
  CHECK_THROWS(Grid({{"a", {"1"}}, {"a", {"2"}}}, 1));
  CHECK_THROWS(Grid({{"a", {"1"}}}, 0));
}

TEST_CASE("run numbering: point × R + replication, row-major, last axis fastest") {
  Grid g({{"a", {"1", "2", "3"}}, {"b", {"x", "y"}}}, 4);
  CHECK(g.points() == 6);
  CHECK(g.runs() == 24);
  const RunId r = g.run(13);
  CHECK(r.point == 3);
  CHECK(r.replication == 1);
  CHECK(g.values(3) == std::vector<std::string>{"2", "y"});
  CHECK(g.overrides(0) == std::vector<std::string>{"a=1", "b=x"});
  CHECK(g.overrides(1) == std::vector<std::string>{"a=1", "b=y"});
  CHECK(g.overrides(5) == std::vector<std::string>{"a=3", "b=y"});
  CHECK_THROWS(g.run(24));
  Grid none({}, 5);
  CHECK(none.points() == 1);
  CHECK(none.runs() == 5);
}

TEST_CASE("shards") {
  auto s = std::get<Shard>(parse_shard("2/5"));
  CHECK(s.index == 2);
  CHECK(s.count == 5);
  CHECK(s.contains(7));
  CHECK_FALSE(s.contains(8));
  CHECK(std::holds_alternative<std::string>(parse_shard("5/5")));
  CHECK(std::holds_alternative<std::string>(parse_shard("1/0")));
  CHECK(std::holds_alternative<std::string>(parse_shard("x/3")));
  CHECK(std::holds_alternative<std::string>(parse_shard("3")));
}

TEST_CASE("Student t quantiles and sample statistics") {
  using analysis::student_t_quantile;
  CHECK(student_t_quantile(0.975, 1) == doctest::Approx(12.706205).epsilon(1e-6));
  CHECK(student_t_quantile(0.975, 2) == doctest::Approx(4.302653).epsilon(1e-6));
  CHECK(student_t_quantile(0.975, 3) == doctest::Approx(3.182446).epsilon(1e-6));
  CHECK(student_t_quantile(0.975, 4) == doctest::Approx(2.776445).epsilon(1e-6));
  CHECK(student_t_quantile(0.975, 10) == doctest::Approx(2.228139).epsilon(1e-6));
  CHECK(student_t_quantile(0.975, 30) == doctest::Approx(2.042272).epsilon(1e-6));
  CHECK(student_t_quantile(0.975, 100) == doctest::Approx(1.983972).epsilon(1e-6));
  CHECK(student_t_quantile(0.975, 100000) == doctest::Approx(1.959988).epsilon(1e-6));
  CHECK(student_t_quantile(0.995, 5) == doctest::Approx(4.032143).epsilon(1e-6));
  CHECK(student_t_quantile(0.025, 10) == doctest::Approx(-2.228139).epsilon(1e-6));
  CHECK(student_t_quantile(0.5, 7) == 0);
  CHECK(analysis::student_t_cdf(2.2281388519649, 10) == doctest::Approx(0.975).epsilon(1e-9));
  CHECK_THROWS(student_t_quantile(0.975, 0));
  CHECK_THROWS(student_t_quantile(1.0, 3));

  auto s = analysis::sample_stats({2, 4, 4, 4, 5, 5, 7, 9});
  CHECK(s.n == 8);
  CHECK(s.mean == 5);
  CHECK(*s.stddev == doctest::Approx(std::sqrt(32.0 / 7)));
  const double half = 2.364624251592785 * std::sqrt(32.0 / 7) / std::sqrt(8.0);
  CHECK(*s.ci95_low == doctest::Approx(5 - half).epsilon(1e-9));
  CHECK(*s.ci95_high == doctest::Approx(5 + half).epsilon(1e-9));
  auto one = analysis::sample_stats({3});
  CHECK(one.mean == 3);
  CHECK_FALSE(one.stddev);
  CHECK_FALSE(one.ci95_low);
  CHECK(analysis::sample_stats({}).n == 0);
}

TEST_CASE("CSV fields round-trip") {
  std::vector<std::string> f{"a", "b,c", "say \"hi\"", "", "{x: 1, y: 2}"};
  auto back = parse_csv_line(csv_line(f));
  REQUIRE(std::holds_alternative<std::vector<std::string>>(back));
  CHECK(std::get<std::vector<std::string>>(back) == f);
  CHECK(std::holds_alternative<std::string>(parse_csv_line("\"open")));
  CHECK(sibling_path("out/study.csv", ".points.csv") == "out/study.points.csv");
  CHECK(sibling_path("study", ".points.csv") == "study.points.csv");
}

TEST_CASE("common random numbers: replication r has the same seed and streams at every point") {
  TempDir d;
  REQUIRE(sweep_command(sweep_args(d, {"--out", d / "all.csv"})) == 0);
  auto t = std::get<RunTable>(read_runs(d / "all.csv"));
  REQUIRE(t.rows.size() == 18);
  for (const auto& row : t.rows) CHECK(row[3] == "11");
  for (size_t i = 0; i < t.rows.size(); ++i) {
    CHECK(t.rows[i][0] == std::to_string(i));
    CHECK(t.rows[i][1] == std::to_string(i / 3));
    CHECK(t.rows[i][2] == std::to_string(i % 3));
  }
  // Replications differ (random failures), and replication 0 is the plain run of the scenario.
  CHECK(t.rows[0][t.fingerprint_column()] != t.rows[1][t.fingerprint_column()]);
  auto loaded = load_or_report(d / "s.yaml", {"checkpointing.interval=1min", "storage.bandwidth=50MB/s"}, std::nullopt);
  REQUIRE(loaded);
  analysis::Recorder rec(loaded->scenario);
  model::Fanout fan;
  fan.add(rec);
  simulate(loaded->scenario, fan, false);
  CHECK(rec.fingerprint() == t.rows[0][t.fingerprint_column()]);
  // The same failure times at two points (CRN): with the bandwidth irrelevant to a failure
  // draw, the failover count of replication r matches across bandwidths when no checkpoint
  // expires, whatever the point.
  const size_t failovers = t.fingerprint_column() + 2;
  CHECK(t.header[failovers] == "failovers");
  for (int r = 0; r < 3; ++r) CHECK(t.rows[static_cast<size_t>(r)][failovers] == t.rows[static_cast<size_t>(3 + r)][failovers]);
}

TEST_CASE("--jobs does not change the output; shards merge into the unsharded files") {
  TempDir d;
  REQUIRE(sweep_command(sweep_args(d, {"--out", d / "j1.csv", "--jobs", "1", "--plot", "completed"})) == 0);
  REQUIRE(sweep_command(sweep_args(d, {"--out", d / "j3.csv", "--jobs", "3", "--plot", "completed"})) == 0);
  CHECK(slurp(d / "j1.csv") == slurp(d / "j3.csv"));
  CHECK(slurp(d / "j1.points.csv") == slurp(d / "j3.points.csv"));
  CHECK(slurp(d / "j1.completed.svg") == slurp(d / "j3.completed.svg"));
  for (int i = 0; i < 4; ++i)
    REQUIRE(sweep_command(sweep_args(d, {"--out", d / ("shard" + std::to_string(i) + ".csv"), "--shard",
                                         std::to_string(i) + "/4", "--jobs", "2"})) == 0);
  CHECK_FALSE(fs::exists(d / "shard0.points.csv"));
  REQUIRE(merge_command({d / "merged.csv", d / "shard2.csv", d / "shard0.csv", d / "shard3.csv", d / "shard1.csv",
                         "--runs", "18", "--plot", "completed"}) == 0);
  CHECK(slurp(d / "merged.csv") == slurp(d / "j1.csv"));
  CHECK(slurp(d / "merged.points.csv") == slurp(d / "j1.points.csv"));
  CHECK(slurp(d / "merged.completed.svg") == slurp(d / "j1.completed.svg"));
  // A single --run is a shard of one row.
  REQUIRE(sweep_command(sweep_args(d, {"--out", d / "run7.csv", "--run", "7"})) == 0);
  auto one = std::get<RunTable>(read_runs(d / "run7.csv"));
  auto all = std::get<RunTable>(read_runs(d / "j1.csv"));
  REQUIRE(one.rows.size() == 1);
  CHECK(one.rows[0] == all.rows[7]);
  // A missing shard, a duplicate, a wrong total: exit 2 and nothing written.
  CHECK(merge_command({d / "bad.csv", d / "shard0.csv", d / "shard1.csv", d / "shard2.csv"}) == 2);
  CHECK(merge_command({d / "bad.csv", d / "shard0.csv", d / "shard0.csv"}) == 2);
  CHECK(merge_command({d / "bad.csv", d / "shard0.csv", d / "shard1.csv", d / "shard2.csv", d / "shard3.csv",
                       "--runs", "20"}) == 2);
  CHECK_FALSE(fs::exists(d / "bad.csv"));
}

TEST_CASE("a bad grid value fails before anything runs or is written") {
  TempDir d;
  CHECK(sweep_command({d / "s.yaml", "--vary", "checkpointing.interval=1min,-5min", "--out", d / "x.csv"}) == 2);
  CHECK(sweep_command({d / "s.yaml", "--vary", "checkpointing.intervall=1min", "--out", d / "x.csv"}) == 2);
  CHECK(sweep_command({d / "s.yaml", "--vary", "checkpointing.interval=1min", "--out", d / "x.csv",
                       "--plot", "nonsense"}) == 2);
  CHECK(sweep_command({d / "s.yaml", "--vary", "checkpointing.interval=1min", "--run", "1", "--out", d / "x.csv"}) == 2);
  CHECK(sweep_command({d / "s.yaml", "--vary", "checkpointing.interval=1min", "--jobs", "0", "--out", d / "x.csv"}) == 2);
  CHECK_FALSE(fs::exists(d / "x.csv"));
}

TEST_CASE("merge names each missing or duplicated shard") {
  // Shards of 10 runs over 4: 0 -> 0,4,8; 1 -> 1,5,9; 2 -> 2,6; 3 -> 3,7.
  const ShardFile s0{"s0.csv", {0, 4, 8}}, s1{"s1.csv", {1, 5, 9}}, s2{"s2.csv", {2, 6}}, s3{"s3.csv", {3, 7}};
  CHECK(shard_count({s0, s1, s2, s3}) == 4);
  CHECK(shard_problems({s2, s0, s3, s1}, 10).empty());  // any order
  CHECK(shard_problems({s0, s1, s3}, 10) ==
        std::vector<std::string>{"shard 2/4 is missing: no file holds its runs 2, 6 (rerun it with --shard 2/4)"});
  CHECK(shard_problems({s0, s1, s2}, 10) ==
        std::vector<std::string>{"shard 3/4 is missing: no file holds its runs 3, 7 (rerun it with --shard 3/4)"});
  const ShardFile cut{"cut.csv", {1, 5}};
  CHECK(shard_problems({s0, cut, s2, s3}, 10) ==
        std::vector<std::string>{
            "cut.csv holds 2 of the 3 runs of shard 1/4: run 9 missing (rerun it with --shard 1/4)"});
  const ShardFile copy{"copy.csv", {2, 6}};
  CHECK(shard_problems({s0, s1, s2, s3, copy}, 10) ==
        std::vector<std::string>{"s2.csv and copy.csv are the same shard (runs 2, 6): give it once"});
  CHECK(shard_problems({s0, s1, s2, s3, s2}, 10) == std::vector<std::string>{"s2.csv is given twice"});
  // Files of another shard count overlap: named by their runs.
  const ShardFile other{"other.csv", {0, 5}};
  CHECK_FALSE(shard_count({s0, other}));
  CHECK(shard_problems({s0, s1, s2, s3, other}, 10) ==
        std::vector<std::string>{"s0.csv and other.csv both hold run 0", "s1.csv and other.csv both hold run 5"});
  // Files of --run N (one run each): the missing runs.
  CHECK(shard_problems({{"r0", {0}}, {"r2", {2}}, {"r3", {3}}}, 12) ==
        std::vector<std::string>{"9 of the 12 runs are missing: runs 1, 4, 5, 6, 7, 8, 9, 10 and 1 more"});
  CHECK(shard_problems({s0, s1, s2, s3}, 8) ==
        std::vector<std::string>{"s0.csv holds run 8, past the sweep's 8 runs (0..7)",
                                 "s1.csv holds run 9, past the sweep's 8 runs (0..7)"});
}

TEST_CASE("--skip-done: a runs file is complete only byte for byte") {
  TempDir d;
  REQUIRE(sweep_command(sweep_args(d, {"--out", d / "s1.csv", "--shard", "1/4"})) == 0);
  const std::string whole = slurp(d / "s1.csv");
  const RunTable t = std::get<RunTable>(read_runs(d / "s1.csv"));
  REQUIRE(t.rows.size() == 5);  // runs 1, 5, 9, 13, 17
  std::vector<std::vector<std::string>> ids;
  for (const auto& row : t.rows) ids.emplace_back(row.begin(), row.begin() + static_cast<std::ptrdiff_t>(t.fingerprint_column()));
  auto complete = [&](const std::string& text) {
    std::ofstream(d / "x.csv", std::ios::binary) << text;
    auto r = read_complete_runs(d / "x.csv", t.header, ids);
    return std::holds_alternative<RunTable>(r) ? std::string("complete") : std::get<std::string>(r);
  };
  CHECK(complete(whole) == "complete");
  const size_t last_line = whole.rfind('\n', whole.size() - 2) + 1;
  CHECK(complete(whole.substr(0, last_line)) == d / "x.csv" + ": 4 of the 5 runs");          // cut at a line end
  CHECK(complete(whole.substr(0, whole.size() - 1)) == d / "x.csv" + ": not in the form sweep writes");  // no last newline
  CHECK(complete(whole + "\n") == d / "x.csv" + ": not in the form sweep writes");  // a blank line
  CHECK(complete(whole.substr(0, last_line + 30)).find("fields, the header has") != std::string::npos);  // mid-line
  CHECK(complete(t.header.front()) == d / "x.csv" + ":1: not a ckptsim sweep runs file (header run,point,replication,seed,...)");
  auto other_seed = ids;
  other_seed[2][3] = "12";
  std::ofstream(d / "x.csv", std::ios::binary) << whole;
  CHECK(std::get<std::string>(read_complete_runs(d / "x.csv", t.header, other_seed)) ==
        d / "x.csv" + ": row 3 is seed 11, this sweep's is 12");
  // The command: a complete shard is left alone, a cut one runs again to the same bytes.
  std::ofstream(d / "s1.csv", std::ios::binary) << whole.substr(0, last_line);
  REQUIRE(sweep_command(sweep_args(d, {"--out", d / "s1.csv", "--shard", "1/4", "--skip-done"})) == 0);
  CHECK(slurp(d / "s1.csv") == whole);
  fs::last_write_time(d / "s1.csv", fs::file_time_type{});
  REQUIRE(sweep_command(sweep_args(d, {"--out", d / "s1.csv", "--shard", "1/4", "--skip-done"})) == 0);
  CHECK(fs::last_write_time(d / "s1.csv") == fs::file_time_type{});
}

TEST_CASE("shell words") {
  CHECK(shell_quote("checkpointing.interval=1min,2min") == "checkpointing.interval=1min,2min");
  CHECK(shell_quote("storage.bandwidth=50MB/s..200MB/s+50MB/s") == "storage.bandwidth=50MB/s..200MB/s+50MB/s");
  CHECK(shell_quote("k=1min..32min*2") == "'k=1min..32min*2'");
  CHECK(shell_quote("it's") == "'it'\\''s'");
  CHECK(shell_quote("a b") == "'a b'");
  CHECK(shell_quote("$HOME") == "'$HOME'");
  CHECK(shell_quote("") == "''");
}

TEST_CASE("--emit-sbatch writes the job array of the sweep and runs nothing") {
  TempDir d;
  const std::string file = d / "study.sbatch", out = d / "o/study.csv", s = d / "s.yaml";
  REQUIRE(sweep_command(sweep_args(d, {"--out", out, "--jobs", "2", "--shards", "4", "--set", "seed=5",
                                       "--plot", "completed", "--emit-sbatch", file}),
                        "build/cli/ckptsim") == 0);
  CHECK_FALSE(fs::exists(out));
  CHECK(fs::is_directory(d / "o"));  // Slurm opens the tasks' logs there
  const std::string merge = fmt::format(
      "sbatch --dependency=afterok:$jid --output={0}/o/study.merge.log --wrap 'build/cli/ckptsim merge "
      "{0}/o/study.csv {0}/o/study.shard-*.csv --runs 18 --plot completed'",
      d.path.string());
  CHECK(slurp(file) == fmt::format(R"(#!/bin/bash
# ckptsim sweep as a Slurm job array: task I runs shard I/4 of the 18 runs into
# {0}/o/study.shard-I.csv. Written by `ckptsim sweep --emit-sbatch`; paths are relative to the
# directory sbatch is run from. A task whose shard file is complete does not run it again
# (--skip-done): after a failure, submit the same file again. Submit, then merge:
#   jid=$(sbatch --parsable {0}/study.sbatch)
#   {1}
#SBATCH --job-name=ckptsim-sweep-test
#SBATCH --array=0-3
#SBATCH --cpus-per-task=2
#SBATCH --output={0}/o/study.shard-%a.log
: "${{SLURM_ARRAY_TASK_ID:?this file is a Slurm job array: submit it with sbatch}}"
exec build/cli/ckptsim sweep {0}/s.yaml \
  --vary 'checkpointing.interval=1min..4min*2' \
  --vary storage.bandwidth=50MB/s,200MB/s \
  --replications 3 \
  --set seed=5 \
  --jobs "$SLURM_CPUS_PER_TASK" --skip-done --progress \
  --shard "$SLURM_ARRAY_TASK_ID/4" --out "{0}/o/study.shard-$SLURM_ARRAY_TASK_ID.csv"
)",
                                   d.path.string(), merge));
  // Usage errors: exit 2, no file.
  fs::remove(file);
  CHECK(sweep_command(sweep_args(d, {"--out", out, "--emit-sbatch", file})) == 2);  // no --shards
  CHECK(sweep_command(sweep_args(d, {"--out", out, "--shards", "19", "--emit-sbatch", file})) == 2);
  CHECK(sweep_command(sweep_args(d, {"--out", out, "--shards", "2", "--shard", "0/2", "--emit-sbatch", file})) == 2);
  CHECK(sweep_command(sweep_args(d, {"--out", out, "--shards", "2", "--skip-done", "--emit-sbatch", file})) == 2);
  CHECK(sweep_command(sweep_args(d, {"--out", d / "a b.csv", "--shards", "2", "--emit-sbatch", file})) == 2);
  CHECK(sweep_command(sweep_args(d, {"--out", out, "--shards", "2"})) == 2);  // --shards alone
  CHECK_FALSE(fs::exists(file));
}
