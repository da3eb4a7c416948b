// The job graph of a calibrated scenario: Flink's vertices and ship strategies as operators and
// partitionings (or the fallback of a source feeding one stateful operator), the
// subtask-details files matched to their vertices, and the checkpointed state split over the
// operators.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cli/calibration.hpp"

namespace ckptsim::cli {

// What the history says about sizes, for the split.
struct SizeSummary {
  double uploaded_median = 0;  // bytes per checkpoint (checkpointed_size, or state_size)
  double full_median = 0;      // bytes per checkpoint (state_size with checkpointed_size)
  double uploaded_spread = 0;  // robust standard deviation of the uploaded bytes
  bool incremental_known = false;  // the history has checkpointed_size (Flink 1.15+)
  std::string checkpoints;         // "checkpoints 205-214 (10 completed)"
  // uploaded bytes of each completed checkpoint, by id
  std::vector<std::pair<int64_t, int64_t>> uploaded_by_id;
};

// The operators and edges, with notes; subtask files matched to operators. Fills
// cal.operators, cal.edges, cal.graph_note, the per-operator sync phases, the state split and
// cal.trigger_latency. Throws rest::RestError for a subtask file that matches no vertex.
void build_graph(const CalibrationInputs& in, const SizeSummary& sizes, Calibration& cal);

// "source-kafka" from "Source: Kafka Source -> Map": lower case, '-' between words, the chain's
// first operator up to its first '(' or '[', at most 40 characters.
std::string operator_slug(const std::string& flink_name);

}  // namespace ckptsim::cli
