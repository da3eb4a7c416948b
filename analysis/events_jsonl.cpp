#include "analysis/events_jsonl.hpp"

#include <type_traits>

#include <fmt/format.h>

#include "analysis/json_util.hpp"
#include "sim/units.hpp"

namespace ckptsim::analysis {

namespace ev = model::events;

namespace {

// Appends `, "key": value` pieces.
struct Line {
  std::string s;
  void raw(std::string_view key, std::string_view v) {
    s += ", \"";
    s += key;
    s += "\": ";
    s += v;
  }
  void ms(std::string_view key, sim::Time t) { raw(key, json::ms(t)); }
  void ms_or_null(std::string_view key, sim::Time t) { raw(key, t < 0 ? "null" : json::ms(t)); }
  void i(std::string_view key, int64_t v) { raw(key, fmt::format("{}", v)); }
  void id_or_null(std::string_view key, int64_t v) {
    raw(key, v < 0 ? std::string("null") : fmt::format("{}", v));
  }
  void b(std::string_view key, bool v) { raw(key, v ? "true" : "false"); }
  void str(std::string_view key, std::string_view v) { raw(key, json::quote(v)); }
  void d(std::string_view key, double v) { raw(key, json::number(v)); }
};

// The fields of each event type, one overload per type: a type without one does not compile.
void fields(Line& l, const ev::JobStatusChanged& b) {
  l.str("status", model::to_string(b.status));
}

void fields(Line& l, const ev::PeriodicTick& b) {
  l.ms("next_tick", b.next_tick);
}

void fields(Line& l, const ev::RequestDropped& b) {
  l.str("reason", model::to_string(b.reason));
}

void fields(Line& l, const ev::TriggerRescheduled& b) {
  l.ms("next_tick", b.next_tick);
}

void fields(Line& l, const ev::ConfigRead& b) {
  l.str("reader", model::to_string(b.reader));
  l.ms("interval", b.interval);
  l.ms("timeout", b.timeout);
  l.b("torn", b.torn);
  l.id_or_null("checkpoint_id", b.checkpoint_id);
}

void fields(Line& l, const ev::CheckpointCreated& b) {
  l.i("id", b.id);
  l.ms("timeout", b.timeout);
  l.ms("deadline", b.deadline);
}

void fields(Line& l, const ev::CheckpointRearmed& b) {
  l.i("id", b.id);
  l.ms("old_deadline", b.old_deadline);
  l.ms("deadline", b.deadline);
}

void fields(Line& l, const ev::SubtaskAcknowledged& b) {
  l.i("id", b.id);
  l.i("subtask", b.subtask);
  l.ms("first_barrier", b.first_barrier);
  l.ms("last_barrier", b.last_barrier);
  l.ms("snapshot", b.snapshot);
  l.ms("sync_end", b.sync_end);
  l.ms("upload_end", b.upload_end);
  l.ms("ack", b.ack);
  l.i("state_size", b.state_size);
  l.i("checkpointed_size", b.checkpointed_size);
  l.i("inflight_size", b.inflight_size);
  l.b("unaligned", b.unaligned);
}

void fields(Line& l, const ev::CheckpointCompleted& b) {
  l.i("id", b.id);
  l.ms("trigger_timestamp", b.trigger_timestamp);
  l.ms("latest_ack_timestamp", b.latest_ack_timestamp);
  l.i("checkpointed_size", b.checkpointed_size);
  l.i("state_size", b.state_size);
  l.ms("alignment_duration", b.alignment_duration);
  l.ms("start_delay", b.start_delay);
  l.str("checkpoint_type", model::to_string(b.type));
  l.ms("timeout", b.timeout);
  l.ms("original_deadline", b.original_deadline);
  l.ms("deadline", b.deadline);
  l.b("rescued", b.rescued);
}

void fields(Line& l, const ev::CheckpointFailed& b) {
  l.i("id", b.id);
  l.str("reason", model::to_string(b.reason));
  l.ms("trigger_timestamp", b.trigger_timestamp);
  l.ms_or_null("latest_ack_timestamp", b.latest_ack_timestamp);
  l.i("checkpointed_size", b.checkpointed_size);
  l.i("state_size", b.state_size);
  l.ms("alignment_duration", b.alignment_duration);
  l.ms("start_delay", b.start_delay);
  l.str("checkpoint_type", model::to_string(b.type));
  l.ms("timeout", b.timeout);
  l.ms("deadline", b.deadline);
  l.raw("persisted_fraction", json::fraction(b.persisted_fraction));
  l.b("counted", b.counted);
}

void fields(Line& l, const ev::UploadsStopped& b) {
  l.i("id", b.id);
  l.i("wasted_bytes", b.wasted_bytes);
}

void fields(Line& l, const ev::FailureCounted& b) {
  l.i("id", b.id);
  l.i("count", b.count);
}

void fields(Line& l, const ev::FailoverStarted& b) {
  l.str("cause", model::to_string(b.cause));
  l.ms("restart_delay", b.restart_delay);
  l.id_or_null("restore_checkpoint", b.restore_checkpoint);
  l.b("begins_restart", b.begins_restart);
}

void fields(Line& l, const ev::TasksRunning& b) {
  l.ms("download", b.download);
}

void fields(Line& l, const ev::PatchAnswered& b) {
  l.i("status", b.status);
  l.str("message", b.message);
  const std::string body = json::patch_body(b.body);
  l.raw("body", body);
  l.ms("interval", b.interval);
  l.ms("timeout", b.timeout);
}

void fields(Line& l, const ev::ConfigWritten& b) {
  l.b("interval_written", b.interval_written);
  l.b("timeout_written", b.timeout_written);
  l.ms("interval", b.interval);
  l.ms("timeout", b.timeout);
}

void fields(Line& l, const ev::ConfigReloaded& b) {
  l.ms("interval", b.interval);
  l.ms("timeout", b.timeout);
  l.b("overrides_kept", b.overrides_kept);
}

void fields(Line& l, const ev::LoadChanged& b) {
  l.str("operator", b.operator_name);
  l.id_or_null("subtask", b.subtask);
  // -1: unchanged (null); infinity: unlimited (null too, JSON has no infinity).
  if (b.rate >= 0) l.d("rate", b.rate);
  if (b.capacity >= 0) l.d("capacity", b.capacity);
  l.d("throttle", b.throttle);
}

void fields(Line& l, const ev::StorageChanged& b) {
  l.d("bandwidth", b.bandwidth);
  l.d("per_task_bandwidth", b.per_task_bandwidth);
  l.ms("latency", b.latency);
}

void fields(Line& l, const ev::RunFinished& b) {
  l.str("job_status", model::to_string(b.job_status));
  l.ms("interval", b.interval);
  l.ms("timeout", b.timeout);
  l.ms("min_pause", b.min_pause);
  l.i("max_concurrent", b.max_concurrent);
  l.i("tolerable_failed_checkpoints", b.tolerable_failed_checkpoints);
  l.i("max_lag_bytes", b.max_lag_bytes);
  l.i("final_lag_bytes", b.final_lag_bytes);
  l.ms("max_lag", b.max_lag);
  l.ms("final_lag", b.final_lag);
  l.i("replayed_bytes", b.replayed_bytes);
  l.ms("replayed_time", b.replayed_time);
  l.str("fingerprint", b.fingerprint);
  l.raw("events_run", fmt::format("{}", b.events_run));
}

void fields(Line& l, const ev::StepTaken& b) {
  l.str("step", b.label);
  l.str("side", b.writer ? "writer" : "coordinator");
  l.id_or_null("checkpoint_id", b.checkpoint_id);
  l.ms_or_null("interval_read", b.interval_read);
  l.ms_or_null("timeout_read", b.timeout_read);
  l.b("torn", b.torn);
  if (b.nested) l.b("nested", true);
}

void fields(Line& l, const ev::WindowClosed& b) {
  l.ms("interval", b.interval);
  l.ms("timeout", b.timeout);
  l.raw("next_tick", b.next_tick == sim::kNever ? "null" : json::ms(b.next_tick));
  std::string pending = "[";
  for (const auto& [id, deadline] : b.pending)
    pending += fmt::format("{}{{\"id\": {}, \"deadline\": {}}}", pending.size() > 1 ? ", " : "", id,
                           deadline == sim::kNever ? "null" : json::ms(deadline));
  l.raw("pending", pending + "]");
  l.i("writer_steps_left", b.writer_steps_left);
  l.b("order_followed", b.order_followed);
}

}  // namespace

std::string event_json(const model::DomainEvent& e) {
  Line l;
  l.s = fmt::format("{{\"at\": {}, \"type\": {}", sim::format_ms(e.at),
                    json::quote(model::type_name(e.body)));
  std::visit([&](const auto& b) { fields(l, b); }, e.body);
  l.s += '}';
  return std::move(l.s);
}

void EventsJsonlWriter::on_event(const model::DomainEvent& e) {
  buf_ += event_json(e);
  buf_ += '\n';
  if (buf_.size() >= (1 << 16) || std::holds_alternative<ev::RunFinished>(e.body)) flush();
}

void EventsJsonlWriter::flush() {
  if (!buf_.empty()) {
    out_ << buf_;
    buf_.clear();
  }
}

}  // namespace ckptsim::analysis
