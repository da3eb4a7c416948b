// Job graph validation and expansion.
//
// The operators and the edges between them are kept as a Boost.Graph (an adjacency list with an
// edge property naming the scenario edge). Validation collects every error it finds: per
// operator, per edge, then the structural ones (no source, cycles, unreachable operators). Only
// a valid graph is expanded into subtasks and channels.
#include "model/job_graph.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <functional>
#include <queue>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/strong_components.hpp>
#include <fmt/format.h>

namespace ckptsim::model {

namespace {

struct EdgeProps {
  int index;  // into the list of accepted edges
};
using OperatorGraph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, boost::no_property,
                          EdgeProps>;

std::string quoted_names(const std::vector<OperatorSpec>& ops) {
  std::string out;
  for (size_t i = 0; i < ops.size(); ++i) {
    if (i > 0) out += ", ";
    if (i == 8 && ops.size() > 9) {
      out += fmt::format("... ({} more)", ops.size() - i);
      break;
    }
    out += "'" + ops[i].name + "'";
  }
  return out;
}

bool negative(double v) { return std::isnan(v) || v < 0; }

// The name of what is negative in a distribution, or nullptr.
const char* negative_part(const Distribution& d) {
  using K = Distribution::Kind;
  switch (d.kind) {
    case K::constant:
      return negative(d.a) ? "size" : nullptr;
    case K::uniform:
      if (negative(d.a)) return "min";
      if (negative(d.b)) return "max";
      return nullptr;
    case K::exponential:
      return negative(d.a) ? "mean" : nullptr;
    case K::lognormal:
      if (negative(d.a)) return "median";
      if (negative(d.b)) return "sigma";
      return nullptr;
    case K::normal:
      return negative(d.b) ? "stddev" : nullptr;
  }
  return nullptr;
}

}  // namespace

int JobGraph::operator_index(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? -1 : it->second;
}

std::variant<JobGraph, std::vector<GraphError>> JobGraph::build(
    const std::vector<OperatorSpec>& operators, const std::vector<EdgeSpec>& edges) {
  std::vector<GraphError> errors;
  auto error = [&](SourcePos pos, std::string message) {
    errors.push_back(GraphError{std::move(message), pos});
  };

  JobGraph g;
  g.operators_ = operators;
  const int n = static_cast<int>(operators.size());

  // --- operators -------------------------------------------------------------------------
  bool has_source = false;
  std::vector<char> duplicate(static_cast<size_t>(n), 0);  // a later operator with a taken name
  for (int i = 0; i < n; ++i) {
    const OperatorSpec& op = operators[i];
    auto [it, inserted] = g.index_.emplace(op.name, i);
    if (!inserted) {
      duplicate[i] = 1;
      const OperatorSpec& first = operators[it->second];
      error(op.pos, fmt::format("duplicate operator name '{}' (first defined{}); operator names "
                                "must be unique",
                                op.name,
                                first.pos.line > 0 ? fmt::format(" at line {}", first.pos.line)
                                                   : std::string()));
    }
    if (op.parallelism < 1)
      error(op.pos, fmt::format("operator '{}': parallelism must be at least 1, got {}", op.name,
                                op.parallelism));
    if (op.rate) {
      has_source = true;
      if (negative(*op.rate))
        error(op.pos, fmt::format("operator '{}': rate must be >= 0 bytes/s, got {}", op.name,
                                  *op.rate));
    }
    if (negative(op.capacity))
      error(op.pos, fmt::format("operator '{}': capacity must be >= 0 bytes/s, got {}", op.name,
                                op.capacity));
    if (negative(op.selectivity))
      error(op.pos, fmt::format("operator '{}': selectivity must be >= 0, got {}", op.name,
                                op.selectivity));
    if (const char* part = negative_part(op.state))
      error(op.pos, fmt::format("operator '{}': state {} must be >= 0", op.name, part));
    if (std::isnan(op.incremental) || op.incremental < 0 || op.incremental > 1)
      error(op.pos, fmt::format("operator '{}': incremental must be a fraction in [0, 1], got {}",
                                op.name, op.incremental));
    if (op.sync_phase < 0)
      error(op.pos, fmt::format("operator '{}': sync_phase must be >= 0, got {} us", op.name,
                                op.sync_phase));
  }

  // --- edges -----------------------------------------------------------------------------
  OperatorGraph graph(static_cast<size_t>(n));
  std::vector<SourcePos> edge_pos;  // per accepted edge
  std::map<std::pair<int, int>, int> seen;  // (from, to) -> index into `edges`
  for (size_t e = 0; e < edges.size(); ++e) {
    const EdgeSpec& spec = edges[e];
    const int from = g.operator_index(spec.from);
    const int to = g.operator_index(spec.to);
    bool ok = true;
    for (auto [name, idx, role] : {std::tuple{&spec.from, from, "from"},
                                   std::tuple{&spec.to, to, "to"}}) {
      if (idx < 0) {
        error(spec.pos, fmt::format("edge {} '{}' -> '{}': unknown operator '{}' (expected one of "
                                    "{})",
                                    role, spec.from, spec.to, *name,
                                    n > 0 ? quoted_names(operators) : "the job's operators"));
        ok = false;
      }
    }
    if (!ok) continue;
    if (from == to) {
      error(spec.pos, fmt::format("edge from '{}' to itself makes a cycle; the job graph must be "
                                  "acyclic",
                                  spec.from));
      continue;
    }
    auto [it, inserted] = seen.emplace(std::pair{from, to}, static_cast<int>(e));
    if (!inserted) {
      const EdgeSpec& first = edges[it->second];
      error(spec.pos, fmt::format("duplicate edge from '{}' to '{}' (already declared{}); at most "
                                  "one edge per pair of operators",
                                  spec.from, spec.to,
                                  first.pos.line > 0 ? fmt::format(" at line {}", first.pos.line)
                                                     : std::string()));
      continue;
    }
    const OperatorSpec& a = operators[from];
    const OperatorSpec& b = operators[to];
    if (spec.partitioning == Partitioning::forward && a.parallelism != b.parallelism)
      error(spec.pos, fmt::format("forward edge from '{}' (parallelism {}) to '{}' (parallelism "
                                  "{}): forward needs equal parallelisms; use rebalance or hash",
                                  a.name, a.parallelism, b.name, b.parallelism));
    if (b.rate)
      error(spec.pos, fmt::format("edge from '{}' into source '{}': a source (an operator with a "
                                  "rate) cannot have inputs",
                                  a.name, b.name));
    const int index = static_cast<int>(g.edges_.size());
    g.edges_.push_back(GraphEdge{from, to, spec.partitioning});
    edge_pos.push_back(spec.pos);
    boost::add_edge(static_cast<size_t>(from), static_cast<size_t>(to), EdgeProps{index}, graph);
  }

  // --- structure -------------------------------------------------------------------------
  if (!has_source)
    error(n > 0 ? operators[0].pos : SourcePos{},
          "no source: at least one operator needs a `rate` (input bytes per second per subtask)");

  // Cycles: every strongly connected component with more than one operator holds one. Name
  // a concrete cycle through its first operator (scenario order), found by a BFS that prefers
  // edges in scenario order.
  if (n > 0) {
    std::vector<int> component(static_cast<size_t>(n));
    const int count = boost::strong_components(
        graph, boost::make_iterator_property_map(component.begin(),
                                                 boost::get(boost::vertex_index, graph)));
    std::vector<int> size(static_cast<size_t>(count), 0);
    for (int c : component) ++size[c];
    std::vector<char> reported(static_cast<size_t>(count), 0);
    for (int v0 = 0; v0 < n; ++v0) {
      const int c = component[v0];
      if (size[c] < 2 || reported[c]) continue;
      reported[c] = 1;
      std::vector<int> parent(static_cast<size_t>(n), -1);
      std::vector<char> visited(static_cast<size_t>(n), 0);
      std::deque<int> queue{v0};
      visited[v0] = 1;
      int closing_edge = -1, last = -1;
      while (!queue.empty() && closing_edge < 0) {
        const int u = queue.front();
        queue.pop_front();
        std::vector<std::pair<int, int>> outs;  // (edge index, target)
        for (auto [ei, ee] = boost::out_edges(static_cast<size_t>(u), graph); ei != ee; ++ei)
          outs.emplace_back(graph[*ei].index, static_cast<int>(boost::target(*ei, graph)));
        std::sort(outs.begin(), outs.end());
        for (auto [index, w] : outs) {
          if (component[w] != c) continue;
          if (w == v0) {
            closing_edge = index;
            last = u;
            break;
          }
          if (!visited[w]) {
            visited[w] = 1;
            parent[w] = u;
            queue.push_back(w);
          }
        }
      }
      std::vector<int> path;
      for (int u = last; u != -1; u = parent[u]) path.push_back(u);
      std::reverse(path.begin(), path.end());
      std::string text;
      for (int u : path) text += "'" + operators[u].name + "' -> ";
      text += "'" + operators[v0].name + "'";
      error(edge_pos[closing_edge],
            fmt::format("cycle in the job graph: {}; the job graph must be acyclic (remove one of "
                        "these edges)",
                        text));
    }
  }

  // Reachability from the sources.
  if (has_source) {
    std::vector<char> reached(static_cast<size_t>(n), 0);
    std::deque<int> queue;
    for (int i = 0; i < n; ++i)
      if (operators[i].rate) {
        reached[i] = 1;
        queue.push_back(i);
      }
    while (!queue.empty()) {
      const int u = queue.front();
      queue.pop_front();
      for (auto [ei, ee] = boost::out_edges(static_cast<size_t>(u), graph); ei != ee; ++ei) {
        const int w = static_cast<int>(boost::target(*ei, graph));
        if (!reached[w]) {
          reached[w] = 1;
          queue.push_back(w);
        }
      }
    }
    for (int i = 0; i < n; ++i)
      if (!reached[i] && !duplicate[i])  // a duplicate is already reported (edges name the first)
        error(operators[i].pos,
              fmt::format("operator '{}' is not reachable from any source (an operator with a "
                          "`rate`); add an edge into it from an upstream operator",
                          operators[i].name));
  }

  if (!errors.empty()) {
    // Scenario order: by position; errors without a known position keep their order, last.
    std::stable_sort(errors.begin(), errors.end(), [](const GraphError& a, const GraphError& b) {
      auto key = [](const SourcePos& p) {
        return std::tuple{p.line <= 0, p.line, p.column};
      };
      return key(a.pos) < key(b.pos);
    });
    return errors;
  }

  // --- topological order: Kahn's algorithm, ties broken by scenario order -----------------
  {
    std::vector<int> indegree(static_cast<size_t>(n));
    for (int v = 0; v < n; ++v)
      indegree[v] = static_cast<int>(boost::in_degree(static_cast<size_t>(v), graph));
    std::priority_queue<int, std::vector<int>, std::greater<>> ready;
    for (int v = 0; v < n; ++v)
      if (indegree[v] == 0) ready.push(v);
    while (!ready.empty()) {
      const int u = ready.top();
      ready.pop();
      g.topo_.push_back(u);
      for (auto [ei, ee] = boost::out_edges(static_cast<size_t>(u), graph); ei != ee; ++ei) {
        const int w = static_cast<int>(boost::target(*ei, graph));
        if (--indegree[w] == 0) ready.push(w);
      }
    }
  }

  // --- expansion -------------------------------------------------------------------------
  g.op_first_.resize(static_cast<size_t>(n));
  int32_t next = 0;
  for (int i = 0; i < n; ++i) {
    g.op_first_[i] = next;
    for (int k = 0; k < operators[i].parallelism; ++k) g.subtask_op_.push_back(i);
    next += operators[i].parallelism;
  }
  // Channels by edge (scenario order), then sender, then receiver.
  for (size_t e = 0; e < g.edges_.size(); ++e) {
    const GraphEdge& edge = g.edges_[e];
    const int32_t a0 = g.op_first_[edge.from_op], b0 = g.op_first_[edge.to_op];
    const int pa = operators[edge.from_op].parallelism, pb = operators[edge.to_op].parallelism;
    if (edge.partitioning == Partitioning::forward) {
      for (int i = 0; i < pa; ++i) g.channels_.push_back(Channel{a0 + i, b0 + i, int32_t(e)});
    } else {
      for (int i = 0; i < pa; ++i)
        for (int j = 0; j < pb; ++j) g.channels_.push_back(Channel{a0 + i, b0 + j, int32_t(e)});
    }
  }
  // CSR: a counting sort keeps each subtask's channels in ascending channel order.
  const int32_t subtasks = next;
  auto csr = [&](auto endpoint, std::vector<int32_t>& offsets, std::vector<int32_t>& list) {
    offsets.assign(static_cast<size_t>(subtasks) + 1, 0);
    for (const Channel& ch : g.channels_) ++offsets[endpoint(ch) + 1];
    for (int32_t s = 0; s < subtasks; ++s) offsets[s + 1] += offsets[s];
    list.resize(g.channels_.size());
    std::vector<int32_t> fill(offsets.begin(), offsets.end() - 1);
    for (int32_t c = 0; c < static_cast<int32_t>(g.channels_.size()); ++c)
      list[fill[endpoint(g.channels_[c])]++] = c;
  };
  csr([](const Channel& ch) { return ch.to; }, g.in_offsets_, g.in_channels_);
  csr([](const Channel& ch) { return ch.from; }, g.out_offsets_, g.out_channels_);
  for (int op : g.topo_)
    for (int k = 0; k < operators[op].parallelism; ++k) g.subtask_topo_.push_back(g.op_first_[op] + k);
  return g;
}

}  // namespace ckptsim::model
