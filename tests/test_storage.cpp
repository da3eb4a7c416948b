#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <utility>
#include <vector>

#include "model/storage.hpp"
#include "sim/simulation.hpp"

using namespace ckptsim;
using namespace ckptsim::model;
using sim::kMillisecond;
using sim::kSecond;

namespace {

constexpr double MB = 1e6;

struct Recorder : UploadListener {
  sim::Simulation* sim = nullptr;
  std::vector<std::pair<sim::Time, uint64_t>> finished;  // (time, tag)
  std::function<void(uint64_t)> hook;
  void on_upload_finished(uint64_t tag) override {
    finished.emplace_back(sim->now(), tag);
    if (hook) hook(tag);
  }
};

StorageSpec spec(double bandwidth, double cap = kUnlimited, sim::Duration latency = 0) {
  StorageSpec s;
  s.bandwidth = bandwidth;
  s.per_task_bandwidth = cap;
  s.latency = latency;
  return s;
}

struct Fixture {
  sim::Simulation sim;
  Recorder rec;
  Storage storage;
  explicit Fixture(const StorageSpec& s)
      : storage((rec.sim = &sim, sim), s, sim::RandomStream(1, 0, "storage/jitter"), rec,
                [this] { storage.on_timer(); }) {}
  using Finished = std::vector<std::pair<sim::Time, uint64_t>>;
};

}  // namespace

TEST_CASE("the storage example: 2 x 100 MB at 200 MB/s, latency 0, finish at exactly 1 s") {
  Fixture f(spec(200 * MB));
  f.storage.start(1, 100'000'000);
  f.storage.start(2, 100'000'000);
  CHECK(f.storage.uploads_in_flight() == 2);
  f.sim.run_until(10 * kSecond);
  CHECK(f.rec.finished == Fixture::Finished{{kSecond, 1}, {kSecond, 2}});
  CHECK(f.storage.uploads_in_flight() == 0);
}

TEST_CASE("one upload alone is held to the per-task cap") {
  Fixture f(spec(200 * MB, 50 * MB));
  f.storage.start(7, 100'000'000);
  f.sim.run_until(10 * kSecond);
  CHECK(f.rec.finished == Fixture::Finished{{2 * kSecond, 7}});
}

TEST_CASE("three uploads: the cap binds, or not") {
  SUBCASE("cap binds: 300 MB/s shared would be 100 each, cap 50") {
    Fixture f(spec(300 * MB, 50 * MB));
    for (uint64_t t = 1; t <= 3; ++t) f.storage.start(t, 100'000'000);
    f.sim.run_until(10 * kSecond);
    CHECK(f.rec.finished ==
          Fixture::Finished{{2 * kSecond, 1}, {2 * kSecond, 2}, {2 * kSecond, 3}});
  }
  SUBCASE("cap does not bind: 100 each under a cap of 150") {
    Fixture f(spec(300 * MB, 150 * MB));
    for (uint64_t t = 1; t <= 3; ++t) f.storage.start(t, 100'000'000);
    f.sim.run_until(10 * kSecond);
    CHECK(f.rec.finished == Fixture::Finished{{kSecond, 1}, {kSecond, 2}, {kSecond, 3}});
  }
  SUBCASE("cap binds once the others are gone") {
    // 50, 100, 200 MB; 300 MB/s, cap 200. Phase 1: 3 x 100 MB/s, the 50 MB finishes at 0.5 s.
    // Phase 2: 2 x 150 MB/s, the 100 MB has 50 left: 1/3 s -> 833333.3 -> 833334 us.
    // By then S = 50 MB + 150 MB/s x 0.333334 s = 100000100 B, the 200 MB has 99999900 B left
    // at the cap of 200 MB/s: 499999.5 -> 500000 us -> 1333334 us.
    Fixture f(spec(300 * MB, 200 * MB));
    f.storage.start(1, 50'000'000);
    f.storage.start(2, 100'000'000);
    f.storage.start(3, 200'000'000);
    f.sim.run_until(10 * kSecond);
    CHECK(f.rec.finished ==
          Fixture::Finished{{500'000, 1}, {833'334, 2}, {1'333'334, 3}});
  }
}

TEST_CASE("staggered starts: a late joiner slows the first") {
  // 100 MB/s. A (100 MB) alone until 0.5 s (50 MB done), then both at 50 MB/s: A's last 50 MB
  // take 1 s -> 1.5 s. B has 50 MB by then and finishes the rest alone in 0.5 s -> 2 s.
  Fixture f(spec(100 * MB));
  auto a = f.storage.start(1, 100'000'000);
  f.sim.run_until(500 * kMillisecond);
  CHECK(f.storage.persisted(a) == 50'000'000);
  auto b = f.storage.start(2, 100'000'000);
  CHECK(f.storage.persisted(b) == 0);
  f.sim.run_until(kSecond);
  CHECK(f.storage.persisted(a) == 75'000'000);
  CHECK(f.storage.persisted(b) == 25'000'000);
  f.sim.run_until(10 * kSecond);
  CHECK(f.rec.finished == Fixture::Finished{{1'500'000, 1}, {2'000'000, 2}});
}

TEST_CASE("a bandwidth change mid-upload re-times it") {
  // 100 MB/s; at 0.25 s (25 MB done) the bandwidth drops to 50 MB/s: 75 MB take 1.5 s -> 1.75 s.
  Fixture f(spec(100 * MB));
  auto a = f.storage.start(1, 100'000'000);
  f.sim.run_until(250 * kMillisecond);
  f.storage.change(StorageChange{50 * MB, std::nullopt, std::nullopt});
  CHECK(f.storage.bandwidth() == 50 * MB);
  CHECK(f.storage.persisted(a) == 25'000'000);
  f.sim.run_until(1'250 * kMillisecond);
  CHECK(f.storage.persisted(a) == 75'000'000);
  f.sim.run_until(10 * kSecond);
  CHECK(f.rec.finished == Fixture::Finished{{1'750'000, 1}});
}

TEST_CASE("a cap change mid-upload re-times it") {
  // Cap 100 MB/s under 1 GB/s; at 0.5 s the cap rises to 200: 50 MB left take 0.25 s.
  Fixture f(spec(1000 * MB, 100 * MB));
  f.storage.start(1, 100'000'000);
  f.sim.run_until(500 * kMillisecond);
  f.storage.change(StorageChange{std::nullopt, 200 * MB, std::nullopt});
  f.sim.run_until(10 * kSecond);
  CHECK(f.rec.finished == Fixture::Finished{{750'000, 1}});
}

TEST_CASE("latency first, without bandwidth, then the transfer") {
  Fixture f(spec(100 * MB, kUnlimited, 50 * kMillisecond));
  auto a = f.storage.start(1, 100'000'000);
  f.sim.run_until(30 * kMillisecond);
  CHECK(f.storage.persisted(a) == 0);
  CHECK(f.storage.uploads_in_flight() == 1);
  // A second upload started at 30 ms joins at 80 ms; A runs alone from 50 to 80 ms (3 MB).
  auto b = f.storage.start(2, 10'000'000);
  f.sim.run_until(80 * kMillisecond);
  CHECK(f.storage.persisted(a) == 3'000'000);
  CHECK(f.storage.persisted(b) == 0);
  // Shared from 80 ms at 50 MB/s each: B (10 MB) finishes at 280 ms; A has 13 MB then, and the
  // remaining 87 MB alone take 870 ms -> 1150 ms.
  f.sim.run_until(10 * kSecond);
  CHECK(f.rec.finished == Fixture::Finished{{280'000, 2}, {1'150'000, 1}});
}

TEST_CASE("a lone upload joins without an event of its own; anything that looks joins it first") {
  // 100 MB at 100 MB/s after a 50 ms latency, alone: ready at 50 ms, done at 1050 ms.
  SUBCASE("left alone: one event, at the finish") {
    Fixture f(spec(100 * MB, kUnlimited, 50 * kMillisecond));
    f.storage.start(1, 100'000'000);
    CHECK(f.sim.next_time() == 1'050'000);  // keyed straight to the finish, not to 50 ms
    CHECK(f.sim.run_until(10 * kSecond) == 1);
    CHECK(f.rec.finished == Fixture::Finished{{1'050'000, 1}});
  }
  SUBCASE("persisted after the ready time counts from it") {
    Fixture f(spec(100 * MB, kUnlimited, 50 * kMillisecond));
    auto a = f.storage.start(1, 100'000'000);
    f.sim.run_until(550 * kMillisecond);
    CHECK(f.storage.persisted(a) == 50'000'000);
    f.sim.run_until(10 * kSecond);
    CHECK(f.rec.finished == Fixture::Finished{{1'050'000, 1}});
  }
  SUBCASE("a stop after the ready time returns the bytes moved since") {
    Fixture f(spec(100 * MB, kUnlimited, 50 * kMillisecond));
    auto a = f.storage.start(1, 100'000'000);
    f.sim.run_until(300 * kMillisecond);
    CHECK(f.storage.stop(a) == 25'000'000);
    CHECK(f.storage.uploads_in_flight() == 0);
    CHECK(f.sim.run_until(10 * kSecond) == 0);
    CHECK(f.rec.finished.empty());
  }
  SUBCASE("a bandwidth change after the ready time re-times the rest") {
    // 50 MB by 550 ms, the other 50 MB at 25 MB/s: 2 s more.
    Fixture f(spec(100 * MB, kUnlimited, 50 * kMillisecond));
    f.storage.start(1, 100'000'000);
    f.sim.run_until(550 * kMillisecond);
    f.storage.change(StorageChange{25 * MB, std::nullopt, std::nullopt});
    f.sim.run_until(10 * kSecond);
    CHECK(f.rec.finished == Fixture::Finished{{2'550'000, 1}});
  }
  SUBCASE("a second upload after the ready time shares from its own ready time") {
    // A alone 50..600 ms: 55 MB. Shared at 50 MB/s each: B's 10 MB end at 800 ms, A has 65 MB
    // then; its last 35 MB alone take 350 ms.
    Fixture f(spec(100 * MB, kUnlimited, 50 * kMillisecond));
    f.storage.start(1, 100'000'000);
    f.sim.run_until(550 * kMillisecond);
    f.storage.start(2, 10'000'000);
    f.sim.run_until(10 * kSecond);
    CHECK(f.rec.finished == Fixture::Finished{{800'000, 2}, {1'150'000, 1}});
  }
  SUBCASE("no bandwidth: nothing is scheduled until it returns") {
    Fixture f(spec(0, kUnlimited, 50 * kMillisecond));
    auto a = f.storage.start(1, 100'000'000);
    CHECK(f.sim.run_until(kSecond) == 0);
    CHECK(f.storage.persisted(a) == 0);
    f.storage.change(StorageChange{100 * MB, std::nullopt, std::nullopt});
    f.sim.run_until(10 * kSecond);
    CHECK(f.rec.finished == Fixture::Finished{{2 * kSecond, 1}});
  }
}

TEST_CASE("a latency change applies to uploads started afterwards only") {
  Fixture f(spec(100 * MB, kUnlimited, 100 * kMillisecond));
  f.storage.start(1, 1'000'000);  // ready at 100 ms, 10 ms transfer
  f.sim.run_until(10 * kMillisecond);
  f.storage.change(StorageChange{std::nullopt, std::nullopt, 0});
  CHECK(f.storage.latency() == 0);
  f.storage.start(2, 1'000'000);  // ready at once: 10 ms alone -> 20 ms
  f.sim.run_until(10 * kSecond);
  CHECK(f.rec.finished == Fixture::Finished{{20'000, 2}, {110'000, 1}});
}

TEST_CASE("stop mid-upload returns the exact persisted bytes, and the other speeds up") {
  // 100 MB/s shared by two: at 0.4 s each has 20 MB. Stopping A frees the bandwidth: B's last
  // 80 MB take 0.8 s -> 1.2 s. A is never reported finished.
  Fixture f(spec(100 * MB));
  auto a = f.storage.start(1, 100'000'000);
  f.storage.start(2, 100'000'000);
  f.sim.run_until(400 * kMillisecond);
  CHECK(f.storage.stop(a) == 20'000'000);
  CHECK(f.storage.uploads_in_flight() == 1);
  f.sim.run_until(10 * kSecond);
  CHECK(f.rec.finished == Fixture::Finished{{1'200'000, 2}});
}

TEST_CASE("stop during the latency phase returns 0 and leaves nothing behind") {
  Fixture f(spec(100 * MB, kUnlimited, 50 * kMillisecond));
  auto a = f.storage.start(1, 100);
  f.sim.run_until(10 * kMillisecond);
  CHECK(f.storage.stop(a) == 0);
  CHECK(f.storage.uploads_in_flight() == 0);
  CHECK(f.sim.run_until(10 * kSecond) == 0);  // its timer was withdrawn
  CHECK(f.rec.finished.empty());
}

TEST_CASE("persisted at an instant is rounded down; completion is rounded up") {
  // 10 B at 3 B/s: 3.333... s -> 3333334 us.
  Fixture f(spec(3));
  auto a = f.storage.start(1, 10);
  f.sim.run_until(kSecond);
  CHECK(f.storage.persisted(a) == 3);
  f.sim.run_until(1'500'000);
  CHECK(f.storage.persisted(a) == 4);
  f.sim.run_until(3'333'333);
  CHECK(f.storage.persisted(a) == 9);
  CHECK(f.rec.finished.empty());
  f.sim.run_until(3'333'334);
  CHECK(f.rec.finished.empty());  // run_until runs events strictly before its end
  f.sim.run_until(3'333'335);
  CHECK(f.rec.finished == Fixture::Finished{{3'333'334, 1}});
}

TEST_CASE("zero bandwidth stalls, and the upload resumes when bandwidth returns") {
  SUBCASE("from the start") {
    Fixture f(spec(0));
    auto a = f.storage.start(1, 100'000'000);
    CHECK(f.sim.run_until(10 * kSecond) == 0);  // nothing is scheduled while stalled
    CHECK(f.storage.persisted(a) == 0);
    CHECK(f.rec.finished.empty());
    f.storage.change(StorageChange{100 * MB, std::nullopt, std::nullopt});
    f.sim.run_until(20 * kSecond);
    CHECK(f.rec.finished == Fixture::Finished{{11 * kSecond, 1}});
  }
  SUBCASE("mid-upload") {
    Fixture f(spec(100 * MB));
    auto a = f.storage.start(1, 100'000'000);
    f.sim.run_until(500 * kMillisecond);
    f.storage.change(StorageChange{0.0, std::nullopt, std::nullopt});
    f.sim.run_until(2 * kSecond);
    CHECK(f.storage.persisted(a) == 50'000'000);
    f.storage.change(StorageChange{100 * MB, std::nullopt, std::nullopt});
    f.sim.run_until(10 * kSecond);
    CHECK(f.rec.finished == Fixture::Finished{{2'500'000, 1}});
  }
  SUBCASE("a zero cap stalls too") {
    Fixture f(spec(100 * MB, 0));
    f.storage.start(1, 1);
    f.sim.run_until(10 * kSecond);
    CHECK(f.rec.finished.empty());
  }
}

TEST_CASE("unlimited bandwidth and cap: done right after the latency, never synchronously") {
  Fixture f(spec(kUnlimited, kUnlimited, 10 * kMillisecond));
  f.storage.start(1, 1'000'000'000'000);
  f.sim.run_until(kSecond);
  CHECK(f.rec.finished == Fixture::Finished{{10'000, 1}});

  Fixture g(spec(kUnlimited));
  g.sim.run_until(5);
  auto a = g.storage.start(9, 123);
  CHECK(g.rec.finished.empty());  // not from inside start()
  CHECK(g.storage.persisted(a) == 123);
  g.sim.run_until(6);
  CHECK(g.rec.finished == Fixture::Finished{{5, 9}});
}

TEST_CASE("simultaneous completions come in (target, id) order") {
  // 1 GB/s each: 10, 20 and 30 B all take a fraction of a microsecond -> all at 1 us.
  Fixture f(spec(kUnlimited, 1e9));
  f.storage.start(30, 30);
  f.storage.start(10, 10);
  f.storage.start(20, 20);
  f.storage.start(11, 10);
  f.sim.run_until(2);
  CHECK(f.rec.finished == Fixture::Finished{{1, 10}, {1, 11}, {1, 20}, {1, 30}});

  // Unlimited bandwidth: each finishes the instant it joins, so in the order they joined.
  Fixture g(spec(kUnlimited));
  g.storage.start(30, 30);
  g.storage.start(10, 10);
  g.sim.run_until(1);
  CHECK(g.rec.finished == Fixture::Finished{{0, 30}, {0, 10}});
}

TEST_CASE("the listener may stop a peer finishing at the same instant, and start a new upload") {
  Fixture f(spec(200 * MB));
  Storage::UploadId b = 0;
  f.rec.hook = [&](uint64_t tag) {
    if (tag == 1) {
      CHECK(f.storage.stop(b) == 100'000'000);  // finished at this instant: all of it
      f.storage.start(3, 100'000'000);           // alone at 200 MB/s: 0.5 s
    }
  };
  f.storage.start(1, 100'000'000);
  b = f.storage.start(2, 100'000'000);
  f.sim.run_until(10 * kSecond);
  CHECK(f.rec.finished == Fixture::Finished{{kSecond, 1}, {1'500'000, 3}});
}

TEST_CASE("jitter: a per-upload extra latency, rounded to a whole microsecond") {
  StorageSpec s = spec(1e6, kUnlimited, 100);
  s.jitter = Distribution::constant(2.6);  // -> 3 us
  Fixture f(s);
  f.storage.start(1, 1);  // 1 B at 1 MB/s: 1 us
  f.sim.run_until(kSecond);
  CHECK(f.rec.finished == Fixture::Finished{{104, 1}});

  StorageSpec u = spec(kUnlimited);
  u.jitter = Distribution{Distribution::Kind::uniform, 0, 1000};
  Fixture g(u);
  sim::RandomStream same(1, 0, "storage/jitter");
  const sim::Time d1 = std::llround(same.uniform(0, 1000));
  const sim::Time d2 = std::llround(same.uniform(0, 1000));
  g.storage.start(1, 5);
  g.storage.start(2, 5);
  g.sim.run_until(kSecond);
  REQUIRE(g.rec.finished.size() == 2);
  Fixture::Finished expect{{d1, 1}, {d2, 2}};
  if (d2 < d1) expect = {{d2, 2}, {d1, 1}};
  CHECK(g.rec.finished == expect);
}

TEST_CASE("ids are reused after release; many uploads stay exact") {
  // 1000 uploads of 1 MB each at 1 GB/s: all finish together at 1 s.
  Fixture f(spec(1000 * MB));
  for (uint64_t t = 0; t < 1000; ++t) f.storage.start(t, 1'000'000);
  f.sim.run_until(2 * kSecond);
  REQUIRE(f.rec.finished.size() == 1000);
  for (uint64_t t = 0; t < 1000; ++t) CHECK(f.rec.finished[t] == std::pair<sim::Time, uint64_t>{kSecond, t});
  auto id = f.storage.start(5000, 1);
  CHECK(id < 1000);
}

// The active and waiting orders are heaps with lazy deletion: a stopped upload leaves a stale
// entry behind, possibly with the same (key, id) as a later upload that reuses its id.

TEST_CASE("a stop in the middle of the order, then same-instant completions in (target, id)") {
  // Cap 1 GB/s each, unlimited aggregate: 10 to 30 B all finish at 1 us.
  Fixture f(spec(kUnlimited, 1e9));
  f.storage.start(30, 30);                  // id 0
  f.storage.start(10, 10);                  // id 1
  const auto c = f.storage.start(99, 20);   // id 2, target 20: neither the first nor the last
  f.storage.start(11, 10);                  // id 3
  f.storage.start(22, 20);                  // id 4
  CHECK(f.storage.stop(c) == 0);
  CHECK(f.storage.uploads_in_flight() == 4);
  // Reuses id 2 with target 20 again: the same (target, id) as the stale entry of the stopped
  // one. It comes once, and before id 4 (same target, larger id) although started after it.
  CHECK(f.storage.start(21, 20) == c);
  CHECK(f.storage.uploads_in_flight() == 5);
  f.sim.run_until(2);
  CHECK(f.rec.finished == Fixture::Finished{{1, 10}, {1, 11}, {1, 21}, {1, 22}, {1, 30}});
  CHECK(f.storage.uploads_in_flight() == 0);
}

TEST_CASE("latency phases ending at one instant join once each, completions in id order") {
  // 100 MB/s, latency 50 ms. Three uploads of 1 MB are ready at 50 ms; the first is stopped in
  // its latency phase and its id reused at once, with the same ready time.
  Fixture f(spec(100 * MB, kUnlimited, 50 * kMillisecond));
  const auto a = f.storage.start(1, 1'000'000);  // id 0
  f.storage.start(2, 1'000'000);                 // id 1
  f.storage.start(3, 1'000'000);                 // id 2
  CHECK(f.storage.stop(a) == 0);
  CHECK(f.storage.uploads_in_flight() == 2);
  CHECK(f.storage.start(4, 1'000'000) == a);  // id 0 again, ready at 50 ms again
  CHECK(f.storage.uploads_in_flight() == 3);
  // Three share 100 MB/s from 50 ms: 1 MB each at 33.3 MB/s takes 30 ms.
  f.sim.run_until(kSecond);
  CHECK(f.rec.finished == Fixture::Finished{{80'000, 4}, {80'000, 2}, {80'000, 3}});
  CHECK(f.storage.uploads_in_flight() == 0);
}

TEST_CASE("an id stopped in its latency phase and reused waits for its own, later, end") {
  // Latency 50 ms, 100 MB/s, 1 MB each. C starts at 0 (ready at 50 ms), A at 5 ms (ready at
  // 55 ms). A is stopped at 10 ms and B reuses its id, ready at 60 ms: A's stale 55 ms sits
  // below C's 50 ms in the order and must not let B in early. C runs alone from 50 ms and is
  // done at 60 ms, when B joins; B alone is done at 70 ms. (Had B joined at 55 ms, C would
  // have shared the bandwidth from then and finished at 65 ms.)
  Fixture f(spec(100 * MB, kUnlimited, 50 * kMillisecond));
  f.storage.start(3, 1'000'000);
  f.sim.run_until(5 * kMillisecond);
  const auto a = f.storage.start(1, 1'000'000);
  f.sim.run_until(10 * kMillisecond);
  CHECK(f.storage.stop(a) == 0);
  CHECK(f.storage.start(2, 1'000'000) == a);
  f.sim.run_until(kSecond);
  CHECK(f.rec.finished == Fixture::Finished{{60'000, 3}, {70'000, 2}});
}

TEST_CASE("most uploads stopped: the survivors finish on time, in order") {
  // Unlimited aggregate, cap 1 MB/s each: an upload of (k+1) kB takes (k+1) ms whatever the
  // others do. 300 start in a scrambled order; all but every fifth are stopped at once.
  Fixture f(spec(kUnlimited, 1 * MB));
  std::vector<Storage::UploadId> ids;
  std::vector<uint64_t> tags;
  for (uint64_t i = 0; i < 300; ++i) {
    const uint64_t k = (i * 7) % 300;  // 7 is prime to 300: a permutation
    tags.push_back(k);
    ids.push_back(f.storage.start(k, static_cast<int64_t>((k + 1) * 1000)));
  }
  f.sim.run_until(500);  // 0.5 ms: nothing done yet
  for (size_t i = 0; i < ids.size(); ++i)
    if (tags[i] % 5 != 0) CHECK(f.storage.stop(ids[i]) == static_cast<int64_t>(500));
  CHECK(f.storage.uploads_in_flight() == 60);
  f.sim.run_until(kSecond);
  Fixture::Finished expect;
  for (uint64_t k = 0; k < 300; k += 5) expect.emplace_back((k + 1) * kMillisecond, k);
  CHECK(f.rec.finished == expect);
}

TEST_CASE("an infinite rate advances the service to the largest live target, not a stopped one") {
  // Cap 1 B/s. X (1e17 B) is stopped; at the same instant the cap becomes unlimited and then 1 B/s
  // again: Y (10 B) is then done, and the service stands at Y's target, 10. Z (10 B) joins there
  // and needs 10 s. Had the service jumped to the stopped X's 1e17, Z's target 1e17 + 10 would
  // round to 1e17 + 16: 16 s.
  Fixture f(spec(kUnlimited, 1));
  const auto x = f.storage.start(1, 100'000'000'000'000'000);
  f.storage.start(2, 10);
  CHECK(f.storage.stop(x) == 0);
  f.storage.change(StorageChange{std::nullopt, kUnlimited, std::nullopt});
  f.storage.change(StorageChange{std::nullopt, 1.0, std::nullopt});
  f.storage.start(3, 10);
  f.sim.run_until(100 * kSecond);
  CHECK(f.rec.finished == Fixture::Finished{{0, 2}, {10 * kSecond, 3}});
}
