// Pins the writers of analysis/: summary_json.cpp and history_csv.cpp (one table of fields,
// history_fields.hpp), events_jsonl.cpp, trace_json.cpp, timeline_svg.cpp and table.cpp
// (the pictures' layout is pinned in test_pictures.cpp).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "analysis/events_jsonl.hpp"
#include "analysis/history_csv.hpp"
#include "analysis/recorder.hpp"
#include "analysis/summary_json.hpp"
#include "analysis/table.hpp"
#include "analysis/timeline_svg.hpp"
#include "analysis/trace_json.hpp"

using namespace ckptsim;
using namespace ckptsim::analysis;
namespace ev = model::events;
using sim::kMillisecond;
using sim::kMinute;
using sim::kSecond;

namespace {

// A tiny strict JSON validator (RFC 8259 grammar; no duplicates check).
struct Json {
  std::string_view s;
  size_t i = 0;
  void ws() {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')) ++i;
  }
  bool lit(std::string_view w) {
    if (s.substr(i, w.size()) != w) return false;
    i += w.size();
    return true;
  }
  bool str() {
    if (i >= s.size() || s[i] != '"') return false;
    ++i;
    while (i < s.size() && s[i] != '"') {
      auto c = static_cast<unsigned char>(s[i]);
      if (c < 0x20) return false;
      if (c == '\\') {
        ++i;
        if (i >= s.size()) return false;
        if (s[i] == 'u') {
          for (int k = 1; k <= 4; ++k)
            if (i + k >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + k]))) return false;
          i += 4;
        } else if (std::string_view("\"\\/bfnrt").find(s[i]) == std::string_view::npos) {
          return false;
        }
      }
      ++i;
    }
    if (i >= s.size()) return false;
    ++i;
    return true;
  }
  bool num() {
    size_t st = i;
    if (i < s.size() && s[i] == '-') ++i;
    if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    if (s[i] == '0') ++i;
    else while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    if (i < s.size() && s[i] == '.') {
      ++i;
      if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
      ++i;
      if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
      if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    }
    return i > st;
  }
  bool value() {
    ws();
    if (i >= s.size()) return false;
    char c = s[i];
    bool ok;
    if (c == '{') {
      ++i;
      ws();
      if (i < s.size() && s[i] == '}') {
        ++i;
        return true;
      }
      for (;;) {
        ws();
        if (!str()) return false;
        ws();
        if (i >= s.size() || s[i] != ':') return false;
        ++i;
        if (!value()) return false;
        ws();
        if (i < s.size() && s[i] == ',') { ++i; continue; }
        if (i < s.size() && s[i] == '}') { ++i; return true; }
        return false;
      }
    } else if (c == '[') {
      ++i;
      ws();
      if (i < s.size() && s[i] == ']') {
        ++i;
        return true;
      }
      for (;;) {
        if (!value()) return false;
        ws();
        if (i < s.size() && s[i] == ',') { ++i; continue; }
        if (i < s.size() && s[i] == ']') { ++i; return true; }
        return false;
      }
    } else if (c == '"') {
      ok = str();
    } else if (c == 't') {
      ok = lit("true");
    } else if (c == 'f') {
      ok = lit("false");
    } else if (c == 'n') {
      ok = lit("null");
    } else {
      ok = num();
    }
    return ok;
  }
};
bool valid_json(std::string_view text) {
  Json j{text};
  if (!j.value()) return false;
  j.ws();
  return j.i == text.size();
}

// Tag balance of an XML document (no DTD, no CDATA): good enough for our SVG.
bool well_formed_xml(const std::string& x) {
  std::vector<std::string> stack;
  size_t i = 0;
  int roots = 0;
  while ((i = x.find('<', i)) != std::string::npos) {
    size_t j = x.find('>', i);
    if (j == std::string::npos) return false;
    std::string tag = x.substr(i + 1, j - i - 1);
    // attribute values must not contain raw '<'
    if (tag.find('<') != std::string::npos) return false;
    if (!tag.empty() && tag[0] == '/') {
      std::string name = tag.substr(1);
      if (stack.empty() || stack.back() != name) return false;
      stack.pop_back();
    } else if (!tag.empty() && tag.back() == '/') {
      if (stack.empty()) ++roots;
    } else {
      std::string name = tag.substr(0, tag.find_first_of(" \n\t"));
      if (stack.empty()) ++roots;
      stack.push_back(name);
    }
    // quotes balanced inside the tag
    if (std::count(tag.begin(), tag.end(), '"') % 2) return false;
    i = j + 1;
  }
  // stray '&' not forming an entity
  for (size_t k = x.find('&'); k != std::string::npos; k = x.find('&', k + 1)) {
    size_t semi = x.find(';', k);
    if (semi == std::string::npos || semi - k > 6) return false;
  }
  return stack.empty() && roots == 1;
}

model::Scenario scenario(sim::Duration duration, std::string name = "tiny") {
  model::Scenario s;
  s.name = std::move(name);
  s.seed = 7;
  s.duration = duration;
  s.checkpointing.interval = 10 * kSecond;
  s.checkpointing.timeout = 5 * kSecond;
  return s;
}

struct Fanout : model::Observer {
  std::vector<model::Observer*> to;
  void on_event(const model::DomainEvent& e) override {
    for (auto* o : to) o->on_event(e);
  }
};

ev::SubtaskAcknowledged ack(int64_t id, int subtask, sim::Time trigger) {
  ev::SubtaskAcknowledged a{};
  a.id = id;
  a.subtask = subtask;
  a.first_barrier = trigger + 1 * kMillisecond + subtask * 100;
  a.last_barrier = a.first_barrier + 2 * kMillisecond;
  a.snapshot = a.last_barrier;
  a.sync_end = a.snapshot + 3 * kMillisecond;
  a.upload_end = a.sync_end + 400 * kMillisecond;
  a.ack = a.upload_end + 1;
  a.state_size = 1000;
  a.checkpointed_size = 500;
  return a;
}

// A synthetic run: n checkpoints every `every`, each taking 60% of it; every 7th expires, a
// patch, a torn read, failovers, load and storage changes.
void synthetic(model::Observer& o, int64_t n, sim::Duration every, sim::Duration duration,
               bool subtasks) {
  auto send = [&](sim::Time at, model::EventBody b) { o.on_event({at, std::move(b)}); };
  send(0, ev::JobStatusChanged{model::JobStatus::RUNNING});
  send(duration / 10, ev::StorageChanged{120e6, model::kUnlimited, 50 * kMillisecond});
  send(duration / 5, ev::LoadChanged{"agg", -1, -1, 10e6, 0.5});
  for (int64_t id = 1; id <= n; ++id) {
    const sim::Time t = (id - 1) * every;
    if (t >= duration) break;
    const sim::Duration timeout = every / 2 + every / 10;
    send(t, ev::ConfigRead{model::ConfigReader::pending_checkpoint, every, timeout, id == 3, id});
    send(t, ev::CheckpointCreated{id, timeout, t + timeout});
    if (id == n / 2) send(t + 1, ev::PatchAnswered{200, "", {{"checkpointTimeout", "1h", true}}, every, sim::kHour});
    if (id == n / 2) send(t + 2, ev::CheckpointRearmed{id, t + timeout, t + sim::kHour});
    const sim::Time end = t + every * 6 / 10;
    if (end >= duration) break;  // in progress at the end
    if (subtasks)
      for (int s = 0; s < 3; ++s) {
        auto a = ack(id, s, t);
        send(a.ack, a);
      }
    if (id % 7 == 0) {
      ev::CheckpointFailed f{};
      f.id = id;
      f.reason = model::FailureReason::CHECKPOINT_EXPIRED;
      f.trigger_timestamp = t;
      f.latest_ack_timestamp = -1;
      f.type = model::CheckpointType::CHECKPOINT;
      f.timeout = timeout;
      f.deadline = t + timeout;
      f.persisted_fraction = 0.5;
      f.counted = true;
      send(t + timeout, f);
      send(t + timeout, ev::FailureCounted{id, 1});
      send(t + timeout + 1, ev::UploadsStopped{id, 250});
      if (id % 21 == 0)
        send(t + timeout, ev::FailoverStarted{model::FailoverCause::checkpoint_failures, kSecond, id - 1, true});
    } else {
      ev::CheckpointCompleted c{};
      c.id = id;
      c.trigger_timestamp = t;
      c.latest_ack_timestamp = end;
      c.checkpointed_size = 1500;
      c.state_size = 3000;
      c.alignment_duration = 2 * kMillisecond;
      c.start_delay = kMillisecond + 200;
      c.type = model::CheckpointType::CHECKPOINT;
      c.timeout = timeout;
      c.original_deadline = t + timeout;
      c.deadline = id == n / 2 ? t + sim::kHour : t + timeout;
      c.rescued = id == n / 2 && end > t + timeout;
      send(end, c);
    }
  }
  send(duration * 9 / 10, ev::FailoverStarted{model::FailoverCause::jobmanager, kSecond, -1, true});
  send(duration * 9 / 10, ev::PatchAnswered{400, "checkpointInterval: expected a duration, got \"x\"", {{"checkpointInterval", "x", true}}, every, sim::kHour});
  ev::RunFinished fin{};
  fin.job_status = model::JobStatus::RUNNING;
  fin.interval = every;
  fin.timeout = sim::kHour;
  fin.max_concurrent = 1;
  fin.fingerprint = "0123456789abcdef";
  send(duration, fin);
}

}  // namespace

TEST_CASE("the JSON validator itself") {
  CHECK(valid_json(R"({"a": [1, -2.5e3, true, null, "x\n"], "b": {}})"));
  CHECK_FALSE(valid_json(R"({"a": 01})"));
  CHECK_FALSE(valid_json(R"({"a": 1,})"));
  CHECK_FALSE(valid_json("{\"a\": \"\x01\"}"));
  CHECK_FALSE(valid_json(R"({"a": nan})"));
}

TEST_CASE("summary.json of a tiny run, exactly") {
  model::Scenario s = scenario(30 * kSecond, "tiny \"quoted\"");
  Recorder r(s);
  auto send = [&](sim::Time at, model::EventBody b) { r.on_event({at, std::move(b)}); };
  send(0, ev::JobStatusChanged{model::JobStatus::RUNNING});
  send(kSecond, ev::CheckpointCreated{1, 5 * kSecond, 6 * kSecond});
  ev::CheckpointCompleted c{};
  c.id = 1;
  c.trigger_timestamp = kSecond;
  c.latest_ack_timestamp = 2 * kSecond + 1;
  c.checkpointed_size = 100000000;
  c.state_size = 100000000;
  c.alignment_duration = 0;
  c.start_delay = kMillisecond;
  c.type = model::CheckpointType::CHECKPOINT;
  c.timeout = 5 * kSecond;
  c.original_deadline = c.deadline = 6 * kSecond;
  send(2 * kSecond + 1, c);
  send(3 * kSecond, ev::PatchAnswered{200, "", {{"checkpointTimeout", "20s", true}}, 10 * kSecond, 20 * kSecond});
  send(4 * kSecond, ev::ConfigRead{model::ConfigReader::periodic_trigger, 10 * kSecond, 5 * kSecond, true, -1});
  send(11 * kSecond, ev::CheckpointCreated{2, 20 * kSecond, 31 * kSecond});
  ev::CheckpointFailed f{};
  f.id = 2;
  f.reason = model::FailureReason::CHECKPOINT_COORDINATOR_SUSPEND;
  f.trigger_timestamp = 11 * kSecond;
  f.latest_ack_timestamp = -1;
  f.type = model::CheckpointType::UNALIGNED_CHECKPOINT;
  f.timeout = 20 * kSecond;
  f.deadline = 31 * kSecond;
  f.persisted_fraction = 1.0 / 3;
  send(12 * kSecond + 500, f);
  send(12 * kSecond + 500, ev::FailoverStarted{model::FailoverCause::task, kSecond, 1, true});
  send(12 * kSecond + 600, ev::UploadsStopped{2, 4096});
  send(21 * kSecond, ev::CheckpointCreated{3, 20 * kSecond, 41 * kSecond});
  ev::RunFinished fin{};
  fin.job_status = model::JobStatus::RUNNING;
  fin.interval = 10 * kSecond;
  fin.timeout = 20 * kSecond;
  fin.max_concurrent = 1;
  fin.max_lag = 250;
  fin.max_lag_bytes = 5000;
  fin.fingerprint = "53de64a7c01f9e22";
  send(30 * kSecond, fin);

  std::ostringstream out;
  write_summary_json(out, r);
  const std::string expected = R"({
  "scenario": "tiny \"quoted\"",
  "seed": 7,
  "duration": 30000,
  "fingerprint": "53de64a7c01f9e22",
  "counts": {"total": 3, "completed": 1, "failed": 1, "in_progress": 1},
  "summary": {
    "end_to_end_duration": {"min": 1000.001, "avg": 1000.001, "p50": 1000.001, "p90": 1000.001, "p99": 1000.001, "max": 1000.001},
    "checkpointed_size": {"min": 100000000, "avg": 100000000, "p50": 100000000, "p90": 100000000, "p99": 100000000, "max": 100000000},
    "state_size": {"min": 100000000, "avg": 100000000, "p50": 100000000, "p90": 100000000, "p99": 100000000, "max": 100000000},
    "alignment_duration": {"min": 0, "avg": 0, "p50": 0, "p90": 0, "p99": 0, "max": 0}
  },
  "history": [
    {"id": 1, "status": "COMPLETED", "checkpoint_type": "CHECKPOINT", "trigger_timestamp": 1000, "latest_ack_timestamp": 2000.001, "end_to_end_duration": 1000.001, "checkpointed_size": 100000000, "state_size": 100000000, "persisted_fraction": 1.0, "timeout": 5000, "deadline": 6000, "rescued": false, "failure_reason": null, "alignment_duration": 0, "start_delay": 1},
    {"id": 2, "status": "FAILED", "checkpoint_type": "UNALIGNED_CHECKPOINT", "trigger_timestamp": 11000, "latest_ack_timestamp": null, "end_to_end_duration": 1000.5, "checkpointed_size": 0, "state_size": 0, "persisted_fraction": 0.333333, "timeout": 20000, "deadline": 31000, "rescued": false, "failure_reason": "CHECKPOINT_COORDINATOR_SUSPEND", "alignment_duration": 0, "start_delay": 0},
    {"id": 3, "status": "IN_PROGRESS", "checkpoint_type": "CHECKPOINT", "trigger_timestamp": 21000, "latest_ack_timestamp": null, "end_to_end_duration": null, "checkpointed_size": 0, "state_size": 0, "persisted_fraction": null, "timeout": 20000, "deadline": 41000, "rescued": false, "failure_reason": null, "alignment_duration": 0, "start_delay": 0}
  ],
  "metrics": {
    "failovers": 1,
    "jobmanager_failovers": 0,
    "job_status": "RUNNING",
    "completed": 1,
    "failed": 1,
    "expired": 0,
    "rescued": 0,
    "wasted_bytes": 4096,
    "max_time_without_completed_checkpoint": 27999.999,
    "time_in_failure_loop": 0,
    "replayed_bytes": 0,
    "replayed_time": 0,
    "max_lag": 0.25,
    "final_lag": 0,
    "max_lag_bytes": 5000,
    "final_lag_bytes": 0,
    "patches_accepted": 1,
    "patches_rejected": 0,
    "torn_observations": 1
  },
  "patches": [
    {"at": 3000, "status": 200, "message": "", "body": {"checkpointTimeout": "20s"}, "effective": {"interval": 10000, "timeout": 20000}}
  ],
  "torn_observations": [
    {"at": 4000, "reader": "periodic-trigger", "interval": 10000, "timeout": 5000}
  ],
  "config": {"interval": 10000, "timeout": 20000, "min_pause": 0, "max_concurrent": 1, "tolerable_failed_checkpoints": 0}
}
)";
  CHECK(out.str() == expected);
  CHECK(valid_json(out.str()));

  std::ostringstream csv;
  write_history_csv(csv, r);
  CHECK(csv.str() ==
        "id,status,checkpoint_type,trigger_timestamp,latest_ack_timestamp,end_to_end_duration,"
        "checkpointed_size,state_size,persisted_fraction,timeout,deadline,rescued,failure_reason,"
        "alignment_duration,start_delay\n"
        "1,COMPLETED,CHECKPOINT,1000,2000.001,1000.001,100000000,100000000,1.0,5000,6000,false,,0,1\n"
        "2,FAILED,UNALIGNED_CHECKPOINT,11000,,1000.5,0,0,0.333333,20000,31000,false,"
        "CHECKPOINT_COORDINATOR_SUSPEND,0,0\n"
        "3,IN_PROGRESS,CHECKPOINT,21000,,,0,0,,20000,41000,false,,0,0\n");

  std::ostringstream table;
  write_table(table, r);
  CHECK(table.str().find("fingerprint  53de64a7c01f9e22") != std::string::npos);
  CHECK(table.str().find("1.00 s") != std::string::npos);
}

TEST_CASE("a deadline that never comes is unknown in both writers: null in JSON, an empty CSV cell") {
  // A timeout so long that creation + timeout saturates at sim::kNever (the model's rule).
  Recorder r(scenario(10 * kSecond));
  r.on_event({kSecond, ev::CheckpointCreated{1, sim::kNever, sim::kNever}});
  r.on_event({2 * kSecond, ev::CheckpointCreated{2, 5 * kSecond, 7 * kSecond}});
  std::ostringstream json, csv;
  write_summary_json(json, r);
  write_history_csv(csv, r);
  CHECK(json.str().find(R"("timeout": 9223372036854775.807, "deadline": null,)") != std::string::npos);
  CHECK(json.str().find(R"("timeout": 5000, "deadline": 7000,)") != std::string::npos);
  const std::string rows = csv.str().substr(csv.str().find('\n') + 1);
  CHECK(rows == "1,IN_PROGRESS,CHECKPOINT,1000,,,0,0,,9223372036854775.807,,false,,0,0\n"
                "2,IN_PROGRESS,CHECKPOINT,2000,,,0,0,,5000,7000,false,,0,0\n");
}

TEST_CASE("history.csv's header and summary.json's history keys are the same fields, in order") {
  Recorder r(scenario(10 * kSecond));
  r.on_event({kSecond, ev::CheckpointCreated{1, 5 * kSecond, 6 * kSecond}});
  std::ostringstream json;
  write_summary_json(json, r);
  // Each CSV column is the next key of the JSON history entry.
  const std::string s = json.str();
  const std::string header = history_csv_header() + ",";
  size_t at = s.find("{\"id\": "), columns = 0;
  for (size_t start = 0, comma; (comma = header.find(',', start)) != std::string::npos; start = comma + 1) {
    const std::string key = fmt::format("\"{}\": ", header.substr(start, comma - start));
    const size_t next = s.find(key, at);
    CHECK_MESSAGE(next == at + (columns == 0 ? 1 : 2), key);
    at = s.find_first_of(",}", next + key.size());
    ++columns;
  }
  CHECK(columns == 15);
  CHECK(s[at] == '}');
}

TEST_CASE("summary.json with no checkpoints: null statistics, empty lists") {
  Recorder r(scenario(kSecond));
  std::ostringstream out;
  write_summary_json(out, r);
  CHECK(valid_json(out.str()));
  CHECK(out.str().find(R"("end_to_end_duration": {"min": null)") != std::string::npos);
  CHECK(out.str().find(R"("history": [],)") != std::string::npos);
  CHECK(out.str().find(R"("fingerprint": null)") != std::string::npos);
}

TEST_CASE("events.jsonl: one valid JSON object per event, with at and type") {
  std::ostringstream out;
  {
    EventsJsonlWriter w(out);
    synthetic(w, 50, 10 * kSecond, 10 * kMinute, true);
  }
  std::istringstream in(out.str());
  std::string line;
  int n = 0, config_reads = 0;
  while (std::getline(in, line)) {
    ++n;
    INFO(line);
    REQUIRE(valid_json(line));
    CHECK(line.rfind("{\"at\": ", 0) == 0);
    CHECK(line.find("\"type\": \"") != std::string::npos);
    if (line.find("\"type\": \"config-read\"") != std::string::npos) {
      ++config_reads;
      CHECK(line.find("\"reader\": \"pending-checkpoint\"") != std::string::npos);
      CHECK(line.find("\"torn\": ") != std::string::npos);
      CHECK(line.find("\"interval\": ") != std::string::npos);
      CHECK(line.find("\"timeout\": ") != std::string::npos);
    }
  }
  CHECK(n > 300);
  CHECK(config_reads == 50);
  CHECK(out.str().find(R"("message": "checkpointInterval: expected a duration, got \"x\"")") !=
        std::string::npos);
}

TEST_CASE("trace.json is valid JSON with the coordinator and one track per subtask, named after its operator") {
  model::Scenario job = scenario(10 * kMinute);
  model::OperatorSpec src, agg;
  src.name = "src";
  src.rate = 1e6;
  agg.name = "agg";
  agg.parallelism = 2;
  job.operators = {src, agg};
  job.edges = {{"src", "agg", model::Partitioning::hash, {}}};
  std::ostringstream out;
  {
    TraceJsonWriter w(out, job);
    synthetic(w, 50, 10 * kSecond, 10 * kMinute, true);
  }
  const std::string t = out.str();
  CHECK(valid_json(t));
  CHECK(t.find(R"("displayTimeUnit": "ms")") != std::string::npos);
  CHECK(t.find(R"("name": "checkpoint 7", "cat": "checkpoint", "ph": "X")") != std::string::npos);
  // Subtask 2 is agg's second: its track is "agg[1]", in the process "agg" (sorted after src).
  CHECK(t.find(R"({"name": "thread_name", "ph": "M", "pid": 3, "tid": 2, "args": {"name": "agg[1]"}})") != std::string::npos);
  CHECK(t.find(R"({"name": "thread_name", "ph": "M", "pid": 2, "tid": 0, "args": {"name": "src[0]"}})") != std::string::npos);
  CHECK(t.find(R"({"name": "process_name", "ph": "M", "pid": 3, "tid": 0, "args": {"name": "agg"}})") != std::string::npos);
  CHECK(t.find(R"({"name": "process_sort_index", "ph": "M", "pid": 3, "tid": 0, "args": {"sort_index": 3}})") != std::string::npos);
  CHECK(t.find("subtask 2") == std::string::npos);
  CHECK(t.find(R"("name": "async", "cat": "subtask", "ph": "X", "ts": 6100, "dur": 400000, "pid": 3, "tid": 1)") != std::string::npos);
  for (const char* span : {"\"start delay\"", "\"alignment\"", "\"sync\"", "\"async\""})
    CHECK(t.find(span) != std::string::npos);
  CHECK(t.find(R"("name": "PATCH 200")") != std::string::npos);
  CHECK(t.find(R"x("name": "failover (jobmanager)")x") != std::string::npos);
  CHECK(t.find(R"x("name": "torn read (pending-checkpoint)")x") != std::string::npos);
  std::ofstream("/tmp/ckptsim-test-trace.json") << t;
  // Without RunFinished, the destructor still closes the document.
  std::ostringstream partial;
  {
    TraceJsonWriter w(partial, job);
    w.on_event({0, ev::CheckpointCreated{1, kSecond, kSecond}});
  }
  CHECK(valid_json(partial.str()));
  CHECK(partial.str().find("IN_PROGRESS") != std::string::npos);
}

TEST_CASE("timeline.svg: small run with bars, well-formed") {
  TimelineSvg svg(scenario(10 * kMinute, "small & <odd> name"));
  Recorder rec(scenario(10 * kMinute));
  Fanout f;
  f.to = {&svg, &rec};
  synthetic(f, 50, 10 * kSecond, 10 * kMinute, false);
  std::ostringstream out;
  svg.write(out);
  const std::string s = out.str();
  CHECK_FALSE(svg.binned());
  CHECK(well_formed_xml(s));
  CHECK(s.find("small &amp; &lt;odd&gt; name") != std::string::npos);
  CHECK(s.find("time (min)") != std::string::npos);
  CHECK(s.find("PATCH 200") != std::string::npos);
  CHECK(s.size() < 200000);
  std::ofstream("/tmp/ckptsim-test-small.svg") << s;
  // deterministic
  TimelineSvg again(scenario(10 * kMinute, "small & <odd> name"));
  synthetic(again, 50, 10 * kSecond, 10 * kMinute, false);
  std::ostringstream out2;
  again.write(out2);
  CHECK(out2.str() == s);
}

TEST_CASE("timeline.svg: 10^5 checkpoints are binned and stay under 2 MB") {
  const sim::Duration every = 30 * kSecond;
  const sim::Duration duration = 100000 * every;  // ~35 days
  TimelineSvg svg(scenario(duration, "large"));
  synthetic(svg, 100000, every, duration, false);
  std::ostringstream out;
  svg.write(out);
  const std::string s = out.str();
  CHECK(svg.binned());
  CHECK(well_formed_xml(s));
  CHECK(s.size() < 2 * 1000 * 1000);
  CHECK(s.find("time (d)") != std::string::npos);
  std::ofstream("/tmp/ckptsim-test-large.svg") << s;
}

TEST_CASE("human units") {
  CHECK(human_duration(0) == "0");
  CHECK(human_duration(850) == "850 us");
  CHECK(human_duration(12345) == "12.3 ms");
  CHECK(human_duration(1500 * kMillisecond) == "1.50 s");
  CHECK(human_duration(90 * kMinute) == "1.50 h");
  CHECK(human_bytes(25e9) == "25.0 GB");
  CHECK(human_bytes(512) == "512 B");
}
