#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "model/flow.hpp"
#include "model/job_graph.hpp"

using namespace ckptsim;
using namespace ckptsim::model;

namespace {

OperatorSpec op(std::string name, int parallelism, std::optional<double> rate = std::nullopt,
                double capacity = kUnlimited, double selectivity = 1) {
  OperatorSpec o;
  o.name = std::move(name);
  o.parallelism = parallelism;
  o.rate = rate;
  o.capacity = capacity;
  o.selectivity = selectivity;
  return o;
}

EdgeSpec edge(std::string from, std::string to, Partitioning p) {
  EdgeSpec e;
  e.from = std::move(from);
  e.to = std::move(to);
  e.partitioning = p;
  return e;
}

JobGraph graph(const std::vector<OperatorSpec>& ops, const std::vector<EdgeSpec>& edges) {
  auto r = JobGraph::build(ops, edges);
  REQUIRE(std::holds_alternative<JobGraph>(r));
  return std::get<JobGraph>(std::move(r));
}

NetworkSpec net(int64_t buffer = 65536) {
  NetworkSpec n;
  n.buffer_per_channel = buffer;
  return n;
}

}  // namespace

TEST_CASE("chain: hash into a slow operator") {
  // src(2) 10 MB/s each --hash--> agg(4) cap 3.75 MB/s --rebalance--> sink(2)
  auto g = graph({op("src", 2, 10e6), op("agg", 4, std::nullopt, 3.75e6), op("sink", 2)},
                 {edge("src", "agg", Partitioning::hash), edge("agg", "sink", Partitioning::rebalance)});
  Flow f = compute_flow(g, Loads::from_graph(g), net());
  // agg demand: 2 × 10/4 = 5 MB/s each; ratio 0.75. sink demand: 4 × 5/2 = 10 MB/s (unlimited).
  CHECK(f.nominal_input == 20e6);
  CHECK(f.demand == std::vector<double>{10e6, 10e6, 5e6, 5e6, 5e6, 5e6, 10e6, 10e6});
  CHECK(f.throttle == 0.75);
  CHECK(f.capacity_ratio == 0.75);
  CHECK(f.backpressured());
  CHECK(f.bottleneck == std::vector<char>{0, 0, 1, 1, 1, 1, 0, 0});
  CHECK(f.input_rate() == 15e6);
  CHECK(f.catch_up_rate() == 15e6);
  REQUIRE(g.channel_count() == 8 + 8);
  for (int c = 0; c < 8; ++c) {  // src -> agg: 2.5 MB/s nominal, full
    CHECK(f.channel_rate[c] == 1.875e6);
    CHECK(f.channel_backlog[c] == 65536);
  }
  for (int c = 8; c < 16; ++c) {  // agg -> sink: 2.5 MB/s nominal, downstream of the bottleneck
    CHECK(f.channel_rate[c] == 1.875e6);
    CHECK(f.channel_backlog[c] == 0);
  }
}

TEST_CASE("diamond: the join is the bottleneck; a side branch stays empty") {
  // src(1) 100 B/s -> a(1, selectivity 2, cap 400) -> join(1, cap 150)
  //                -> b(1)                         -> join
  //                -> side(1)
  auto g = graph({op("src", 1, 100.0), op("a", 1, std::nullopt, 400, 2), op("b", 1),
                  op("join", 1, std::nullopt, 150), op("side", 1)},
                 {edge("src", "a", Partitioning::forward), edge("src", "b", Partitioning::rebalance),
                  edge("a", "join", Partitioning::hash), edge("b", "join", Partitioning::broadcast),
                  edge("src", "side", Partitioning::hash)});
  Flow f = compute_flow(g, Loads::from_graph(g), net(1000));
  CHECK(f.demand == std::vector<double>{100, 100, 100, 300, 100});
  CHECK(f.throttle == 0.5);  // join: 150 / 300; a: 400 / 100 = 4
  CHECK(f.capacity_ratio == 0.5);
  CHECK(f.bottleneck == std::vector<char>{0, 0, 0, 1, 0});
  // Channels in edge order: src->a, src->b, a->join, b->join, src->side.
  CHECK(f.channel_rate == std::vector<double>{50, 50, 100, 50, 50});
  CHECK(f.channel_backlog == std::vector<double>{1000, 1000, 1000, 1000, 0});
  CHECK(f.catch_up_rate() == 50);
}

TEST_CASE("capacity exactly equal to demand is not backpressure") {
  auto g = graph({op("src", 1, 100.0), op("x", 1, std::nullopt, 100)},
                 {edge("src", "x", Partitioning::forward)});
  Flow f = compute_flow(g, Loads::from_graph(g), net());
  CHECK(f.throttle == 1);
  CHECK(f.capacity_ratio == 1);
  CHECK_FALSE(f.backpressured());
  CHECK(f.bottleneck == std::vector<char>{0, 0});
  CHECK(f.channel_rate == std::vector<double>{100});
  CHECK(f.channel_backlog == std::vector<double>{0});
  CHECK(f.catch_up_rate() == 100);
}

TEST_CASE("headroom: capacity_ratio above 1 sets the catch-up rate; unlimited when no capacity") {
  auto g = graph({op("src", 1, 100.0), op("x", 1, std::nullopt, 250)},
                 {edge("src", "x", Partitioning::forward)});
  Flow f = compute_flow(g, Loads::from_graph(g), net());
  CHECK(f.throttle == 1);
  CHECK(f.capacity_ratio == 2.5);
  CHECK(f.input_rate() == 100);
  CHECK(f.catch_up_rate() == 250);

  auto g2 = graph({op("src", 1, 100.0), op("x", 1)}, {edge("src", "x", Partitioning::forward)});
  Flow f2 = compute_flow(g2, Loads::from_graph(g2), net());
  CHECK(f2.throttle == 1);
  CHECK(f2.capacity_ratio == kUnlimited);
  CHECK(f2.catch_up_rate() == kUnlimited);
}

TEST_CASE("selectivity scales the output") {
  auto g = graph({op("src", 1, 100.0, kUnlimited, 0.5), op("x", 1, std::nullopt, kUnlimited, 3),
                  op("y", 1, std::nullopt, 120)},
                 {edge("src", "x", Partitioning::forward), edge("x", "y", Partitioning::forward)});
  Flow f = compute_flow(g, Loads::from_graph(g), net());
  CHECK(f.demand == std::vector<double>{100, 50, 150});
  CHECK(f.throttle == 0.8);
  CHECK(f.bottleneck == std::vector<char>{0, 0, 1});
}

TEST_CASE("broadcast sends every byte to every receiver; rebalance splits") {
  auto bcast = graph({op("src", 2, 60.0), op("b", 3)}, {edge("src", "b", Partitioning::broadcast)});
  Flow fb = compute_flow(bcast, Loads::from_graph(bcast), net());
  CHECK(fb.demand == std::vector<double>{60, 60, 120, 120, 120});
  CHECK(fb.channel_rate == std::vector<double>(6, 60));

  auto reb = graph({op("src", 2, 60.0), op("b", 3)}, {edge("src", "b", Partitioning::rebalance)});
  Flow fr = compute_flow(reb, Loads::from_graph(reb), net());
  CHECK(fr.demand == std::vector<double>{60, 60, 40, 40, 40});
  CHECK(fr.channel_rate == std::vector<double>(6, 20));

  // Two output edges: each carries the whole output.
  auto two = graph({op("src", 1, 60.0), op("a", 2), op("c", 1)},
                   {edge("src", "a", Partitioning::hash), edge("src", "c", Partitioning::forward)});
  Flow ft = compute_flow(two, Loads::from_graph(two), net());
  CHECK(ft.demand == std::vector<double>{60, 30, 30, 60});
}

TEST_CASE("one slow subtask: only its inputs and the paths into it are full") {
  // src(2) -hash-> agg(2) -forward-> sink(2); agg[1] is slow via a per-subtask load.
  auto g = graph({op("src", 2, 100.0), op("agg", 2), op("sink", 2)},
                 {edge("src", "agg", Partitioning::hash), edge("agg", "sink", Partitioning::forward)});
  Loads l = Loads::from_graph(g);
  CHECK(l.rate == std::vector<double>{100, 100, 0, 0, 0, 0});
  CHECK(l.capacity == std::vector<double>(6, kUnlimited));
  l.capacity[3] = 25;  // agg[1]: demand 100
  Flow f = compute_flow(g, l, net(4096));
  CHECK(f.throttle == 0.25);
  CHECK(f.bottleneck == std::vector<char>{0, 0, 0, 1, 0, 0});
  // Channels: src0->agg0, src0->agg1, src1->agg0, src1->agg1, agg0->sink0, agg1->sink1.
  CHECK(f.channel_backlog == std::vector<double>{0, 4096, 0, 4096, 0, 0});
  CHECK(f.channel_rate == std::vector<double>{12.5, 12.5, 12.5, 12.5, 25, 25});
}

TEST_CASE("debloat: backlog is min(buffer, target x rate)") {
  auto g = graph({op("src", 1, 4e6), op("x", 1, std::nullopt, 2e6)},
                 {edge("src", "x", Partitioning::forward)});
  NetworkSpec n = net(65536);
  n.debloat = true;
  n.debloat_target = 10 * sim::kMillisecond;  // 10 ms × 2 MB/s = 20000 B
  Flow f = compute_flow(g, Loads::from_graph(g), n);
  CHECK(f.channel_rate == std::vector<double>{2e6});
  CHECK(f.channel_backlog == std::vector<double>{20000});
  n.debloat_target = sim::kSecond;  // 2 MB > buffer
  f = compute_flow(g, Loads::from_graph(g), n);
  CHECK(f.channel_backlog == std::vector<double>{65536});
}

TEST_CASE("a capacity of 0 stalls everything") {
  auto g = graph({op("src", 1, 100.0), op("x", 1, std::nullopt, 0), op("y", 1)},
                 {edge("src", "x", Partitioning::forward), edge("x", "y", Partitioning::forward)});
  Flow f = compute_flow(g, Loads::from_graph(g), net(512));
  CHECK(f.throttle == 0);
  CHECK(f.capacity_ratio == 0);
  CHECK(f.backpressured());
  CHECK(f.bottleneck == std::vector<char>{0, 1, 0});
  CHECK(f.input_rate() == 0);
  CHECK(f.catch_up_rate() == 0);
  CHECK(f.channel_rate == std::vector<double>{0, 0});
  CHECK(f.channel_backlog == std::vector<double>{512, 0});
}

TEST_CASE("a zero source rate: no demand, no backpressure") {
  auto g = graph({op("src", 1, 0.0), op("x", 1, std::nullopt, 0)},
                 {edge("src", "x", Partitioning::forward)});
  Flow f = compute_flow(g, Loads::from_graph(g), net());
  CHECK(f.throttle == 1);
  CHECK(f.capacity_ratio == kUnlimited);
  CHECK(f.channel_backlog == std::vector<double>{0});
}
