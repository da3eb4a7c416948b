#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "model/job_graph.hpp"
#include "model/scenario.hpp"
#include "sim/rng.hpp"

using namespace ckptsim;
using namespace ckptsim::model;

namespace {

int line_counter = 0;

OperatorSpec op(std::string name, int parallelism, std::optional<double> rate = std::nullopt) {
  OperatorSpec o;
  o.name = std::move(name);
  o.parallelism = parallelism;
  o.rate = rate;
  o.pos = {++line_counter, 7};
  return o;
}

EdgeSpec edge(std::string from, std::string to, Partitioning p = Partitioning::hash) {
  EdgeSpec e;
  e.from = std::move(from);
  e.to = std::move(to);
  e.partitioning = p;
  e.pos = {++line_counter, 7};
  return e;
}

JobGraph ok(const std::vector<OperatorSpec>& ops, const std::vector<EdgeSpec>& edges) {
  auto r = JobGraph::build(ops, edges);
  if (auto* errs = std::get_if<std::vector<GraphError>>(&r)) {
    for (auto& e : *errs) MESSAGE(e.message);
    FAIL("unexpected graph errors");
  }
  return std::get<JobGraph>(std::move(r));
}

std::vector<GraphError> errors(const std::vector<OperatorSpec>& ops,
                               const std::vector<EdgeSpec>& edges) {
  auto r = JobGraph::build(ops, edges);
  REQUIRE(std::holds_alternative<std::vector<GraphError>>(r));
  return std::get<std::vector<GraphError>>(r);
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("expansion: subtasks numbered by operator in scenario order, channels and CSR") {
  // src(2) --hash--> agg(3) --forward--> sink(3)
  auto g = ok({op("src", 2, 10.0), op("agg", 3), op("sink", 3)},
              {edge("src", "agg", Partitioning::hash), edge("agg", "sink", Partitioning::forward)});
  CHECK(g.subtask_count() == 8);
  CHECK(g.first_subtask(0) == 0);
  CHECK(g.first_subtask(1) == 2);
  CHECK(g.first_subtask(2) == 5);
  CHECK(g.operator_of(4) == 1);
  CHECK(g.index_in_operator(4) == 2);
  CHECK(g.operator_index("agg") == 1);
  CHECK(g.operator_index("nope") == -1);
  CHECK(g.is_source(0));
  CHECK_FALSE(g.is_source(1));
  REQUIRE(g.channel_count() == 2 * 3 + 3);
  // Edge 0 all-to-all, sender-major; edge 1 forward i -> i.
  std::vector<std::tuple<int, int, int>> expect = {
      {0, 2, 0}, {0, 3, 0}, {0, 4, 0}, {1, 2, 0}, {1, 3, 0}, {1, 4, 0},
      {2, 5, 1}, {3, 6, 1}, {4, 7, 1}};
  for (int c = 0; c < g.channel_count(); ++c) {
    const Channel& ch = g.channels()[c];
    CHECK(std::tuple<int, int, int>{ch.from, ch.to, ch.edge} == expect[c]);
  }
  // Inputs of agg subtask 1 (global 3): channels 1 (from src0) and 4 (from src1).
  REQUIRE(g.inputs_end(3) - g.inputs_begin(3) == 2);
  CHECK(g.input_channels()[g.inputs_begin(3)] == 1);
  CHECK(g.input_channels()[g.inputs_begin(3) + 1] == 4);
  // Outputs of src subtask 1: channels 3, 4, 5.
  REQUIRE(g.outputs_end(1) - g.outputs_begin(1) == 3);
  CHECK(g.output_channels()[g.outputs_begin(1)] == 3);
  CHECK(g.output_channels()[g.outputs_begin(1) + 2] == 5);
  // Sources have no inputs, sinks no outputs.
  CHECK(g.inputs_begin(0) == g.inputs_end(0));
  CHECK(g.outputs_begin(7) == g.outputs_end(7));
  CHECK(g.topological_order() == std::vector<int>{0, 1, 2});
  CHECK(g.subtasks_in_topological_order() == std::vector<int32_t>{0, 1, 2, 3, 4, 5, 6, 7});
}

TEST_CASE("topological order is stable (scenario order breaks ties) even if declared backwards") {
  // Declared sink first: sink(0) <- b(1) <- a(2) <- src(3); plus src -> sink directly.
  auto g = ok({op("sink", 1), op("b", 2), op("a", 1), op("src", 1, 5.0)},
              {edge("a", "b", Partitioning::rebalance), edge("b", "sink"),
               edge("src", "a", Partitioning::forward), edge("src", "sink", Partitioning::broadcast)});
  CHECK(g.topological_order() == std::vector<int>{3, 2, 1, 0});
  // Subtasks: sink=0, b=1..2, a=3, src=4.
  CHECK(g.subtasks_in_topological_order() == std::vector<int32_t>{4, 3, 1, 2, 0});
  // Channels follow edge order: a->b (3->1, 3->2), b->sink (1->0, 2->0), src->a, src->sink.
  REQUIRE(g.channel_count() == 6);
  CHECK(g.channels()[0].from == 3);
  CHECK(g.channels()[1].to == 2);
  CHECK(g.channels()[4].from == 4);
  CHECK(g.channels()[4].to == 3);
  CHECK(g.channels()[5].edge == 3);
  // sink's inputs are channels 2, 3, 5 in that order.
  REQUIRE(g.inputs_end(0) - g.inputs_begin(0) == 3);
  CHECK(g.input_channels()[g.inputs_begin(0)] == 2);
  CHECK(g.input_channels()[g.inputs_begin(0) + 1] == 3);
  CHECK(g.input_channels()[g.inputs_begin(0) + 2] == 5);
}

TEST_CASE("a diamond: two sources, a join") {
  auto g = ok({op("s1", 1, 1.0), op("s2", 2, 1.0), op("join", 2)},
              {edge("s1", "join", Partitioning::broadcast), edge("s2", "join", Partitioning::forward)});
  CHECK(g.channel_count() == 4);
  CHECK(g.topological_order() == std::vector<int>{0, 1, 2});
  // join subtask 1 (global 4): from s1 (channel 1) and s2[1] (channel 3).
  REQUIRE(g.inputs_end(4) - g.inputs_begin(4) == 2);
  CHECK(g.input_channels()[g.inputs_begin(4)] == 1);
  CHECK(g.input_channels()[g.inputs_begin(4) + 1] == 3);
}

TEST_CASE("a cycle is reported once, naming its operators, at the closing edge") {
  auto ops = std::vector{op("src", 1, 1.0), op("a", 1), op("b", 1), op("c", 1)};
  auto e0 = edge("src", "a");
  auto e1 = edge("a", "b");
  auto e2 = edge("b", "c");
  auto e3 = edge("c", "a");
  auto errs = errors(ops, {e0, e1, e2, e3});
  REQUIRE(errs.size() == 1);
  CHECK(contains(errs[0].message, "cycle"));
  CHECK(contains(errs[0].message, "'a' -> 'b' -> 'c' -> 'a'"));
  CHECK(errs[0].pos.line == e3.pos.line);
  CHECK(errs[0].pos.column == 7);
}

TEST_CASE("a self-loop is a cycle") {
  auto e = edge("a", "a");
  auto errs = errors({op("src", 1, 1.0), op("a", 1)}, {edge("src", "a"), e});
  REQUIRE(errs.size() == 1);
  CHECK(contains(errs[0].message, "'a' to itself"));
  CHECK(errs[0].pos.line == e.pos.line);
}

TEST_CASE("unknown operators in an edge") {
  auto e = edge("src", "sinkk");
  auto errs = errors({op("src", 1, 1.0), op("sink", 1)}, {edge("src", "sink"), e});
  REQUIRE(errs.size() == 1);
  CHECK(contains(errs[0].message, "unknown operator 'sinkk'"));
  CHECK(contains(errs[0].message, "'src', 'sink'"));
  CHECK(errs[0].pos.line == e.pos.line);
}

TEST_CASE("forward edge between different parallelisms") {
  auto e = edge("src", "sink", Partitioning::forward);
  auto errs = errors({op("src", 4, 1.0), op("sink", 2)}, {e});
  REQUIRE(errs.size() == 1);
  CHECK(contains(errs[0].message, "forward edge from 'src' (parallelism 4) to 'sink' (parallelism 2)"));
  CHECK(errs[0].pos.line == e.pos.line);
}

TEST_CASE("unreachable operator, duplicate name, no source, duplicate edge") {
  SUBCASE("unreachable") {
    auto lonely = op("lonely", 1);
    auto errs = errors({op("src", 1, 1.0), lonely, op("after", 1)},
                       {edge("lonely", "after")});
    REQUIRE(errs.size() == 2);
    CHECK(contains(errs[0].message, "'lonely' is not reachable from any source"));
    CHECK(errs[0].pos.line == lonely.pos.line);
    CHECK(contains(errs[1].message, "'after' is not reachable"));
  }
  SUBCASE("duplicate name") {
    auto dup = op("src", 2);
    auto errs = errors({op("src", 1, 1.0), dup}, {});
    REQUIRE(errs.size() == 1);
    CHECK(contains(errs[0].message, "duplicate operator name 'src'"));
    CHECK(errs[0].pos.line == dup.pos.line);
  }
  SUBCASE("no source") {
    auto errs = errors({op("a", 1), op("b", 1)}, {edge("a", "b")});
    REQUIRE(errs.size() == 1);
    CHECK(contains(errs[0].message, "no source"));
    CHECK(contains(errs[0].message, "rate"));
  }
  SUBCASE("no operators at all") {
    auto errs = errors({}, {});
    REQUIRE(errs.size() == 1);
    CHECK(contains(errs[0].message, "no source"));
  }
  SUBCASE("duplicate edge") {
    auto again = edge("src", "sink", Partitioning::rebalance);
    auto errs = errors({op("src", 1, 1.0), op("sink", 1)}, {edge("src", "sink"), again});
    REQUIRE(errs.size() == 1);
    CHECK(contains(errs[0].message, "duplicate edge from 'src' to 'sink'"));
    CHECK(errs[0].pos.line == again.pos.line);
  }
  SUBCASE("edge into a source") {
    auto e = edge("a", "src2");
    auto errs = errors({op("src", 1, 1.0), op("a", 1), op("src2", 1, 1.0)},
                       {edge("src", "a"), e});
    REQUIRE(errs.size() == 1);
    CHECK(contains(errs[0].message, "source 'src2'"));
  }
}

TEST_CASE("value checks on operators") {
  auto bad = op("x", 0, -5.0);
  bad.capacity = -1;
  bad.selectivity = -0.5;
  bad.state = Distribution::constant(-3);
  bad.incremental = 1.5;
  auto errs = errors({bad}, {});
  REQUIRE(errs.size() == 6);
  for (auto& e : errs) CHECK(e.pos.line == bad.pos.line);
  CHECK(contains(errs[0].message, "parallelism must be at least 1, got 0"));
  CHECK(contains(errs[1].message, "rate must be >= 0"));
  CHECK(contains(errs[2].message, "capacity must be >= 0"));
  CHECK(contains(errs[3].message, "selectivity must be >= 0"));
  CHECK(contains(errs[4].message, "state size must be >= 0"));
  CHECK(contains(errs[5].message, "incremental must be a fraction in [0, 1], got 1.5"));

  auto inc = op("s", 1, 1.0);
  inc.incremental = -0.1;
  CHECK(errors({inc}, {}).size() == 1);
  inc.incremental = 0;
  CHECK(std::holds_alternative<JobGraph>(JobGraph::build({inc}, {})));
}

TEST_CASE("every error is reported, in scenario order") {
  auto a = op("src", 2, 1.0);
  auto b = op("b", 0);
  auto e1 = edge("src", "zzz");
  auto e2 = edge("src", "c", Partitioning::forward);
  auto c = op("c", 3);  // declared after the edges: line order still wins
  auto errs = errors({a, b, c}, {e1, e2});
  // b: parallelism 0 and unreachable; e1 unknown; e2 forward mismatch.
  REQUIRE(errs.size() == 4);
  CHECK(errs[0].pos.line == b.pos.line);
  CHECK(errs[1].pos.line == b.pos.line);
  CHECK(errs[2].pos.line == e1.pos.line);
  CHECK(errs[3].pos.line == e2.pos.line);
}

TEST_CASE("Distribution: mean, samples never negative, constants draw nothing") {
  CHECK(Distribution::constant(5).mean() == 5);
  CHECK(Distribution{Distribution::Kind::uniform, 2, 6}.mean() == 4);
  CHECK(Distribution{Distribution::Kind::exponential, 3, 0}.mean() == 3);
  CHECK(Distribution{Distribution::Kind::lognormal, 10, 0}.mean() == 10);
  CHECK(Distribution{Distribution::Kind::lognormal, 1, 1}.mean() == doctest::Approx(std::exp(0.5)));
  // Normal truncated at 0 with mean 0: mean = stddev * sqrt(2/pi).
  CHECK(Distribution{Distribution::Kind::normal, 0, 1}.mean() ==
        doctest::Approx(std::sqrt(2 / 3.14159265358979323846)));
  CHECK(Distribution{Distribution::Kind::normal, 100, 1}.mean() == doctest::Approx(100));

  sim::RandomStream r1(1, 0, "x"), r2(1, 0, "x");
  CHECK(Distribution::constant(7).sample(r1) == 7);
  CHECK(Distribution::constant(-7).sample(r1) == 0);
  CHECK(r1.next_u64() == r2.next_u64());  // the constants consumed nothing

  sim::RandomStream rng(42, 0, "dist");
  Distribution u{Distribution::Kind::uniform, 2, 6};
  Distribution n{Distribution::Kind::normal, 1, 5};
  Distribution ex{Distribution::Kind::exponential, 3, 0};
  Distribution ln{Distribution::Kind::lognormal, 3, 0.5};
  for (int i = 0; i < 1000; ++i) {
    double x = u.sample(rng);
    CHECK((x >= 2 && x < 6));
    CHECK(n.sample(rng) >= 0);
    CHECK(ex.sample(rng) >= 0);
    CHECK(ln.sample(rng) > 0);
  }
  // Same as the stream's own method, draw for draw.
  sim::RandomStream a(9, 1, "d"), b(9, 1, "d");
  CHECK(ln.sample(a) == b.lognormal(3, 0.5));
  CHECK(u.sample(a) == b.uniform(2, 6));
}

TEST_CASE("to_string(Partitioning)") {
  CHECK(std::string(to_string(Partitioning::forward)) == "forward");
  CHECK(std::string(to_string(Partitioning::rebalance)) == "rebalance");
  CHECK(std::string(to_string(Partitioning::hash)) == "hash");
  CHECK(std::string(to_string(Partitioning::broadcast)) == "broadcast");
}
