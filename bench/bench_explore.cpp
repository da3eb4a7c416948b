// The explorer's cost: `ckptsim explore SCENARIO` (its first patch, every design, the default
// window) on every scenario given; and --likelihood on the flagship.
//
//   bench_explore [--repeat K] [--likelihood N] SCENARIO...
//
// Per scenario it prints the median over K repetitions of the wall time of the whole
// exploration, how that splits between the shared prefix (the run up to the patch, simulated
// once) and the branches (serial orders and every design's interleavings, each from a copy of
// the prefix), the branches run, and what simulating the prefix again for every branch would
// have added (branches x prefix). Wall-clock time is measured here only; it never feeds a result.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "analysis/explore.hpp"
#include "analysis/likelihood.hpp"
#include "cli/loader.hpp"
#include "model/job_graph.hpp"

using namespace ckptsim;

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

std::optional<uint32_t> first_patch(const model::Scenario& s) {
  for (uint32_t i = 0; i < s.events.size(); ++i)
    if (std::holds_alternative<model::PatchRequest>(s.events[i].what)) return i;
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  int repeat = 5;
  size_t likelihood = 10000;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--repeat" && i + 1 < argc) repeat = std::atoi(argv[++i]);
    else if (a == "--likelihood" && i + 1 < argc) likelihood = std::strtoull(argv[++i], nullptr, 10);
    else files.push_back(a);
  }
  if (files.empty()) {
    std::cerr << "usage: bench_explore [--repeat K] [--likelihood N] SCENARIO...\n";
    return 2;
  }
  std::cout << fmt::format("{:<46} {:>9} {:>9} {:>9} {:>8} {:>10} {:>9} {:>13}\n", "scenario (all designs)",
                           "total ms", "prefix ms", "branch ms", "branches", "interleav", "us/branch",
                           "+prefix again");
  for (const std::string& file : files) {
    auto loaded = cli::load_scenario_file(file, {});
    if (!std::holds_alternative<cli::LoadedScenario>(loaded)) {
      std::cerr << file << ": does not load\n";
      return 2;
    }
    const model::Scenario& s = std::get<cli::LoadedScenario>(loaded).scenario;
    const auto event = first_patch(s);
    if (!event) continue;
    auto built = model::JobGraph::build(s.operators, s.edges);
    const model::JobGraph& graph = std::get<model::JobGraph>(built);
    const analysis::ExploreRequest req = analysis::default_request(s, *event);
    std::vector<double> total, prefix, branches;
    analysis::ExploreResult last;
    for (int k = 0; k < repeat; ++k) {
      const auto t0 = std::chrono::steady_clock::now();
      last = analysis::explore(s, graph, req);
      total.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      prefix.push_back(last.prefix_seconds);
      branches.push_back(last.branch_seconds);
    }
    if (!last.error.empty()) {
      std::cout << fmt::format("{:<44} {}\n", file, last.error);
      continue;
    }
    size_t interleavings = last.serial.size();
    for (const auto& d : last.designs) interleavings += d.interleavings.size();
    std::cout << fmt::format("{:<46} {:>9.2f} {:>9.3f} {:>9.2f} {:>8} {:>10} {:>9.1f} {:>11.1f}ms\n", file,
                             1e3 * median(total), 1e3 * median(prefix), 1e3 * median(branches), last.runs,
                             interleavings, 1e6 * median(branches) / static_cast<double>(last.runs),
                             1e3 * median(prefix) * static_cast<double>(last.runs));
    if (likelihood > 0 && file.find("rescue-near-complete.yaml") != std::string::npos) {
      std::vector<double> with;
      for (int k = 0; k < repeat; ++k) {
        const auto t0 = std::chrono::steady_clock::now();
        const analysis::ExploreResult r = analysis::explore(s, graph, req);
        const model::Distribution gap{model::Distribution::Kind::lognormal, 2.0, 2.0};  // µs
        const analysis::Likelihood l = analysis::estimate_likelihood(r, likelihood, gap, "lognormal 2us sigma 2",
                                                                     s.seed, s.replication);
        with.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
        if (l.samples != likelihood) return 3;
      }
      std::cout << fmt::format("{:<46} {:>9.2f}   (explore + --likelihood {})\n", file, 1e3 * median(with),
                               likelihood);
    }
  }
  return 0;
}
