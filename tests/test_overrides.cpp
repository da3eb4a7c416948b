// Pins cli/overrides.cpp: `--set path=value` (lists by index, creating known keys, positions in
// the argument) and parse_yaml_safely's limits on hostile YAML.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <chrono>
#include <random>
#include <string>

#include <fmt/format.h>

#include "cli/loader.hpp"
#include "cli/overrides.hpp"
#include "sim/time.hpp"
#include "tests/loader_fixture.hpp"

using namespace ckptsim;
using namespace ckptsim::testing;

TEST_CASE("overrides") {
  SUBCASE("scalar, list index, nested map") {
    const auto& l = ok(load(kSpecExample, {"checkpointing.timeout=20min",
                                           "job.operators.0.parallelism=8",
                                           "events.1.patch.apply=atomic",
                                           "events.1.patch.body={checkpointTimeout: 1h}",
                                           "restart_strategy={type: fixed-delay, attempts: 2}",
                                           "network.debloat=true"}));
    const auto& s = l.scenario;
    CHECK(s.checkpointing.timeout == 20 * sim::kMinute);
    CHECK(s.operators[0].parallelism == 8);
    const auto& p = std::get<model::PatchRequest>(s.events[1].what);
    CHECK(p.apply == model::PatchApply::atomic);
    REQUIRE(p.body.size() == 1);
    CHECK(p.body[0].value == "1h");
    CHECK(s.restart_strategy.type == model::RestartStrategySpec::Type::fixed_delay);
    CHECK(*s.restart_strategy.attempts == 2);
    CHECK(s.network.debloat);
  }
  SUBCASE("creating known keys and appending") {
    const auto& l = ok(load(kMinimal, {"storage.jitter={dist: exponential, mean: 1s}",
                                       "events.0={at: 5min, fail: task}", "seed=42"}));
    CHECK(l.scenario.seed == 42);
    CHECK(l.scenario.storage.jitter->kind == model::Distribution::Kind::exponential);
    REQUIRE(l.scenario.events.size() == 1);
    CHECK(l.scenario.events[0].at == 5 * sim::kMinute);
  }
  SUBCASE("bad index") {
    auto e = one_error(kSpecExample, {"events.9.patch.apply=atomic"});
    CHECK(e.format() ==
          "--set:1:8: error: --set events.9: index 9 out of range (events has 4 entries)");
  }
  SUBCASE("unknown path") {
    auto e = one_error(kSpecExample, {"checkpointing.timeout=1h", "foo.bar=1"});
    CHECK(e.format() == "--set:2:1: error: --set foo: no such key 'foo'");
    auto t = one_error(kSpecExample, {"checkpointing.timout=1h"});
    CHECK(t.column == 15);
    CHECK(contains(t.message, "no such key 'timout'; did you mean 'timeout'?"));
    CHECK(contains(one_error(kSpecExample, {"duration.x=1"}).message, "is a scalar value"));
    CHECK(contains(one_error(kSpecExample, {"events.x=1"}).message, "expected an index"));
    CHECK(contains(one_error(kSpecExample, {"novalue"}).message, "expected path=value"));
  }
  SUBCASE("a bad value set by --set is reported at the --set argument") {
    auto e = one_error(kSpecExample, {"checkpointing.timeout=5ms"});
    CHECK(e.file == "--set");
    CHECK(e.line == 1);
    CHECK(e.column == 23);
    CHECK(contains(e.message, "at least 10ms"));
    auto f = one_error(kSpecExample, {"seed=1", "restart_strategy={type: fixd-delay}"});
    CHECK(f.file == "--set");
    CHECK(f.line == 2);
    CHECK(f.column == 18 + 7);
    CHECK(contains(f.message, "did you mean 'fixed-delay'?"));
    auto g = one_error(kSpecExample, {"events.0=[1,"});
    CHECK(g.file == "--set");
    CHECK(contains(g.message, "bad value"));
  }
  SUBCASE("overrides on an empty document") {
    const auto& l = ok(load("", {"duration=1h", "job={operators: [{name: s, rate: 1MB/s}]}",
                                 "checkpointing.interval=10s"}));
    CHECK(l.scenario.checkpointing.interval == 10 * sim::kSecond);
  }
}

TEST_CASE("hostile input fails fast with an error") {
  using clock = std::chrono::steady_clock;
  auto quick = [](const std::string& text) {
    auto t0 = clock::now();
    auto e = errs(load(text));
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - t0).count();
    CHECK(ms < 5000);
    REQUIRE(!e.empty());
    return e[0];
  };
  SUBCASE("empty") {
    auto e = quick("");
    CHECK(e.format() == "s.yaml:1:1: error: expected a mapping with at least `duration`, `job` "
                        "and `checkpointing`, got an empty document");
    CHECK(contains(quick("# only a comment\n").message, "expected a mapping"));
    CHECK(contains(quick("just a string").message, "got a scalar"));
    CHECK(contains(quick("[1, 2]").message, "got a list"));
  }
  SUBCASE("alias bomb") {
    std::string bomb = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
    std::string prev = "a";
    for (char c = 'b'; c <= 'j'; ++c) {
      bomb += fmt::format("{}: &{} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n", c, c,
                          fmt::arg("p", prev));
      prev = std::string(1, c);
    }
    auto e = quick(bomb);
    CHECK(contains(e.message, "more than 1000000 nodes"));
    CHECK(e.line > 1);
  }
  SUBCASE("a cyclic alias") {
    auto e = quick("a: &x [*x]\n");
    CHECK((contains(e.message, "invalid YAML") || contains(e.message, "cycle")));
  }
  SUBCASE("aliases within the bound are fine") {
    std::string t = kMinimal;
    t += "events:\n  - {at: 1s, patch: &p {body: {checkpointTimeout: 1h}}}\n  - {at: 2s, patch: *p}\n";
    const auto& l = ok(load(t));
    CHECK(l.scenario.events.size() == 2);
  }
  SUBCASE("10k-deep nesting") {
    auto e = quick(std::string(10000, '[') + std::string(10000, ']'));
    CHECK(contains(e.message, "nesting deeper than 64 levels"));
    std::string block;
    for (int i = 0; i < 10000; ++i) block += std::string(static_cast<size_t>(i), ' ') + "a:\n";
    quick(block);
  }
  SUBCASE("20 MB scalar") {
    auto e = quick("name: " + std::string(20u << 20, 'x') + "\n");
    CHECK(contains(e.message, "more than the limit"));
  }
  SUBCASE("NUL bytes") {
    std::string t = "duration: 1h\nname: a";
    t += '\0';
    auto e = quick(t);
    CHECK(e.line == 2);
    CHECK(e.column == 8);
    CHECK(contains(e.message, "NUL byte"));
  }
  SUBCASE("two documents") {
    CHECK(contains(quick(std::string(kMinimal) + "---\nduration: 1h\n").message,
                   "single YAML document"));
  }
  SUBCASE("random binary") {
    std::mt19937_64 rng(12345);
    for (int round = 0; round < 200; ++round) {
      std::string t(static_cast<size_t>(rng() % 4096), ' ');
      for (auto& c : t) c = static_cast<char>(rng() % 255 + 1);
      quick(t);
    }
  }
  SUBCASE("a huge number") {
    std::string t = kMinimal;
    t.replace(t.find("rate: 1MB/s"), 11, "rate: 99999999999999999999999TB/s");
    CHECK(contains(quick(t).message, "too large"));
  }
}
