#include "analysis/likelihood.hpp"

#include <algorithm>
#include <cmath>

#include "sim/rng.hpp"

namespace ckptsim::analysis {

LikelihoodShare wilson(size_t count, size_t n) {
  LikelihoodShare s;
  s.count = count;
  if (n == 0) return s;
  const double z = 1.959963984540054;  // the 97.5% normal quantile
  const double nn = static_cast<double>(n);
  const double p = static_cast<double>(count) / nn;
  const double denom = 1 + z * z / nn;
  const double center = (p + z * z / (2 * nn)) / denom;
  const double half = z / denom * std::sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn));
  s.share = p;
  // At the ends the bound is exact (0 or 1), not a rounding error away from it.
  s.low = count == 0 ? 0.0 : std::max(0.0, center - half);
  s.high = count == n ? 1.0 : std::min(1.0, center + half);
  return s;
}

namespace {

// The instant of the step that follows turn k of an interleaving: turn k comes right before
// its k-th step of its own (nested steps have no turn).
Time step_after_turn(const Interleaving& x, size_t k) {
  size_t j = 0;
  for (const StepSeen& s : x.steps) {
    if (s.nested) continue;
    if (j++ == k) return s.at;
  }
  return sim::kNever;
}

}  // namespace

size_t interleaving_for(const DesignResult& design, const std::vector<Time>& writer_times) {
  std::vector<size_t> candidates(design.interleavings.size());
  for (size_t i = 0; i < candidates.size(); ++i) candidates[i] = i;
  size_t writer_steps = 0;
  for (size_t k = 0;; ++k) {
    bool writer = false, coordinator = false;
    Time coordinator_at = sim::kNever;
    for (size_t i : candidates) {
      const Interleaving& x = design.interleavings[i];
      if (k >= x.turns.size()) continue;
      if (x.turns[k]) {
        writer = true;
      } else if (!coordinator) {
        coordinator = true;
        coordinator_at = step_after_turn(x, k);  // the same in every branch through this turn
      }
    }
    if (!writer && !coordinator) break;  // the writer is done: one interleaving is left
    const Time writer_at = writer_times[std::min(writer_steps, writer_times.size() - 1)];
    const bool take_writer = writer && !(coordinator && coordinator_at < writer_at);
    std::erase_if(candidates, [&](size_t i) {
      const Interleaving& x = design.interleavings[i];
      return k >= x.turns.size() || x.turns[k] != take_writer;
    });
    if (take_writer) ++writer_steps;
  }
  return candidates.front();
}

Likelihood estimate_likelihood(const ExploreResult& result, size_t samples,
                               const model::Distribution& gap, std::string gap_text, uint64_t seed,
                               uint64_t replication) {
  Likelihood out;
  out.samples = samples;
  out.gap = std::move(gap_text);
  size_t most_steps = 1;
  for (const DesignResult& d : result.designs) most_steps = std::max(most_steps, d.steps.size());
  struct Tally {
    size_t acceptable = 0, interesting = 0, forbidden = 0;
  };
  std::vector<Tally> tally(result.designs.size());
  sim::RandomStream rng(seed, replication, "explore/likelihood");
  std::vector<Time> times(most_steps);
  const int64_t span = std::max<int64_t>(1, result.base_interval);
  for (size_t n = 0; n < samples; ++n) {
    // The same draws for every design (common random numbers): arrival, then one gap per
    // step after the first of the longest design.
    times[0] = result.at + rng.uniform_int(0, span - 1);
    for (size_t i = 1; i < most_steps; ++i) {
      const double g = std::ceil(std::max(0.0, gap.sample(rng)));
      const Time d = g < 9.0e18 ? static_cast<Time>(g) : sim::kNever;
      times[i] = d > sim::kNever - times[i - 1] ? sim::kNever : times[i - 1] + d;
    }
    for (size_t k = 0; k < result.designs.size(); ++k) {
      const DesignResult& d = result.designs[k];
      const size_t row = row_of(d, interleaving_for(d, times));
      switch (d.rows[row].grade) {
        case Grade::ACCEPTABLE: ++tally[k].acceptable; break;
        case Grade::INTERESTING: ++tally[k].interesting; break;
        case Grade::FORBIDDEN: ++tally[k].forbidden; break;
      }
    }
  }
  for (size_t k = 0; k < result.designs.size(); ++k)
    out.designs.push_back({result.designs[k].name, wilson(tally[k].acceptable, samples),
                           wilson(tally[k].interesting, samples), wilson(tally[k].forbidden, samples)});
  return out;
}

}  // namespace ckptsim::analysis
