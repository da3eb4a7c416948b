// Pins model/tasks.cpp and model/barrier_alignment.cpp: the steps in which
// the tasks act, barriers behind backlogs or overtaking them, the aligned-checkpoint timeout,
// re-timing at flow changes, FIFO order, the sync phase; small hand-computed scenarios.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>

#include "tests/model_fixture.hpp"

using namespace ckptsim::testing;

TEST_CASE("the worked example costs one kernel event per state change") {
  SUBCASE("no RPC latency: the tick, the source's start, agg's barrier, the end of its upload") {
    // The source starts in an event after the tick's step and acknowledges in it; agg
    // acknowledges in the step that ends its upload; a lone upload's end of latency is not an
    // event either.
    Scenario s = chain();
    s.storage.latency = 50 * kMillisecond;
    Collector c = run(s);
    CHECK(c.ended(1) == 1051 * kMillisecond);
    CHECK(c.count<events::SubtaskAcknowledged>() == 2);
    CHECK(c.finished().events_run == 4);
  }
  SUBCASE("an RPC latency of 5 ms: each acknowledgement is an event") {
    // Source reached at 5 ms, acks at 10 ms; agg's barrier at 6 ms, upload to 1006 ms, ack at
    // 1011 ms: tick, source start, source ack, agg start, upload end, agg ack.
    Scenario s = chain();
    s.checkpointing.rpc_latency = 5 * kMillisecond;
    Collector c = run(s);
    CHECK(c.ended(1) == 1011 * kMillisecond);
    auto acks = c.all<events::SubtaskAcknowledged>();
    REQUIRE(acks.size() == 2);
    CHECK(acks[0].first == 10 * kMillisecond);
    CHECK(acks[1].first == 1011 * kMillisecond);
    CHECK(c.finished().events_run == 6);
  }
}

TEST_CASE("nothing to upload and no latency: each checkpoint completes at its trigger, after it") {
  // No state, no network latency: every subtask snapshots and acknowledges at the trigger
  // instant, in one event after the coordinator's triggering step (as in Flink, where the tasks
  // act on the trigger RPC after that step). Two events per checkpoint: the tick, the wave.
  Scenario s = chain(0);
  s.network.latency = 0;
  s.checkpointing.interval = 10 * kSecond;
  s.duration = 60 * kSecond;
  Collector c = run(s);
  auto done = c.all<events::CheckpointCompleted>();
  REQUIRE(done.size() == 6);
  for (size_t i = 0; i < done.size(); ++i) {
    CAPTURE(i);
    const Time t = static_cast<Time>(i) * 10 * kSecond;
    CHECK(done[i].first == t);
    CHECK(done[i].second.id == static_cast<int64_t>(i) + 1);
    CHECK(done[i].second.trigger_timestamp == t);
  }
  // The tick, created, both acknowledgements, completed: in that order at each tick. The
  // triggering step (the tick, then the creation) ends before the tasks act.
  std::vector<size_t> kinds;
  for (const auto& e : c.events)
    if (e.at == 20 * kSecond) kinds.push_back(e.body.index());
  CHECK(std::count(kinds.begin(), kinds.end(), EventBody(events::SubtaskAcknowledged{}).index()) == 2);
  const auto pos = [&](size_t kind) { return std::find(kinds.begin(), kinds.end(), kind) - kinds.begin(); };
  CHECK(pos(EventBody(events::PeriodicTick{}).index()) < pos(EventBody(events::CheckpointCreated{}).index()));
  CHECK(pos(EventBody(events::CheckpointCreated{}).index()) < pos(EventBody(events::SubtaskAcknowledged{}).index()));
  CHECK(pos(EventBody(events::SubtaskAcknowledged{}).index()) < pos(EventBody(events::CheckpointCompleted{}).index()));
  CHECK(c.finished().events_run == 12);
}

// Ties: an acknowledgement with no RPC latency is handled in the step that ends its upload. Here
// checkpoint 2's upload ends at 25.001 s, the instant a PATCH (at 21 s) moved checkpoint 1's
// deadline to; the upload's end was scheduled first (at 20 s), so checkpoint 2 completes and
// subsumes checkpoint 1 before its canceller runs.
TEST_CASE("an upload ending at another checkpoint's deadline: its ack comes in the upload's step") {
  Scenario s = chain(500 * MB);
  s.duration = 60 * kSecond;
  s.checkpointing.interval = 10 * kSecond;
  s.checkpointing.initial_delay = 10 * kSecond;
  s.checkpointing.timeout = 100 * kSecond;
  s.checkpointing.max_concurrent = 2;
  s.checkpointing.tolerable_failed_checkpoints = 0;
  s.storage.latency = 1000 * kSecond;  // checkpoint 1 (10 s) stays in its latency phase
  s.events.push_back(ScriptedEvent{15 * kSecond, StorageChange{std::nullopt, std::nullopt, 0}, {}});
  s.events.push_back(
      ScriptedEvent{21 * kSecond, patch_body({{"checkpointTimeout", "15001000us", true}}), {}});
  const Collector c = run(s);
  auto done = c.all<events::CheckpointCompleted>();
  REQUIRE_FALSE(done.empty());
  CHECK(done[0].second.id == 2);
  CHECK(done[0].first == 25'001'000);
  auto failed = c.all<events::CheckpointFailed>();
  REQUIRE_FALSE(failed.empty());
  CHECK(failed[0].second.id == 1);
  CHECK(failed[0].second.reason == FailureReason::CHECKPOINT_SUBSUMED);
  CHECK(c.count<events::FailoverStarted>() == 0);
}

TEST_CASE("aligned barriers wait behind backlogs; unaligned ones overtake and persist them") {
  Scenario s = backpressured_chain();
  SUBCASE("aligned: 1 MB at 5 MB/s = 200 ms + 1 ms latency") {
    Collector c = run(s);
    auto done = c.all<events::CheckpointCompleted>();
    REQUIRE(done.size() == 1);
    CHECK(done[0].second.start_delay == 201 * kMillisecond);
    CHECK(done[0].first == 1201 * kMillisecond);
    CHECK(done[0].second.type == CheckpointType::CHECKPOINT);
  }
  SUBCASE("unaligned: the barrier overtakes, the source persists its 1 MB output backlog") {
    s.checkpointing.unaligned_checkpoints = true;
    Collector c = run(s);
    auto done = c.all<events::CheckpointCompleted>();
    REQUIRE(done.size() == 1);
    CHECK(done[0].second.start_delay == 1 * kMillisecond);
    CHECK(done[0].second.checkpointed_size == 101000000);
    CHECK(done[0].second.type == CheckpointType::UNALIGNED_CHECKPOINT);
    // 0-1 ms: the source alone (0.1 MB); then 50 MB/s each: the source's last 0.9 MB ends at
    // 19 ms; agg has 0.9 MB by then, its last 99.1 MB at 100 MB/s end at 1010 ms.
    CHECK(done[0].first == 1010 * kMillisecond);
  }
}

TEST_CASE("aligned-checkpoint timeout, measured from the trigger, switches to unaligned") {
  // s1 (1 MB/s) and s2 (10 MB/s) -> agg (5.5 MB/s): θ = 0.5; both input channels are full
  // (1 MB each) and drain at 0.5 MB/s and 5 MB/s: barriers arrive at 2001 ms and 201 ms.
  Scenario s = chain(100 * MB);
  OperatorSpec s2 = s.operators[0];
  s2.name = "src2";
  s2.rate = 10 * MB;
  s.operators.insert(s.operators.begin() + 1, s2);
  s.operators[2].capacity = 5.5 * MB;
  s.edges.push_back(EdgeSpec{"src2", "agg", Partitioning::forward, {}});
  s.network.buffer_per_channel = 1000000;
  SUBCASE("aligned") {
    Collector c = run(s);
    auto acks = c.all<events::SubtaskAcknowledged>();
    auto done = c.all<events::CheckpointCompleted>();
    REQUIRE(done.size() == 1);
    CHECK(done[0].second.alignment_duration == 1800 * kMillisecond);
    CHECK(done[0].second.start_delay == 201 * kMillisecond);
    CHECK(done[0].first == 3001 * kMillisecond);
  }
  SUBCASE("timeout 500 ms: agg switches at 500 ms; s1's barrier overtakes, arriving at 501 ms") {
    // At the switch s1's barrier still has 0.75 MB ahead: it is converted and arrives 1 ms
    // later (501 ms, not 2001 ms), and agg persists those 0.75 MB. Upload: 100.75 MB from
    // 500 ms at 100 MB/s, to 1507.5 ms; every barrier is in by then, so agg acknowledges at
    // 1507.5 ms. Alignment: s2's barrier at 201 ms to s1's at 501 ms.
    s.checkpointing.unaligned_checkpoints = true;
    s.checkpointing.aligned_checkpoint_timeout = 500 * kMillisecond;
    Collector c = run(s);
    const events::SubtaskAcknowledged* agg = nullptr;
    auto acks = c.all<events::SubtaskAcknowledged>();
    for (const auto& [t, a] : acks)
      if (a.subtask == 2) agg = &a;
    REQUIRE(agg != nullptr);
    CHECK(agg->snapshot == 500 * kMillisecond);
    CHECK(agg->unaligned);
    CHECK(agg->first_barrier == 201 * kMillisecond);
    CHECK(agg->last_barrier == 501 * kMillisecond);
    CHECK(agg->inflight_size == 750000);
    CHECK(agg->upload_end == 1507500);
    auto done = c.all<events::CheckpointCompleted>();
    REQUIRE(done.size() == 1);
    CHECK(done[0].second.type == CheckpointType::UNALIGNED_CHECKPOINT);
    CHECK(done[0].second.alignment_duration == 300 * kMillisecond);
    CHECK(done[0].first == 1507500);
  }
}

TEST_CASE("aligned-checkpoint timeout: the barriers still on their way overtake at the switch") {
  // src (1 MB/s) -> agg (0.5 MB/s): θ = 0.5, the one channel is full (1 MB) and drains at
  // 0.5 MB/s: aligned, the barrier arrives at 2001 ms. Aligned timeout 500 ms.
  Scenario s = chain(100 * MB);
  s.operators[1].capacity = 0.5 * MB;
  s.network.buffer_per_channel = 1000000;
  s.checkpointing.unaligned_checkpoints = true;
  s.checkpointing.aligned_checkpoint_timeout = 500 * kMillisecond;
  const auto agg_ack = [](const Collector& c) {
    for (const auto& [t, a] : c.all<events::SubtaskAcknowledged>())
      if (a.subtask == 1) return a;
    FAIL("agg did not acknowledge");
    return events::SubtaskAcknowledged{};
  };
  SUBCASE("one input: the announcement (1 ms) arms the timer, the sender converts at 500 ms") {
    // No barrier has arrived at 500 ms, but its announcement has: agg switches at 500 ms and
    // the barrier arrives at 501 ms, with 0.75 MB still ahead of it, persisted. Upload
    // 100.75 MB from 500 ms: 1507.5 ms. (Aligned it would complete at 3001 ms.)
    Collector c = run(s);
    const events::SubtaskAcknowledged a = agg_ack(c);
    CHECK(a.snapshot == 500 * kMillisecond);
    CHECK(a.last_barrier == 501 * kMillisecond);
    CHECK(a.inflight_size == 750000);
    auto done = c.all<events::CheckpointCompleted>();
    REQUIRE(done.size() == 1);
    CHECK(done[0].first == 1507500);
    CHECK(done[0].second.start_delay == 501 * kMillisecond);
    CHECK(done[0].second.type == CheckpointType::UNALIGNED_CHECKPOINT);
    CHECK(done[0].second.checkpointed_size == 100750000);
  }
  SUBCASE("a switched subtask still waits for the overtaking barrier") {
    // Nothing to upload but the channel state, at unlimited bandwidth: the upload ends at the
    // switch (500 ms), the acknowledgement waits for the barrier (501 ms).
    s.operators[1].state = Distribution::constant(0);
    s.storage.bandwidth = kUnlimited;
    Collector c = run(s);
    CHECK(c.ended(1) == 501 * kMillisecond);
    CHECK(agg_ack(c).upload_end == 500 * kMillisecond);
  }
  SUBCASE("a barrier emitted after the timeout overtakes from its emission") {
    // The trigger reaches the source at 600 ms (rpc latency), past trigger + 500 ms: its
    // aligned barrier is converted as it is emitted and arrives at 601 ms, with the whole 1 MB
    // backlog ahead of it persisted (aligned: 2601 ms). agg switches at the announcement,
    // 601 ms. No state, unlimited bandwidth: the ack leaves at 601 ms and arrives at 1201 ms.
    s.operators[1].state = Distribution::constant(0);
    s.storage.bandwidth = kUnlimited;
    s.checkpointing.rpc_latency = 600 * kMillisecond;
    Collector c = run(s);
    const events::SubtaskAcknowledged a = agg_ack(c);
    CHECK(a.snapshot == 601 * kMillisecond);
    CHECK(a.last_barrier == 601 * kMillisecond);
    CHECK(a.inflight_size == 1000000);
    CHECK(c.ended(1) == 1201 * kMillisecond);
  }
}

TEST_CASE("every checkpoint's wave follows the flow it is planned under (a replayed wave too)") {
  // src 10 MB/s -> agg 5 MB/s, a full 1 MB channel: the barrier needs 200 ms + 1 ms. At 35 s
  // agg's capacity drops to 2.5 MB/s: 400 ms + 1 ms from the checkpoint of 40 s on; at 65 s it
  // returns to 5 MB/s. A tick every 10 s from 0, 100 MB of state at 100 MB/s.
  Scenario s = chain(100 * MB);
  s.operators[0].rate = 10 * MB;
  s.operators[1].capacity = 5 * MB;
  s.network.buffer_per_channel = 1000000;
  s.checkpointing.interval = 10 * kSecond;
  s.duration = 95 * kSecond;
  s.events.push_back(ScriptedEvent{35 * kSecond, LoadChange{"agg", {}, 2.5 * MB, {}}, {}});
  s.events.push_back(ScriptedEvent{65 * kSecond, LoadChange{"agg", {}, 5 * MB, {}}, {}});
  Collector c = run(s);
  auto done = c.all<events::CheckpointCompleted>();
  REQUIRE(done.size() == 10);
  for (const auto& [at, e] : done) {
    CAPTURE(e.id);
    const bool slow = e.trigger_timestamp >= 40 * kSecond && e.trigger_timestamp <= 60 * kSecond;
    const Duration delay = (slow ? 401 : 201) * kMillisecond;
    CHECK(e.start_delay == delay);
    CHECK(at == e.trigger_timestamp + delay + kSecond);
  }
}

TEST_CASE("a capacity drop mid-transit re-times the barrier; capacity 0 stalls it") {
  Scenario s = chain(0);
  s.operators[0].rate = 10 * MB;
  s.operators[1].capacity = 5 * MB;
  s.network.buffer_per_channel = 1000000;
  s.network.latency = 0;
  s.duration = 10 * kSecond;
  SUBCASE("5 -> 2.5 MB/s at 100 ms: 0.5 MB drained, the other 0.5 MB takes 200 ms more") {
    s.events.push_back(ScriptedEvent{100 * kMillisecond, LoadChange{"agg", {}, 2.5 * MB, {}}, {}});
    Collector c = run(s);
    CHECK(c.ended(1) == 300 * kMillisecond);
  }
  SUBCASE("capacity 0 at 100 ms stalls the barrier until 1 s, then 5 MB/s again") {
    s.events.push_back(ScriptedEvent{100 * kMillisecond, LoadChange{"agg", {}, 0.0, {}}, {}});
    s.events.push_back(ScriptedEvent{1 * kSecond, LoadChange{"agg", {}, 5 * MB, {}}, {}});
    Collector c = run(s);
    CHECK(c.ended(1) == 1100 * kMillisecond);
  }
}

TEST_CASE("barriers keep FIFO order in a channel: a later one never overtakes") {
  // Debloat: the backlog is 1 s of flow. 5 MB at 5 MB/s, then at 50 ms the rate drops to
  // 1 MB/s: checkpoint 1's barrier has 4.75 MB left (arrives 4.8 s). Checkpoint 2 (100 ms) sees
  // a 1 MB debloated backlog but must queue behind checkpoint 1's barrier: also 4.8 s.
  Scenario s = chain(0);
  s.operators[0].rate = 10 * MB;
  s.operators[1].capacity = 5 * MB;
  s.network.buffer_per_channel = 10000000;
  s.network.debloat = true;
  s.network.latency = 0;
  s.checkpointing.interval = 100 * kMillisecond;
  s.checkpointing.max_concurrent = 2;
  s.duration = 4900 * kMillisecond;
  s.events.push_back(ScriptedEvent{50 * kMillisecond, LoadChange{"agg", {}, 1 * MB, {}}, {}});
  Collector c = run(s);
  CHECK(c.ended(1) == 4800 * kMillisecond);
  CHECK(c.ended(2) == 4800 * kMillisecond);
  for (const auto& [t, f] : c.all<events::CheckpointFailed>())
    CHECK(f.reason != FailureReason::CHECKPOINT_SUBSUMED);
}

TEST_CASE("a flow change leaves the barriers that already arrived where they were") {
  // The worked example: agg's barrier arrives at 1 ms, its upload runs 1 ms .. 1001 ms. A source
  // rate change at 500 ms re-plans the wave; agg's barrier arrived long before, so its start
  // delay stays 1 ms and its acknowledgement 1001 ms.
  Scenario s = chain(100 * MB);
  s.events.push_back(ScriptedEvent{500 * kMillisecond, LoadChange{"src", 2 * MB, {}, {}}, {}});
  SUBCASE("after the arrival") {
    Collector c = run(s);
    auto done = c.all<events::CheckpointCompleted>();
    REQUIRE(done.size() == 1);
    CHECK(done[0].second.start_delay == 1 * kMillisecond);
    CHECK(done[0].first == 1001 * kMillisecond);
  }
  SUBCASE("in the wire: drained, the latency still running") {
    // agg at 0.5 MB/s against 1 MB/s of input: θ = 0.5, the channel is full (0.5 MB) and
    // drains at 0.5 MB/s: the barrier is through at 1000 ms and arrives at 1001 ms. The change
    // comes at 1000.5 ms, inside the latency: the arrival stays 1001 ms (not 1001.5 ms), the
    // upload runs 1001 ms .. 2001 ms.
    s.operators[1].capacity = 0.5 * MB;
    s.network.buffer_per_channel = 500000;
    s.events[0].at = 1000500;
    Collector c = run(s);
    auto done = c.all<events::CheckpointCompleted>();
    REQUIRE(done.size() == 1);
    CHECK(done[0].second.start_delay == 1001 * kMillisecond);
    CHECK(done[0].first == 2001 * kMillisecond);
  }
}

TEST_CASE("the sync phase stalls the job from the first snapshot to the last end of one") {
  // The worked example with a 200 ms sync phase on agg: agg snapshots at 1 ms, its sync phase
  // ends at 201 ms, its upload at 1201 ms. Processing stops for those 200 ms (a job-level
  // approximation): 200 ms of input at 1 MB/s lag behind, caught up at once afterwards
  // (unlimited capacity).
  Scenario s = chain(100 * MB);
  s.operators[1].sync_phase = 200 * kMillisecond;
  Collector c = run(s);
  CHECK(c.ended(1) == 1201 * kMillisecond);
  CHECK(c.finished().max_lag_bytes == 200000);
  CHECK(c.finished().max_lag == 200 * kMillisecond);
  CHECK(c.finished().final_lag_bytes == 0);
}
