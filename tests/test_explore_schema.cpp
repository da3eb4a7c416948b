// Pins cli/explore_schema.cpp: the `explore` section and `apply: interleaved` patches, every
// error positioned, and the warning of a design that never re-arms.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "cli/explore_schema.hpp"
#include "tests/loader_fixture.hpp"

using namespace ckptsim;
using namespace ckptsim::testing;

namespace {

// kMinimal with an explore section and one patch event, both given as text.
std::string with(const std::string& explore, const std::string& patch) {
  return std::string(kMinimal) + explore + "events:\n  - at: 10min\n    patch:\n" + patch;
}

const char* kBody = "      body: {checkpointInterval: 2min, checkpointTimeout: 5min}\n";

}  // namespace

TEST_CASE("explore: readers, window and designs load; a patch names one") {
  const LoadedScenario s = ok(load(with(
      "explore:\n"
      "  readers: carried\n"
      "  window: 90s\n"
      "  designs:\n"
      "    - name: rearm-first\n"
      "      steps: [write interval, {lock: [rearm, reschedule]}, write timeout]\n"
      "      description: re-arms, then writes\n",
      std::string(kBody) + "      apply: interleaved\n      design: rearm-first\n"
                           "      order: [W:interval, tick, L:rearm+reschedule, create, W:timeout]\n"
                           "      window: 1min\n")));
  CHECK(s.scenario.explore.readers == model::Readers::carried);
  CHECK(s.scenario.explore.window == 90 * sim::kSecond);
  REQUIRE(s.scenario.explore.designs.size() == 1);
  const model::Design& d = s.scenario.explore.designs[0];
  CHECK(d.name == "rearm-first");
  CHECK(d.summary == "re-arms, then writes");
  REQUIRE(d.steps.size() == 3);
  CHECK(d.steps[1].label() == "L:rearm+reschedule");
  const auto& p = std::get<model::PatchRequest>(s.scenario.events[0].what);
  CHECK(p.apply == model::PatchApply::interleaved);
  CHECK(p.steps == d.steps);  // the name is resolved into the steps
  REQUIRE(p.order.size() == 5);
  CHECK(p.order[1].text == "tick");
  CHECK_FALSE(p.order[1].writer);
  CHECK(p.order[4].writer);
  CHECK(p.window == 1 * sim::kMinute);
  CHECK(s.warnings.empty());
}

TEST_CASE("a built-in design by name, or steps written out") {
  const LoadedScenario a =
      ok(load(with("", std::string(kBody) + "      apply: interleaved\n      design: volatile\n")));
  CHECK(std::get<model::PatchRequest>(a.scenario.events[0].what).steps ==
        model::find_design("volatile", {})->steps);
  const LoadedScenario b = ok(load(with(
      "", std::string(kBody) + "      apply: interleaved\n      steps: [publish, {lock: [rearm, reschedule]}]\n")));
  CHECK(std::get<model::PatchRequest>(b.scenario.events[0].what).steps ==
        model::find_design("snapshot", {})->steps);
}

TEST_CASE("explore and interleaved patches: each mistake is one positioned error") {
  SUBCASE("an unknown step, with the nearest word") {
    const ScenarioError e = one_error(with("explore:\n  designs:\n    - name: d\n      steps: [write intervall]\n", kBody));
    CHECK(e.line == 12);
    CHECK(e.column == 15);
    CHECK(contains(e.message, "explore.designs.0.steps.0: unknown step 'write intervall'"));
    CHECK(contains(e.message, "did you mean 'write interval'?"));
  }
  SUBCASE("an empty design") {
    const ScenarioError e = one_error(with("explore:\n  designs:\n    - name: d\n      steps: []\n", kBody));
    CHECK(e.line == 12);
    CHECK(contains(e.message, "explore.designs.0.steps: expected a non-empty list of writer steps"));
  }
  SUBCASE("an empty lock group, and a lock in a lock") {
    CHECK(contains(one_error(with("explore:\n  designs:\n    - {name: d, steps: [{lock: []}]}\n", kBody)).message,
                   "explore.designs.0.steps.0.lock: expected a non-empty list of writer steps"));
    CHECK(contains(
        one_error(with("explore:\n  designs:\n    - {name: d, steps: [{lock: [{lock: [rearm]}]}]}\n", kBody)).message,
        "a lock group holds writer steps, not another lock"));
  }
  SUBCASE("a design without a name, and one named like a built-in") {
    CHECK(contains(one_error(with("explore:\n  designs:\n    - {steps: [rearm]}\n", kBody)).message,
                   "missing required key 'name'"));
    CHECK(contains(one_error(with("explore:\n  designs:\n    - {name: locked, steps: [rearm]}\n", kBody)).message,
                   "'locked' is a built-in design; give yours another name"));
  }
  SUBCASE("unknown readers") {
    const ScenarioError e = one_error(with("explore: {readers: carryed}\n", kBody));
    CHECK(contains(e.message, "explore.readers: expected one of split, carried, got 'carryed'; did you mean 'carried'?"));
  }
  SUBCASE("an unknown design name, at the patch event") {
    const ScenarioError e = one_error(with("", std::string(kBody) + "      apply: interleaved\n      design: volatil\n"));
    CHECK(e.line == 10);
    CHECK(contains(e.message, "events.0.patch.design: unknown design 'volatil'"));
    CHECK(contains(e.message, "did you mean 'volatile'?"));
  }
  SUBCASE("neither design nor steps, or both") {
    CHECK(contains(one_error(with("", std::string(kBody) + "      apply: interleaved\n")).message,
                   "apply: interleaved takes exactly one of 'design'"));
    CHECK(contains(one_error(with("", std::string(kBody) +
                                          "      apply: interleaved\n      design: locked\n      steps: [publish]\n"))
                       .message,
                   "exactly one of 'design'"));
  }
  SUBCASE("interleaved keys without apply: interleaved") {
    CHECK(contains(one_error(with("", std::string(kBody) + "      design: locked\n")).message,
                   "events.0.patch: design, steps, order and window go with apply: interleaved"));
  }
  SUBCASE("an unknown label in the order") {
    const ScenarioError e = one_error(with("", std::string(kBody) + "      apply: interleaved\n      design: locked\n"
                                                                     "      order: [tick, W:everything]\n"));
    CHECK(contains(e.message, "events.0.patch.order.1: unknown step 'W:everything'"));
  }
  SUBCASE("an order whose writer steps are not the design's") {
    const ScenarioError e = one_error(with("", std::string(kBody) + "      apply: interleaved\n      design: volatile\n"
                                                                     "      order: [W:timeout, tick, W:interval]\n"));
    CHECK(contains(e.message, "events.0.patch.order: its writer steps must be the design's for this body, in "
                              "order: W:interval W:timeout L:rearm+reschedule"));
  }
}

TEST_CASE("a design that never re-arms while a body changes the timeout: a warning, not an error") {
  const LoadedScenario s = ok(load(with("explore:\n  designs:\n    - {name: lazy, steps: [publish]}\n",
                                        std::string(kBody) + "      apply: interleaved\n      design: lazy\n")));
  REQUIRE(s.warnings.size() == 2);
  CHECK(s.warnings[0].warning);
  CHECK(s.warnings[0].format() ==
        "s.yaml:13:5: warning: events.0.patch: the design never re-arms, but the body changes the timeout: "
        "in-flight checkpoints keep their old deadlines");
  CHECK(contains(s.warnings[1].format(), "s.yaml:11:7: warning: explore.designs.0: 'lazy' never re-arms"));
  // A body without a timeout: nothing to re-arm, nothing to warn about.
  const LoadedScenario quiet = ok(load(with("explore:\n  designs:\n    - {name: lazy, steps: [publish]}\n",
                                            "      body: {checkpointInterval: 2min}\n")));
  CHECK(quiet.warnings.empty());
}

TEST_CASE("--gap: a duration or a distribution read as scenario values are") {
  auto d = cli::schema::read_duration_distribution("{dist: lognormal, median: 2us, sigma: 2}", "--gap");
  REQUIRE(std::holds_alternative<model::Distribution>(d));
  CHECK(std::get<model::Distribution>(d).kind == model::Distribution::Kind::lognormal);
  CHECK(std::get<model::Distribution>(d).a == doctest::Approx(2.0));
  auto c = cli::schema::read_duration_distribution("5ms", "--gap");
  REQUIRE(std::holds_alternative<model::Distribution>(c));
  CHECK(std::get<model::Distribution>(c).a == doctest::Approx(5000.0));
  auto bad = cli::schema::read_duration_distribution("{dist: lognormal, median: 2parsecs, sigma: 2}", "--gap");
  REQUIRE(std::holds_alternative<std::vector<ScenarioError>>(bad));
  CHECK(contains(std::get<std::vector<ScenarioError>>(bad)[0].format(), "--gap"));
}
