// Pins analysis/recorder.cpp: the fold of the domain events into checkpoint records, metrics
// and counts; the history spilled to the spill file or kept as summary rows; the summaries.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "analysis/expectations.hpp"
#include "analysis/recorder.hpp"
#include "tests/recorder_fixture.hpp"

using namespace ckptsim;
using namespace ckptsim::analysis;
using namespace ckptsim::testing;


TEST_CASE("max time without completed checkpoint: from 0, between, and to the end") {
  Recorder r(scenario(60 * kSecond));
  created(r, 8 * kSecond, 1);
  completed(r, 10 * kSecond, 1, 8 * kSecond);
  created(r, 20 * kSecond, 2);
  completed(r, 25 * kSecond, 2, 20 * kSecond);
  CHECK(r.metrics().max_time_without_completed_checkpoint == 35 * kSecond);
  CHECK(*r.metric("max_time_without_completed_checkpoint") == 35000.0);
  CHECK(*r.metric_text("max_time_without_completed_checkpoint") == "35000");
  CHECK(r.metrics().completed == 2);
}

TEST_CASE("max time without completed checkpoint: no completion at all is the whole run") {
  Recorder r(scenario(60 * kSecond));
  CHECK(r.metrics().max_time_without_completed_checkpoint == 60 * kSecond);
}

TEST_CASE("time in failure loop: from the first counted failure to the next completion or end") {
  Recorder r(scenario(60 * kSecond));
  created(r, 0, 1);
  failed(r, 5 * kSecond, 1, 0);
  send(r, 5 * kSecond, ev::FailureCounted{1, 1});
  created(r, 6 * kSecond, 2);
  failed(r, 11 * kSecond, 2, 6 * kSecond);
  send(r, 11 * kSecond, ev::FailureCounted{2, 2});
  // a failover clears the counter; the loop goes on
  send(r, 11 * kSecond, ev::FailoverStarted{model::FailoverCause::checkpoint_failures, kSecond, -1, true});
  created(r, 15 * kSecond, 3);
  failed(r, 20 * kSecond, 3, 15 * kSecond);
  send(r, 20 * kSecond, ev::FailureCounted{3, 1});
  created(r, 21 * kSecond, 4);
  completed(r, 23 * kSecond, 4, 21 * kSecond);  // loop 5 s .. 23 s = 18 s
  created(r, 40 * kSecond, 5);
  failed(r, 45 * kSecond, 5, 40 * kSecond);
  send(r, 45 * kSecond, ev::FailureCounted{5, 1});  // open until the end: 15 s
  // a non-counted failure does not start a loop
  failed(r, 46 * kSecond, 6, 41 * kSecond, model::FailureReason::CHECKPOINT_SUBSUMED);
  auto m = r.metrics();
  CHECK(m.time_in_failure_loop == 33 * kSecond);
  CHECK(m.failed == 5);
  CHECK(m.expired == 4);
  CHECK(m.completed == 1);
  CHECK(m.failovers == 1);
  CHECK(m.jobmanager_failovers == 0);
  CHECK(m.max_time_without_completed_checkpoint == 37 * kSecond);
  auto c = r.counts();
  CHECK(c.total == 6);
  CHECK(c.completed == 1);
  CHECK(c.failed == 5);  // 6 failed without a CheckpointCreated: still recorded
  CHECK(c.in_progress == 0);
}

TEST_CASE("rescued, wasted bytes, patches, torn observations, run finished") {
  Recorder r(scenario(60 * kSecond));
  created(r, 0, 1);
  send(r, 2 * kSecond, ev::CheckpointRearmed{1, 5 * kSecond, 50 * kSecond});
  CHECK(r.checkpoint(1)->deadline == 50 * kSecond);
  CHECK(r.checkpoint(1)->status == CheckpointStatus::IN_PROGRESS);
  completed(r, 7 * kSecond, 1, 0, true);
  created(r, 10 * kSecond, 2);
  failed(r, 15 * kSecond, 2, 10 * kSecond);
  send(r, 16 * kSecond, ev::UploadsStopped{2, 1234});
  send(r, 17 * kSecond, ev::UploadsStopped{3, 1000});
  send(r, 3 * kSecond, ev::PatchAnswered{200, "", {{"checkpointTimeout", "50s", true}}, 10 * kSecond, 50 * kSecond});
  send(r, 4 * kSecond, ev::PatchAnswered{400, "bad", {}, 10 * kSecond, 50 * kSecond});
  send(r, 4 * kSecond, ev::ConfigRead{model::ConfigReader::periodic_trigger, 20 * kSecond, 5 * kSecond, true, -1});
  send(r, 4 * kSecond, ev::ConfigRead{model::ConfigReader::pending_checkpoint, 20 * kSecond, 5 * kSecond, false, 3});
  send(r, 5 * kSecond, ev::FailoverStarted{model::FailoverCause::jobmanager, kSecond, 1, true});
  // Merged into the pending restart: a failure, but no restart begins (not a failover).
  send(r, 5 * kSecond + 1, ev::FailoverStarted{model::FailoverCause::jobmanager, kSecond - 1, 1, false});
  ev::RunFinished fin{};
  fin.job_status = model::JobStatus::RESTARTING;
  fin.interval = 20 * kSecond;
  fin.timeout = 50 * kSecond;
  fin.max_concurrent = 1;
  fin.max_lag = 1500 * kMillisecond + 1;
  fin.max_lag_bytes = 99;
  fin.replayed_bytes = 7;
  fin.fingerprint = "00000000deadbeef";
  send(r, 60 * kSecond, fin);
  auto m = r.metrics();
  CHECK(m.rescued == 1);
  CHECK(m.wasted_bytes == 2234);
  CHECK(m.patches_accepted == 1);
  CHECK(m.patches_rejected == 1);
  CHECK(m.torn_observations == 1);
  CHECK(m.failovers == 1);
  CHECK(m.jobmanager_failovers == 1);
  CHECK(r.job_status() == "RESTARTING");
  CHECK(*r.metric_text("max_lag") == "1500.001");
  CHECK(*r.metric("max_lag") == doctest::Approx(1500.001));
  CHECK(*r.metric("max_lag_bytes") == 99);
  CHECK(*r.metric("replayed_bytes") == 7);
  CHECK_FALSE(r.metric("nope").has_value());
  CHECK(r.fingerprint() == "00000000deadbeef");
  CHECK(r.config().interval == 20 * kSecond);
  CHECK(r.patches().size() == 2);
  CHECK(r.torn_observations().size() == 1);
  CHECK(r.checkpoint(2)->persisted_fraction == 0.25);
  CHECK(r.checkpoint(2)->end_to_end_duration() == 5 * kSecond);
  CHECK(r.checkpoint(3) == nullptr);
}

TEST_CASE("summary statistics by nearest rank over completed checkpoints") {
  Recorder r(scenario(2000 * kSecond));
  // 100 completed checkpoints with end-to-end durations 1..100 ms, in shuffled order,
  // plus failures that must not count.
  for (int i = 1; i <= 100; ++i) {
    int d = (i * 37) % 100 + 1;  // a permutation of 1..100
    sim::Time t = i * 10 * kSecond;
    created(r, t, i);
    completed(r, t + d * kMillisecond, i, t, false, d);
  }
  created(r, 1500 * kSecond, 101);
  failed(r, 1505 * kSecond, 101, 1500 * kSecond);
  auto s = r.summary(Recorder::Field::end_to_end_duration);
  CHECK(s.count == 100);
  CHECK(s.min == 1 * kMillisecond);
  CHECK(s.max == 100 * kMillisecond);
  CHECK(s.p50 == 50 * kMillisecond);
  CHECK(s.p90 == 90 * kMillisecond);
  CHECK(s.p99 == 99 * kMillisecond);
  CHECK(s.avg == 50500.0);
  auto z = r.summary(Recorder::Field::checkpointed_size);
  CHECK(z.p50 == 50);
  CHECK(z.avg == 50.5);
  auto st = r.summary(Recorder::Field::state_size);
  CHECK(st.max == 200);
  // one value: every quantile is it
  Recorder one(scenario(kSecond));
  created(one, 0, 1);
  completed(one, 3, 1, 0);
  auto o = one.summary(Recorder::Field::end_to_end_duration);
  CHECK(o.p50 == 3);
  CHECK(o.p99 == 3);
  CHECK(Recorder(scenario(kSecond)).summary(Recorder::Field::state_size).count == 0);
}

TEST_CASE("pending checkpoints fold subtask acknowledgements") {
  Recorder r(scenario(60 * kSecond));
  created(r, kSecond, 1);
  ev::SubtaskAcknowledged a{};
  a.id = 1;
  a.subtask = 0;
  a.first_barrier = kSecond + 10;
  a.last_barrier = kSecond + 30;
  a.snapshot = a.last_barrier;
  a.sync_end = a.upload_end = a.snapshot;
  a.ack = 2 * kSecond;
  a.state_size = 10;
  a.checkpointed_size = 5;
  send(r, a.ack, a);
  const auto* c = r.checkpoint(1);
  REQUIRE(c);
  CHECK(c->latest_ack_timestamp == 2 * kSecond);
  CHECK(c->end_to_end_duration() == kSecond);
  CHECK(c->alignment_duration == 20);
  CHECK(c->start_delay == 10);
  CHECK(c->checkpointed_size == 5);
  CHECK(r.counts().in_progress == 1);
}

// Past 2 * kWindow records the finished ones go to the spill file; everything read back must be
// what an all-in-memory recorder holds, and the percentiles (radix selection past 65536
// completed checkpoints) must equal those of a full sort.
TEST_CASE("spilled history: records, lookups, counts and exact percentiles") {
  for (const int64_t n : {int64_t{9000}, int64_t{70001}}) {
    CAPTURE(n);
    Recorder r(scenario(n * 10 * kSecond));
    std::vector<int64_t> e2e, sizes;
    uint64_t x = 12345;
    int64_t failures = 0;
    for (int64_t id = 1; id <= n; ++id) {
      const sim::Time t = (id - 1) * 10 * kSecond;
      created(r, t, id);
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      const sim::Duration d = 1 + static_cast<sim::Duration>((x >> 33) % (id % 7 == 0 ? 4000000 : 3000));
      const int64_t size = static_cast<int64_t>((x >> 20) % 1000) - 3;
      if (id % 11 == 0) {
        failed(r, t + d, id, t);
        ++failures;
      } else if (id < n) {  // the last stays in progress
        completed(r, t + d, id, t, false, size);
        e2e.push_back(d);
        sizes.push_back(size);
      }
    }
    CHECK(r.history_size() == static_cast<size_t>(n));
    const Counts c = r.counts();
    CHECK(c.total == n);
    CHECK(c.failed == failures);
    CHECK(c.in_progress == 1);
    CHECK(c.completed == static_cast<int64_t>(e2e.size()));
    int64_t expect_id = 1;
    bool in_order = true;
    r.for_each_checkpoint([&](const CheckpointRecord& rec) { in_order = in_order && rec.id == expect_id++; });
    CHECK(in_order);
    REQUIRE(r.checkpoint(2) != nullptr);
    CHECK(r.checkpoint(2)->id == 2);
    CHECK(r.checkpoint(22)->status == CheckpointStatus::FAILED);
    CHECK(r.checkpoint(n)->status == CheckpointStatus::IN_PROGRESS);
    CHECK(r.checkpoint(n + 1) == nullptr);
    CHECK(r.checkpoint(0) == nullptr);
    auto check = [](const SummaryStats& s, std::vector<int64_t> v) {
      std::sort(v.begin(), v.end());
      auto rank = [&](size_t p) { return v[std::max<size_t>(1, (p * v.size() + 99) / 100) - 1]; };
      CHECK(s.count == static_cast<int64_t>(v.size()));
      CHECK(s.min == v.front());
      CHECK(s.max == v.back());
      CHECK(s.p50 == rank(50));
      CHECK(s.p90 == rank(90));
      CHECK(s.p99 == rank(99));
    };
    check(r.summary(Recorder::Field::end_to_end_duration), e2e);
    check(r.summary(Recorder::Field::checkpointed_size), sizes);
  }
}

namespace {

// Exact {min, avg, p50, p90, p99, max} of `v` by sorting a copy, as SummaryStats.
SummaryStats sorted_stats(std::vector<int64_t> v) {
  std::sort(v.begin(), v.end());
  SummaryStats s;
  s.count = static_cast<int64_t>(v.size());
  if (v.empty()) return s;
  auto rank = [&](size_t p) { return v[std::max<size_t>(1, (p * v.size() + 99) / 100) - 1]; };
  __int128 sum = 0;
  for (int64_t x : v) sum += x;
  s.min = v.front();
  s.max = v.back();
  s.p50 = rank(50);
  s.p90 = rank(90);
  s.p99 = rank(99);
  s.avg = static_cast<double>(sum) / static_cast<double>(v.size());
  return s;
}

void check_stats(const SummaryStats& got, const SummaryStats& want) {
  CHECK(got.count == want.count);
  CHECK(got.min == want.min);
  CHECK(got.max == want.max);
  CHECK(got.p50 == want.p50);
  CHECK(got.p90 == want.p90);
  CHECK(got.p99 == want.p99);
  CHECK(got.avg == want.avg);  // exactly: the same __int128 sum over the same count
}

// 20000 checkpoints: 1 in 13 fails, 1 in 17 completes without a CheckpointCreated (created
// before the recorder attached), the last stays pending. End-to-end durations: mostly 5 s, a
// spread of slow ones from a few dozen values, and a tail of distinct values up to 900 s;
// sizes from 40 values, some negative; alignments from 5.
struct Synthetic {
  std::vector<int64_t> e2e, size, state, align;
};

Synthetic feed(Recorder& r, int64_t n) {
  Synthetic want;
  uint64_t x = 99;
  for (int64_t id = 1; id <= n; ++id) {
    const sim::Time t = (id - 1) * 10 * kSecond;
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    const uint64_t u = x >> 24;
    sim::Duration d = 5 * kSecond;
    if (u % 10 == 0) d = 5 * kSecond + static_cast<sim::Duration>(u % 37) * 250 * kMillisecond;
    if (u % 29 == 0) d = 1 + static_cast<sim::Duration>(u % 900'000'000);
    const int64_t size = (static_cast<int64_t>((u >> 8) % 40) - 5) * 1'000'003;
    if (id % 17 != 0) created(r, t, id);
    if (id % 13 == 0) {
      failed(r, t + d, id, t);
    } else if (id < n) {
      ev::CheckpointCompleted c{};
      c.id = id;
      c.trigger_timestamp = t;
      c.latest_ack_timestamp = t + d;
      c.checkpointed_size = size;
      c.state_size = size * 3 + 1;
      c.alignment_duration = static_cast<sim::Duration>(u % 5) * kMillisecond;
      c.timeout = 5 * kSecond;
      c.original_deadline = c.deadline = t + 5 * kSecond;
      send(r, t + d + 7, c);
      want.e2e.push_back(d);
      want.size.push_back(c.checkpointed_size);
      want.state.push_back(c.state_size);
      want.align.push_back(c.alignment_duration);
    }
  }
  return want;
}

}  // namespace

// The online folds (histograms of distinct values) and the radix selection over the spill file
// (a field past the distinct-value limit) must both give the exact statistics of a full sort.
TEST_CASE("summary statistics: online histograms and the radix fallback past the distinct limit") {
  constexpr int64_t n = 20000;
  Recorder online(scenario(n * 10 * kSecond));
  const Synthetic want = feed(online, n);
  // 1/29 of the durations are distinct (a few hundred values: several merges of the fresh
  // ones). Past a limit of 64, only e2e falls back; past 8, e2e and the sizes; past 0, all.
  Recorder some(scenario(n * 10 * kSecond), 64), most(scenario(n * 10 * kSecond), 8),
      all(scenario(n * 10 * kSecond), 0);
  feed(some, n);
  feed(most, n);
  feed(all, n);
  REQUIRE(online.history_size() > 2 * Recorder::kWindow);  // part of it was spilled
  CHECK(online.counts().completed == static_cast<int64_t>(want.e2e.size()));
  const SummaryStats e2e = sorted_stats(want.e2e);
  CHECK(e2e.p50 == 5 * kSecond);  // the data has the intended shape
  CHECK(e2e.p90 > 5 * kSecond);
  CHECK(e2e.max > 10 * kSecond);
  for (const Recorder* r : {&online, &some, &most, &all}) {
    check_stats(r->summary(Recorder::Field::end_to_end_duration), e2e);
    check_stats(r->summary(Recorder::Field::checkpointed_size), sorted_stats(want.size));
    check_stats(r->summary(Recorder::Field::state_size), sorted_stats(want.state));
    check_stats(r->summary(Recorder::Field::alignment_duration), sorted_stats(want.align));
  }
}

// A repeated outcome for an id still in memory overwrites its record: the summaries follow the
// record, as a fold of the history would.
TEST_CASE("summary statistics: a completed checkpoint overwritten by a repeated outcome") {
  for (const size_t limit : {Recorder::kDistinctLimit, size_t{0}}) {
    CAPTURE(limit);
    auto four = [&] {
      auto r = std::make_unique<Recorder>(scenario(100 * kSecond), limit);
      for (int id = 1; id <= 4; ++id) {
        created(*r, id * 10 * kSecond, id);
        completed(*r, id * 10 * kSecond + id * kSecond, id, id * 10 * kSecond, false, id);
      }
      CHECK(r->summary(Recorder::Field::end_to_end_duration).max == 4 * kSecond);
      return r;
    };
    auto again = four();
    completed(*again, 47 * kSecond, 4, 40 * kSecond, false, 9);  // 4 again: 7 s, size 9
    check_stats(again->summary(Recorder::Field::end_to_end_duration),
                sorted_stats({kSecond, 2 * kSecond, 3 * kSecond, 7 * kSecond}));
    check_stats(again->summary(Recorder::Field::checkpointed_size), sorted_stats({1, 2, 3, 9}));
    completed(*again, 50 * kSecond, 5, 49 * kSecond);  // later completions still count
    check_stats(again->summary(Recorder::Field::end_to_end_duration),
                sorted_stats({kSecond, kSecond, 2 * kSecond, 3 * kSecond, 7 * kSecond}));
    auto failed_after = four();
    failed(*failed_after, 48 * kSecond, 1, 10 * kSecond);  // 1 completed, then failed
    check_stats(failed_after->summary(Recorder::Field::end_to_end_duration),
                sorted_stats({2 * kSecond, 3 * kSecond, 4 * kSecond}));
    check_stats(failed_after->summary(Recorder::Field::state_size), sorted_stats({4, 6, 8}));
  }
}

// The 256th new distinct value fills the side buffer of fresh values and merges it into the
// sorted bins; repeats of that value right after the merge must land in the merged bin.
TEST_CASE("summary statistics: repeats across a merge of the fresh values") {
  Recorder r(scenario(1000 * kSecond));
  std::vector<int64_t> sizes;
  int64_t id = 0;
  auto complete_with = [&](int64_t size) {
    ++id;
    created(r, id * kSecond, id);
    completed(r, id * kSecond + 5, id, id * kSecond, false, size);
    sizes.push_back(size);
  };
  for (int64_t v = 1; v <= 256; ++v) complete_with(v * 7 % 257);  // 256 distinct values
  for (int k = 0; k < 100; ++k) complete_with(256 * 7 % 257);      // the last one again
  for (int k = 0; k < 100; ++k) complete_with(3);                  // and one of the first ones
  check_stats(r.summary(Recorder::Field::checkpointed_size), sorted_stats(sizes));
}

namespace {

void check_same_record(const CheckpointRecord* got, const CheckpointRecord* want) {
  REQUIRE(got != nullptr);
  REQUIRE(want != nullptr);
  CHECK(got->id == want->id);
  CHECK(got->status == want->status);
  CHECK(got->type == want->type);
  CHECK(got->failure_reason == want->failure_reason);
  CHECK(got->rescued == want->rescued);
  CHECK(got->counted == want->counted);
  CHECK(got->trigger_timestamp == want->trigger_timestamp);
  CHECK(got->latest_ack_timestamp == want->latest_ack_timestamp);
  CHECK(got->end_timestamp == want->end_timestamp);
  CHECK(got->checkpointed_size == want->checkpointed_size);
  CHECK(got->state_size == want->state_size);
  CHECK(got->persisted_fraction == want->persisted_fraction);
  CHECK(got->timeout == want->timeout);
  CHECK(got->original_deadline == want->original_deadline);
  CHECK(got->deadline == want->deadline);
  CHECK(got->alignment_duration == want->alignment_duration);
  CHECK(got->start_delay == want->start_delay);
}

void check_same_outputs(const Recorder& got, const Recorder& want) {
  CHECK(got.history_size() == want.history_size());
  const Counts a = got.counts(), b = want.counts();
  CHECK(a.total == b.total);
  CHECK(a.completed == b.completed);
  CHECK(a.failed == b.failed);
  CHECK(a.in_progress == b.in_progress);
  for (std::string_view m : metric_names()) {
    CAPTURE(m);
    CHECK(got.metric_text(m) == want.metric_text(m));
  }
  using F = Recorder::Field;
  for (const F f : {F::end_to_end_duration, F::checkpointed_size, F::state_size, F::alignment_duration}) {
    CAPTURE(static_cast<int>(f));
    check_stats(got.summary(f), want.summary(f));
  }
}

}  // namespace

// History::summary_only spills only 32-byte rows of the summary fields of COMPLETED records:
// the counts, metrics and summaries must be those of the full history, also when every field
// falls back to the radix selection (over the rows then) and when the folds go stale.
TEST_CASE("summary-only history: the same counts, metrics and summaries as the full history") {
  // Every spill moves 2 * kWindow records here (all finished but the last), their ~7500
  // completed ones a batch of rows to the file and the rest to the buffer: in the end, a few
  // batches are in the file and some rows still buffered, others in memory as records.
  for (const int64_t n : {int64_t{30000}, int64_t{40000}}) {
    for (const size_t limit : {Recorder::kDistinctLimit, size_t{64}, size_t{8}, size_t{0}}) {
      CAPTURE(n);
      CAPTURE(limit);
      Recorder full(scenario(n * 10 * kSecond), History::full, {}, limit);
      Recorder brief(scenario(n * 10 * kSecond), History::summary_only, {2, 26}, limit);
      CHECK(full.history() == History::full);
      CHECK(brief.history() == History::summary_only);
      const Synthetic want = feed(full, n);
      feed(brief, n);
      REQUIRE(full.history_size() > 2 * Recorder::kRowBatch);  // most of it left memory
      CHECK(brief.history_size() == static_cast<size_t>(n));
      CHECK(brief.counts().completed == static_cast<int64_t>(want.e2e.size()));
      CHECK(brief.counts().in_progress == 1);
      check_same_outputs(brief, full);
      check_stats(brief.summary(Recorder::Field::end_to_end_duration), sorted_stats(want.e2e));
      check_stats(brief.summary(Recorder::Field::state_size), sorted_stats(want.state));

      // A repeated outcome for a checkpoint still in memory: stale folds, a pass over the rows.
      for (Recorder* r : {&full, &brief})
        completed(*r, n * 10 * kSecond, n - 2, (n - 3) * 10 * kSecond, false, 77);
      check_same_outputs(brief, full);
      CHECK(brief.summary(Recorder::Field::checkpointed_size).count == static_cast<int64_t>(want.e2e.size()));
      // An outcome for a spilled id: a second record with that id (ids no longer sorted), the
      // one checkpoint() finds while it is in memory.
      for (Recorder* r : {&full, &brief}) completed(*r, n * 10 * kSecond + 1, 2, 10 * kSecond, true, 5);
      check_same_outputs(brief, full);
      CHECK(brief.counts().completed == static_cast<int64_t>(want.e2e.size()) + 1);
      check_same_record(brief.checkpoint(2), full.checkpoint(2));
      CHECK(brief.checkpoint(2)->rescued);
      // Once both are spilled, the full history's linear scan finds the older one.
      for (Recorder* r : {&full, &brief}) {
        completed(*r, n * 10 * kSecond + 2, n, (n - 1) * 10 * kSecond);
        for (int64_t id = n + 1; id <= n + 3 * static_cast<int64_t>(Recorder::kWindow); ++id) {
          created(*r, id * 10 * kSecond, id);
          completed(*r, id * 10 * kSecond + 3 * kSecond, id, id * 10 * kSecond);
        }
      }
      check_same_outputs(brief, full);
      check_same_record(brief.checkpoint(2), full.checkpoint(2));
      CHECK_FALSE(brief.checkpoint(2)->rescued);
      check_same_record(brief.checkpoint(26), full.checkpoint(26));
    }
  }
}

// summary_only writes no rows while the histograms are exact. Here they overflow only after
// thousands of records have left memory: the owed rows are then written from the histograms
// (less the records still in memory), and the fallback over them must still be exact.
TEST_CASE("summary-only history: rows owed while the histograms were exact, written at overflow") {
  constexpr int64_t n = 30000, distinct_from = 20001;
  constexpr size_t limit = 1000;
  Recorder full(scenario(n * 10 * kSecond), History::full, {}, limit);
  Recorder brief(scenario(n * 10 * kSecond), History::summary_only, {}, limit);
  std::vector<int64_t> e2e, size;
  for (int64_t id = 1; id <= n; ++id) {
    const sim::Time t = id * 10 * kSecond;
    // Until distinct_from: 7 durations and 5 sizes; then every duration and size is new.
    const sim::Duration d = id < distinct_from ? (1 + id % 7) * kSecond : kSecond + id;
    const int64_t s = id < distinct_from ? id % 5 : 1000 + id;
    for (Recorder* r : {&full, &brief}) {
      created(*r, t, id);
      if (id % 11 == 0 && id < n) failed(*r, t + d, id, t);
      else if (id < n) completed(*r, t + d, id, t, false, s);
    }
    if (id % 11 != 0 && id < n) {
      e2e.push_back(d);
      size.push_back(s);
    }
    // The overflow comes with many records already spilled, and some still in memory.
    if (id == distinct_from + static_cast<int64_t>(limit)) {
      REQUIRE(brief.history_size() - 2 * Recorder::kWindow > 10000);
    }
  }
  check_same_outputs(brief, full);
  check_stats(brief.summary(Recorder::Field::end_to_end_duration), sorted_stats(e2e));
  check_stats(brief.summary(Recorder::Field::checkpointed_size), sorted_stats(size));
  std::vector<int64_t> state;
  for (int64_t v : size) state.push_back(2 * v);
  check_stats(brief.summary(Recorder::Field::state_size), sorted_stats(state));
}

TEST_CASE("summary-only history: checkpoint(id) answers for the kept ids only") {
  constexpr int64_t n = 20000;
  // 26 fails (13 | 26); 17 completes without a CheckpointCreated; n stays pending; 30000 never
  // exists; 5 is not kept.
  const std::vector<int64_t> keep{26, 17, n, 2, 30000, 19990, 2};
  Recorder full(scenario(n * 10 * kSecond));
  Recorder brief(scenario(n * 10 * kSecond), History::summary_only, keep);
  created(full, 0, 1);
  created(brief, 0, 1);
  created(full, 10 * kSecond, 2);
  created(brief, 10 * kSecond, 2);
  // In memory: kept ids answer, the others do not.
  check_same_record(brief.checkpoint(2), full.checkpoint(2));
  CHECK(full.checkpoint(1) != nullptr);
  CHECK(brief.checkpoint(1) == nullptr);
  Recorder full2(scenario(n * 10 * kSecond));
  Recorder brief2(scenario(n * 10 * kSecond), History::summary_only, keep);
  feed(full2, n);
  feed(brief2, n);
  // At most 2 * kWindow records stay in memory: 2, 17 and 26 were spilled long ago, 19990 and
  // n were not.
  REQUIRE(full2.history_size() > 2 * Recorder::kWindow + 26);
  for (const int64_t id : {int64_t{2}, int64_t{17}, int64_t{26}, int64_t{19990}, n}) {
    CAPTURE(id);
    check_same_record(brief2.checkpoint(id), full2.checkpoint(id));
  }
  CHECK(brief2.checkpoint(26)->status == CheckpointStatus::FAILED);
  CHECK(brief2.checkpoint(17)->status == CheckpointStatus::COMPLETED);
  CHECK(brief2.checkpoint(n)->status == CheckpointStatus::IN_PROGRESS);
  CHECK(brief2.checkpoint(2)->id == 2);  // after the other lookups
  REQUIRE(full2.checkpoint(5) != nullptr);
  CHECK(brief2.checkpoint(5) == nullptr);
  CHECK(brief2.checkpoint(n - 1) == nullptr);  // not kept, though still in memory
  CHECK(brief2.checkpoint(30000) == nullptr);
  CHECK(brief2.checkpoint(0) == nullptr);
  CHECK(brief2.history_size() == static_cast<size_t>(n));
  CHECK_THROWS_AS(brief2.for_each_checkpoint([](const CheckpointRecord&) {}), std::logic_error);
  size_t seen = 0;
  full2.for_each_checkpoint([&](const CheckpointRecord&) { ++seen; });
  CHECK(seen == static_cast<size_t>(n));

  // The scenario's expectations read the same in both modes.
  std::vector<Expectation> xs(4);
  for (auto& x : xs) x.kind = Expectation::Kind::checkpoint;
  xs[0].checkpoint = 2, xs[0].status = "COMPLETED";
  xs[1].checkpoint = 26, xs[1].status = "FAILED", xs[1].failure_reason = "CHECKPOINT_EXPIRED";
  xs[2].checkpoint = 30000, xs[2].status = "COMPLETED";
  xs[3].checkpoint = 17, xs[3].rescued = false;
  const auto a = check_expectations(brief2, xs), b = check_expectations(full2, xs);
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    CAPTURE(i);
    CHECK(a[i].passed == b[i].passed);
    CHECK(describe(a[i]) == describe(b[i]));
  }
  CHECK(a[0].passed);
  CHECK(a[1].passed);
  CHECK(describe(a[2]) == "checkpoint 30000: status COMPLETED: expected status COMPLETED, got no checkpoint 30000 (the run created 20000)");
}
