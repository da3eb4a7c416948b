// Model throughput: whole scenarios through model::run_scenario with an analysis::Recorder,
// each repetition in its own child process (so that ru_maxrss is that configuration's peak).
//
//   bench_model [--scenarios DIR] [--repeat K] [--section all|throughput|idle|scaling|memory]
//
// Sections:
//   throughput  (a) chain at parallelism 1, 1 day; (b) 3 operators at parallelism 128 with two
//               hash shuffles, 1 day; (c) parallelism 1024, one hash shuffle, 1 hour. All at a
//               10 s interval. Recorder only.
//   idle        the same checkpoints over 10x the virtual time (interval and duration x10,
//               scripted events removed): cost must not grow with waiting.
//   scaling     the (b) shape at parallelism 16..256 for 1 hour: cost per checkpoint against
//               subtasks + channels.
//   memory      peak RSS with summary.json, history.csv and timeline.svg written to a temp
//               directory (as `ckptsim run --out`): 1 day against 30 days.
// Every cell prints the median over K runs of wall time, simulated checkpoints per wall
// second, virtual-time speed-up, domain-kernel events per second and peak RSS. Wall-clock time
// is measured here only; it never feeds a simulation result.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "analysis/history_csv.hpp"
#include "analysis/recorder.hpp"
#include "analysis/summary_json.hpp"
#include "analysis/timeline_svg.hpp"
#include "cli/session.hpp"
#include "model/job.hpp"
#include "sim/units.hpp"

using namespace ckptsim;

namespace {

struct Config {
  std::string label;
  model::Scenario scenario;
  bool outputs = false;  // stream summary.json, history.csv, timeline.svg to a temp dir
};

struct Sample {
  double wall = 0;          // seconds, run (and outputs) only
  int64_t checkpoints = 0;  // history entries
  uint64_t events = 0;      // kernel events run
  long maxrss_kb = 0;
};

// Runs in the child: simulate, optionally write the outputs, report on `fd`.
void child_run(const Config& c, int fd) {
  const auto t0 = std::chrono::steady_clock::now();
  analysis::Recorder rec(c.scenario);
  int64_t checkpoints = 0;
  if (c.outputs) {
    analysis::TimelineSvg timeline(c.scenario);
    model::Fanout fan;
    fan.add(rec);
    fan.add(timeline);
    model::run_scenario(c.scenario, fan);
    char tmpl[] = "/tmp/bench_model.XXXXXX";
    const char* dir = mkdtemp(tmpl);
    if (!dir) std::_Exit(3);
    const std::filesystem::path d(dir);
    {
      std::ofstream s(d / "summary.json", std::ios::binary);
      analysis::write_summary_json(s, rec);
      std::ofstream h(d / "history.csv", std::ios::binary);
      analysis::write_history_csv(h, rec);
      std::ofstream t(d / "timeline.svg", std::ios::binary);
      analysis::write_timeline_svg(t, timeline);
    }
    std::filesystem::remove_all(d);
  } else {
    model::run_scenario(c.scenario, rec);
  }
  checkpoints = rec.counts().total;
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const std::string msg = fmt::format("{} {} {}\n", wall, checkpoints, rec.events_run());
  if (write(fd, msg.data(), msg.size()) < 0) std::_Exit(4);
}

Sample run_once(const Config& c) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe");
  std::cout.flush();
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork");
  if (pid == 0) {
    close(fds[0]);
    child_run(c, fds[1]);
    std::_Exit(0);
  }
  close(fds[1]);
  std::string text;
  char buf[256];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  struct rusage ru {};
  wait4(pid, &status, 0, &ru);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error(fmt::format("{}: child failed (status {})", c.label, status));
  Sample s;
  if (std::sscanf(text.c_str(), "%lf %ld %lu", &s.wall, &s.checkpoints, &s.events) != 3)
    throw std::runtime_error(c.label + ": bad child report");
  s.maxrss_kb = ru.ru_maxrss;
  return s;
}

template <class T>
T median(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct Result {
  double wall, min_wall, max_wall;
  int64_t checkpoints;
  uint64_t events;
  long maxrss_kb;
  double virtual_s;
};

Result measure(const Config& c, int repeat) {
  std::vector<double> walls;
  std::vector<long> rss;
  Sample last;
  for (int i = 0; i < repeat; ++i) {
    last = run_once(c);
    walls.push_back(last.wall);
    rss.push_back(last.maxrss_kb);
  }
  return {median(walls), *std::min_element(walls.begin(), walls.end()),
          *std::max_element(walls.begin(), walls.end()), last.checkpoints, last.events, median(rss),
          static_cast<double>(c.scenario.duration) / 1e6};
}

int64_t subtasks(const model::Scenario& s) {
  int64_t n = 0;
  for (const auto& o : s.operators) n += o.parallelism;
  return n;
}

int64_t channels(const model::Scenario& s) {
  int64_t n = 0;
  for (const auto& e : s.edges) {
    int p_from = 0, p_to = 0;
    for (const auto& o : s.operators) {
      if (o.name == e.from) p_from = o.parallelism;
      if (o.name == e.to) p_to = o.parallelism;
    }
    n += e.partitioning == model::Partitioning::forward ? p_from
                                                         : static_cast<int64_t>(p_from) * p_to;
  }
  return n;
}

void header() {
  fmt::print("| {:<34} | {:>8} | {:>6} | {:>21} | {:>10} | {:>9} | {:>7} | {:>7} |\n", "config",
             "units", "ckpts", "wall s [min - max]", "ckpts/s", "speed-up", "M ev/s", "RSS MB");
  fmt::print("|{:-<36}|{:->10}|{:->8}|{:->23}|{:->12}|{:->11}|{:->9}|{:->9}|\n", "", "", "", "",
             "", "", "", "");
}

Result row(const Config& c, int repeat) {
  const Result r = measure(c, repeat);
  fmt::print("| {:<34} | {:>8} | {:>6} | {:>7.3f} [{:.3f} - {:.3f}] | {:>10.0f} | {:>9.3g} | {:>7.2f} | {:>7.1f} |\n",
             c.label, subtasks(c.scenario) + channels(c.scenario), r.checkpoints, r.wall,
             r.min_wall, r.max_wall, static_cast<double>(r.checkpoints) / r.wall,
             r.virtual_s / r.wall, static_cast<double>(r.events) / r.wall / 1e6,
             static_cast<double>(r.maxrss_kb) / 1024.0);
  std::cout.flush();
  return r;
}

model::Scenario load(const std::string& dir, const std::string& file,
                     const std::vector<std::string>& sets = {}) {
  auto loaded = cli::load_or_report(dir + "/" + file, sets, std::nullopt);
  if (!loaded) std::exit(2);
  return loaded->scenario;
}

// Same checkpoints, 10x the virtual time: interval and duration x10, no scripted events.
Config stretched(Config c, int factor) {
  c.scenario.events.clear();
  c.scenario.duration *= factor;
  c.scenario.checkpointing.interval *= factor;
  c.scenario.checkpointing.timeout *= factor;
  c.label += fmt::format(" x{} idle", factor);
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = "bench/scenarios", section = "all";
  int repeat = 5;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--scenarios" && i + 1 < argc) dir = argv[++i];
    else if (a == "--repeat" && i + 1 < argc) repeat = std::max(1, std::atoi(argv[++i]));
    else if (a == "--section" && i + 1 < argc) section = argv[++i];
    else {
      std::cerr << "usage: bench_model [--scenarios DIR] [--repeat K] "
                   "[--section all|throughput|idle|scaling|memory]\n";
      return 2;
    }
  }
  const bool all = section == "all";
  fmt::print("bench_model: median of {} runs per row, each in a child process; units = subtasks "
             "+ channels; speed-up = virtual time / wall time; RSS = peak (ru_maxrss)\n\n",
             repeat);

  if (all || section == "throughput") {
    fmt::print("## throughput (recorder only)\n\n");
    header();
    row({"(a) chain p1, 1 day", load(dir, "chain.yaml")}, repeat);
    row({"(b) 3 ops p128, 2 hash, 1 day", load(dir, "p128.yaml")}, repeat);
    row({"(c) p1024, 1 hash, 1 hour", load(dir, "p1024.yaml")}, repeat);
    fmt::print("\n");
  }
  if (all || section == "idle") {
    fmt::print("## idle virtual time (same checkpoints, 10x the waiting; no scripted events)\n\n");
    header();
    Config a{"(a) chain p1, 1 day", load(dir, "chain.yaml")};
    a.scenario.events.clear();
    row(a, repeat);
    row(stretched(a, 10), repeat);
    Config b{"(b) p128, 2 hours", load(dir, "p128.yaml", {"duration=2h"})};
    row(b, repeat);
    row(stretched(b, 10), repeat);
    fmt::print("\n");
  }
  if (all || section == "scaling") {
    fmt::print("## scaling: (b) shape, 1 hour at 10 s\n\n");
    fmt::print("| {:>5} | {:>8} | {:>6} | {:>10} | {:>14} | {:>18} |\n", "p", "units", "ckpts",
               "wall s", "µs / ckpt", "ns / ckpt / unit");
    fmt::print("|{:->7}|{:->10}|{:->8}|{:->12}|{:->16}|{:->20}|\n", "", "", "", "", "", "");
    for (int p : {16, 32, 64, 128, 256, 512}) {
      Config c{fmt::format("p{}", p), load(dir, "p128.yaml", {"duration=1h"})};
      for (auto& o : c.scenario.operators) o.parallelism = p;
      const Result r = measure(c, repeat);
      const int64_t units = subtasks(c.scenario) + channels(c.scenario);
      const double us = r.wall * 1e6 / static_cast<double>(r.checkpoints);
      fmt::print("| {:>5} | {:>8} | {:>6} | {:>10.3f} | {:>14.1f} | {:>18.2f} |\n", p, units,
                 r.checkpoints, r.wall, us, us * 1000 / static_cast<double>(units));
      std::cout.flush();
    }
    fmt::print("\n");
  }
  if (all || section == "memory") {
    fmt::print("## peak RSS, outputs streamed to files (summary.json, history.csv, timeline.svg)\n\n");
    header();
    for (const char* d : {"1d", "30d"}) {
      Config c{fmt::format("(a) chain p1, {}, --out", d),
               load(dir, "chain.yaml", {fmt::format("duration={}", d)}), true};
      row(c, repeat);
    }
    for (const char* d : {"1d", "7d"}) {
      Config c{fmt::format("(b) p128, {}, --out", d),
               load(dir, "p128.yaml", {fmt::format("duration={}", d)}), true};
      row(c, std::min(repeat, 3));
    }
    fmt::print("\n");
  }
  return 0;
}
