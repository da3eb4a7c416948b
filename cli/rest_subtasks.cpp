#include "cli/rest_subtasks.hpp"

#include <fmt/format.h>

#include "cli/rest_json.hpp"

namespace ckptsim::cli::rest {

namespace {

constexpr int64_t kMax = INT64_MAX;

RestSubtask read_subtask(const Field& s) {
  s.expect_object();
  RestSubtask t;
  t.path = s.path();
  t.index = s.at("index").integer(0, INT32_MAX);
  const Field status = s.at("status");
  const std::string st = status.string();
  if (st == "pending_or_failed") return t;
  if (st != "completed")
    status.fail(fmt::format("expected \"completed\" or \"pending_or_failed\", got \"{}\"", st));
  t.completed = true;
  t.ack_timestamp = s.at("ack_timestamp").integer(0, kMax);
  t.end_to_end_duration = s.at("end_to_end_duration").integer(0, kMax);
  const int64_t state = s.at("state_size").integer(0, kMax);
  if (auto c = s.find("checkpointed_size")) {
    t.uploaded = c->integer(0, kMax);
    t.full_state = state;
  } else {
    t.uploaded = state;
  }
  const Field cp = s.at("checkpoint");
  t.sync_ms = cp.at("sync").integer(0, kMax);
  t.async_ms = cp.at("async").integer(0, kMax);
  const Field al = s.at("alignment");
  t.alignment_ms = al.at("duration").integer(0, kMax);
  for (const char* k : {"buffered", "processed", "persisted"})
    if (auto f = al.find(k)) f->integer(-1, kMax);
  t.start_delay_ms = s.at("start_delay").integer(0, kMax);
  if (auto u = s.find("unaligned_checkpoint")) t.unaligned = u->boolean();
  if (auto a = s.find("aborted")) a->boolean();
  return t;
}

}  // namespace

RestSubtaskDetails read_subtask_details(const std::string& text, const std::string& file) {
  const nlohmann::json doc = parse_response(
      text, file, "GET /jobs/:jobid/checkpoints/details/:checkpointid/subtasks/:vertexid");
  const Field r = root(doc, file);
  RestSubtaskDetails d;
  d.file = file;
  if (auto id = r.find("id")) d.checkpoint_id = id->integer(0, kMax);
  d.num_subtasks = r.at("num_subtasks").integer(0, INT32_MAX);
  if (auto c = r.find("checkpointed_size"))
    d.task_uploaded = c->integer(0, kMax);
  else if (auto s = r.find("state_size"))
    d.task_uploaded = s->integer(0, kMax);
  if (auto summary = r.find("summary")) summary->expect_object();
  const Field subtasks = r.at("subtasks");
  for (size_t i = 0; i < subtasks.size(); ++i) d.subtasks.push_back(read_subtask(subtasks.at(i)));
  if (static_cast<int64_t>(d.subtasks.size()) > d.num_subtasks && d.num_subtasks > 0)
    subtasks.fail(fmt::format("lists {} subtasks, but num_subtasks is {}", d.subtasks.size(),
                              d.num_subtasks));
  return d;
}

}  // namespace ckptsim::cli::rest
