// Event-queue benchmark for sim::Simulation (see bench/README.md).
//
//   hold   The classic hold model: N pending events; each executed event schedules one new
//          event at now + Exp(mean 1000 us). Measured against a plain std::priority_queue of
//          (time, seq, callback index) running the very same model (both end on the same clock,
//          which the benchmark checks).
//   rearm  N armed Timers; each step re-arms a random one to a random later time.
//
// The exponential increments and timer indices are drawn from a sim::RandomStream into a
// 64 Ki-entry table before timing and then cycled, so the loops measure the queue rather than
// std::log. Wall-clock time (steady_clock) is used here only, never in simulation results.
// `--clock cpu` divides by the thread's CPU time instead, which is the fairer measure when the
// machine is shared (time slices lost to other processes are not counted; cache pollution is).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <queue>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "sim/rng.hpp"
#include "sim/simulation.hpp"

using namespace ckptsim::sim;

namespace {

constexpr size_t kTable = 1 << 16;
constexpr double kMeanIncrement = 1000.0;  // microseconds

struct Tables {
  std::vector<int64_t> increments;  // Exp(1000 us), truncated to whole microseconds
  Tables() {
    RandomStream rng(1, 0, "bench/increments");
    increments.resize(kTable);
    for (auto& x : increments) x = static_cast<int64_t>(rng.exponential(kMeanIncrement));
  }
  int64_t inc(uint64_t i) const { return increments[i & (kTable - 1)]; }
};

bool g_cpu_clock = false;

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Wall-clock (steady_clock) or thread CPU time, as chosen by --clock.
struct Stopwatch {
  std::chrono::steady_clock::time_point wall0 = std::chrono::steady_clock::now();
  double cpu0 = thread_cpu_seconds();
  double seconds() const {
    if (g_cpu_clock) return thread_cpu_seconds() - cpu0;
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  }
};

struct Result {
  double rate = 0;  // operations per second
  Time end_clock = 0;
};

// ---- hold model on sim::Simulation -------------------------------------------------------
struct SimHold {
  Simulation sim;
  const Tables* tables;
  uint64_t draw = 0;
  uint64_t executed = 0;
  uint64_t limit = 0;
};

struct Fire {
  SimHold* h;
  void operator()() const {
    SimHold& s = *h;
    s.sim.after(s.tables->inc(s.draw++), Fire{h});
    if (++s.executed == s.limit) s.sim.stop();
  }
};

Result run_sim_hold(const Tables& tables, size_t n, uint64_t events) {
  SimHold h;
  h.tables = &tables;
  for (size_t i = 0; i < n; ++i) h.sim.at(tables.inc(h.draw++), Fire{&h});
  h.limit = events;
  const Stopwatch watch;
  h.sim.run_until(kNever);
  const double s = watch.seconds();
  if (h.executed != events || h.sim.pending() != n) {
    fmt::print(stderr, "ckptsim hold model: ran {} of {}, {} pending\n", h.executed, events,
               h.sim.pending());
    std::exit(1);
  }
  return {static_cast<double>(events) / s, h.sim.now()};
}

// ---- the same hold model on std::priority_queue ------------------------------------------
struct PqEntry {
  Time time;
  uint64_t seq;
  uint32_t callback;
};
struct PqLater {
  bool operator()(const PqEntry& a, const PqEntry& b) const {
    return a.time > b.time || (a.time == b.time && a.seq > b.seq);
  }
};
struct PqHold;
using Callback = void (*)(PqHold&);
struct PqHold {
  std::priority_queue<PqEntry, std::vector<PqEntry>, PqLater> queue;
  const Tables* tables;
  Time now = 0;
  uint64_t seq = 0;
  uint64_t draw = 0;
  void schedule(Time when, uint32_t cb) { queue.push({when, seq++, cb}); }
};
void pq_fire(PqHold& h) { h.schedule(h.now + h.tables->inc(h.draw++), static_cast<uint32_t>(h.seq & 3)); }
// Four identical callbacks called through a table: an indirect call per event, as Action does.
const Callback kCallbacks[4] = {pq_fire, pq_fire, pq_fire, pq_fire};

Result run_pq_hold(const Tables& tables, size_t n, uint64_t events) {
  PqHold h;
  h.tables = &tables;
  {
    std::vector<PqEntry> storage;
    storage.reserve(n + 1);
    h.queue = decltype(h.queue)(PqLater{}, std::move(storage));
  }
  for (size_t i = 0; i < n; ++i) h.schedule(tables.inc(h.draw++), static_cast<uint32_t>(i & 3));
  const Stopwatch watch;
  for (uint64_t e = 0; e < events; ++e) {
    const PqEntry top = h.queue.top();
    h.queue.pop();
    h.now = top.time;
    kCallbacks[top.callback](h);
  }
  const double s = watch.seconds();
  return {static_cast<double>(events) / s, h.now};
}

// ---- Timer re-arm ------------------------------------------------------------------------
Result run_rearm(const Tables& tables, size_t n, uint64_t steps) {
  Simulation sim;
  std::vector<Timer> timers;
  timers.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    timers.emplace_back(sim, [] {});
    timers.back().arm_at(tables.inc(i));
  }
  RandomStream rng(1, 0, "bench/rearm-index");
  std::vector<uint32_t> index(kTable);
  for (auto& x : index) x = static_cast<uint32_t>(rng.uniform_int(0, static_cast<int64_t>(n) - 1));
  const Stopwatch watch;
  for (uint64_t i = 0; i < steps; ++i) {
    Timer& t = timers[index[i & (kTable - 1)]];
    t.arm_at(t.when() + 1 + tables.inc(i + 7));
  }
  const double s = watch.seconds();
  if (sim.pending() != n) {
    fmt::print(stderr, "re-arm: {} pending, expected {}\n", sim.pending(), n);
    std::exit(1);
  }
  return {static_cast<double>(steps) / s, sim.next_time()};
}

// ---- reporting ---------------------------------------------------------------------------
struct Summary {
  double median, min, max;
};
Summary summarise(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t m = v.size() / 2;
  const double median = v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
  return {median, v.front(), v.back()};
}
std::string cell(const Summary& s) {
  return fmt::format("{:7.2f} [{:6.2f} - {:6.2f}]", s.median / 1e6, s.min / 1e6, s.max / 1e6);
}

std::vector<size_t> parse_sizes(std::string_view text) {
  std::vector<size_t> out;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    const std::string piece(text.substr(0, comma));
    char* end = nullptr;
    const double v = std::strtod(piece.c_str(), &end);  // accepts 1e5
    if (end == piece.c_str() || *end != '\0' || v < 1) {
      fmt::print(stderr, "bad size '{}' in --sizes\n", piece);
      std::exit(2);
    }
    out.push_back(static_cast<size_t>(v));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
  return out;
}

void usage() {
  fmt::print(
      "usage: bench_event_queue [--mode hold|rearm|all] [--sizes 100,1000,1e5,1e6]\n"
      "                         [--events 5000000] [--repeat 5] [--clock wall|cpu]\n");
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<size_t> sizes = {100, 1000, 100000, 1000000};
  uint64_t events = 5000000;
  int repeat = 5;
  std::string mode = "all";
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    auto value = [&]() -> std::string_view {
      if (i + 1 >= argc) {
        usage();
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--sizes") {
      sizes = parse_sizes(value());
    } else if (a == "--events") {
      events = static_cast<uint64_t>(std::strtod(std::string(value()).c_str(), nullptr));
    } else if (a == "--repeat") {
      repeat = std::atoi(std::string(value()).c_str());
    } else if (a == "--clock") {
      const std::string_view c = value();
      if (c != "wall" && c != "cpu") {
        usage();
        return 2;
      }
      g_cpu_clock = c == "cpu";
    } else if (a == "--mode") {
      mode = value();
    } else if (a == "--help" || a == "-h") {
      usage();
      return 0;
    } else {
      usage();
      return 2;
    }
  }
  if (events < 1 || repeat < 1 || (mode != "hold" && mode != "rearm" && mode != "all")) {
    usage();
    return 2;
  }

  const Tables tables;
  if (mode == "hold" || mode == "all") {
    fmt::print(
        "hold model: {} events per run, {} runs per cell; million events per {} second, "
        "median [min - max]\n",
        events, repeat, g_cpu_clock ? "CPU" : "wall-clock");
    fmt::print("{:>9}  {:>26}  {:>26}  {:>6}\n", "pending", "ckptsim", "priority_queue", "ratio");
    for (size_t n : sizes) {
      std::vector<double> sim_rates, pq_rates;
      for (int r = 0; r < repeat; ++r) {
        const Result a = run_sim_hold(tables, n, events);
        const Result b = run_pq_hold(tables, n, events);
        if (a.end_clock != b.end_clock) {
          fmt::print(stderr, "the two hold models diverged: clock {} vs {}\n", a.end_clock,
                     b.end_clock);
          return 1;
        }
        sim_rates.push_back(a.rate);
        pq_rates.push_back(b.rate);
      }
      const Summary s = summarise(sim_rates), p = summarise(pq_rates);
      fmt::print("{:>9}  {:>26}  {:>26}  {:>6.2f}\n", n, cell(s), cell(p), s.median / p.median);
      std::fflush(stdout);
    }
  }
  if (mode == "rearm" || mode == "all") {
    if (mode == "all") fmt::print("\n");
    fmt::print(
        "timer re-arm to a later time: {} re-arms per run, {} runs per cell; million re-arms per "
        "{} second, median [min - max]\n",
        events, repeat, g_cpu_clock ? "CPU" : "wall-clock");
    fmt::print("{:>9}  {:>26}\n", "timers", "ckptsim");
    for (size_t n : sizes) {
      std::vector<double> rates;
      for (int r = 0; r < repeat; ++r) rates.push_back(run_rearm(tables, n, events).rate);
      fmt::print("{:>9}  {:>26}\n", n, cell(summarise(rates)));
      std::fflush(stdout);
    }
  }
  return 0;
}
