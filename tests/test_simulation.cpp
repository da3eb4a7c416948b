#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "sim/rng.hpp"
#include "sim/simulation.hpp"

namespace ckptsim::sim {
// Reaches into the kernel to exercise the sequence renumbering, which otherwise happens only
// after 2^39 schedulings.
struct SimulationTestAccess {
  static void set_next_seq(Simulation& s, uint64_t v) { s.next_seq_ = v; }
  static uint64_t next_seq(const Simulation& s) { return s.next_seq_; }
  static constexpr uint64_t kSeqLimit = Simulation::kSeqLimit;
};
}  // namespace ckptsim::sim

using namespace ckptsim::sim;

namespace {

// What ran, and when.
struct Fired {
  Time time;
  int id;
  bool operator==(const Fired&) const = default;
};
using Log = std::vector<Fired>;

// An action that logs (now, id): captures two pointers and an int, as the model's do.
Action logger(Simulation& sim, Log& log, int id) {
  Simulation* s = &sim;
  Log* l = &log;
  return [s, l, id] { l->push_back({s->now(), id}); };
}

}  // namespace

TEST_CASE("actions run in time order, and the clock reads each action's time") {
  Simulation sim;
  Log log;
  sim.at(30, logger(sim, log, 3));
  sim.at(10, logger(sim, log, 1));
  sim.at(20, logger(sim, log, 2));
  CHECK(sim.pending() == 3);
  CHECK(sim.next_time() == 10);
  CHECK(sim.run_until(100) == 3);
  CHECK(log == Log{{10, 1}, {20, 2}, {30, 3}});
  CHECK(sim.now() == 100);
  CHECK(sim.pending() == 0);
  CHECK(sim.next_time() == kNever);
  CHECK(sim.events_run() == 3);
}

TEST_CASE("after() is relative to now") {
  Simulation sim;
  Log log;
  sim.run_until(1000);
  sim.after(5, logger(sim, log, 1));
  sim.after(0, logger(sim, log, 2));
  CHECK(sim.next_time() == 1000);
  sim.run_until(2000);
  CHECK(log == Log{{1000, 2}, {1005, 1}});
}

TEST_CASE("equal times run first-scheduled-first") {
  Simulation sim;
  Log log;
  for (int i = 0; i < 20; ++i) sim.at(7, logger(sim, log, i));
  sim.at(6, logger(sim, log, 100));
  sim.run_until(8);
  REQUIRE(log.size() == 21);
  CHECK(log[0] == Fired{6, 100});
  for (int i = 0; i < 20; ++i) CHECK(log[static_cast<size_t>(i) + 1] == Fired{7, i});
}

TEST_CASE("an action scheduling at its own instant runs after those already queued") {
  Simulation sim;
  Log log;
  Simulation* s = &sim;
  Log* l = &log;
  sim.at(5, [s, l] {
    l->push_back({s->now(), 1});
    s->at(5, logger(*s, *l, 4));    // same instant: after 2 and 3
    s->after(0, logger(*s, *l, 5));  // same again: after 4
    s->at(1, logger(*s, *l, 6));    // in the past: clamped to 5, after 5
  });
  sim.at(5, logger(sim, log, 2));
  sim.at(5, logger(sim, log, 3));
  sim.at(6, logger(sim, log, 7));
  CHECK(sim.run_until(10) == 7);
  CHECK(log == Log{{5, 1}, {5, 2}, {5, 3}, {5, 4}, {5, 5}, {5, 6}, {6, 7}});
}

TEST_CASE("run_until: an action due exactly at end does not run; a later call continues") {
  Simulation sim;
  Log log;
  sim.at(100, logger(sim, log, 1));
  sim.at(150, logger(sim, log, 2));
  CHECK(sim.run_until(100) == 0);
  CHECK(log.empty());
  CHECK(sim.now() == 100);
  CHECK(sim.pending() == 2);
  CHECK(sim.run_until(101) == 1);
  CHECK(log == Log{{100, 1}});
  CHECK(sim.now() == 101);
  CHECK(sim.run_until(150) == 0);
  CHECK(sim.run_until(151) == 1);
  CHECK(log == Log{{100, 1}, {150, 2}});
  CHECK(sim.events_run() == 2);
}

TEST_CASE("run_until advances the clock to end even when nothing is scheduled") {
  Simulation sim;
  CHECK(sim.now() == 0);
  CHECK(sim.run_until(0) == 0);
  CHECK(sim.now() == 0);
  CHECK(sim.run_until(3 * kHour) == 0);
  CHECK(sim.now() == 3 * kHour);
  // An end in the past does not move the clock back.
  CHECK(sim.run_until(kSecond) == 0);
  CHECK(sim.now() == 3 * kHour);
}

TEST_CASE("one-shot at() in the past is clamped to now") {
  Simulation sim;
  Log log;
  sim.run_until(500);
  sim.at(100, logger(sim, log, 1));
  CHECK(sim.next_time() == 500);
  sim.run_until(501);
  CHECK(log == Log{{500, 1}});
}

TEST_CASE("after() saturates instead of overflowing") {
  Simulation sim;
  Log log;
  sim.run_until(10);
  sim.after(kNever, logger(sim, log, 1));
  CHECK(sim.next_time() == kNever);
  sim.run_until(kNever - 1);
  CHECK(log.empty());
}

TEST_CASE("stop() ends run_until after the current action; the clock stays there") {
  Simulation sim;
  Log log;
  Simulation* s = &sim;
  Log* l = &log;
  sim.at(1, logger(sim, log, 1));
  sim.at(2, [s, l] {
    l->push_back({s->now(), 2});
    s->stop();
  });
  sim.at(2, logger(sim, log, 3));  // same instant, but after the stop
  sim.at(3, logger(sim, log, 4));
  CHECK(sim.run_until(10) == 2);
  CHECK(log == Log{{1, 1}, {2, 2}});
  CHECK(sim.now() == 2);
  CHECK(sim.pending() == 2);
  // A new run_until is not stopped by the old request.
  CHECK(sim.run_until(10) == 2);
  CHECK(log == Log{{1, 1}, {2, 2}, {2, 3}, {3, 4}});
  CHECK(sim.now() == 10);
  CHECK(sim.events_run() == 4);
}

TEST_CASE("stop() before run_until does not carry over") {
  Simulation sim;
  Log log;
  sim.at(1, logger(sim, log, 1));
  sim.stop();
  CHECK(sim.run_until(5) == 1);
  CHECK(sim.now() == 5);
}

TEST_CASE("Timer: arm, fire once, and report its state") {
  Simulation sim;
  Log log;
  Timer t(sim, logger(sim, log, 1));
  CHECK_FALSE(t.armed());
  CHECK(t.when() == kNever);
  CHECK(sim.pending() == 0);
  t.arm_at(40);
  CHECK(t.armed());
  CHECK(t.when() == 40);
  CHECK(sim.pending() == 1);
  sim.run_until(100);
  CHECK(log == Log{{40, 1}});
  CHECK_FALSE(t.armed());
  CHECK(t.when() == kNever);
  // The timer is reusable after it fired.
  t.arm_at(150);
  sim.run_until(200);
  CHECK(log == Log{{40, 1}, {150, 1}});
}

TEST_CASE("Timer: cancel removes it from the queue at once") {
  Simulation sim;
  Log log;
  Timer t(sim, logger(sim, log, 1));
  sim.at(50, logger(sim, log, 2));
  t.arm_at(40);
  CHECK(sim.pending() == 2);
  t.cancel();
  CHECK_FALSE(t.armed());
  CHECK(sim.pending() == 1);
  CHECK(sim.next_time() == 50);
  t.cancel();  // cancelling an unarmed timer is a no-op
  CHECK(sim.pending() == 1);
  sim.run_until(100);
  CHECK(log == Log{{50, 2}});
}

TEST_CASE("Timer: re-arm earlier and later moves the single entry") {
  Simulation sim;
  Log log;
  Timer early(sim, logger(sim, log, 1));
  Timer late(sim, logger(sim, log, 2));
  early.arm_at(100);
  late.arm_at(50);
  early.arm_at(30);   // earlier
  late.arm_at(200);   // later
  CHECK(sim.pending() == 2);
  CHECK(early.when() == 30);
  CHECK(late.when() == 200);
  CHECK(sim.next_time() == 30);
  sim.run_until(1000);
  CHECK(log == Log{{30, 1}, {200, 2}});
}

TEST_CASE("Timer: a re-arm is a new scheduling for FIFO ties") {
  Simulation sim;
  Log log;
  Timer t(sim, logger(sim, log, 0));
  t.arm_at(10);                      // scheduled first...
  sim.at(10, logger(sim, log, 1));
  sim.at(10, logger(sim, log, 2));
  t.arm_at(10);                      // ...but re-armed last: runs last
  sim.run_until(11);
  CHECK(log == Log{{10, 1}, {10, 2}, {10, 0}});
}

TEST_CASE("Timer: arm_at in the past clamps to now") {
  Simulation sim;
  Log log;
  sim.run_until(300);
  Timer t(sim, logger(sim, log, 1));
  t.arm_at(5);
  CHECK(t.when() == 300);
  sim.run_until(301);
  CHECK(log == Log{{300, 1}});
}

namespace {
// A periodic timer that re-arms itself from inside its own action.
struct Ticker {
  Simulation* sim;
  Log* log;
  Duration period;
  int limit;
  int ticks = 0;
  Timer timer;
  Ticker(Simulation& s, Log& l, Duration p, int lim) : sim(&s), log(&l), period(p), limit(lim) {
    Ticker* self = this;
    timer = Timer(s, [self] { self->tick(); });
  }
  void tick() {
    CHECK_FALSE(timer.armed());  // not armed while its action runs
    log->push_back({sim->now(), ticks});
    if (++ticks < limit) timer.arm_at(sim->now() + period);
  }
};
}  // namespace

TEST_CASE("Timer: re-armed from inside its own action (periodic)") {
  Simulation sim;
  Log log;
  Ticker ticker(sim, log, 10, 1000);
  ticker.timer.arm_at(10);
  sim.run_until(35);
  CHECK(log == Log{{10, 0}, {20, 1}, {30, 2}});
  CHECK(ticker.timer.armed());
  CHECK(ticker.timer.when() == 40);
  CHECK(sim.pending() == 1);
  sim.run_until(41);
  CHECK(log.back() == Fired{40, 3});
}

TEST_CASE("Timer: re-armed at its own instant runs after what is already queued") {
  Simulation sim;
  Log log;
  Ticker ticker(sim, log, 0, 3);  // period 0: re-arms at now
  ticker.timer.arm_at(5);
  sim.at(5, logger(sim, log, 100));
  sim.run_until(6);
  CHECK(log == Log{{5, 0}, {5, 100}, {5, 1}, {5, 2}});
}

TEST_CASE("Timer: destruction removes it from the queue") {
  Simulation sim;
  Log log;
  auto t = std::make_unique<Timer>(sim, logger(sim, log, 1));
  t->arm_at(10);
  sim.at(20, logger(sim, log, 2));
  CHECK(sim.pending() == 2);
  t.reset();
  CHECK(sim.pending() == 1);
  sim.run_until(100);
  CHECK(log == Log{{20, 2}});
}

TEST_CASE("Timer: destroyed by its own action, and a new one created there") {
  Simulation sim;
  Log log;
  std::optional<Timer> t;
  std::optional<Timer>* tp = &t;
  Simulation* s = &sim;
  Log* l = &log;
  t.emplace(sim, [tp, s, l] {
    l->push_back({s->now(), 1});
    tp->reset();
    tp->emplace(*s, logger(*s, *l, 2));
    (*tp)->arm_at(s->now() + 5);
  });
  t->arm_at(10);
  sim.run_until(100);
  CHECK(log == Log{{10, 1}, {15, 2}});
  CHECK(sim.pending() == 0);
}

TEST_CASE("Timer: move construction and assignment transfer the entry") {
  Simulation sim;
  Log log;
  Timer a(sim, logger(sim, log, 1));
  a.arm_at(10);
  Timer b(std::move(a));
  CHECK(b.armed());
  CHECK(b.when() == 10);
  CHECK_FALSE(a.armed());  // NOLINT(bugprone-use-after-move): moved-from is empty
  a.cancel();              // harmless on a moved-from timer
  CHECK(sim.pending() == 1);

  Timer c(sim, logger(sim, log, 2));
  c.arm_at(5);
  CHECK(sim.pending() == 2);
  c = std::move(b);  // c's old entry (at 5) is cancelled; it now owns b's (at 10)
  CHECK(sim.pending() == 1);
  CHECK(c.when() == 10);
  Timer d;  // a default timer is inert
  CHECK_FALSE(d.armed());
  CHECK(d.when() == kNever);
  sim.run_until(100);
  CHECK(log == Log{{10, 1}});
}

TEST_CASE("many re-arms and many timers do not grow the queue") {
  Simulation sim;
  Log log;
  Timer t(sim, logger(sim, log, 1));
  for (int i = 0; i < 100000; ++i) {
    t.arm_at(1000 + (i % 7) * 13);
    CHECK(sim.pending() == 1);
  }
  for (int i = 0; i < 1000; ++i) {
    Timer tmp(sim, logger(sim, log, 2));
    tmp.arm_at(5);
  }
  CHECK(sim.pending() == 1);
  CHECK(t.when() == 1000 + (99999 % 7) * 13);
  sim.run_until(10000);
  CHECK(log == Log{{1000 + (99999 % 7) * 13, 1}});
  CHECK(sim.pending() == 0);
}

TEST_CASE("a long hold model leaves exactly the live events pending") {
  Simulation sim;
  RandomStream rng(1, 0, "hold");
  struct Hold {
    Simulation* sim;
    RandomStream* rng;
    uint64_t ran = 0;
    Time last = 0;
    bool ordered = true;
    void fire() {
      ++ran;
      ordered = ordered && sim->now() >= last;
      last = sim->now();
      Hold* self = this;
      sim->after(rng->uniform_int(0, 1000), [self] { self->fire(); });
    }
  } hold{&sim, &rng};
  Hold* hp = &hold;
  for (int i = 0; i < 500; ++i) sim.at(rng.uniform_int(0, 1000), [hp] { hp->fire(); });
  sim.run_until(200000);
  CHECK(hold.ordered);
  CHECK(sim.pending() == 500);
  CHECK(hold.ran == sim.events_run());
  CHECK(hold.ran > 500 * 200);  // mean gap 500 us over 200 ms: ~200k events
}

namespace {

// Reference: pending entries ordered by (time, seq); every (re-)scheduling takes a new seq.
struct Reference {
  std::map<std::pair<Time, uint64_t>, int> queue;
  std::map<int, std::pair<Time, uint64_t>> timer_key;  // armed timers
  uint64_t seq = 0;
  Time now = 0;
  void schedule(int id, Time when, bool timer) {
    if (when < now) when = now;
    if (timer) cancel(id);
    queue[{when, seq}] = id;
    if (timer) timer_key[id] = {when, seq};
    ++seq;
  }
  void cancel(int id) {
    auto it = timer_key.find(id);
    if (it == timer_key.end()) return;
    queue.erase(it->second);
    timer_key.erase(it);
  }
  void run_until(Time end, Log& log) {
    while (!queue.empty() && queue.begin()->first.first < end) {
      auto [key, id] = *queue.begin();
      queue.erase(queue.begin());
      timer_key.erase(id);
      now = key.first;
      log.push_back({now, id});
    }
    if (end > now) now = end;
  }
};

// 20000 random operations on a Simulation and on the reference, compared after each. With few
// timers and rare one-shots the queue stays small (the pop that picks the root among leaves);
// with many, to dozens (the descent through three levels).
// Returns the most entries pending at once.
size_t check_against_reference(uint64_t rep, int timer_count, int64_t oneshot_ops, bool near_limit) {
  Simulation sim;
  // Starting just below the sequence limit crosses a renumbering.
  if (near_limit) SimulationTestAccess::set_next_seq(sim, SimulationTestAccess::kSeqLimit - 3000);
  Reference ref;
  Log log, ref_log;
  RandomStream rng(3, rep, "heap-vs-reference");
  std::vector<Timer> timers;
  for (int i = 0; i < timer_count; ++i) timers.emplace_back(sim, logger(sim, log, i));
  int next_oneshot = 1000;
  size_t most = 0;
  for (int step = 0; step < 20000; ++step) {
    const int64_t op = rng.uniform_int(0, 9);
    const Time when = sim.now() + rng.uniform_int(-50, 500);
    if (op < oneshot_ops) {
      const int id = next_oneshot++;
      sim.at(when, logger(sim, log, id));
      ref.schedule(id, when, false);
    } else if (op <= 6) {
      const int i = static_cast<int>(rng.uniform_int(0, timer_count - 1));
      timers[static_cast<size_t>(i)].arm_at(when);
      ref.schedule(i, when, true);
    } else if (op == 7) {
      const int i = static_cast<int>(rng.uniform_int(0, timer_count - 1));
      timers[static_cast<size_t>(i)].cancel();
      ref.cancel(i);
    } else {
      const Time end = sim.now() + rng.uniform_int(0, 200);
      sim.run_until(end);
      ref.run_until(end, ref_log);
    }
    REQUIRE(sim.pending() == ref.queue.size());
    most = std::max(most, sim.pending());
    REQUIRE(sim.now() == ref.now);
    const Time ref_next = ref.queue.empty() ? kNever : ref.queue.begin()->first.first;
    REQUIRE(sim.next_time() == ref_next);
  }
  sim.run_until(kNever);
  ref.run_until(kNever, ref_log);
  CHECK(log.size() > 4000);
  if (near_limit) CHECK(SimulationTestAccess::next_seq(sim) < 20000);  // renumbered
  CHECK(log == ref_log);
  for (int i = 0; i < timer_count; ++i) CHECK_FALSE(timers[static_cast<size_t>(i)].armed());
  return most;
}

}  // namespace

TEST_CASE("randomised schedule/re-arm/cancel against a reference ordered set") {
  for (uint64_t rep = 0; rep < 6; ++rep) {
    CAPTURE(rep);
    CHECK(check_against_reference(rep, 64, 4, rep >= 4) > 21);  // three levels and more
  }
}

TEST_CASE("randomised, on a queue of at most a few entries (pops among leaves)") {
  for (uint64_t rep = 10; rep < 14; ++rep) {
    CAPTURE(rep);
    CHECK(check_against_reference(rep, 4, 1, rep == 13) <= 16);
  }
}

TEST_CASE("sequence numbers are renumbered at the limit without changing the order") {
  Simulation sim;
  Log log;
  Timer t(sim, logger(sim, log, 9));
  sim.at(10, logger(sim, log, 1));  // seq 0
  t.arm_at(10);                     // seq 1
  SimulationTestAccess::set_next_seq(sim, SimulationTestAccess::kSeqLimit - 2);
  sim.at(10, logger(sim, log, 2));  // seq limit-2
  sim.at(5, logger(sim, log, 3));   // seq limit-1
  CHECK(SimulationTestAccess::next_seq(sim) == SimulationTestAccess::kSeqLimit);
  sim.at(10, logger(sim, log, 4));  // renumbers 3,1,t,2 to 0..3 first, then takes 4
  CHECK(SimulationTestAccess::next_seq(sim) == 5);
  CHECK(sim.pending() == 5);
  CHECK(t.when() == 10);
  CHECK(sim.next_time() == 5);
  Timer u(sim, logger(sim, log, 8));
  u.arm_at(10);  // seq 5
  t.arm_at(10);  // re-armed: seq 6, now after 8
  sim.run_until(11);
  CHECK(log == Log{{5, 3}, {10, 1}, {10, 2}, {10, 4}, {10, 8}, {10, 9}});
}

TEST_CASE("reserved sequence numbers run first at equal times, whenever they were scheduled") {
  Simulation sim;
  Log log;
  sim.reserve_leading_sequences(3);
  CHECK(SimulationTestAccess::next_seq(sim) == 3);
  sim.at(10, logger(sim, log, 100));    // seq 3
  Timer t(sim, logger(sim, log, 101));
  t.arm_at(10);                         // seq 4
  // A chain: reserved 2 runs at 5 and only then queues reserved 0 and 1 for time 10.
  Simulation* s = &sim;
  Log* l = &log;
  sim.at_reserved(5, 2, [s, l] {
    l->push_back({s->now(), 2});
    s->at_reserved(10, 1, logger(*s, *l, 1));
    s->at_reserved(10, 0, logger(*s, *l, 0));
  });
  sim.run_until(11);
  CHECK(log == Log{{5, 2}, {10, 0}, {10, 1}, {10, 100}, {10, 101}});
  // Reserving after something was scheduled is a usage error.
  CHECK_THROWS_AS(sim.reserve_leading_sequences(1), std::logic_error);
}

TEST_CASE("renumbering keeps reserved sequence numbers below the others") {
  Simulation sim;
  Log log;
  sim.reserve_leading_sequences(2);
  sim.at(10, logger(sim, log, 1));  // seq 2
  SimulationTestAccess::set_next_seq(sim, SimulationTestAccess::kSeqLimit - 1);
  sim.at(10, logger(sim, log, 2));  // seq limit-1
  sim.at(10, logger(sim, log, 3));  // renumbers 1,2 to 2,3 first, then takes 4
  CHECK(SimulationTestAccess::next_seq(sim) == 5);
  sim.at_reserved(10, 1, logger(sim, log, -1));
  sim.at_reserved(10, 0, logger(sim, log, -2));
  sim.run_until(11);
  CHECK(log == Log{{10, -2}, {10, -1}, {10, 1}, {10, 2}, {10, 3}});
}
