// The enumeration of `ckptsim explore`: every order in which one scripted patch's writer steps
// can interleave with the coordinator's steps in its window, each run to the end of the
// scenario. Depth first over "the writer's next step, or the coordinator's next step due in
// the window"; each branch is a copy of one run stopped at the patch's arrival, so the run up
// to the PATCH is simulated once. What each branch saw is folded by an observer the caller
// chooses (the grading is analysis, not model). See docs/explore.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "model/job.hpp"

namespace ckptsim::model {

// More interleavings than this for one design is an error, not a hang.
inline constexpr size_t kMaxInterleavings = 100000;

template <class Obs>
struct Enumeration {
  struct Leaf {
    std::vector<bool> turns;  // at each turn, true where the writer went first
    Obs observer;             // what the branch saw from the arrival to the end of the run
  };
  std::vector<Leaf> leaves;  // depth first, the writer's turn first: no order twice
  size_t dead = 0;           // coordinator turns that found no step in the window (dropped)
  size_t runs = 0;           // branches simulated (leaves + dead)
  bool over_limit = false;   // stopped past `limit` leaves
  int status = 0;            // the patch's answer (200 when it was accepted; 0: never arrived)
};

// `root` has run to just before the patch's arrival (start(), then run_until(arrival)) and is
// left as it was. `plan` names the scripted event and the design; its turns are the prefix
// every branch shares (normally none). `prototype` is copied into every branch, which reports
// to it from the arrival on.
template <class Obs>
Enumeration<Obs> enumerate(const Job& root, const CheckpointCoordinator::ExplorePlan& plan,
                           const Obs& prototype, size_t limit = kMaxInterleavings) {
  Enumeration<Obs> out;
  std::vector<std::vector<bool>> stack{plan.turns};
  while (!stack.empty()) {
    std::vector<bool> turns = std::move(stack.back());
    stack.pop_back();
    Obs observer = prototype;
    std::vector<bool> taken;
    {
      Job branch(root, observer);
      CheckpointCoordinator::ExplorePlan p = plan;
      p.turns = turns;
      branch.coordinator().explore_patch(std::move(p));
      branch.run_until(root.scenario().duration);
      ++out.runs;
      const CheckpointCoordinator::TurnRecord& record = branch.coordinator().turn_record();
      out.status = record.status;
      if (record.status != 200) return out;  // rejected, or it never arrives: nothing to explore
      // The coordinator could have gone first at every open turn: one more branch each,
      // pushed so that the deepest is explored next (depth first, the writer's turn first).
      for (size_t k : record.open) {
        std::vector<bool> alternative(record.taken.begin(), record.taken.begin() + static_cast<std::ptrdiff_t>(k));
        alternative.push_back(false);
        stack.push_back(std::move(alternative));
      }
      if (record.dead) {
        ++out.dead;
        continue;
      }
      branch.finish();
      taken = record.taken;
    }
    out.leaves.push_back({std::move(taken), std::move(observer)});
    if (out.leaves.size() > limit) {
      out.over_limit = true;
      return out;
    }
  }
  return out;
}

}  // namespace ckptsim::model
