#include "cli/rest_checkpoints.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <string_view>

#include <fmt/format.h>

#include "cli/rest_json.hpp"

namespace ckptsim::cli::rest {

namespace {

constexpr std::string_view kEndpoint = "GET /jobs/:jobid/checkpoints";
constexpr int64_t kMax = INT64_MAX;

struct StatusName {
  RestStatus status;
  const char* name;  // the status field
  const char* tag;   // the type tag's value for it
};
constexpr std::array<StatusName, 3> kStatuses{{{RestStatus::IN_PROGRESS, "IN_PROGRESS", "in_progress"},
                                              {RestStatus::COMPLETED, "COMPLETED", "completed"},
                                              {RestStatus::FAILED, "FAILED", "failed"}}};

RestStatus read_status(const Field& f) {
  const std::string s = f.string();
  for (const StatusName& n : kStatuses)
    if (s == n.name) return n.status;
  f.fail(fmt::format("expected IN_PROGRESS, COMPLETED or FAILED, got \"{}\"", s));
}

// The type tag (Jackson's polymorphic name) must agree with the status when present.
void check_tag(const Field& entry, RestStatus status, std::string& tag_key) {
  for (const char* key : {"className", "@class"}) {
    auto tag = entry.find(key);
    if (!tag) continue;
    const std::string v = tag->string();
    const char* want = kStatuses[static_cast<size_t>(status)].tag;
    if (v != want)
      tag->fail(fmt::format("\"{}\" does not match status {} (expected \"{}\")", v,
                            to_string(status), want));
    if (tag_key.empty()) tag_key = key;
    return;
  }
}

void read_summary(const Field& summary, RestCheckpoints& out) {
  summary.expect_object();
  for (const auto& [key, value] : summary.json().items()) {
    (void)value;
    const Field stat = summary.at(key);
    if (!stat.is_object()) continue;  // not a statistic of any known version: ignored
    for (const char* k : {"min", "max", "avg", "p50", "p90", "p95", "p99", "p999"})
      if (auto f = stat.find(k)) f->number_or_nan();
    if (key == "end_to_end_duration") {
      if (auto p = stat.find("p50")) out.summary_p50_ms = p->number_or_nan();
      if (auto p = stat.find("p90")) out.summary_p90_ms = p->number_or_nan();
    }
  }
}

RestCheckpoint read_entry(const Field& e, size_t index, RestCheckpoints& out) {
  e.expect_object();
  RestCheckpoint c;
  c.index = index;
  c.id = e.at("id").integer(0, kMax);
  c.status = read_status(e.at("status"));
  check_tag(e, c.status, out.type_tag);
  if (auto f = e.find("is_savepoint")) c.is_savepoint = f->boolean();
  if (auto f = e.find("checkpoint_type")) {
    c.checkpoint_type = f->string();
    out.has_checkpoint_type = true;
    if (c.checkpoint_type.find("SAVEPOINT") != std::string::npos) c.is_savepoint = true;
  }
  c.trigger_timestamp = e.at("trigger_timestamp").integer(0, kMax);
  if (auto f = e.find("latest_ack_timestamp")) {
    const int64_t v = f->integer(-1, kMax);
    if (v > 0) c.latest_ack_timestamp = v;
  }
  const Field e2e = e.at("end_to_end_duration");
  c.end_to_end_duration = e2e.integer(-1, kMax);
  if (c.status == RestStatus::COMPLETED && c.end_to_end_duration < 0)
    e2e.fail("expected a duration >= 0 for a COMPLETED checkpoint, got -1");
  if (auto f = e.find("checkpointed_size")) {
    c.checkpointed_size = f->integer(0, kMax);
    out.has_checkpointed_size = true;
  }
  c.state_size = e.at("state_size").integer(0, kMax);
  c.num_subtasks = e.at("num_subtasks").integer(0, kMax);
  if (auto f = e.find("num_acknowledged_subtasks")) c.num_acknowledged_subtasks = f->integer(0, kMax);
  for (const char* k : {"alignment_buffered", "processed_data", "persisted_data"})
    if (auto f = e.find(k)) f->integer(-1, kMax);
  if (auto f = e.find("tasks")) f->expect_object();
  if (c.status == RestStatus::FAILED) {
    if (auto f = e.find("failure_timestamp")) c.failure_timestamp = f->integer(0, kMax);
    if (auto f = e.find("failure_message")) c.failure_message = f->string();
  }
  return c;
}

}  // namespace

const char* to_string(RestStatus s) { return kStatuses[static_cast<size_t>(s)].name; }

bool RestCheckpoint::expired() const {
  return failure_message.find("expired") != std::string::npos ||
         failure_message.find("CHECKPOINT_EXPIRED") != std::string::npos;
}

std::string RestCheckpoints::shape() const {
  if (type_tag == "className") return "Flink 1.19+ (className type tags, checkpointed_size)";
  if (has_checkpointed_size) return "Flink 1.15-1.18 (@class type tags, checkpointed_size)";
  if (has_checkpoint_type) return "Flink 1.12-1.14 (no checkpointed_size: state_size is the upload)";
  return "Flink 1.11 or older (no checkpoint_type, no checkpointed_size)";
}

RestCheckpoints read_checkpoints(const std::string& text, const std::string& file) {
  const nlohmann::json doc = parse_response(text, file, kEndpoint);
  const Field r = root(doc, file);
  RestCheckpoints out;
  out.file = file;
  if (auto counts = r.find("counts")) {
    RestCounts c;
    c.restored = counts->at("restored").integer(0, kMax);
    c.total = counts->at("total").integer(0, kMax);
    c.in_progress = counts->at("in_progress").integer(0, kMax);
    c.completed = counts->at("completed").integer(0, kMax);
    c.failed = counts->at("failed").integer(0, kMax);
    out.counts = c;
  }
  if (auto summary = r.find("summary")) read_summary(*summary, out);
  if (auto latest = r.find("latest")) latest->expect_object();
  const Field history = r.at("history");
  std::map<int64_t, size_t> seen;  // id -> index
  for (size_t i = 0; i < history.size(); ++i) {
    const Field e = history.at(i);
    RestCheckpoint c = read_entry(e, i, out);
    if (auto [it, fresh] = seen.emplace(c.id, i); !fresh)
      e.at("id").fail(fmt::format("checkpoint {} appears twice (also history[{}])", c.id, it->second));
    out.history.push_back(std::move(c));
  }
  std::sort(out.history.begin(), out.history.end(),
            [](const RestCheckpoint& a, const RestCheckpoint& b) { return a.id < b.id; });
  return out;
}

}  // namespace ckptsim::cli::rest
