// Pins model/explorer.hpp, model/patch_handler.cpp's interleaved updates and
// analysis/exploration.cpp's grading on small hand-computed cases.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "analysis/explore.hpp"
#include "analysis/likelihood.hpp"
#include "tests/model_fixture.hpp"

using namespace ckptsim::testing;
using ckptsim::analysis::DesignResult;
using ckptsim::analysis::ExploreRequest;
using ckptsim::analysis::ExploreResult;
using ckptsim::analysis::Grade;
using ckptsim::analysis::interleaving_for;

namespace {

// The FLIP review's case, a PATCH at a tick instant: the chain of the worked example (a
// checkpoint takes 1001 ms), interval 10 min, timeout 10 min, ticks at 0, 10 min, 20 min...
// At 10 min (the scripted patch runs before the tick due at the same instant) the body
// shortens the interval to 5 min and lengthens the timeout to 20 min. The window is 1 min, so
// its coordinator steps are exactly two: the tick at 10 min and its create (checkpoint 2).
Scenario tick_instant_case() {
  Scenario s = chain();
  s.duration = 40 * kMinute;
  s.checkpointing.interval = 10 * kMinute;
  s.checkpointing.timeout = 10 * kMinute;
  PatchRequest p = patch_body({{"checkpointInterval", "5min", true}, {"checkpointTimeout", "20min", true}});
  s.events.push_back(ScriptedEvent{10 * kMinute, p, {}});
  return s;
}

ExploreResult explore_all(const Scenario& s, std::optional<Duration> window) {
  auto built = JobGraph::build(s.operators, s.edges);
  ExploreRequest r;
  r.event = 0;
  r.window = window;
  r.designs = builtin_designs();
  return ckptsim::analysis::explore(s, std::get<JobGraph>(built), r);
}

const DesignResult& design(const ExploreResult& r, const std::string& name) {
  for (const DesignResult& d : r.designs)
    if (d.name == name) return d;
  FAIL("no design " << name);
  return r.designs.front();
}

struct Counts {
  size_t interleavings, acceptable, interesting, forbidden;
  bool operator==(const Counts&) const = default;
};
Counts counts(const DesignResult& d) {
  return {d.interleavings.size(), d.acceptable, d.interesting, d.forbidden};
}

}  // namespace

TEST_CASE("a PATCH at a tick instant: interleavings, serial orders and grades of every design") {
  // Serial orders: the atomic update A before the tick, between tick and create, after create.
  //   S1 A tick create: tick reads 5 min, create reads 20 min
  //   S2 tick A create: tick reads 10 min, create reads 20 min
  //   S3 tick create A: tick reads 10 min, create reads 10 min (A re-arms #2 to 30 min)
  // In all three, after the window: interval 5 min, timeout 20 min, next tick at 15 min (the
  // tick that read 10 min armed 20 min and the reschedule moved it to 10 + 5 min), checkpoint 2
  // due at 30 min; the run goes on identically (#2 completes at 10 min 1.001 s, then every
  // 5 min). So every outcome is the same, and a row is INTERESTING exactly when its reads pair a
  // new interval with an old timeout: (5 min, 10 min), which no serial order reads.
  //
  // With k writer steps and the two coordinator steps in order, there are C(k + 2, 2)
  // interleavings. The tick reads the new interval iff W:interval precedes it; the create reads
  // the new timeout iff W:timeout (or publish) precedes it.
  //   volatile (i, t, L):   C(5,2) = 10. Torn: i before tick, t after create: only
  //                         "W:interval tick create W:timeout L" -> 9 ACCEPTABLE, 1 INTERESTING.
  //   volatile-timeout-first (t, i, L): 10; its mixed reads (10 min, 20 min) are S2's -> 10 ACC.
  //   per-field (i, R, t, A): C(6,2) = 15; tick in slot a, create in slot b (a <= b, slots
  //                         0..4 around the 4 steps), torn iff 1 <= a <= b <= 2: (1,1) (1,2)
  //                         (2,2) -> 12 ACCEPTABLE, 3 INTERESTING.
  //   locked (one step):    3, exactly the serial orders -> 3 ACCEPTABLE.
  //   snapshot (P, L):      C(4,2) = 6; publish makes both visible at once -> 6 ACCEPTABLE.
  const ExploreResult r = explore_all(tick_instant_case(), 1 * kMinute);
  REQUIRE(r.error.empty());
  CHECK(r.at == 10 * kMinute);
  CHECK(r.window_end == 11 * kMinute);
  REQUIRE(r.serial.size() == 3);
  CHECK(r.serial[0].labels() == "L:interval+timeout+rearm+reschedule tick create");
  CHECK(r.serial[1].labels() == "tick L:interval+timeout+rearm+reschedule create");
  CHECK(r.serial[2].labels() == "tick create L:interval+timeout+rearm+reschedule");
  CHECK(r.serial[0].observation.reads[0].interval == 5 * kMinute);
  CHECK(r.serial[2].observation.reads[1].timeout == 10 * kMinute);
  for (const auto& s : r.serial) {
    CHECK(s.observation.next_tick == 15 * kMinute);
    REQUIRE(s.observation.pending.size() == 1);
    CHECK(s.observation.pending[0] == std::pair<int64_t, Time>{2, 30 * kMinute});
    CHECK(s.outcome == r.serial[0].outcome);
  }
  CHECK(r.serial[0].outcome.completed == 7);  // ticks at 0, 10, 15, 20, 25, 30, 35 min: #1..#7

  CHECK(counts(design(r, "volatile")) == Counts{10, 9, 1, 0});
  CHECK(counts(design(r, "volatile-timeout-first")) == Counts{10, 10, 0, 0});
  CHECK(counts(design(r, "per-field")) == Counts{15, 12, 3, 0});
  CHECK(counts(design(r, "locked")) == Counts{3, 3, 0, 0});
  CHECK(counts(design(r, "snapshot")) == Counts{6, 6, 0, 0});
  for (const DesignResult& d : r.designs) CHECK(d.serial_orders == 3);

  // The one torn interleaving of `volatile`, and its row.
  const DesignResult& v = design(r, "volatile");
  CHECK(v.steps == std::vector<std::string>{"W:interval", "W:timeout", "L:rearm+reschedule"});
  REQUIRE(v.rows.size() == 4);  // S1's, S2's and S3's observations, and the torn one
  const auto& torn = v.rows.back();
  CHECK(torn.grade == Grade::INTERESTING);
  CHECK(torn.samples == 1);
  CHECK(v.interleavings[torn.example].labels() == "W:interval tick create W:timeout L:rearm+reschedule");
  CHECK(torn.description ==
        "the outcome of serial order 1, but create #2@10min read timeout 10min, where serial order 1 "
        "has create #2@10min read timeout 20min");
  // Depth first, the writer's turn first: the first interleaving runs the writer through.
  CHECK(v.interleavings.front().labels() == "W:interval W:timeout L:rearm+reschedule tick create");
  CHECK(v.interleavings.back().labels() == "tick create W:interval W:timeout L:rearm+reschedule");
  CHECK(r.any_forbidden() == false);
}

TEST_CASE("no interleaving is counted twice, and each is a real order of the steps") {
  const ExploreResult r = explore_all(tick_instant_case(), 1 * kMinute);
  for (const DesignResult& d : r.designs) {
    CAPTURE(d.name);
    std::map<std::string, int> seen;
    for (const auto& x : d.interleavings) {
      ++seen[x.labels()];
      // The writer's steps appear in the design's order, all of them.
      std::vector<std::string> writer;
      for (const auto& s : x.steps)
        if (s.writer) writer.push_back(s.label);
      CHECK(writer == d.steps);
    }
    for (const auto& [labels, n] : seen) CHECK_MESSAGE(n == 1, labels);
  }
}

namespace {

// A rescue PATCH racing the near-complete checkpoint's canceller: checkpoint 1 (created at 0)
// uploads 7 GB at 100 MB/s and would finish at 70.001 s; its timeout is 60 s. The body only
// raises the timeout to 2 min. tolerable_failed_checkpoints is 0, so an expiry fails the job
// over (restart after 10 s).
Scenario rescue_race(Time patch_at) {
  Scenario s = chain(7000 * MB);
  s.duration = 5 * kMinute;
  s.checkpointing.interval = 10 * kMinute;
  s.checkpointing.timeout = 60 * kSecond;
  s.events.push_back(ScriptedEvent{patch_at, patch_body({{"checkpointTimeout", "2min", true}}), {}});
  return s;
}

const ckptsim::analysis::CheckpointFate& fate(const ckptsim::analysis::Outcome& o, int64_t id) {
  for (const auto& f : o.checkpoints)
    if (f.id == id) return f;
  FAIL("no checkpoint " << id);
  return o.checkpoints.front();
}

}  // namespace

TEST_CASE("the expire race: a PATCH at the deadline instant rescues or not, whatever the design") {
  // At 60 s the patch arrives first (scripted events run first at an instant), the canceller
  // is due at the same instant. Window 1 s. Serial orders: A first (the re-arm moves the
  // deadline to 120 s: the expire leaves the window, #1 completes at 70.001 s, rescued), or
  // expire first (#1 expires at 95% of... whatever it persisted; the trip fails the job over),
  // then A. Every design of a timeout-only body has two steps, W:timeout (or W:publish) and the
  // re-arm, except locked (one): the expire can come before, between or after them, but after
  // the re-arm it is no longer due. Between the two the expire sees the new timeout written
  // and the old deadline armed, which is just "the expiry came first": ACCEPTABLE.
  //   volatile, volatile-timeout-first, per-field: W:timeout L:rearm -> 3 interleavings
  //   snapshot: W:publish L:rearm -> 3; locked -> 2. All ACCEPTABLE.
  const ExploreResult r = explore_all(rescue_race(60 * kSecond), 1 * kSecond);
  REQUIRE(r.error.empty());
  REQUIRE(r.serial.size() == 2);
  CHECK(r.serial[0].labels() == "L:timeout+rearm");
  CHECK(r.serial[1].labels() == "expire L:timeout+rearm");
  CHECK(fate(r.serial[0].outcome, 1).fate == ckptsim::analysis::Fate::COMPLETED);
  CHECK(r.serial[0].outcome.rescued == 1);
  CHECK(r.serial[0].outcome.failovers == 0);
  CHECK(fate(r.serial[1].outcome, 1).fate == ckptsim::analysis::Fate::FAILED);
  CHECK(r.serial[1].outcome.expired == 1);
  CHECK(r.serial[1].outcome.failovers == 1);
  for (const char* name : {"volatile", "volatile-timeout-first", "per-field", "snapshot"}) {
    CAPTURE(name);
    CHECK(counts(design(r, name)) == Counts{3, 3, 0, 0});
  }
  CHECK(counts(design(r, "locked")) == Counts{2, 2, 0, 0});
  const DesignResult& v = design(r, "volatile");
  CHECK(v.steps == std::vector<std::string>{"W:timeout", "L:rearm"});
  CHECK(v.interleavings[1].labels() == "W:timeout expire L:rearm");
  CHECK(v.interleavings[1].outcome == r.serial[1].outcome);
}

TEST_CASE("a design that re-arms before its last write is FORBIDDEN, with no coordinator step") {
  // The patch at 50 s, window 1 s: no coordinator step is due in it (the deadline is at 60 s).
  // The atomic update re-arms #1 to 120 s and it completes at 70.001 s. `rearm-first` re-arms
  // while the old 60 s timeout is still visible (the deadline stays 60 s), then writes the new
  // one, which nothing reads for #1: it expires at 60 s, and the job fails over.
  Scenario s = rescue_race(50 * kSecond);
  auto built = JobGraph::build(s.operators, s.edges);
  ExploreRequest req;
  req.event = 0;
  req.window = 1 * kSecond;
  using A = WriterAction;
  req.designs = {Design{"rearm-first",
                        {WriterStep{{A::write_interval}, false}, WriterStep{{A::rearm, A::reschedule}, true},
                         WriterStep{{A::write_timeout}, false}},
                        "re-arms, then writes"}};
  const ExploreResult r = ckptsim::analysis::explore(s, std::get<JobGraph>(built), req);
  REQUIRE(r.error.empty());
  REQUIRE(r.serial.size() == 1);
  CHECK(fate(r.serial[0].outcome, 1).fate == ckptsim::analysis::Fate::COMPLETED);
  const DesignResult& d = r.designs.at(0);
  CHECK(d.steps == std::vector<std::string>{"L:rearm", "W:timeout"});
  CHECK(counts(d) == Counts{1, 0, 0, 1});
  REQUIRE(d.rows.size() == 1);
  CHECK(d.rows[0].observation.pending == std::vector<std::pair<int64_t, Time>>{{1, 60 * kSecond}});
  CHECK(d.rows[0].outcome.failovers == 1);
  CHECK(d.rows[0].description.find("checkpoint 1 is FAILED (CHECKPOINT_EXPIRED); there COMPLETED") !=
        std::string::npos);
  CHECK(r.any_forbidden());
}

TEST_CASE("carried readers: the tick's single read carries a torn pair into its checkpoint") {
  // As the tick-instant case, with the checkpoint using the timeout its tick read. Under carried
  // readers the serial order "tick A create" leaves #2 on the old timeout (the re-arm ran before
  // #2 existed, and #2 uses what its tick read): deadline 20 min. For `volatile` the tick reads
  // the torn pair (5 min, 10 min) whenever it falls between W:interval and W:timeout: the
  // interleavings i-tick-t-L-create (#2 due at 20 min), i-tick-t-create-L and
  // i-tick-create-t-L (#2 re-armed to 30 min): 3 INTERESTING in 2 rows, 7 ACCEPTABLE.
  Scenario s = tick_instant_case();
  s.explore.readers = Readers::carried;
  const ExploreResult r = explore_all(s, 1 * kMinute);
  REQUIRE(r.error.empty());
  REQUIRE(r.serial.size() == 3);
  CHECK(r.serial[1].observation.pending == std::vector<std::pair<int64_t, Time>>{{2, 20 * kMinute}});
  CHECK(r.serial[1].observation.reads[0].timeout == 10 * kMinute);  // the tick reads both
  const DesignResult& v = design(r, "volatile");
  CHECK(counts(v) == Counts{10, 7, 3, 0});
  CHECK(v.rows.size() == 5);
  CHECK(counts(design(r, "volatile-timeout-first")) == Counts{10, 7, 3, 0});
  CHECK(counts(design(r, "locked")) == Counts{3, 3, 0, 0});
  CHECK(counts(design(r, "snapshot")) == Counts{6, 6, 0, 0});
}

TEST_CASE("a run with apply: interleaved and an interleaving's order is that interleaving, to the event") {
  // The emitted scenarios of --emit rest on this: the same design and order, run as an ordinary
  // scenario, give the same fingerprint as the explorer's branch.
  const Scenario base = tick_instant_case();
  const ExploreResult r = explore_all(base, 1 * kMinute);
  REQUIRE(r.error.empty());
  for (const DesignResult& d : r.designs) {
    CAPTURE(d.name);
    for (const auto& x : d.interleavings) {
      CAPTURE(x.labels());
      Scenario s = base;
      PatchRequest& p = std::get<PatchRequest>(s.events[0].what);
      p.apply = PatchApply::interleaved;
      p.steps = find_design(d.name, {})->steps;
      p.window = 1 * kMinute;
      for (const std::string& l : x.label_list()) p.order.push_back(*parse_step_label(l));
      Collector c = run(s);
      CHECK(c.finished().fingerprint == x.fingerprint);
      const auto closed = c.all<events::WindowClosed>();
      REQUIRE(closed.size() == 1);
      CHECK(closed[0].second.order_followed);
      CHECK(closed[0].second.writer_steps_left == 0);
    }
  }
}

TEST_CASE("an order that waits for a coordinator step that never comes is not followed") {
  // The writer's second step is said to come after an `expire`, but nothing expires in the
  // window: at its end the rest of the writer runs, and window-closed says so.
  Scenario s = tick_instant_case();
  PatchRequest& p = std::get<PatchRequest>(s.events[0].what);
  p.apply = PatchApply::interleaved;
  p.steps = find_design("volatile", {})->steps;
  p.window = 1 * kMinute;
  for (const char* l : {"W:interval", "tick", "create", "expire", "W:timeout", "L:rearm+reschedule"})
    p.order.push_back(*parse_step_label(l));
  Collector c = run(s);
  const auto closed = c.all<events::WindowClosed>();
  REQUIRE(closed.size() == 1);
  CHECK(closed[0].first == 11 * kMinute + 1);  // the instant after the window's last
  CHECK_FALSE(closed[0].second.order_followed);
  CHECK(closed[0].second.writer_steps_left == 2);
  // The interval was written at 10 min; the timeout only at the window's end.
  const auto written = c.all<events::ConfigWritten>();
  REQUIRE(written.size() == 2);
  CHECK(written[0].first == 10 * kMinute);
  CHECK(written[0].second.interval_written);
  CHECK(written[1].first == 11 * kMinute + 1);
  CHECK(written[1].second.timeout_written);
}

TEST_CASE("likelihood: a sampled timing picks the interleaving its instants give") {
  const ExploreResult r = explore_all(tick_instant_case(), 1 * kMinute);
  const DesignResult& v = design(r, "volatile");
  const Time t = 10 * kMinute;
  auto labels = [&](std::vector<Time> times) { return v.interleavings[interleaving_for(v, times)].labels(); };
  // Arrival at the tick's instant, no gaps: the scripted patch goes first at an instant.
  CHECK(labels({t, t, t}) == "W:interval W:timeout L:rearm+reschedule tick create");
  // One microsecond late: the tick and its create come first.
  CHECK(labels({t + 1, t + 1, t + 1}) == "tick create W:interval W:timeout L:rearm+reschedule");
  // On time, but the second write 1 us after the first: the torn interleaving.
  CHECK(labels({t, t + 1, t + 1}) == "W:interval tick create W:timeout L:rearm+reschedule");
  // A gap after both writes only delays the follow-ups.
  CHECK(labels({t, t, t + 5}) == "W:interval W:timeout tick create L:rearm+reschedule");
}

TEST_CASE("likelihood: deterministic for a seed, and the shares add up") {
  // The default window, [10 min, 20 min]: a patch arriving late in it meets the tick at 20 min.
  const ExploreResult r = explore_all(tick_instant_case(), std::nullopt);
  // Gaps of a stuck handler (mean 1 min against a 10 min base interval): tears are common.
  const Distribution gap{Distribution::Kind::exponential, 60e6, 0};
  const auto a = ckptsim::analysis::estimate_likelihood(r, 2000, gap, "1min", 7, 0);
  const auto b = ckptsim::analysis::estimate_likelihood(r, 2000, gap, "1min", 7, 0);
  REQUIRE(a.designs.size() == 5);
  for (size_t k = 0; k < a.designs.size(); ++k) {
    CAPTURE(a.designs[k].design);
    CHECK(a.designs[k].acceptable.count == b.designs[k].acceptable.count);
    CHECK(a.designs[k].interesting.count == b.designs[k].interesting.count);
    CHECK(a.designs[k].acceptable.count + a.designs[k].interesting.count + a.designs[k].forbidden.count == 2000);
    CHECK(a.designs[k].acceptable.low <= a.designs[k].acceptable.share);
    CHECK(a.designs[k].acceptable.share <= a.designs[k].acceptable.high);
  }
  // volatile tears when the tick falls between its two writes and the create before the second.
  CHECK(a.designs[0].interesting.count > 0);
  CHECK(a.designs[3].interesting.count == 0);  // locked never tears
  const auto w = ckptsim::analysis::wilson(0, 10000);
  CHECK(w.low == 0.0);
  CHECK(w.high == doctest::Approx(3.8400e-4).epsilon(1e-3));  // the classic 0-of-10000 bound
}

TEST_CASE("more interleavings than the limit is an error that names the design and the window") {
  auto built = JobGraph::build(tick_instant_case().operators, tick_instant_case().edges);
  ExploreRequest r;
  r.event = 0;
  r.window = 1 * kMinute;
  r.designs = {*find_design("per-field", {})};
  r.limit = 14;  // per-field has 15 here
  const ExploreResult x = ckptsim::analysis::explore(tick_instant_case(), std::get<JobGraph>(built), r);
  CHECK(x.error == "design 'per-field' has more than 14 interleavings in the window [10min, 11min]: narrow it "
                   "with --window");
  r.limit = 15;
  CHECK(ckptsim::analysis::explore(tick_instant_case(), std::get<JobGraph>(built), r).error.empty());
}

TEST_CASE("a patch that is rejected or comes too late has nothing to explore") {
  Scenario s = tick_instant_case();
  std::get<PatchRequest>(s.events[0].what).body = {{"checkpointTimeout", "5ms", true}};
  CHECK(explore_all(s, std::nullopt).error == "the patch at 10min is answered 400: there is no update to interleave");
  Scenario late = tick_instant_case();
  late.events[0].at = late.duration;
  CHECK(explore_all(late, std::nullopt).error == "the patch at 40min is at or after the end of the run (40min)");
}
