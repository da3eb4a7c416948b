#include "analysis/explore.hpp"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "model/checkpoint_config.hpp"
#include "sim/units.hpp"

namespace ckptsim::analysis {

namespace {

using Clock = std::chrono::steady_clock;  // timing of the phases only: never in a result

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::vector<Interleaving> interleavings_of(model::Enumeration<BranchFold>& e) {
  std::vector<Interleaving> out;
  out.reserve(e.leaves.size());
  for (auto& leaf : e.leaves)
    out.push_back({leaf.turns, leaf.observer.steps(), leaf.observer.observation(),
                   leaf.observer.outcome(), leaf.observer.fingerprint()});
  return out;
}

std::string status_error(int status, Time at) {
  if (status == 0) return fmt::format("the patch at {} never arrives", sim::format_duration(at));
  return fmt::format("the patch at {} is answered {}: there is no update to interleave",
                     sim::format_duration(at), status);
}

}  // namespace

ExploreRequest default_request(const model::Scenario& scenario, uint32_t event) {
  ExploreRequest r;
  r.event = event;
  r.window = scenario.explore.window;
  r.designs = model::builtin_designs();
  for (const model::Design& d : scenario.explore.designs) {
    auto same = std::find_if(r.designs.begin(), r.designs.end(),
                             [&](const model::Design& b) { return b.name == d.name; });
    if (same != r.designs.end()) *same = d;
    else r.designs.push_back(d);
  }
  return r;
}

bool ExploreResult::any_forbidden() const {
  for (const DesignResult& d : designs)
    if (d.forbidden > 0) return true;
  return false;
}

ExploreResult explore(const model::Scenario& scenario, const model::JobGraph& graph,
                      const ExploreRequest& request) {
  ExploreResult out;
  out.at = scenario.events.at(request.event).at;
  if (out.at >= scenario.duration) {
    out.error = fmt::format("the patch at {} is at or after the end of the run ({})",
                            sim::format_duration(out.at), sim::format_duration(scenario.duration));
    return out;
  }
  const auto t0 = Clock::now();
  // The run up to the patch's arrival, once: every branch starts from a copy of it.
  BranchFold root_fold;
  model::Job root(scenario, graph, root_fold);
  root.start();
  root.run_until(out.at);
  root_fold.settle_prefix();
  out.base_interval = root.coordinator().config().base_interval();
  out.window = request.window.value_or(out.base_interval);
  out.window_end = out.window > sim::kNever - out.at ? sim::kNever : out.at + out.window;
  out.prefix_seconds = seconds_since(t0);

  const auto t1 = Clock::now();
  model::CheckpointCoordinator::ExplorePlan plan;
  plan.event = request.event;
  plan.window = out.window;
  const std::vector<model::WriterStep> atomic{model::atomic_step()};
  const model::PatchValidation body =
      model::validate_patch_body(std::get<model::PatchRequest>(scenario.events[request.event].what));
  const bool has_interval = body.interval.has_value(), has_timeout = body.timeout.has_value();

  plan.design = atomic;
  auto serial = model::enumerate(root, plan, root_fold, request.limit);
  out.runs += serial.runs;
  if (serial.status != 200) {
    out.error = status_error(serial.status, out.at);
    return out;
  }
  out.serial = interleavings_of(serial);

  for (const model::Design& d : request.designs) {
    plan.design = d.steps;
    auto e = model::enumerate(root, plan, root_fold, request.limit);
    out.runs += e.runs;
    if (e.over_limit) {
      out.error = fmt::format(
          "design '{}' has more than {} interleavings in the window [{}, {}]: narrow it with --window",
          d.name, request.limit, sim::format_duration(out.at), sim::format_duration(out.window_end));
      return out;
    }
    std::vector<std::string> labels;
    for (const model::WriterStep& s : model::steps_for_body(d.steps, has_interval, has_timeout))
      labels.push_back(s.label());
    DesignResult r = grade(d.name, std::move(labels), interleavings_of(e), out.serial);
    r.dead = e.dead;
    out.designs.push_back(std::move(r));
  }
  out.branch_seconds = seconds_since(t1);
  return out;
}

}  // namespace ckptsim::analysis
