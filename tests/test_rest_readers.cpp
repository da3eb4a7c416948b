// The readers of Flink's REST responses: every shape of tests/data/rest (real responses from
// Flink 1.9 to 1.16, and the 1.19+ shape of the worked example), and every way a file can fail.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <string>

#include "cli/rest_checkpoints.hpp"
#include "cli/rest_config.hpp"
#include "cli/rest_job.hpp"
#include "cli/rest_json.hpp"
#include "cli/rest_subtasks.hpp"

using namespace ckptsim::cli::rest;

namespace {

const std::string kData = std::string(CKPTSIM_SOURCE_DIR) + "/tests/data/rest/";
const std::string kWorked = std::string(CKPTSIM_SOURCE_DIR) + "/scenarios/calibrated/orders-enrichment/";
const std::string kKeyed = "20ba6b65f97481d5570070de90e4e791";

RestCheckpoints checkpoints(const std::string& path) { return read_checkpoints(read_file(path), path); }

// The message `read` throws for `text` (read as a file named `file`), or "no error".
template <class Read>
std::string error_of(Read read, const std::string& text, const std::string& file) {
  try {
    read(text, file);
  } catch (const RestError& e) {
    return e.what();
  }
  return "no error";
}

std::string checkpoints_error(const std::string& t) { return error_of(read_checkpoints, t, "checkpoints.json"); }
std::string config_error(const std::string& t) { return error_of(read_checkpoint_config, t, "config.json"); }
std::string job_error(const std::string& t) { return error_of(read_job, t, "job.json"); }
std::string subtasks_error(const std::string& t) { return error_of(read_subtask_details, t, "subtasks.json"); }

// A history entry of Flink 1.19+, with `extra` spliced in after the id.
std::string entry(int id, const std::string& status, const std::string& tag, const std::string& extra = "") {
  return "{\"className\": \"" + tag + "\", \"id\": " + std::to_string(id) + extra + ", \"status\": \"" + status +
         "\", \"is_savepoint\": false, \"trigger_timestamp\": " + std::to_string(1000 + id * 60000) +
         ", \"latest_ack_timestamp\": " + std::to_string(1000 + id * 60000 + 500) +
         ", \"checkpointed_size\": 100, \"state_size\": 1000, \"end_to_end_duration\": 500, "
         "\"num_subtasks\": 2, \"num_acknowledged_subtasks\": 2, \"checkpoint_type\": \"CHECKPOINT\", \"tasks\": {}}";
}

std::string history(const std::string& entries) { return "{\"history\": [" + entries + "]}"; }

}  // namespace

TEST_CASE("checkpoints of Flink 1.9: @class tags, no checkpoint_type, no checkpointed_size, history capped") {
  const RestCheckpoints c = checkpoints(kData + "checkpoints-1.9.json");
  REQUIRE(c.history.size() == 10);
  CHECK(c.type_tag == "@class");
  CHECK_FALSE(c.has_checkpointed_size);
  CHECK_FALSE(c.has_checkpoint_type);
  CHECK(c.shape() == "Flink 1.11 or older (no checkpoint_type, no checkpointed_size)");
  REQUIRE(c.counts);
  CHECK(c.counts->total == 38);  // 38 checkpoints, of which the history keeps the last 10
  CHECK(c.history.front().id == 29);  // sorted oldest first (Flink lists the newest first)
  CHECK(c.history.back().id == 38);
  CHECK(c.history.front().trigger_timestamp == 1577409151695);
  CHECK(c.history.front().end_to_end_duration == 4);
  CHECK(c.history.front().uploaded() == 8410);  // state_size: the upload before 1.15
  CHECK_FALSE(c.history.front().checkpointed_size);
  CHECK(c.history.front().status == RestStatus::COMPLETED);
  CHECK_FALSE(c.summary_p50_ms);  // no percentiles before 1.15
}

TEST_CASE("checkpoints of Flink 1.13: checkpoint_type, processed and persisted data, one entry") {
  const RestCheckpoints one = checkpoints(kData + "checkpoints-1.13-one-entry.json");
  REQUIRE(one.history.size() == 1);
  CHECK(one.has_checkpoint_type);
  CHECK_FALSE(one.has_checkpointed_size);
  CHECK(one.shape() == "Flink 1.12-1.14 (no checkpointed_size: state_size is the upload)");
  CHECK(one.history[0].id == 1914);
  CHECK(one.history[0].end_to_end_duration == 89);
  CHECK(one.history[0].checkpoint_type == "CHECKPOINT");

  const RestCheckpoints oss = checkpoints(kData + "checkpoints-1.13-oss.json");
  REQUIRE(oss.history.size() == 2);
  CHECK(oss.history[0].id == 1);
  CHECK(oss.history[0].end_to_end_duration == 413);
  CHECK(oss.history[1].latest_ack_timestamp == 1691052340891);
}

TEST_CASE("checkpoints of Flink 1.16 with no checkpoint yet: \"NaN\" percentiles, an empty history") {
  const RestCheckpoints c = checkpoints(kData + "checkpoints-1.16-nan-empty.json");
  CHECK(c.history.empty());
  CHECK_FALSE(c.summary_p50_ms);  // "NaN"
  CHECK_FALSE(c.summary_p90_ms);
  REQUIRE(c.counts);
  CHECK(c.counts->completed == 0);
}

TEST_CASE("checkpoints of Flink 1.19+: className tags, incremental sizes, failed, savepoint, in progress") {
  const RestCheckpoints c = checkpoints(kWorked + "checkpoints.json");
  REQUIRE(c.history.size() == 10);
  CHECK(c.type_tag == "className");
  CHECK(c.has_checkpointed_size);
  CHECK(c.shape() == "Flink 1.19+ (className type tags, checkpointed_size)");
  REQUIRE(c.summary_p50_ms);
  CHECK(*c.summary_p50_ms == 86919.0);  // over every completed checkpoint, as Flink keeps it
  const RestCheckpoint& first = c.history[0];
  CHECK(first.id == 331);
  REQUIRE(first.checkpointed_size);
  CHECK(first.uploaded() == *first.checkpointed_size);  // the delta, not the full state
  CHECK(first.state_size > 9 * *first.checkpointed_size);
  const RestCheckpoint& savepoint = c.history[2];
  CHECK(savepoint.id == 333);
  CHECK(savepoint.is_savepoint);
  const RestCheckpoint& failed = c.history[5];
  CHECK(failed.id == 336);
  CHECK(failed.status == RestStatus::FAILED);
  CHECK(failed.expired());
  CHECK(failed.failure_message == "Checkpoint expired before completing.");
  REQUIRE(failed.failure_timestamp);
  CHECK(*failed.failure_timestamp - failed.trigger_timestamp == 180004);
  CHECK(c.history[9].status == RestStatus::IN_PROGRESS);
}

TEST_CASE("checkpoints: every field of the wrong type or missing names the file and the JSON path") {
  const std::string ok = entry(1, "COMPLETED", "completed");
  CHECK(checkpoints_error(history(ok + "," + ok)) ==
        "checkpoints.json: history[1].id: checkpoint 1 appears twice (also history[0])");
  // The example of docs/cli.md: a wrong type four entries in.
  const std::string bad = "{\"className\": \"completed\", \"id\": 4, \"status\": \"COMPLETED\", "
                          "\"trigger_timestamp\": 1, \"end_to_end_duration\": \"x\", \"state_size\": 1, "
                          "\"num_subtasks\": 1}";
  CHECK(checkpoints_error(history(entry(1, "COMPLETED", "completed") + "," + entry(2, "COMPLETED", "completed") +
                                  "," + entry(3, "FAILED", "failed") + "," + bad)) ==
        "checkpoints.json: history[3].end_to_end_duration: expected a number, got \"x\"");
  CHECK(checkpoints_error("{\"counts\": {\"restored\": 0, \"total\": 0, \"in_progress\": 0, \"completed\": 0, "
                          "\"failed\": 0}}") == "checkpoints.json: history: missing");
  CHECK(checkpoints_error("{\"history\": {}}") == "checkpoints.json: history: expected a list, got an object");
  CHECK(checkpoints_error(history(entry(1, "DONE", "completed"))) ==
        "checkpoints.json: history[0].status: expected IN_PROGRESS, COMPLETED or FAILED, got \"DONE\"");
  CHECK(checkpoints_error(history(entry(1, "COMPLETED", "failed"))) ==
        "checkpoints.json: history[0].className: \"failed\" does not match status COMPLETED (expected \"completed\")");
  CHECK(checkpoints_error(history("{\"id\": 1, \"status\": \"COMPLETED\", \"trigger_timestamp\": 1, "
                                  "\"end_to_end_duration\": 5, \"state_size\": -5}")) ==
        "checkpoints.json: history[0].state_size: expected a number >= 0, got -5");
  CHECK(checkpoints_error(history("{\"id\": 1.5}")) == "checkpoints.json: history[0].id: expected a whole number, got 1.5");
  CHECK(checkpoints_error(history("{\"id\": 1, \"status\": \"COMPLETED\", \"trigger_timestamp\": 1, "
                                  "\"end_to_end_duration\": \"NaN\"}")) ==
        "checkpoints.json: history[0].end_to_end_duration: expected a number, got \"NaN\"");
  CHECK(checkpoints_error(history("{\"id\": 1, \"status\": \"COMPLETED\", \"trigger_timestamp\": 1, "
                                  "\"end_to_end_duration\": -1, \"state_size\": 1, \"num_subtasks\": 1}")) ==
        "checkpoints.json: history[0].end_to_end_duration: expected a duration >= 0 for a COMPLETED checkpoint, got -1");
  CHECK(checkpoints_error(history("7")) == "checkpoints.json: history[0]: expected an object, got 7");
  CHECK(checkpoints_error("{\"summary\": {\"end_to_end_duration\": {\"p50\": \"abc\"}}, \"history\": []}") ==
        "checkpoints.json: summary.end_to_end_duration.p50: expected a number or \"NaN\", got \"abc\"");
  CHECK(checkpoints_error("{\"counts\": {\"total\": 1}, \"history\": []}") == "checkpoints.json: counts.restored: missing");
}

TEST_CASE("checkpoints: what is not a JSON response at all") {
  CHECK(checkpoints_error("<!DOCTYPE html>\n<html><body>502 Bad Gateway</body></html>") ==
        "checkpoints.json: not a JSON response (it starts like an HTML page: '<!DOCTYPE html> <html><body>502 Bad "
        "Gate...'); expected the JSON of GET /jobs/:jobid/checkpoints");
  CHECK(checkpoints_error("") == "checkpoints.json: empty; expected the JSON response of GET /jobs/:jobid/checkpoints");
  CHECK(checkpoints_error("{\"history\": [\n  {\"id\": 1,") .rfind("checkpoints.json:2:", 0) == 0);
  CHECK(checkpoints_error("{\"history\": [\n  {\"id\": 1,").find("not valid JSON") != std::string::npos);
  CHECK(checkpoints_error("[1, 2]") ==
        "checkpoints.json: expected a JSON object (the response of GET /jobs/:jobid/checkpoints), got a list");
  CHECK(checkpoints_error("{\"errors\": [\"Job 5f3c could not be found.\"]}") ==
        "checkpoints.json: Flink answered with an error ('Job 5f3c could not be found.'), not the response of "
        "GET /jobs/:jobid/checkpoints");
  try {
    read_file(kData + "no-such-file.json");
    FAIL("no error");
  } catch (const RestError& e) {
    CHECK(std::string(e.what()).find("no-such-file.json: cannot read") != std::string::npos);
  }
}

TEST_CASE("checkpoints/config of Flink 1.9, 1.16 (periodic off) and 1.19") {
  const RestCheckpointConfig old = read_checkpoint_config(read_file(kData + "config-1.9.json"), "c");
  REQUIRE(old.interval_ms);
  CHECK(*old.interval_ms == 2000);
  CHECK(old.timeout_ms == 600000);
  CHECK(old.mode == "exactly_once");
  CHECK_FALSE(old.tolerable_failed_checkpoints);  // not in 1.9's response
  CHECK_FALSE(old.unaligned_checkpoints);

  const RestCheckpointConfig off = read_checkpoint_config(read_file(kData + "config-1.16-periodic-off.json"), "c");
  CHECK_FALSE(off.interval_ms);  // Long.MAX_VALUE
  CHECK(off.mode == "at_least_once");
  REQUIRE(off.tolerable_failed_checkpoints);
  CHECK(*off.tolerable_failed_checkpoints == 0);
  CHECK(off.state_backend == "HashMapStateBackend");

  const RestCheckpointConfig now = read_checkpoint_config(read_file(kWorked + "checkpoints-config.json"), "c");
  CHECK(*now.interval_ms == 180000);
  CHECK(now.timeout_ms == 180000);
  CHECK(*now.tolerable_failed_checkpoints == 1);
  CHECK(*now.aligned_checkpoint_timeout_ms == 0);
  CHECK(*now.state_changelog_enabled == false);
}

TEST_CASE("checkpoints/config: errors name the file and the field") {
  const std::string base = "\"interval\": 60000, \"timeout\": 600000, \"min_pause\": 0";
  CHECK(config_error("{" + base + "}") == "config.json: max_concurrent: missing");
  CHECK(config_error("{" + base + ", \"max_concurrent\": 0}") ==
        "config.json: max_concurrent: expected a number from 1 to 2147483647, got 0");
  CHECK(config_error("{\"interval\": 60000, \"timeout\": 5, \"min_pause\": 0, \"max_concurrent\": 1}") ==
        "config.json: timeout: expected a number >= 10, got 5");
  CHECK(config_error("{" + base + ", \"max_concurrent\": 1, \"mode\": \"EXACTLY_ONCE\"}") ==
        "config.json: mode: expected \"exactly_once\" or \"at_least_once\", got \"EXACTLY_ONCE\"");
  CHECK(config_error("{" + base + ", \"max_concurrent\": 1, \"unaligned_checkpoints\": \"yes\"}") ==
        "config.json: unaligned_checkpoints: expected true or false, got \"yes\"");
  CHECK(config_error("{\"errors\": [\"Checkpointing is not enabled for this job.\"]}").find(
            "Flink answered with an error") != std::string::npos);
}

TEST_CASE("jobs/:jobid of Flink 1.10 and 1.16, and jobs/:jobid/plan of 1.9") {
  const RestJob sql = read_job(read_file(kData + "job-1.10-sql.json"), "j");
  REQUIRE(sql.vertices.size() == 2);
  CHECK(sql.endpoint == "GET /jobs/:jobid");
  CHECK(sql.name == "SQL Job");
  // The plan lists the aggregate first; the vertices come out sources first.
  CHECK(sql.vertices[0].id == "cbc357ccb763df2852fee8c4fc7d55f2");
  CHECK(sql.vertices[0].inputs.empty());
  CHECK(sql.vertices[0].write_bytes == 1736704);
  CHECK(sql.vertices[0].duration_ms == 17034238);
  REQUIRE(sql.vertices[1].inputs.size() == 1);
  CHECK(sql.vertices[1].inputs[0].ship_strategy == "HASH");
  CHECK(sql.vertices[1].inputs[0].from == sql.vertices[0].id);
  CHECK(sql.vertices[1].path == "vertices[1]");

  const RestJob chained = read_job(read_file(kData + "job-1.16-chained.json"), "j");
  REQUIRE(chained.vertices.size() == 1);
  CHECK(chained.vertices[0].name == "Source: Socket Stream -> Map -> Sink: Print toStd. Out");
  CHECK(chained.vertices[0].write_bytes == 0);

  const RestJob plan = read_job(read_file(kData + "plan-1.9.json"), "j");
  CHECK(plan.endpoint == "GET /jobs/:jobid/plan");
  CHECK(plan.name == "State machine job");
  REQUIRE(plan.vertices.size() == 2);
  CHECK(plan.vertices[0].name == "Source: Custom Source");
  CHECK(plan.vertices[1].name == "Flat Map -> Sink: Print to Std. Out");  // &gt; decoded
  CHECK(plan.vertices[1].path == "plan.nodes[0]");

  const RestJob worked = read_job(read_file(kWorked + "job.json"), "j");
  REQUIRE(worked.vertices.size() == 3);
  CHECK(worked.vertices[1].id == kKeyed);
  CHECK(worked.vertices[2].inputs[0].ship_strategy == "REBALANCE");
}

TEST_CASE("jobs/:jobid: errors name the file and the path") {
  const std::string a = "{\"id\": \"a\", \"parallelism\": 1}";
  const std::string b_from = [](const std::string& from) {
    return "{\"id\": \"b\", \"parallelism\": 2, \"inputs\": [{\"num\": 0, \"id\": \"" + from +
           "\", \"ship_strategy\": \"HASH\"}]}";
  }("zz");
  CHECK(job_error("{\"plan\": {\"nodes\": [" + a + "," + b_from + "]}}") ==
        "job.json: plan.nodes[1].inputs[0].id: no vertex zz in this job");
  const std::string ca = "{\"id\": \"a\", \"parallelism\": 1, \"inputs\": [{\"id\": \"b\", \"ship_strategy\": \"HASH\"}]}";
  const std::string cb = "{\"id\": \"b\", \"parallelism\": 1, \"inputs\": [{\"id\": \"a\", \"ship_strategy\": \"HASH\"}]}";
  CHECK(job_error("{\"plan\": {\"nodes\": [" + ca + "," + cb + "]}}") ==
        "job.json: plan.nodes: the inputs form a cycle through vertex a ('a'): a job graph is a DAG");
  CHECK(job_error("{\"jid\": \"x\"}") ==
        "job.json: expected the response of GET /jobs/:jobid (with vertices and plan) or of GET /jobs/:jobid/plan; "
        "it has neither 'vertices' nor 'plan'");
  CHECK(job_error("{\"plan\": {\"nodes\": [" + a + "," + a + "]}}") == "job.json: plan.nodes[1].id: vertex a appears twice");
  CHECK(job_error("{\"vertices\": [{\"id\": \"a\", \"name\": \"A\", \"parallelism\": 1}], \"plan\": {\"nodes\": []}}") ==
        "job.json: plan.nodes: no plan node for vertex a (vertices[0])");
  CHECK(job_error("{\"vertices\": [{\"id\": \"a\", \"name\": \"A\", \"parallelism\": 0}], \"plan\": {\"nodes\": [" + a +
                  "]}}") == "job.json: vertices[0].parallelism: expected a number from 1 to 2147483647, got 0");
  CHECK(job_error("{\"plan\": {\"nodes\": [{\"id\": \"a\", \"parallelism\": 1, \"inputs\": [{\"id\": \"a\"}]}]}}") ==
        "job.json: plan.nodes[0].inputs[0].ship_strategy: missing");
}

TEST_CASE("subtask details of Flink 1.19+ and of older versions") {
  const std::string f = kWorked + "subtasks-339-" + kKeyed + ".json";
  const RestSubtaskDetails d = read_subtask_details(read_file(f), f);
  CHECK(d.checkpoint_id == 339);
  CHECK(d.num_subtasks == 8);
  REQUIRE(d.subtasks.size() == 8);
  CHECK(d.subtasks[0].completed);
  CHECK(d.subtasks[0].sync_ms == 212);
  CHECK(d.subtasks[0].start_delay_ms == 31);
  CHECK(d.subtasks[0].alignment_ms == 12);
  REQUIRE(d.subtasks[0].full_state);
  CHECK(*d.subtasks[0].full_state > 5 * d.subtasks[0].uploaded);
  REQUIRE(d.task_uploaded);

  // Before 1.15 a subtask's state_size is its upload (FLINK-13390); a pending subtask has only
  // its index and status.
  const RestSubtaskDetails old = read_subtask_details(
      "{\"id\": 7, \"status\": \"COMPLETED\", \"num_subtasks\": 2, \"state_size\": 300, \"subtasks\": ["
      "{\"index\": 0, \"status\": \"completed\", \"ack_timestamp\": 5, \"end_to_end_duration\": 40, "
      "\"state_size\": 300, \"checkpoint\": {\"sync\": 3, \"async\": 30}, \"alignment\": {\"buffered\": 0, "
      "\"duration\": 2}, \"start_delay\": 5}, {\"index\": 1, \"status\": \"pending_or_failed\"}]}",
      "old.json");
  REQUIRE(old.subtasks.size() == 2);
  CHECK(old.subtasks[0].uploaded == 300);
  CHECK_FALSE(old.subtasks[0].full_state);
  CHECK(old.subtasks[0].async_ms == 30);
  CHECK_FALSE(old.subtasks[1].completed);
  CHECK(*old.task_uploaded == 300);
}

TEST_CASE("subtask details: errors name the file and the path") {
  CHECK(subtasks_error("{\"id\": 1, \"num_subtasks\": 1, \"subtasks\": [{\"index\": 0, \"status\": \"done\"}]}") ==
        "subtasks.json: subtasks[0].status: expected \"completed\" or \"pending_or_failed\", got \"done\"");
  CHECK(subtasks_error("{\"id\": 1, \"num_subtasks\": 1, \"subtasks\": [{\"index\": 0, \"status\": \"completed\", "
                       "\"ack_timestamp\": 1, \"end_to_end_duration\": 1, \"state_size\": 1, \"checkpoint\": "
                       "{\"sync\": 1}, \"alignment\": {\"duration\": 0}, \"start_delay\": 0}]}") ==
        "subtasks.json: subtasks[0].checkpoint.async: missing");
  CHECK(subtasks_error("{\"id\": 1, \"num_subtasks\": 1, \"subtasks\": [{\"index\": 0, \"status\": "
                       "\"pending_or_failed\"}, {\"index\": 1, \"status\": \"pending_or_failed\"}]}") ==
        "subtasks.json: subtasks: lists 2 subtasks, but num_subtasks is 1");
  CHECK(subtasks_error("{\"id\": 1, \"subtasks\": []}") == "subtasks.json: num_subtasks: missing");
}
