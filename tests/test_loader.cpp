// Pins cli/loader.cpp and the sections of the schema (cli/scenario_schema.cpp, event_schema.cpp,
// expectation_schema.cpp): every key read to its value, the defaults, and each kind of error
// with its position and what was expected.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include <fmt/format.h>

#include "cli/loader.hpp"
#include "sim/time.hpp"
#include "tests/loader_fixture.hpp"

using namespace ckptsim;
using namespace ckptsim::testing;


TEST_CASE("the full example loads with every value") {
  const auto& l = ok(load(kSpecExample));
  const auto& s = l.scenario;
  CHECK(l.file == "s.yaml");
  CHECK(s.name == "rescue-near-complete");
  CHECK(s.description ==
        "A storage slowdown pushes checkpoints past 10 min; a patch extends the timeout.");
  CHECK(s.seed == 7);
  CHECK(s.duration == 3 * sim::kHour);
  REQUIRE(s.operators.size() == 3);
  CHECK(s.operators[0].name == "src");
  CHECK(s.operators[0].parallelism == 4);
  REQUIRE(s.operators[0].rate.has_value());
  CHECK(*s.operators[0].rate == 20 * MB);
  CHECK(s.operators[0].capacity == model::kUnlimited);
  CHECK(s.operators[0].pos.line == 7);
  CHECK(s.operators[0].pos.column == 7);
  CHECK(s.operators[1].name == "agg");
  CHECK(!s.operators[1].rate.has_value());
  CHECK(s.operators[1].capacity == 60 * MB);
  CHECK(s.operators[1].state.is_constant());
  CHECK(s.operators[1].state.a == 25e9);
  CHECK(s.operators[1].sync_phase == 200 * sim::kMillisecond);
  CHECK(s.operators[1].selectivity == 1);
  CHECK(s.operators[1].incremental == 1);
  CHECK(s.operators[2].name == "sink");
  CHECK(s.operators[2].parallelism == 2);
  CHECK(s.operators[2].state.a == 0);
  REQUIRE(s.edges.size() == 2);
  CHECK(s.edges[0].from == "src");
  CHECK(s.edges[0].to == "agg");
  CHECK(s.edges[0].partitioning == model::Partitioning::hash);
  CHECK(s.edges[1].partitioning == model::Partitioning::rebalance);
  CHECK(s.edges[1].pos.line == 12);
  CHECK(s.network.latency == sim::kMillisecond);
  CHECK(s.network.buffer_per_channel == 128 * 1024);
  CHECK(!s.network.debloat);
  CHECK(s.storage.bandwidth == 400 * MB);
  CHECK(s.storage.per_task_bandwidth == model::kUnlimited);
  CHECK(s.storage.latency == 50 * sim::kMillisecond);
  CHECK(!s.storage.jitter.has_value());
  CHECK(s.recovery.download_bandwidth == 1e9);
  CHECK(s.recovery.deploy == 20 * sim::kSecond);
  CHECK(s.checkpointing.interval == 5 * sim::kMinute);
  CHECK(s.checkpointing.timeout == 10 * sim::kMinute);
  CHECK(s.checkpointing.tolerable_failed_checkpoints == 2);
  CHECK(s.checkpointing.max_concurrent == 1);
  CHECK(!s.checkpointing.initial_delay.has_value());
  CHECK(s.restart_strategy.type == model::RestartStrategySpec::Type::exponential_delay);
  CHECK(s.config.persist_overrides);
  CHECK(!s.failures.task_mtbf.has_value());
  CHECK(!s.failures.jobmanager_mtbf.has_value());

  REQUIRE(s.events.size() == 4);
  CHECK(s.events[0].at == 30 * sim::kMinute);
  const auto& st = std::get<model::StorageChange>(s.events[0].what);
  CHECK(*st.bandwidth == 120 * MB);
  CHECK(!st.latency.has_value());
  CHECK(s.events[1].at == 52 * sim::kMinute);
  CHECK(s.events[1].pos.line == 22);
  CHECK(s.events[1].pos.column == 5);
  const auto& p = std::get<model::PatchRequest>(s.events[1].what);
  CHECK(p.body_is_map);
  REQUIRE(p.body.size() == 2);
  CHECK(p.body[0].key == "checkpointInterval");
  CHECK(p.body[0].value == "20min");
  CHECK(p.body[0].scalar);
  CHECK(p.body[1].key == "checkpointTimeout");
  CHECK(p.body[1].value == "30min");
  CHECK(p.apply == model::PatchApply::torn);
  CHECK(p.tear_first == model::ConfigField::interval);
  CHECK(p.tear_gap == 30 * sim::kSecond);
  CHECK(p.interval_policy == model::IntervalPolicy::earlier_only);
  CHECK(s.events[2].at == 90 * sim::kMinute);
  CHECK(std::get<model::FailureKind>(s.events[2].what) == model::FailureKind::jobmanager);
  CHECK(s.events[3].at == 2 * sim::kHour);
  const auto& ld = std::get<model::LoadChange>(s.events[3].what);
  CHECK(ld.operator_name == "agg");
  CHECK(*ld.capacity == 10 * MB);
  CHECK(!ld.rate.has_value());
  CHECK(!ld.subtask.has_value());

  REQUIRE(l.expectations.size() == 3);
  CHECK(l.expectations[0].kind == cli::Expectation::Kind::metric);
  CHECK(l.expectations[0].metric == "rescued");
  CHECK(l.expectations[0].op == ">=");
  CHECK(l.expectations[0].value == 1);
  CHECK(l.expectations[0].value_text == "1");
  CHECK(l.expectations[0].pos.line == 31);
  CHECK(l.expectations[1].metric == "failovers");
  CHECK(l.expectations[1].op == "==");
  CHECK(l.expectations[2].kind == cli::Expectation::Kind::checkpoint);
  CHECK(l.expectations[2].checkpoint == 3);
  CHECK(*l.expectations[2].status == "COMPLETED");
  CHECK(!l.expectations[2].failure_reason.has_value());
  CHECK(!l.expectations[2].rescued.has_value());
}

TEST_CASE("defaults when keys are absent") {
  const auto& l = ok(load(kMinimal));
  const auto& s = l.scenario;
  CHECK(s.name == "s");  // the file's stem
  CHECK(s.seed == 0);
  CHECK(s.operators[0].parallelism == 1);
  CHECK(s.edges[0].partitioning == model::Partitioning::hash);
  CHECK(s.network.buffer_per_channel == 64 * 1024);
  CHECK(s.network.debloat_target == sim::kSecond);
  CHECK(s.storage.bandwidth == model::kUnlimited);
  CHECK(s.recovery.download_bandwidth == model::kUnlimited);
  CHECK(s.checkpointing.interval == sim::kMinute);
  CHECK(s.checkpointing.timeout == 10 * sim::kMinute);
  CHECK(s.checkpointing.min_pause == 0);
  CHECK(s.checkpointing.max_concurrent == 1);
  CHECK(s.checkpointing.tolerable_failed_checkpoints == 0);
  CHECK(!s.checkpointing.unaligned_checkpoints);
  CHECK(s.checkpointing.aligned_checkpoint_timeout == 0);
  CHECK(!s.checkpointing.initial_delay.has_value());
  CHECK(s.checkpointing.trigger_latency == 0);
  CHECK(s.restart_strategy.type == model::RestartStrategySpec::Type::exponential_delay);
  CHECK(s.restart_strategy.initial_backoff == sim::kSecond);
  CHECK(s.restart_strategy.max_backoff == sim::kMinute);
  CHECK(s.restart_strategy.multiplier == 1.5);
  CHECK(s.restart_strategy.reset_backoff_threshold == sim::kHour);
  CHECK(s.restart_strategy.jitter == 0.1);
  CHECK(!s.restart_strategy.attempts.has_value());
  CHECK(s.config.persist_overrides);
  CHECK(s.events.empty());
  CHECK(l.expectations.empty());
}

TEST_CASE("every other key and the distributions") {
  const std::string text = std::string(kMinimal) + R"(network: {debloat: true, debloat_target: 500ms}
storage:
  per_task_bandwidth: 50MB/s
  jitter: {dist: uniform, min: 10ms, max: 2s}
recovery: {download_bandwidth: unlimited}
restart_strategy: {type: fixed-delay, attempts: 3, delay: 10s}
failures: {task_mtbf: 6h, jobmanager_mtbf: 2d}
config: {persist_overrides: false}
events:
  - {at: 2h, load: {operator: src, rate: 5MB/s, subtask: 0}}
  - {at: 1s, patch: {body: [1, 2]}}
  - {at: 2s, patch: {body: {checkpointTimeout: {a: 1}, x: }, apply: atomic, interval_policy: immediate}}
  - {at: 3s, fail: task}
  - {at: 4s, storage: {latency: 1s, per_task_bandwidth: unlimited}}
expect:
  - {metric: max_lag, op: "<", value: 90s}
  - {metric: wasted_bytes, op: "<=", value: 2GB}
  - {metric: job_status, op: "!=", value: FAILED}
  - {checkpoint: 2, status: FAILED, failure_reason: CHECKPOINT_EXPIRED, rescued: false}
)";
  std::string t = text;
  t.replace(t.find("checkpointing: {interval: 1min}"), 31,
            "checkpointing: {interval: 1min, timeout: 20s, min_pause: 5s, max_concurrent: 3, "
            "tolerable_failed_checkpoints: 4, unaligned_checkpoints: true, "
            "aligned_checkpoint_timeout: 30s, initial_delay: 0, trigger_latency: 1ms, "
            "finalize_latency: 2ms, rpc_latency: 250us}");
  t.replace(t.find("{name: sink}"), 12,
            "{name: sink, parallelism: 3, capacity: unlimited, selectivity: 0.5, incremental: 0.2, "
            "state: {dist: lognormal, median: 1GiB, sigma: 0.5}}");
  const auto& l = ok(load(t));
  const auto& s = l.scenario;
  CHECK(s.checkpointing.timeout == 20 * sim::kSecond);
  CHECK(s.checkpointing.min_pause == 5 * sim::kSecond);
  CHECK(s.checkpointing.max_concurrent == 3);
  CHECK(s.checkpointing.tolerable_failed_checkpoints == 4);
  CHECK(s.checkpointing.unaligned_checkpoints);
  CHECK(s.checkpointing.aligned_checkpoint_timeout == 30 * sim::kSecond);
  CHECK(*s.checkpointing.initial_delay == 0);
  CHECK(s.checkpointing.trigger_latency == 1000);
  CHECK(s.checkpointing.finalize_latency == 2000);
  CHECK(s.checkpointing.rpc_latency == 250);
  const auto& sink = s.operators[1];
  CHECK(sink.parallelism == 3);
  CHECK(sink.selectivity == 0.5);
  CHECK(sink.incremental == 0.2);
  CHECK(sink.state.kind == model::Distribution::Kind::lognormal);
  CHECK(sink.state.a == 1073741824.0);
  CHECK(sink.state.b == 0.5);
  CHECK(s.network.debloat);
  CHECK(s.network.debloat_target == 500 * sim::kMillisecond);
  CHECK(s.storage.per_task_bandwidth == 50 * MB);
  REQUIRE(s.storage.jitter.has_value());
  CHECK(s.storage.jitter->kind == model::Distribution::Kind::uniform);
  CHECK(s.storage.jitter->a == 10000);
  CHECK(s.storage.jitter->b == 2e6);
  CHECK(s.recovery.download_bandwidth == model::kUnlimited);
  CHECK(s.restart_strategy.type == model::RestartStrategySpec::Type::fixed_delay);
  CHECK(*s.restart_strategy.attempts == 3);
  CHECK(s.restart_strategy.delay == 10 * sim::kSecond);
  CHECK(*s.failures.task_mtbf == 6 * sim::kHour);
  CHECK(*s.failures.jobmanager_mtbf == 2 * sim::kDay);
  CHECK(!s.config.persist_overrides);
  REQUIRE(s.events.size() == 5);  // file order is kept
  CHECK(s.events[0].at == 2 * sim::kHour);
  const auto& ld = std::get<model::LoadChange>(s.events[0].what);
  CHECK(*ld.rate == 5 * MB);
  CHECK(*ld.subtask == 0);
  CHECK(!std::get<model::PatchRequest>(s.events[1].what).body_is_map);
  const auto& p2 = std::get<model::PatchRequest>(s.events[2].what);
  REQUIRE(p2.body.size() == 2);
  CHECK(!p2.body[0].scalar);
  CHECK(p2.body[1].key == "x");
  CHECK(p2.body[1].value == "");
  CHECK(p2.interval_policy == model::IntervalPolicy::immediate);
  CHECK(std::get<model::FailureKind>(s.events[3].what) == model::FailureKind::task);
  const auto& st = std::get<model::StorageChange>(s.events[4].what);
  CHECK(*st.latency == sim::kSecond);
  CHECK(*st.per_task_bandwidth == model::kUnlimited);
  REQUIRE(l.expectations.size() == 4);
  CHECK(l.expectations[0].value == 90000);  // durations compare in ms
  CHECK(l.expectations[0].value_text == "90s");
  CHECK(l.expectations[1].value == 2e9);
  CHECK(l.expectations[2].metric == "job_status");
  CHECK(l.expectations[2].value_text == "FAILED");
  CHECK(*l.expectations[3].failure_reason == "CHECKPOINT_EXPIRED");
  CHECK(*l.expectations[3].rescued == false);
}

TEST_CASE("ScenarioError::format") {
  CHECK(ScenarioError{"a.yaml", 3, 7, "boom"}.format() == "a.yaml:3:7: error: boom");
  CHECK(ScenarioError{"a.yaml", 0, 0, "boom"}.format() == "a.yaml: error: boom");
}

TEST_CASE("unknown keys: three typos give three errors with suggestions") {
  const std::string text = R"(duration: 1h
job:
  operators:
    - {name: src, rate: 1MB/s, paralelism: 2}
checkpointing:
  interval: 1min
  timout: 5min
restart_strategy: {tpye: none}
)";
  auto e = errs(load(text));
  REQUIRE(e.size() == 3);
  CHECK(e[0].format() ==
        "s.yaml:4:32: error: unknown key 'paralelism' in job.operators.0; did you mean "
        "'parallelism'?");
  CHECK(e[1].format() ==
        "s.yaml:7:3: error: unknown key 'timout' in checkpointing; did you mean 'timeout'?");
  CHECK(e[2].line == 8);
  CHECK(e[2].column == 20);
  CHECK(contains(e[2].message, "did you mean 'type'?"));
  // Far from every known key: the list of keys instead of a guess.
  auto x = one_error(std::string(kMinimal) + "zzzzzzzz: 1\n");
  CHECK(x.line == 9);
  CHECK(x.column == 1);
  CHECK(contains(x.message, "unknown key 'zzzzzzzz' at the top level; expected one of: name,"));
}

TEST_CASE("each error type has a position and says what was expected") {
  SUBCASE("wrong type") {
    auto e = one_error(std::string(kMinimal) + "network: [1, 2]\n");
    CHECK(e.line == 9);
    CHECK(e.column == 10);
    CHECK(contains(e.message, "network: expected a mapping"));
    CHECK(contains(e.message, "got a list"));
  }
  SUBCASE("bad unit") {
    auto e = one_error(std::string(kMinimal) + "network: {latency: 5parsecs}\n");
    CHECK(e.line == 9);
    CHECK(e.column == 20);
    CHECK(contains(e.message, "network.latency: unknown unit 'parsecs'"));
    CHECK(contains(e.message, "us, ms, s, min, h, d"));
  }
  SUBCASE("a rate without /s") {
    auto e = one_error(std::string(kMinimal) + "storage: {bandwidth: 400MB}\n");
    CHECK(e.column == 22);
    CHECK(contains(e.message, "expected a rate such as '20MB/s'"));
    CHECK(contains(e.message, "'unlimited'"));
  }
  SUBCASE("out of range") {
    std::string t = kMinimal;
    t.replace(t.find("interval: 1min"), 14, "interval: 5ms");
    auto e = one_error(t);
    CHECK(e.line == 8);
    CHECK(e.column == 27);
    CHECK(contains(e.message, "checkpointing.interval: expected a duration of at least 10ms, got '5ms'"));
  }
  SUBCASE("max_concurrent and multiplier and jitter") {
    auto e = errs(load(std::string(kMinimal) +
                       "restart_strategy: {multiplier: 0.5, jitter: 2}\n"));
    REQUIRE(e.size() == 2);
    CHECK(contains(e[0].message, "multiplier: expected a number from 1 to 1000000, got '0.5'"));
    CHECK(contains(e[1].message, "jitter: expected a number from 0 to 1, got '2'"));
    std::string t = kMinimal;
    t.replace(t.find("interval: 1min"), 14, "interval: 1min, max_concurrent: 0");
    CHECK(contains(one_error(t).message, "expected an integer from 1 to 1000, got '0'"));
  }
  SUBCASE("bad enum suggests") {
    std::string t = kMinimal;
    t.replace(t.find("{from: src, to: sink}"), 21, "{from: src, to: sink, partitioning: hsah}");
    auto e = one_error(t);
    CHECK(e.line == 7);
    CHECK(contains(e.message, "expected one of forward, rebalance, hash, broadcast, got 'hsah'; "
                              "did you mean 'hash'?"));
  }
  SUBCASE("missing required keys") {
    auto e = errs(load("seed: 1\n"));
    REQUIRE(e.size() == 3);
    CHECK(e[0].line == 1);
    CHECK(e[0].column == 1);
    CHECK(contains(e[0].message, "missing required key 'duration'"));
    CHECK(contains(e[1].message, "missing required key 'job'"));
    CHECK(contains(e[2].message, "missing required key 'checkpointing'"));
    std::string t = kMinimal;
    t.replace(t.find("{interval: 1min}"), 16, "{timeout: 1min}");
    auto x = one_error(t);
    CHECK(x.line == 8);
    CHECK(x.column == 16);
    CHECK(contains(x.message, "checkpointing: missing required key 'interval'"));
  }
  SUBCASE("duplicate keys") {
    auto e = one_error(std::string(kMinimal) + "duration: 2h\n");
    CHECK(e.line == 9);
    CHECK(e.column == 1);
    CHECK(contains(e.message, "duplicate key 'duration' at the top level (first given on line 1)"));
  }
  SUBCASE("distribution") {
    std::string t = kMinimal;
    t.replace(t.find("{name: sink}"), 12, "{name: sink, state: {dist: uniform, min: 2GB, mean: 1GB}}");
    auto e = errs(load(t));
    REQUIRE(e.size() == 2);
    CHECK(contains(e[0].message, "key 'mean' does not apply to dist: uniform; expected min, max"));
    CHECK(contains(e[1].message, "missing required key 'max'"));
  }
  SUBCASE("events") {
    auto e = errs(load(std::string(kMinimal) + R"(events:
  - {at: 1s}
  - {at: 1s, fail: task, storage: {latency: 1s}}
  - {at: 1s, fail: everything}
  - {fail: task}
  - {at: 1s, load: {operator: sink, rate: 1MB/s}}
  - {at: 1s, load: {operator: snk, capacity: 1MB/s}}
  - {at: 1s, load: {operator: sink, capacity: 1MB/s, subtask: 1}}
  - {at: 1s, patch: {apply: sometimes}}
)"));
    for (const auto& x : e) MESSAGE(x.format());
    REQUIRE(e.size() == 5);
    CHECK(e[0].line == 10);
    CHECK(contains(e[0].message, "events.0: expected exactly one of storage, load, patch, fail"));
    CHECK(e[1].line == 11);
    CHECK(contains(e[1].message, "has both 'storage' and 'fail'"));
    CHECK(e[2].line == 12);
    CHECK(contains(e[2].message, "expected one of task, jobmanager, got 'everything'"));
    CHECK(e[3].line == 13);
    CHECK(contains(e[3].message, "missing required key 'at'"));
    CHECK(e[4].line == 17);
    CHECK(contains(e[4].message, "expected one of atomic, torn"));
    // Operator checks run once the rest is valid, at the event's position.
    auto f = errs(load(std::string(kMinimal) + R"(events:
  - {at: 1s, load: {operator: sink, rate: 1MB/s}}
  - {at: 1s, load: {operator: snk, capacity: 1MB/s}}
  - {at: 1s, load: {operator: sink, capacity: 1MB/s, subtask: 1}}
  - {at: 1s, load: {operator: src, rate: 1MB/s, capacity: 1MB/s}}
)"));
    for (const auto& x : f) MESSAGE(x.format());
    REQUIRE(f.size() == 1);
    CHECK(contains(f[0].message, "exactly one of 'rate'"));
    f = errs(load(std::string(kMinimal) + R"(events:
  - {at: 1s, load: {operator: sink, rate: 1MB/s}}
  - {at: 1s, load: {operator: snk, capacity: 1MB/s}}
  - {at: 1s, load: {operator: sink, capacity: 1MB/s, subtask: 1}}
)"));
    REQUIRE(f.size() == 3);
    CHECK(f[0].format() == "s.yaml:10:5: error: events.0: 'rate' applies only to a source, and "
                           "'sink' is not one (it has no rate); use 'capacity'");
    CHECK(f[1].line == 11);
    CHECK(contains(f[1].message, "unknown operator 'snk'; did you mean 'sink'?"));
    CHECK(f[2].line == 12);
    CHECK(contains(f[2].message, "subtask 1 out of range: 'sink' has parallelism 1"));
  }
  SUBCASE("expectations") {
    auto e = errs(load(std::string(kMinimal) + R"(expect:
  - {metric: recsued, op: ">=", value: 1}
  - {metric: rescued, op: "=>", value: 1}
  - {metric: rescued, op: ">=", value: lots}
  - {metric: job_status, op: "<", value: RUNNING}
  - {checkpoint: 0}
  - {checkpoint: 1, status: DONE}
)"));
    for (const auto& x : e) MESSAGE(x.format());
    REQUIRE(e.size() == 6);
    CHECK(contains(e[0].message, "got 'recsued'; did you mean 'rescued'?"));
    CHECK(e[1].line == 11);
    CHECK(e[1].column == 27);
    CHECK(contains(e[1].message, "expected one of ==, !=, <, <=, >, >=, got '=>'"));
    CHECK(contains(e[2].message, "expected a number, a duration"));
    CHECK(contains(e[3].message, "job_status compares with == or != only"));
    CHECK(contains(e[4].message, "expected an integer from 1 to"));
    CHECK(contains(e[5].message, "COMPLETED, FAILED, IN_PROGRESS"));
  }
  SUBCASE("initial_delay and mtbf take words") {
    std::string t = kMinimal;
    t.replace(t.find("interval: 1min"), 14, "interval: 1min, initial_delay: soon");
    CHECK(contains(one_error(t).message, "expected a duration such as '30s', or 'random'"));
    auto e = one_error(std::string(kMinimal) + "failures: {task_mtbf: never}\n");
    CHECK(contains(e.message, "or 'none'"));
  }
}

TEST_CASE("graph errors come from JobGraph with the scenario position") {
  std::string t = kMinimal;
  t.replace(t.find("{from: src, to: sink}"), 21, "{from: src, to: nowhere}");
  auto e = errs(load(t));
  for (const auto& x : e) MESSAGE(x.format());
  REQUIRE(!e.empty());
  CHECK(e[0].file == "s.yaml");
  CHECK(e[0].line > 0);
  CHECK(contains(e[0].message, "job graph: "));
  // A task graph too large to expand is refused before expanding it.
  std::string big = kMinimal;
  big.replace(big.find("{name: src, rate: 1MB/s}"), 24, "{name: src, rate: 1MB/s, parallelism: 30000}");
  big.replace(big.find("{name: sink}"), 12, "{name: sink, parallelism: 30000}");
  auto b = one_error(big);
  CHECK(b.line == 7);
  CHECK(contains(b.message, "channels"));
}

TEST_CASE("load_scenario_file") {
  auto e = errs(cli::load_scenario_file("/nonexistent/x.yaml", {}));
  REQUIRE(e.size() == 1);
  CHECK(e[0].format() == "/nonexistent/x.yaml: error: cannot read the scenario file "
                         "'/nonexistent/x.yaml'");
  CHECK(contains(errs(cli::load_scenario_file("/tmp", {}))[0].message, "directory"));
  const std::string path = "/tmp/ckptsim_test_loader.yaml";
  {
    std::ofstream out(path);
    out << kSpecExample;
  }
  const auto& l = ok(cli::load_scenario_file(path, {"seed=9"}));
  CHECK(l.file == path);
  CHECK(l.scenario.seed == 9);
  // The size limit, read in chunks: a file of exactly 16 MiB (the example padded with a
  // comment) loads; one byte more is refused.
  {
    std::ofstream out(path, std::ios::binary);
    out << kSpecExample << '#'
        << std::string(cli::kMaxScenarioBytes - std::string_view(kSpecExample).size() - 2, 'x')
        << '\n';
  }
  CHECK(ok(cli::load_scenario_file(path, {})).scenario.seed == 7);
  {
    std::ofstream out(path, std::ios::binary | std::ios::app);
    out << ' ';
  }
  e = errs(cli::load_scenario_file(path, {}));
  REQUIRE(e.size() == 1);
  CHECK(contains(e[0].message, "larger than the limit of 16777216 bytes"));
  std::remove(path.c_str());
}
