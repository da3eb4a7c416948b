// The steady-state flow: a pure function from the loads to the throttle θ,
// the bottlenecks, and every channel's flow rate and backlog. Recomputed only at load changes.
#pragma once

#include <vector>

#include "model/job_graph.hpp"

namespace ckptsim::model {

// The piecewise-constant load: per subtask, a source rate (0 for non-sources) and a capacity.
struct Loads {
  std::vector<double> rate;      // input bytes/s, sources only
  std::vector<double> capacity;  // input bytes/s one subtask can process (kUnlimited)

  static Loads from_graph(const JobGraph& g);  // the operators' rate and capacity
};

struct Flow {
  double throttle = 1;        // θ = min(1, min capacity/demand)
  double capacity_ratio = kUnlimited;  // min capacity/demand, unclamped: > 1 is headroom
  double nominal_input = 0;   // Σ source rates (bytes/s)
  std::vector<double> demand;      // per subtask: input bytes/s at nominal source rates
  std::vector<char> bottleneck;    // per subtask: has the minimal ratio and θ < 1
  std::vector<double> channel_rate;     // per channel: bytes/s actually flowing (θ applied)
  std::vector<double> channel_backlog;  // per channel: bytes queued ahead of a new barrier

  bool backpressured() const { return throttle < 1; }
  // Bytes/s the job ingests: θ·nominal when caught up; capacity_ratio·nominal when catching up.
  double input_rate() const { return throttle * nominal_input; }
  double catch_up_rate() const;
};

Flow compute_flow(const JobGraph& graph, const Loads& loads, const NetworkSpec& network);

}  // namespace ckptsim::model
