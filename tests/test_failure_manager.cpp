#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <climits>

#include "model/events.hpp"
#include "model/failure_manager.hpp"

using namespace ckptsim::model;
using V = CheckpointFailureManager::Verdict;
constexpr auto kExpired = FailureReason::CHECKPOINT_EXPIRED;

TEST_CASE("is_counted: exactly the five counted reasons") {
  CHECK(is_counted(FailureReason::CHECKPOINT_EXPIRED));
  CHECK(is_counted(FailureReason::CHECKPOINT_DECLINED));
  CHECK(is_counted(FailureReason::CHECKPOINT_ASYNC_EXCEPTION));
  CHECK(is_counted(FailureReason::IO_EXCEPTION));
  CHECK(is_counted(FailureReason::FINALIZE_CHECKPOINT_FAILURE));
  CHECK_FALSE(is_counted(FailureReason::CHECKPOINT_SUBSUMED));
  CHECK_FALSE(is_counted(FailureReason::CHECKPOINT_COORDINATOR_SUSPEND));
  CHECK_FALSE(is_counted(FailureReason::JOB_FAILOVER_REGION));
  CHECK_FALSE(is_counted(FailureReason::MINIMUM_TIME_BETWEEN_CHECKPOINTS));
  CHECK_FALSE(is_counted(FailureReason::NOT_ALL_REQUIRED_TASKS_RUNNING));
  CHECK_FALSE(is_counted(FailureReason::TOO_MANY_CHECKPOINT_REQUESTS));
  CHECK_FALSE(is_counted(FailureReason::PERIODIC_SCHEDULER_SHUTDOWN));
  CHECK_FALSE(is_counted(FailureReason::TRIGGER_CHECKPOINT_FAILURE));
}

TEST_CASE("tolerable 0: the first counted failure trips") {
  CheckpointFailureManager fm(0);
  CHECK(fm.on_failure(1, kExpired) == V::trip);
  CHECK(fm.count() == 0);
}

TEST_CASE("tolerable 2: the third counted failure trips, then counting restarts from 0") {
  CheckpointFailureManager fm(2);
  CHECK(fm.tolerable() == 2);
  CHECK(fm.on_failure(1, kExpired) == V::counted);
  CHECK(fm.count() == 1);
  CHECK(fm.on_failure(2, FailureReason::CHECKPOINT_DECLINED) == V::counted);
  CHECK(fm.count() == 2);
  CHECK(fm.on_failure(3, FailureReason::IO_EXCEPTION) == V::trip);
  CHECK(fm.count() == 0);
  // After the trip the counted-id set is cleared as well: a later failure of id 3 counts again.
  CHECK(fm.on_failure(3, kExpired) == V::counted);
  CHECK(fm.count() == 1);
  CHECK(fm.on_failure(4, kExpired) == V::counted);
  CHECK(fm.on_failure(5, kExpired) == V::trip);
  CHECK(fm.count() == 0);
}

TEST_CASE("the same id is counted once") {
  CheckpointFailureManager fm(1);
  CHECK(fm.on_failure(7, kExpired) == V::counted);
  CHECK(fm.on_failure(7, FailureReason::CHECKPOINT_DECLINED) == V::ignored);
  CHECK(fm.count() == 1);
  CHECK(fm.on_failure(8, kExpired) == V::trip);
}

TEST_CASE("non-counted reasons are ignored") {
  CheckpointFailureManager fm(0);
  CHECK(fm.on_failure(1, FailureReason::CHECKPOINT_SUBSUMED) == V::ignored);
  CHECK(fm.on_failure(2, FailureReason::CHECKPOINT_COORDINATOR_SUSPEND) == V::ignored);
  CHECK(fm.on_failure(3, FailureReason::JOB_FAILOVER_REGION) == V::ignored);
  CHECK(fm.on_failure(-1, FailureReason::NOT_ALL_REQUIRED_TASKS_RUNNING) == V::ignored);
  CHECK(fm.count() == 0);
  // An ignored failure does not reserve its id: it can still count later.
  CHECK(fm.on_failure(1, kExpired) == V::trip);
}

TEST_CASE("ids at or below the last success are ignored; success resets") {
  CheckpointFailureManager fm(2);
  CHECK(fm.on_failure(3, kExpired) == V::counted);
  CHECK(fm.on_failure(4, kExpired) == V::counted);
  CHECK(fm.count() == 2);
  fm.on_success(5);
  CHECK(fm.last_succeeded_id() == 5);
  CHECK(fm.count() == 0);
  CHECK(fm.on_failure(4, kExpired) == V::ignored);  // older than the success
  CHECK(fm.on_failure(5, kExpired) == V::ignored);  // equal to it
  CHECK(fm.count() == 0);
  CHECK(fm.on_failure(6, kExpired) == V::counted);
  // A success of an older id changes nothing.
  fm.on_success(2);
  CHECK(fm.last_succeeded_id() == 5);
  CHECK(fm.count() == 1);
  // A newer success resets again; ids up to it are ignored, a newer id counts afresh.
  fm.on_success(7);
  CHECK(fm.count() == 0);
  CHECK(fm.on_failure(6, kExpired) == V::ignored);
  CHECK(fm.on_failure(8, kExpired) == V::counted);
}

TEST_CASE("a failure with an unknown id (-1) always counts, as in Flink") {
  CheckpointFailureManager fm(1);
  fm.on_success(3);
  CHECK(fm.on_failure(-1, FailureReason::IO_EXCEPTION) == V::counted);
  CHECK(fm.on_failure(-1, FailureReason::IO_EXCEPTION) == V::trip);
}

TEST_CASE("unlimited tolerance (Integer.MAX_VALUE) never trips") {
  CheckpointFailureManager fm(INT_MAX);
  for (int64_t id = 1; id <= 1000; ++id) CHECK(fm.on_failure(id, kExpired) == V::counted);
  CHECK(fm.count() == 1000);
}

TEST_CASE("the manager has no failover hook: the count survives") {
  // The coordinator does not reset it on failover; only a success or a trip does.
  CheckpointFailureManager fm(3);
  CHECK(fm.on_failure(1, kExpired) == V::counted);
  CHECK(fm.on_failure(2, FailureReason::CHECKPOINT_COORDINATOR_SUSPEND) == V::ignored);
  CHECK(fm.count() == 1);
}

TEST_CASE("to_string and type_name") {
  CHECK(std::string(to_string(FailureReason::CHECKPOINT_EXPIRED)) == "CHECKPOINT_EXPIRED");
  CHECK(std::string(to_string(FailureReason::CHECKPOINT_COORDINATOR_SUSPEND)) ==
        "CHECKPOINT_COORDINATOR_SUSPEND");
  CHECK(std::string(to_string(FailureReason::TRIGGER_CHECKPOINT_FAILURE)) ==
        "TRIGGER_CHECKPOINT_FAILURE");
  CHECK(std::string(to_string(JobStatus::RESTARTING)) == "RESTARTING");
  CHECK(std::string(to_string(CheckpointType::UNALIGNED_CHECKPOINT)) == "UNALIGNED_CHECKPOINT");
  CHECK(std::string(to_string(ConfigReader::periodic_trigger)) == "periodic-trigger");
  CHECK(std::string(to_string(ConfigReader::pending_checkpoint)) == "pending-checkpoint");
  CHECK(std::string(to_string(FailoverCause::checkpoint_failures)) == "checkpoint-failures");
  CHECK(std::string(to_string(FailoverCause::jobmanager)) == "jobmanager");
  CHECK(std::string(to_string(ConfigField::interval)) == "checkpointInterval");
  CHECK(std::string(to_string(ConfigField::timeout)) == "checkpointTimeout");
  CHECK(std::string(to_string(IntervalPolicy::earlier_only)) == "earlier_only");
  CHECK(std::string(to_string(IntervalPolicy::next_cycle)) == "next_cycle");
  CHECK(std::string(to_string(IntervalPolicy::immediate)) == "immediate");

  CHECK(std::string(type_name(events::JobStatusChanged{JobStatus::RUNNING})) == "job-status");
  CHECK(std::string(type_name(events::ConfigRead{})) == "config-read");
  CHECK(std::string(type_name(events::CheckpointCompleted{})) == "checkpoint-completed");
  CHECK(std::string(type_name(events::FailureCounted{1, 1})) == "failure-counted");
  CHECK(std::string(type_name(events::RunFinished{})) == "run-finished");
  // Every alternative has a distinct non-empty name.
  const char* all[] = {
      type_name(events::JobStatusChanged{}),    type_name(events::PeriodicTick{}),
      type_name(events::RequestDropped{}),      type_name(events::TriggerRescheduled{}),
      type_name(events::ConfigRead{}),          type_name(events::CheckpointCreated{}),
      type_name(events::CheckpointRearmed{}),   type_name(events::SubtaskAcknowledged{}),
      type_name(events::CheckpointCompleted{}), type_name(events::CheckpointFailed{}),
      type_name(events::UploadsStopped{}),      type_name(events::FailureCounted{}),
      type_name(events::FailoverStarted{}),     type_name(events::TasksRunning{}),
      type_name(events::PatchAnswered{}),       type_name(events::ConfigWritten{}),
      type_name(events::ConfigReloaded{}),      type_name(events::LoadChanged{}),
      type_name(events::StorageChanged{}),      type_name(events::RunFinished{}),
      type_name(events::StepTaken{}),           type_name(events::WindowClosed{})};
  const char* expected[] = {"job-status",          "periodic-tick",        "request-dropped",
                            "trigger-rescheduled", "config-read",          "checkpoint-created",
                            "checkpoint-rearmed",  "subtask-acknowledged", "checkpoint-completed",
                            "checkpoint-failed",   "uploads-stopped",      "failure-counted",
                            "failover-started",    "tasks-running",        "patch-answered",
                            "config-written",      "config-reloaded",      "load-changed",
                            "storage-changed",     "run-finished",         "step-taken",
                            "window-closed"};
  static_assert(std::variant_size_v<EventBody> == 22);
  for (int i = 0; i < 22; ++i) CHECK(std::string(all[i]) == expected[i]);
}
