// The steady-state flow (docs/model-and-limits.md, the job graph and the flow).
#include "model/flow.hpp"

#include <algorithm>
#include <cmath>

namespace ckptsim::model {

Loads Loads::from_graph(const JobGraph& g) {
  Loads l;
  const int32_t n = g.subtask_count();
  l.rate.assign(static_cast<size_t>(n), 0);
  l.capacity.assign(static_cast<size_t>(n), kUnlimited);
  for (int32_t s = 0; s < n; ++s) {
    const OperatorSpec& op = g.operators()[g.operator_of(s)];
    l.rate[s] = op.rate.value_or(0);
    l.capacity[s] = op.capacity;
  }
  return l;
}

double Flow::catch_up_rate() const {
  if (std::isinf(capacity_ratio)) return kUnlimited;
  return capacity_ratio * nominal_input;
}

Flow compute_flow(const JobGraph& graph, const Loads& loads, const NetworkSpec& network) {
  const int32_t n = graph.subtask_count();
  const int32_t m = graph.channel_count();
  Flow f;
  f.demand.assign(static_cast<size_t>(n), 0);
  f.bottleneck.assign(static_cast<size_t>(n), 0);
  f.channel_rate.assign(static_cast<size_t>(m), 0);
  f.channel_backlog.assign(static_cast<size_t>(m), 0);
  std::vector<double> nominal(static_cast<size_t>(m), 0);  // channel flow at nominal rates

  // Demand, in topological order: every sender is final before its receivers are read.
  for (int32_t s : graph.subtasks_in_topological_order()) {
    const int op = graph.operator_of(s);
    if (graph.is_source(op)) {
      f.demand[s] += loads.rate[s];
      f.nominal_input += loads.rate[s];
    }
    const double output = f.demand[s] * graph.operators()[op].selectivity;
    for (int32_t k = graph.outputs_begin(s); k < graph.outputs_end(s); ++k) {
      const int32_t c = graph.output_channels()[k];
      const Channel& ch = graph.channels()[c];
      const GraphEdge& e = graph.edges()[ch.edge];
      double flow = output;  // forward and broadcast: all of it
      if (e.partitioning == Partitioning::rebalance || e.partitioning == Partitioning::hash)
        flow = output / graph.operators()[e.to_op].parallelism;
      nominal[c] = flow;
      f.demand[ch.to] += flow;
    }
  }

  // θ and the bottlenecks.
  std::vector<double> ratio(static_cast<size_t>(n), kUnlimited);
  for (int32_t s = 0; s < n; ++s) {
    if (f.demand[s] > 0 && !std::isinf(loads.capacity[s])) {
      ratio[s] = loads.capacity[s] / f.demand[s];
      f.capacity_ratio = std::min(f.capacity_ratio, ratio[s]);
    }
  }
  f.throttle = std::min(1.0, f.capacity_ratio);
  if (f.throttle < 1) {
    for (int32_t s = 0; s < n; ++s)
      if (ratio[s] == f.capacity_ratio) f.bottleneck[s] = 1;
  }

  // Channels: rates, and which are full (their receiver is, or leads to, a bottleneck).
  std::vector<char> leads(static_cast<size_t>(n), 0);
  const auto& order = graph.subtasks_in_topological_order();
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const int32_t s = *it;
    leads[s] = f.bottleneck[s];
    for (int32_t k = graph.outputs_begin(s); k < graph.outputs_end(s) && !leads[s]; ++k)
      if (leads[graph.channels()[graph.output_channels()[k]].to]) leads[s] = 1;
  }
  const double buffer = static_cast<double>(network.buffer_per_channel);
  for (int32_t c = 0; c < m; ++c) {
    f.channel_rate[c] = f.throttle * nominal[c];
    // A channel that carries no bytes at all holds none, even upstream of a bottleneck.
    if (!leads[graph.channels()[c].to] || !(nominal[c] > 0)) continue;
    double backlog = buffer;
    if (network.debloat)
      backlog = std::min(buffer, static_cast<double>(network.debloat_target) * f.channel_rate[c] / 1e6);
    f.channel_backlog[c] = backlog;
  }
  return f;
}

}  // namespace ckptsim::model
