#include "analysis/trace_json.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "analysis/json_util.hpp"
#include "model/job_graph.hpp"
#include "sim/units.hpp"

namespace ckptsim::analysis {

namespace ev = model::events;

namespace {
constexpr int kCoordinatorPid = 1;
constexpr int kFirstOperatorPid = 2;  // operator k is process 2 + k; 2 for unknown subtasks

std::string meta(int pid, int tid, const char* what, const std::string& args) {
  return fmt::format(R"({{"name": "{}", "ph": "M", "pid": {}, "tid": {}, "args": {}}})", what, pid,
                     tid, args);
}
}  // namespace

TraceJsonWriter::TraceJsonWriter(std::ostream& out, const model::Scenario& scenario) : out_(out) {
  buf_ = "{\"traceEvents\": [\n";
  emit(meta(kCoordinatorPid, 0, "process_name", R"({"name": "coordinator"})"));
  emit(meta(kCoordinatorPid, 0, "process_sort_index", R"({"sort_index": 1})"));
  auto built = model::JobGraph::build(scenario.operators, scenario.edges);
  if (const auto* g = std::get_if<model::JobGraph>(&built)) {
    for (const auto& op : g->operators()) operators_.push_back(op.name);
    operator_rank_.assign(operators_.size(), 0);
    for (size_t r = 0; r < g->topological_order().size(); ++r) operator_rank_[g->topological_order()[r]] = static_cast<int>(r);
    for (int32_t s = 0; s < g->subtask_count(); ++s) tracks_.push_back({g->operator_of(s), g->index_in_operator(s)});
  }
  operator_named_.assign(std::max<size_t>(1, operators_.size()), false);
}

// A subtask's track, named on first use: "agg[3]" in the process "agg".
void TraceJsonWriter::name_subtask(int32_t tid) {
  if (static_cast<size_t>(tid) >= subtask_named_.size()) subtask_named_.resize(static_cast<size_t>(tid) + 1);
  if (subtask_named_[tid]) return;
  subtask_named_[tid] = true;
  const Track t = static_cast<size_t>(tid) < tracks_.size() ? tracks_[tid] : Track{};
  const int pid = kFirstOperatorPid + std::max(0, t.op);
  const size_t op = static_cast<size_t>(std::max(0, t.op));
  if (!operator_named_[op]) {
    operator_named_[op] = true;
    emit(meta(pid, 0, "process_name",
              fmt::format(R"({{"name": {}}})", json::quote(t.op < 0 ? "subtasks" : operators_[op]))));
    emit(meta(pid, 0, "process_sort_index",
              fmt::format(R"({{"sort_index": {}}})", kFirstOperatorPid + (t.op < 0 ? 0 : operator_rank_[op]))));
  }
  const std::string name = t.op < 0 ? fmt::format("subtask {}", tid) : fmt::format("{}[{}]", operators_[op], t.index);
  emit(meta(pid, tid, "thread_name", fmt::format(R"({{"name": {}}})", json::quote(name))));
  emit(meta(pid, tid, "thread_sort_index", fmt::format(R"({{"sort_index": {}}})", t.op < 0 ? tid : t.index)));
}

TraceJsonWriter::~TraceJsonWriter() { finish(last_at_); }

void TraceJsonWriter::emit(const std::string& obj) {
  if (!first_) buf_ += ",\n";
  first_ = false;
  buf_ += obj;
  if (buf_.size() >= (1 << 16)) flush();
}

void TraceJsonWriter::flush() {
  if (!buf_.empty()) {
    out_ << buf_;
    buf_.clear();
  }
}

void TraceJsonWriter::checkpoint_span(int64_t id, const Pending& p, sim::Time end,
                                      const char* status, const char* reason) {
  std::string args = fmt::format(R"({{"status": "{}")", status);
  if (reason) args += fmt::format(R"(, "reason": "{}")", reason);
  args += "}";
  emit(fmt::format(
      R"({{"name": "checkpoint {}", "cat": "checkpoint", "ph": "X", "ts": {}, "dur": {}, "pid": {}, "tid": {}, "args": {}}})",
      id, p.trigger, std::max<sim::Time>(0, end - p.trigger), kCoordinatorPid, p.lane, args));
  if (p.lane >= 0 && static_cast<size_t>(p.lane) < lanes_.size()) lanes_[p.lane] = -1;
}

void TraceJsonWriter::instant(sim::Time at, const std::string& name, const std::string& args) {
  emit(fmt::format(
      R"({{"name": {}, "cat": "event", "ph": "i", "s": "g", "ts": {}, "pid": {}, "tid": 0, "args": {}}})",
      json::quote(name), at, kCoordinatorPid, args));
}

void TraceJsonWriter::on_event(const model::DomainEvent& e) {
  if (finished_) return;
  last_at_ = std::max(last_at_, e.at);
  std::visit([&](const auto& b) { on(b, e.at); }, e.body);
}

// A checkpoint takes the first free lane of the coordinator's track (a new one named on first use).
void TraceJsonWriter::on(const ev::CheckpointCreated& b, sim::Time at) {
  int lane = -1;
  for (size_t i = 0; i < lanes_.size(); ++i)
    if (lanes_[i] < 0) {
      lane = static_cast<int>(i);
      break;
    }
  if (lane < 0) {
    lane = static_cast<int>(lanes_.size());
    lanes_.push_back(-1);
    emit(meta(kCoordinatorPid, lane, "thread_name",
              fmt::format(R"({{"name": "checkpoints{}"}})",
                          lane == 0 ? std::string() : fmt::format(" ({})", lane + 1))));
  }
  lanes_[lane] = b.id;
  pending_[b.id] = {at, lane};
}

void TraceJsonWriter::end_checkpoint(int64_t id, sim::Time trigger, sim::Time at, const char* status,
                                     const char* reason) {
  auto it = pending_.find(id);
  Pending p = it != pending_.end() ? it->second : Pending{trigger, 0};
  checkpoint_span(id, p, at, status, reason);
  if (it != pending_.end()) pending_.erase(it);
}

void TraceJsonWriter::on(const ev::CheckpointCompleted& b, sim::Time at) {
  end_checkpoint(b.id, b.trigger_timestamp, at, "COMPLETED", b.rescued ? "rescued" : nullptr);
}

void TraceJsonWriter::on(const ev::CheckpointFailed& b, sim::Time at) {
  end_checkpoint(b.id, b.trigger_timestamp, at, "FAILED", model::to_string(b.reason));
}

// A subtask's track (named on first use) gets its start delay, alignment, sync and async spans.
void TraceJsonWriter::on(const ev::SubtaskAcknowledged& b, sim::Time) {
  const int32_t tid = b.subtask;
  if (tid >= 0) name_subtask(tid);
  const int op = tid >= 0 && static_cast<size_t>(tid) < tracks_.size() ? tracks_[tid].op : -1;
  const int pid = kFirstOperatorPid + std::max(0, op);
  auto span = [&](const char* name, sim::Time from, sim::Time to, const std::string& extra) {
    if (to <= from) return;
    emit(fmt::format(
        R"({{"name": "{}", "cat": "subtask", "ph": "X", "ts": {}, "dur": {}, "pid": {}, "tid": {}, "args": {{"checkpoint": {}{}}}}})",
        name, from, to - from, pid, tid, b.id, extra));
  };
  auto it = pending_.find(b.id);
  if (it != pending_.end()) span("start delay", it->second.trigger, b.first_barrier, "");
  span("alignment", b.first_barrier, b.last_barrier, "");
  span("sync", b.snapshot, b.sync_end, "");
  span("async", b.sync_end, b.upload_end,
       fmt::format(R"(, "checkpointed_size": {}, "inflight_size": {}, "unaligned": {})",
                   b.checkpointed_size, b.inflight_size, b.unaligned));
}

void TraceJsonWriter::on(const ev::PatchAnswered& b, sim::Time at) {
  const std::string body = json::patch_body(b.body);
  instant(at, fmt::format("PATCH {}", b.status),
          fmt::format(R"({{"status": {}, "message": {}, "body": {}, "interval": {}, "timeout": {}}})",
                      b.status, json::quote(b.message), body, sim::format_ms(b.interval),
                      sim::format_ms(b.timeout)));
}

void TraceJsonWriter::on(const ev::FailoverStarted& b, sim::Time at) {
  instant(at, fmt::format("failover ({})", model::to_string(b.cause)),
          fmt::format(R"({{"cause": "{}", "restart_delay": {}, "restore_checkpoint": {}, "begins_restart": {}}})",
                      model::to_string(b.cause), sim::format_ms(b.restart_delay), b.restore_checkpoint,
                      b.begins_restart));
}

void TraceJsonWriter::on(const ev::ConfigRead& b, sim::Time at) {
  if (!b.torn) return;
  instant(at, fmt::format("torn read ({})", model::to_string(b.reader)),
          fmt::format(R"({{"reader": "{}", "interval": {}, "timeout": {}}})", model::to_string(b.reader),
                      sim::format_ms(b.interval), sim::format_ms(b.timeout)));
}

void TraceJsonWriter::on(const ev::JobStatusChanged& b, sim::Time at) {
  instant(at, fmt::format("job {}", model::to_string(b.status)), "{}");
}

void TraceJsonWriter::on(const ev::LoadChanged& b, sim::Time at) {
  instant(at, fmt::format("load {}", b.operator_name),
          fmt::format(R"({{"operator": {}, "rate": {}, "capacity": {}, "throttle": {}}})",
                      json::quote(b.operator_name), json::number(b.rate), json::number(b.capacity),
                      json::number(b.throttle)));
}

void TraceJsonWriter::on(const ev::StorageChanged& b, sim::Time at) {
  instant(at, "storage",
          fmt::format(R"({{"bandwidth": {}, "per_task_bandwidth": {}, "latency": {}}})",
                      json::number(b.bandwidth), json::number(b.per_task_bandwidth),
                      sim::format_ms(b.latency)));
}

void TraceJsonWriter::on(const ev::RunFinished&, sim::Time at) { finish(at); }

void TraceJsonWriter::finish(sim::Time end) {
  if (finished_) return;
  finished_ = true;
  for (const auto& [id, p] : pending_) checkpoint_span(id, p, end, "IN_PROGRESS", nullptr);
  pending_.clear();
  buf_ += "\n],\n\"displayTimeUnit\": \"ms\"}\n";
  flush();
  out_.flush();
}

}  // namespace ckptsim::analysis
