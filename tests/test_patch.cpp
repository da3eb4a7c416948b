// Pins model/patch_handler.cpp: FLIP-571 runtime configuration updates applied
// atomically and torn, on hand-computed scenarios.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "tests/model_fixture.hpp"

using namespace ckptsim::testing;

namespace {

ScriptedEvent at(Time t, PatchRequest p) { return ScriptedEvent{t, std::move(p), {}}; }

PatchRequest timeout_patch(std::string v) { return patch_body({{"checkpointTimeout", v, true}}); }
PatchRequest interval_patch(std::string v, IntervalPolicy policy) {
  PatchRequest p = patch_body({{"checkpointInterval", v, true}});
  p.interval_policy = policy;
  return p;
}

// Creation times of every checkpoint, in order.
std::vector<Time> ticks(const Collector& c) {
  std::vector<Time> out;
  for (const auto& [t, e] : c.all<events::ConfigRead>())
    if (e.reader == ConfigReader::periodic_trigger) out.push_back(t);
  return out;
}

}  // namespace

TEST_CASE("a longer timeout re-arms the canceller and rescues the checkpoint") {
  Scenario s = chain(1000 * MB);  // done at 10.001 s
  s.checkpointing.timeout = 5 * kSecond;
  s.duration = 30 * kSecond;
  SUBCASE("without the patch it expires at 5 s") {
    Collector c = run(s);
    CHECK(c.ended(1) == 5 * kSecond);
    CHECK(c.all<events::CheckpointFailed>().at(0).second.persisted_fraction ==
          doctest::Approx(0.4999));
  }
  SUBCASE("timeout 20 s at 4 s: deadline 20 s, completes at 10.001 s, rescued") {
    s.events.push_back(at(4 * kSecond, timeout_patch("20s")));
    Collector c = run(s);
    auto rearm = c.all<events::CheckpointRearmed>();
    REQUIRE(rearm.size() == 1);
    CHECK(rearm[0].second.old_deadline == 5 * kSecond);
    CHECK(rearm[0].second.deadline == 20 * kSecond);
    auto done = c.all<events::CheckpointCompleted>();
    REQUIRE(done.size() == 1);
    CHECK(done[0].first == 10001 * kMillisecond);
    CHECK(done[0].second.rescued);
    CHECK(done[0].second.timeout == 5 * kSecond);
    CHECK(done[0].second.deadline == 20 * kSecond);
    auto answers = c.all<events::PatchAnswered>();
    REQUIRE(answers.size() == 1);
    CHECK(answers[0].second.status == 200);
    CHECK(answers[0].second.timeout == 20 * kSecond);
  }
}

TEST_CASE("a shorter timeout moves the deadline earlier, or expires the checkpoint at once") {
  Scenario s = chain(1000 * MB);
  s.duration = 30 * kSecond;
  SUBCASE("6 s at 4 s: expires at 6 s") {
    s.events.push_back(at(4 * kSecond, timeout_patch("6000")));
    Collector c = run(s);
    CHECK(c.ended(1) == 6 * kSecond);
    CHECK(c.all<events::CheckpointFailed>().at(0).second.reason == FailureReason::CHECKPOINT_EXPIRED);
  }
  SUBCASE("3 s at 4 s: already past, expires at 4 s") {
    s.events.push_back(at(4 * kSecond, timeout_patch("3s")));
    Collector c = run(s);
    CHECK(c.ended(1) == 4 * kSecond);
    CHECK(c.all<events::CheckpointFailed>().at(0).second.reason == FailureReason::CHECKPOINT_EXPIRED);
  }
  SUBCASE("a later checkpoint reads the new timeout at creation") {
    s.checkpointing.interval = 15 * kSecond;
    s.events.push_back(at(12 * kSecond, timeout_patch("2s")));
    Collector c = run(s);
    auto created = c.all<events::CheckpointCreated>();
    REQUIRE(created.size() == 2);
    CHECK(created[1].first == 15 * kSecond);
    CHECK(created[1].second.timeout == 2 * kSecond);
    CHECK(c.ended(2) == 17 * kSecond);
  }
}

TEST_CASE("interval policies: earlier_only, next_cycle, immediate") {
  Scenario s = chain(0);
  s.checkpointing.interval = 10 * kSecond;
  s.duration = 20 * kSecond;
  const Time S = kSecond;
  SUBCASE("earlier_only, 10 s -> 4 s at 3 s: the tick moves to 7 s") {
    s.events.push_back(at(3 * S, interval_patch("4s", IntervalPolicy::earlier_only)));
    CHECK(ticks(run(s)) == std::vector<Time>{0, 7 * S, 11 * S, 15 * S, 19 * S});
  }
  SUBCASE("earlier_only, 10 s -> 30 s at 3 s: the armed tick at 10 s still fires") {
    s.duration = 50 * kSecond;
    s.events.push_back(at(3 * S, interval_patch("30s", IntervalPolicy::earlier_only)));
    CHECK(ticks(run(s)) == std::vector<Time>{0, 10 * S, 40 * S});
  }
  SUBCASE("next_cycle: the armed tick fires, then the new cadence") {
    s.events.push_back(at(3 * S, interval_patch("4s", IntervalPolicy::next_cycle)));
    CHECK(ticks(run(s)) == std::vector<Time>{0, 10 * S, 14 * S, 18 * S});
  }
  SUBCASE("immediate: last tick + new interval") {
    s.events.push_back(at(3 * S, interval_patch("4s", IntervalPolicy::immediate)));
    CHECK(ticks(run(s)) == std::vector<Time>{0, 4 * S, 8 * S, 12 * S, 16 * S});
  }
  SUBCASE("immediate, already past: fires now and continues from now") {
    s.events.push_back(at(3 * S, interval_patch("2s", IntervalPolicy::immediate)));
    CHECK(ticks(run(s)) == std::vector<Time>{0, 3 * S, 5 * S, 7 * S, 9 * S, 11 * S, 13 * S,
                                             15 * S, 17 * S, 19 * S});
  }
}

TEST_CASE("torn update, interval first: a tick in the gap reads the mixed pair") {
  Scenario s = chain(0);
  s.checkpointing.interval = 10 * kSecond;
  s.duration = 20 * kSecond;
  PatchRequest p = patch_body({{"checkpointInterval", "4s", true}, {"checkpointTimeout", "1min", true}});
  p.apply = PatchApply::torn;
  p.tear_first = ConfigField::interval;
  p.tear_gap = 5 * kSecond;
  s.events.push_back(at(3 * kSecond, p));
  Collector c = run(s);
  std::vector<std::pair<Time, events::ConfigRead>> torn;
  for (const auto& r : c.all<events::ConfigRead>())
    if (r.second.torn) torn.push_back(r);
  // The tick at 7 s reads interval 4 s with the old 10 min timeout, and so does checkpoint 2.
  REQUIRE(torn.size() == 2);
  CHECK(torn[0].first == 7 * kSecond);
  CHECK(torn[0].second.reader == ConfigReader::periodic_trigger);
  CHECK(torn[0].second.interval == 4 * kSecond);
  CHECK(torn[0].second.timeout == 10 * kMinute);
  CHECK(torn[1].second.reader == ConfigReader::pending_checkpoint);
  CHECK(c.all<events::CheckpointCreated>().at(1).second.timeout == 10 * kMinute);
  // After the second write at 8 s, the checkpoint of 11 s reads 1 min.
  CHECK(c.all<events::CheckpointCreated>().at(2).second.timeout == 1 * kMinute);
  CHECK(c.count<events::ConfigWritten>() == 2);

  SUBCASE("the atomic variant has no torn read") {
    s.events[0] = at(3 * kSecond, [&] { PatchRequest q = p; q.apply = PatchApply::atomic; return q; }());
    Collector a = run(s);
    for (const auto& r : a.all<events::ConfigRead>()) CHECK_FALSE(r.second.torn);
    CHECK(a.count<events::ConfigWritten>() == 1);
  }
}

TEST_CASE("bad bodies get 400 with the configuration unchanged; a FAILED job gets 409") {
  Scenario s = chain(0);
  s.checkpointing.interval = 10 * kSecond;
  s.duration = 30 * kSecond;
  s.events.push_back(at(1 * kSecond, patch_body({{"checkpointInterval", "5", true},
                                                 {"checkpointTimeout", "1min", true}})));
  s.events.push_back(at(2 * kSecond, patch_body({{"checkpointIntervall", "20s", true}})));
  s.events.push_back(at(3 * kSecond, patch_body({})));
  Collector c = run(s);
  auto answers = c.all<events::PatchAnswered>();
  REQUIRE(answers.size() == 3);
  for (const auto& [t, a] : answers) {
    CHECK(a.status == 400);
    CHECK_FALSE(a.message.empty());
    CHECK(a.interval == 10 * kSecond);
    CHECK(a.timeout == 10 * kMinute);
  }
  CHECK(c.finished().timeout == 10 * kMinute);
  CHECK(ticks(c) == std::vector<Time>{0, 10 * kSecond, 20 * kSecond});

  s.restart_strategy.type = RestartStrategySpec::Type::none;
  s.events.push_back(ScriptedEvent{500 * kMillisecond, FailureKind::task, {}});
  s.events.push_back(at(4 * kSecond, timeout_patch("1min")));
  Collector f = run(s);
  CHECK(f.all<events::PatchAnswered>().back().second.status == 409);
}
