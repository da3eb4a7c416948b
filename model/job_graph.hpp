// The job graph: operators and edges kept as a Boost.Graph, validated, and expanded into a flat
// task graph of subtasks and channels (CSR index ranges for each subtask's inputs and outputs).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "model/scenario.hpp"

namespace ckptsim::model {

// A graph error, kept as a value so that the CLI can report it with the scenario position.
struct GraphError {
  std::string message;
  SourcePos pos;
};

struct GraphEdge {
  int from_op;
  int to_op;
  Partitioning partitioning;
};

// One channel of the task graph: a sender subtask to a receiver subtask on one edge.
struct Channel {
  int32_t from;  // global subtask index
  int32_t to;
  int32_t edge;  // index into JobGraph::edges()
};

class JobGraph {
 public:
  // Validates and expands. On any error, returns every error found (in scenario order).
  static std::variant<JobGraph, std::vector<GraphError>> build(
      const std::vector<OperatorSpec>& operators, const std::vector<EdgeSpec>& edges);

  const std::vector<OperatorSpec>& operators() const { return operators_; }
  const std::vector<GraphEdge>& edges() const { return edges_; }
  // Operator indices in a topological order (stable: ties in scenario order).
  const std::vector<int>& topological_order() const { return topo_; }
  int operator_index(const std::string& name) const;  // -1 if unknown
  bool is_source(int op) const { return operators_[op].rate.has_value(); }

  int32_t subtask_count() const { return static_cast<int32_t>(subtask_op_.size()); }
  // Subtasks of operator op are [first_subtask(op), first_subtask(op) + parallelism).
  int32_t first_subtask(int op) const { return op_first_[op]; }
  int operator_of(int32_t subtask) const { return subtask_op_[subtask]; }
  int32_t index_in_operator(int32_t subtask) const { return subtask - op_first_[subtask_op_[subtask]]; }

  int32_t channel_count() const { return static_cast<int32_t>(channels_.size()); }
  const std::vector<Channel>& channels() const { return channels_; }
  // Channel indices into subtask s: input_channels()[inputs_begin(s) .. inputs_begin(s+1)).
  int32_t inputs_begin(int32_t s) const { return in_offsets_[s]; }
  int32_t inputs_end(int32_t s) const { return in_offsets_[s + 1]; }
  const std::vector<int32_t>& input_channels() const { return in_channels_; }
  int32_t outputs_begin(int32_t s) const { return out_offsets_[s]; }
  int32_t outputs_end(int32_t s) const { return out_offsets_[s + 1]; }
  const std::vector<int32_t>& output_channels() const { return out_channels_; }
  // Subtasks in an order where every sender comes before its receivers.
  const std::vector<int32_t>& subtasks_in_topological_order() const { return subtask_topo_; }

 private:
  std::vector<OperatorSpec> operators_;
  std::vector<GraphEdge> edges_;
  std::vector<int> topo_;
  std::vector<int32_t> op_first_;
  std::vector<int> subtask_op_;
  std::vector<Channel> channels_;
  std::vector<int32_t> in_offsets_, in_channels_, out_offsets_, out_channels_;
  std::vector<int32_t> subtask_topo_;
  std::map<std::string, int, std::less<>> index_;  // operator name -> index
};

}  // namespace ckptsim::model
