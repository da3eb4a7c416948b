// `ckptsim explore --likelihood N --gap DIST`: how often each grade comes up in production,
// when the timing decides the interleaving. Each sample draws the patch's arrival uniformly over
// one base interval from its scripted instant and the gaps between the writer's steps from
// DIST (stream explore/likelihood); the order those instants give against the coordinator
// steps' instants picks one enumerated interleaving, whose grade the sample takes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "analysis/explore.hpp"
#include "model/scenario.hpp"

namespace ckptsim::analysis {

struct LikelihoodShare {
  double share = 0, low = 0, high = 0;  // 95% Wilson score interval
  size_t count = 0;
};
struct DesignLikelihood {
  std::string design;
  LikelihoodShare acceptable, interesting, forbidden;
};
struct Likelihood {
  size_t samples = 0;
  std::string gap;  // the distribution, as written
  std::vector<DesignLikelihood> designs;
};

// The 95% Wilson score interval of `count` successes in `n` trials.
LikelihoodShare wilson(size_t count, size_t n);

// The interleaving (index into design.interleavings) that writer steps at `writer_times`
// (the arrival, then each later step) pick: at every turn the coordinator goes first when its
// next step is due strictly before the writer's next step (at a tie the writer goes, as a
// scripted patch runs before the coordinator steps due at its instant).
size_t interleaving_for(const DesignResult& design, const std::vector<Time>& writer_times);

Likelihood estimate_likelihood(const ExploreResult& result, size_t samples,
                               const model::Distribution& gap, std::string gap_text, uint64_t seed,
                               uint64_t replication);

}  // namespace ckptsim::analysis
