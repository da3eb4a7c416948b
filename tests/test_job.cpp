// Pins model/job.cpp: the lifecycle of a run (start, run_until, finish) and its branch copy,
// which the explorer relies on to simulate the run up to a PATCH once; failovers (restart,
// recovery, the restart strategy's decisions), restores and random failures.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "model/events.hpp"
#include "tests/model_fixture.hpp"
#include "tests/random_scenario.hpp"

using namespace ckptsim::testing;

namespace {

// The stream of a run as comparable text: time, type and subject of every event, and the
// fingerprint at the end (which covers the same).
std::vector<std::string> story(const std::vector<DomainEvent>& events) {
  std::vector<std::string> out;
  for (const DomainEvent& e : events)
    out.push_back(std::to_string(e.at) + " " + type_name(e.body) + " " +
                  std::to_string(std::visit([](const auto& b) { return fingerprint_subject(b); }, e.body)));
  return out;
}

struct Branched {
  Collector original;  // the run that was branched, from 0 to the end
  Collector branch;    // the copy, from the branch instant to the end
};

// Runs `s` to `at`, branches it, runs the branch to the end first and only then the original.
Branched branch_at(const Scenario& s, Time at) {
  auto built = JobGraph::build(s.operators, s.edges);
  const JobGraph& graph = std::get<JobGraph>(built);
  Branched out;
  Job job(s, graph, out.original);
  job.start();
  job.run_until(at);
  {
    Job copy(job, out.branch);
    copy.run_until(s.duration);
    copy.finish();
  }
  job.run_until(s.duration);
  job.finish();
  return out;
}

}  // namespace

TEST_CASE("start, run_until and finish make the same run as run()") {
  Scenario s = chain();
  s.duration = 35 * kMinute;
  const Collector whole = run(s);
  auto built = JobGraph::build(s.operators, s.edges);
  Collector parts;
  Job job(s, std::get<JobGraph>(built), parts);
  job.start();
  for (Time t : {Time{0}, 1001 * kMillisecond, 7 * kMinute, 7 * kMinute, 40 * kMinute}) job.run_until(t);
  job.finish();
  CHECK(story(parts.events) == story(whole.events));
  CHECK(parts.finished().fingerprint == whole.finished().fingerprint);
  // run_until never passes the end of the run.
  CHECK(parts.events.back().at == s.duration);
}

TEST_CASE("a branch runs exactly as the original would, and leaves the original untouched") {
  // Checkpoint 1 is mid-upload at 500 ms (created at 0, completes at 1001 ms): the branch
  // carries the pending checkpoint, its canceller, the upload and the tick timer.
  Scenario s = chain();
  s.duration = 25 * kMinute;
  s.checkpointing.interval = 10 * kMinute;
  const Collector whole = run(s);
  const Branched b = branch_at(s, 500 * kMillisecond);
  CHECK(story(b.original.events) == story(whole.events));
  CHECK(b.original.finished().fingerprint == whole.finished().fingerprint);
  // The branch saw only what happened from 500 ms on: checkpoint 1 completing, then 2 and 3.
  REQUIRE(b.branch.all<events::CheckpointCompleted>().size() == 3);
  CHECK(b.branch.all<events::CheckpointCompleted>()[0].first == 1001 * kMillisecond);
  CHECK(b.branch.finished().fingerprint == whole.finished().fingerprint);
  std::vector<std::string> joined = story(b.original.events);
  joined.resize(joined.size() - story(b.branch.events).size());
  for (const std::string& line : story(b.branch.events)) joined.push_back(line);
  CHECK(joined == story(whole.events));
}

TEST_CASE("branches of random scenarios at random instants agree with the unbranched run") {
  // Random failures, storage jitter, drawn states, patches, torn writes, unaligned barriers:
  // every part's state and every RNG stream must travel with the copy.
  for (uint64_t k = 0; k < 60; ++k) {
    CAPTURE(k);
    const Scenario s = random_scenario(k);
    const Collector whole = run(s);
    ckptsim::sim::RandomStream pick(7, k, "branch-instant");
    const Time at = pick.uniform_int(0, s.duration);
    CAPTURE(at);
    const Branched b = branch_at(s, at);
    CHECK(b.original.finished().fingerprint == whole.finished().fingerprint);
    CHECK(b.branch.finished().fingerprint == whole.finished().fingerprint);
    CHECK(story(b.original.events) == story(whole.events));
  }
}

TEST_CASE("exponential-delay: a failure during a pending restart is merged, the restart keeps its time") {
  // Task failures at 5 s and 5.5 s, jitter 0: the first is attempt 0 (1 s: restart at 6 s);
  // the second comes while that restart is pending and merges into it: no restart begins, and
  // the job runs again at 6 s, not at 5.5 s + 1.5 s.
  Scenario s = chain(1 * MB);
  s.checkpointing.interval = 10 * kSecond;
  s.duration = 60 * kSecond;
  s.restart_strategy = RestartStrategySpec{};
  s.restart_strategy.type = RestartStrategySpec::Type::exponential_delay;
  s.restart_strategy.jitter = 0;
  s.events.push_back(ScriptedEvent{5 * kSecond, FailureKind::task, {}});
  s.events.push_back(ScriptedEvent{5500 * kMillisecond, FailureKind::task, {}});
  const Collector c = run(s);
  auto failovers = c.all<events::FailoverStarted>();
  REQUIRE(failovers.size() == 2);
  CHECK(failovers[0].second.begins_restart);
  CHECK(failovers[0].second.restart_delay == 1 * kSecond);
  CHECK_FALSE(failovers[1].second.begins_restart);
  CHECK(failovers[1].second.restart_delay == 500 * kMillisecond);
  auto status = c.all<events::JobStatusChanged>();
  REQUIRE(status.size() == 3);
  CHECK(status[2].first == 6 * kSecond);
  CHECK(status[2].second.status == JobStatus::RUNNING);
}

TEST_CASE("exponential-delay: a failure after the restart is the next attempt, 1.5 s") {
  // The restart of the failure at 5 s runs at 6 s; a JobManager failure at 6.5 s (deploy 0: the tasks
  // are running) is attempt 1 (6.5 s - 6 s < the 1 h threshold): RUNNING again at 8 s.
  Scenario s = chain(1 * MB);
  s.checkpointing.interval = 10 * kSecond;
  s.duration = 60 * kSecond;
  s.restart_strategy = RestartStrategySpec{};
  s.restart_strategy.jitter = 0;
  s.events.push_back(ScriptedEvent{5 * kSecond, FailureKind::task, {}});
  s.events.push_back(ScriptedEvent{6500 * kMillisecond, FailureKind::jobmanager, {}});
  const Collector c = run(s);
  auto failovers = c.all<events::FailoverStarted>();
  REQUIRE(failovers.size() == 2);
  CHECK(failovers[1].second.begins_restart);
  CHECK(failovers[1].second.restart_delay == 1500 * kMillisecond);
  CHECK(c.all<events::JobStatusChanged>().back().first == 8 * kSecond);
}

TEST_CASE("the failure that leaves the job FAILED begins no restart") {
  Scenario s = chain(1 * MB);
  s.duration = 60 * kSecond;
  s.restart_strategy.attempts = 1;  // fixed-delay, 10 s
  s.events.push_back(ScriptedEvent{5 * kSecond, FailureKind::task, {}});
  s.events.push_back(ScriptedEvent{20 * kSecond, FailureKind::task, {}});
  const Collector c = run(s);
  auto failovers = c.all<events::FailoverStarted>();
  REQUIRE(failovers.size() == 2);
  CHECK(failovers[0].second.begins_restart);
  CHECK_FALSE(failovers[1].second.begins_restart);
  CHECK(failovers[1].second.restart_delay == -1);
  CHECK(c.finished().job_status == JobStatus::FAILED);
}

TEST_CASE("failover timeline: restart delay, then download + deploy, then a fresh initial delay") {
  // Failure at 15 s, restart at 25 s (fixed delay 10 s), 2 s of download and 3 s of deploy:
  // the tasks run again at 30 s. The scheduler restarts at 25 s with a fresh initial delay (0
  // here): the tick at 25 s finds the tasks not running yet, the next (35 s) creates #3.
  Collector c = run(failover_chain());
  CHECK(c.ended(1) == 1001 * kMillisecond);
  CHECK(c.ended(2) == 11001 * kMillisecond);
  auto status = c.all<events::JobStatusChanged>();
  REQUIRE(status.size() == 3);
  CHECK(status[1].first == 15 * kSecond);
  CHECK(status[1].second.status == JobStatus::RESTARTING);
  CHECK(status[2].first == 25 * kSecond);
  CHECK(status[2].second.status == JobStatus::RUNNING);
  auto running = c.all<events::TasksRunning>();
  REQUIRE(running.size() == 1);
  CHECK(running[0].first == 30 * kSecond);
  CHECK(running[0].second.download == 2 * kSecond);
  auto failovers = c.all<events::FailoverStarted>();
  CHECK(failovers[0].second.restore_checkpoint == 2);
  CHECK(failovers[0].second.restart_delay == 10 * kSecond);
  CHECK(c.created(3) == 35 * kSecond);
}

TEST_CASE("a failover during a restart restarts the restart; none ends FAILED") {
  Scenario s = chain(1 * MB);
  s.checkpointing.interval = 10 * kSecond;
  s.duration = 60 * kSecond;
  s.events.push_back(ScriptedEvent{5 * kSecond, FailureKind::task, {}});
  s.events.push_back(ScriptedEvent{8 * kSecond, FailureKind::task, {}});
  Collector c = run(s);
  auto status = c.all<events::JobStatusChanged>();
  REQUIRE(status.size() == 3);
  CHECK(status[2].first == 18 * kSecond);  // 8 s + 10 s
  CHECK(c.count<events::FailoverStarted>() == 2);

  s.restart_strategy.type = RestartStrategySpec::Type::none;
  Collector d = run(s);
  CHECK(d.all<events::JobStatusChanged>().back().second.status == JobStatus::FAILED);
  CHECK(d.finished().job_status == JobStatus::FAILED);
  CHECK(d.count<events::PeriodicTick>() == 1);  // the tick at 0 only
}

TEST_CASE("a restore downloads the unaligned checkpoint's channel state too") {
  // backpressured_chain, unaligned: checkpoint 1 completes at 1010 ms with 101 MB of state
  // (1 MB of it channel state); a task failure at 5 s restarts at 15 s (fixed delay 10 s) and
  // downloads 101 MB at 50 MB/s: 2020 ms.
  Scenario s = backpressured_chain();
  s.checkpointing.unaligned_checkpoints = true;
  s.recovery.download_bandwidth = 50 * MB;
  s.events.push_back(ScriptedEvent{5 * kSecond, FailureKind::task, {}});
  Collector c = run(s);
  auto running = c.all<events::TasksRunning>();
  REQUIRE(running.size() == 1);
  CHECK(running[0].second.download == 2020 * kMillisecond);
  CHECK(running[0].first == 17020 * kMillisecond);
}

TEST_CASE("random task failures: a seeded Poisson process, the same for the same seed") {
  Scenario s = chain(1 * MB);
  s.checkpointing.interval = 1 * kMinute;
  s.duration = 100 * ckptsim::sim::kHour;
  s.failures.task_mtbf = 1 * ckptsim::sim::kHour;
  Collector a = run(s), b = run(s);
  const auto fa = a.all<events::FailoverStarted>();
  CHECK(fa.size() >= 70);  // 100 expected; a Poisson count is within 3 sigma (70..130)
  CHECK(fa.size() <= 130);
  CHECK(a.finished().fingerprint == b.finished().fingerprint);
  for (const auto& [t, f] : fa) CHECK(f.cause == FailoverCause::task);
  s.seed = 2;
  CHECK(run(s).finished().fingerprint != a.finished().fingerprint);
}
