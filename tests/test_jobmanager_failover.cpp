// Pins model/jobmanager_failover.cpp: the configuration a JobManager failover leaves, with the
// PATCH overrides persisted or lost, and a task failover that leaves it alone.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "model/checkpoint_config.hpp"
#include "tests/model_fixture.hpp"

using namespace ckptsim::testing;

namespace {

CheckpointingSpec spec() {
  CheckpointingSpec s;
  s.interval = 5 * kMinute;
  s.timeout = 10 * kMinute;
  s.min_pause = 7 * kMinute;
  return s;
}

}  // namespace

TEST_CASE("overrides across a JobManager failover: persisted or lost; a task failover keeps them") {
  Scenario s = chain(0);
  s.checkpointing.interval = 10 * kSecond;
  s.duration = 60 * kSecond;
  s.events.push_back(ScriptedEvent{3 * kSecond, patch_body({{"checkpointInterval", "20s", true},
                                                 {"checkpointTimeout", "30s", true}}), {}});
  s.events.push_back(ScriptedEvent{5 * kSecond, FailureKind::jobmanager, {}});
  SUBCASE("persist_overrides: true") {
    Collector c = run(s);
    auto reload = c.all<events::ConfigReloaded>();
    REQUIRE(reload.size() == 1);
    CHECK(reload[0].second.interval == 20 * kSecond);
    CHECK(reload[0].second.timeout == 30 * kSecond);
    CHECK(c.finished().interval == 20 * kSecond);
  }
  SUBCASE("persist_overrides: false") {
    s.config.persist_overrides = false;
    Collector c = run(s);
    CHECK(c.all<events::ConfigReloaded>().at(0).second.interval == 10 * kSecond);
    CHECK(c.finished().interval == 10 * kSecond);
    CHECK(c.finished().timeout == 10 * kMinute);
  }
  SUBCASE("a task failover keeps the in-memory configuration either way") {
    s.config.persist_overrides = false;
    s.events[1].what = FailureKind::task;
    Collector c = run(s);
    CHECK(c.count<events::ConfigReloaded>() == 0);
    CHECK(c.finished().interval == 20 * kSecond);
  }
}

TEST_CASE("reload with persisted overrides") {
  CheckpointConfig c(spec());
  c.begin_update(20 * kMinute, std::nullopt, false);
  c.write_interval(20 * kMinute);
  c.begin_update(std::nullopt, 30 * kMinute, false);  // overrides accumulate per field
  c.write_timeout(30 * kMinute);
  c.reload_after_jobmanager_failover(true);
  CHECK(c.interval() == 20 * kMinute);
  CHECK(c.timeout() == 30 * kMinute);
  CHECK(c.override_interval() == 20 * kMinute);
  CHECK(c.override_timeout() == 30 * kMinute);
  CHECK_FALSE(c.read().torn);
}

TEST_CASE("reload settles a half-written torn update") {
  CheckpointConfig c(spec());
  c.begin_update(20 * kMinute, 30 * kMinute, true);
  c.write_interval(20 * kMinute);
  REQUIRE(c.read().torn);
  c.reload_after_jobmanager_failover(true);
  auto r = c.read();
  CHECK_FALSE(r.torn);
  CHECK(r.interval == 20 * kMinute);
  CHECK(r.timeout == 30 * kMinute);  // the persisted override, though never written

  CheckpointConfig d(spec());
  d.begin_update(20 * kMinute, 30 * kMinute, true);
  d.write_timeout(30 * kMinute);
  d.reload_after_jobmanager_failover(false);
  r = d.read();
  CHECK_FALSE(r.torn);
  CHECK(r.interval == 5 * kMinute);
  CHECK(r.timeout == 10 * kMinute);
}

TEST_CASE("reload without persistence: back to the submitted values, overrides forgotten") {
  CheckpointConfig c(spec());
  c.begin_update(20 * kMinute, 30 * kMinute, false);
  c.write_interval(20 * kMinute);
  c.write_timeout(30 * kMinute);
  c.reload_after_jobmanager_failover(false);
  CHECK(c.interval() == 5 * kMinute);
  CHECK(c.timeout() == 10 * kMinute);
  CHECK_FALSE(c.override_interval().has_value());
  CHECK_FALSE(c.override_timeout().has_value());
  // A later persisted reload does not bring the forgotten overrides back.
  c.reload_after_jobmanager_failover(true);
  CHECK(c.interval() == 5 * kMinute);
  CHECK(c.timeout() == 10 * kMinute);
  // Only new overrides after the reload persist.
  c.begin_update(std::nullopt, 15 * kMinute, false);
  c.write_timeout(15 * kMinute);
  c.reload_after_jobmanager_failover(true);
  CHECK(c.interval() == 5 * kMinute);
  CHECK(c.timeout() == 15 * kMinute);
}
