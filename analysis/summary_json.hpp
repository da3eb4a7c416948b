// summary.json (docs/outputs.md), shaped after Flink's GET /jobs/:jobid/checkpoints.
#pragma once

#include <ostream>

#include "analysis/recorder.hpp"

namespace ckptsim::analysis {

// Keys in the order of the spec; times in ms (exact), sizes in bytes; history oldest first.
// Unknown values (no acknowledgement yet, a pending checkpoint's persisted fraction, statistics
// over zero completed checkpoints) are null.
void write_summary_json(std::ostream& out, const Recorder& rec);

}  // namespace ckptsim::analysis
