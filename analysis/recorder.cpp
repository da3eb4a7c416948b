#include "analysis/recorder.hpp"

#include <algorithm>
#include <type_traits>

#include <fmt/format.h>

#include "sim/units.hpp"

namespace ckptsim::analysis {

namespace ev = model::events;

const char* to_string(CheckpointStatus s) {
  switch (s) {
    case CheckpointStatus::IN_PROGRESS: return "IN_PROGRESS";
    case CheckpointStatus::COMPLETED: return "COMPLETED";
    case CheckpointStatus::FAILED: return "FAILED";
  }
  return "?";
}

Duration CheckpointRecord::end_to_end_duration() const {
  if (status == CheckpointStatus::FAILED) return std::max<Duration>(0, end_timestamp - trigger_timestamp);
  if (latest_ack_timestamp < 0) return -1;
  return std::max<Duration>(0, latest_ack_timestamp - trigger_timestamp);
}

const std::vector<std::string_view>& metric_names() {
  static const std::vector<std::string_view> names{
      "failovers", "jobmanager_failovers", "job_status", "completed", "failed", "expired",
      "rescued", "wasted_bytes", "max_time_without_completed_checkpoint", "time_in_failure_loop",
      "replayed_bytes", "replayed_time", "max_lag", "final_lag", "max_lag_bytes",
      "final_lag_bytes", "patches_accepted", "patches_rejected", "torn_observations"};
  return names;
}

bool metric_is_time(std::string_view n) {
  return n == "max_time_without_completed_checkpoint" || n == "time_in_failure_loop" ||
         n == "replayed_time" || n == "max_lag" || n == "final_lag";
}

Recorder::Recorder(const model::Scenario& s)
    : name_(s.name), seed_(s.seed), duration_(s.duration) {
  config_.interval = s.checkpointing.interval;
  config_.timeout = s.checkpointing.timeout;
  config_.min_pause = s.checkpointing.min_pause;
  config_.max_concurrent = s.checkpointing.max_concurrent;
  config_.tolerable_failed_checkpoints = s.checkpointing.tolerable_failed_checkpoints;
}

CheckpointRecord* Recorder::find(int64_t id) {
  // Pending checkpoints are the newest: look at the tail first.
  const size_t n = history_.size();
  for (size_t k = 0; k < n && k < 8; ++k)
    if (history_[n - 1 - k].id == id) return &history_[n - 1 - k];
  if (ids_sorted_) {
    auto it = std::lower_bound(history_.begin(), history_.end(), id,
                               [](const CheckpointRecord& r, int64_t v) { return r.id < v; });
    return it != history_.end() && it->id == id ? &*it : nullptr;
  }
  for (auto& r : history_)
    if (r.id == id) return &r;
  return nullptr;
}

const CheckpointRecord* Recorder::checkpoint(int64_t id) const {
  return const_cast<Recorder*>(this)->find(id);
}

Time Recorder::end_of_run() const { return std::max(duration_, last_event_); }

void Recorder::on_event(const model::DomainEvent& e) {
  last_event_ = std::max(last_event_, e.at);
  const Time at = e.at;
  std::visit(
      [&](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, ev::JobStatusChanged>) {
          m_.job_status = b.status;
        } else if constexpr (std::is_same_v<T, ev::ConfigRead>) {
          if (b.torn) torn_.push_back({at, b.reader, b.interval, b.timeout, b.checkpoint_id});
        } else if constexpr (std::is_same_v<T, ev::CheckpointCreated>) {
          CheckpointRecord r;
          r.id = b.id;
          r.trigger_timestamp = at;
          r.timeout = b.timeout;
          r.original_deadline = b.deadline;
          r.deadline = b.deadline;
          if (!history_.empty() && history_.back().id >= b.id) ids_sorted_ = false;
          history_.push_back(r);
        } else if constexpr (std::is_same_v<T, ev::CheckpointRearmed>) {
          if (auto* r = find(b.id)) r->deadline = b.deadline;
        } else if constexpr (std::is_same_v<T, ev::SubtaskAcknowledged>) {
          // Keeps pending records informative; completion or failure overwrites these.
          if (auto* r = find(b.id); r && r->status == CheckpointStatus::IN_PROGRESS) {
            r->latest_ack_timestamp = std::max(r->latest_ack_timestamp, b.ack);
            r->checkpointed_size += b.checkpointed_size;
            r->state_size += b.state_size;
            r->alignment_duration = std::max(r->alignment_duration, b.last_barrier - b.first_barrier);
            r->start_delay = std::max(r->start_delay, b.first_barrier - r->trigger_timestamp);
            if (b.unaligned) r->type = model::CheckpointType::UNALIGNED_CHECKPOINT;
          }
        } else if constexpr (std::is_same_v<T, ev::CheckpointCompleted>) {
          CheckpointRecord* r = find(b.id);
          if (!r) {  // created before the recorder attached: keep it anyway
            history_.push_back({});
            r = &history_.back();
            r->id = b.id;
            if (history_.size() > 1 && history_[history_.size() - 2].id >= b.id) ids_sorted_ = false;
          }
          r->status = CheckpointStatus::COMPLETED;
          r->type = b.type;
          r->trigger_timestamp = b.trigger_timestamp;
          r->latest_ack_timestamp = b.latest_ack_timestamp;
          r->end_timestamp = at;
          r->checkpointed_size = b.checkpointed_size;
          r->state_size = b.state_size;
          r->persisted_fraction = 1.0;
          r->timeout = b.timeout;
          r->original_deadline = b.original_deadline;
          r->deadline = b.deadline;
          r->rescued = b.rescued;
          r->alignment_duration = b.alignment_duration;
          r->start_delay = b.start_delay;
          ++m_.completed;
          if (b.rescued) ++m_.rescued;
          m_.max_time_without_completed_checkpoint =
              std::max(m_.max_time_without_completed_checkpoint, at - last_completion_);
          last_completion_ = at;
          if (in_failure_loop_) {
            m_.time_in_failure_loop += at - failure_loop_start_;
            in_failure_loop_ = false;
          }
        } else if constexpr (std::is_same_v<T, ev::CheckpointFailed>) {
          CheckpointRecord* r = find(b.id);
          if (!r) {
            history_.push_back({});
            r = &history_.back();
            r->id = b.id;
            r->original_deadline = b.deadline;
            if (history_.size() > 1 && history_[history_.size() - 2].id >= b.id) ids_sorted_ = false;
          }
          r->status = CheckpointStatus::FAILED;
          r->failure_reason = b.reason;
          r->counted = b.counted;
          r->type = b.type;
          r->trigger_timestamp = b.trigger_timestamp;
          r->latest_ack_timestamp = b.latest_ack_timestamp;
          r->end_timestamp = at;
          r->checkpointed_size = b.checkpointed_size;
          r->state_size = b.state_size;
          r->persisted_fraction = b.persisted_fraction;
          r->timeout = b.timeout;
          r->deadline = b.deadline;
          r->alignment_duration = b.alignment_duration;
          r->start_delay = b.start_delay;
          ++m_.failed;
          if (b.reason == model::FailureReason::CHECKPOINT_EXPIRED) ++m_.expired;
        } else if constexpr (std::is_same_v<T, ev::UploadsStopped>) {
          m_.wasted_bytes += b.wasted_bytes;
        } else if constexpr (std::is_same_v<T, ev::FailureCounted>) {
          if (b.count == 1 && !in_failure_loop_) {
            in_failure_loop_ = true;
            failure_loop_start_ = at;
          }
        } else if constexpr (std::is_same_v<T, ev::FailoverStarted>) {
          ++m_.failovers;
          if (b.cause == model::FailoverCause::jobmanager) ++m_.jobmanager_failovers;
        } else if constexpr (std::is_same_v<T, ev::PatchAnswered>) {
          if (b.status == 200) {
            ++m_.patches_accepted;
            config_.interval = b.interval;
            config_.timeout = b.timeout;
          } else {
            ++m_.patches_rejected;
          }
          patches_.push_back({at, b.status, b.message, b.body, b.interval, b.timeout});
        } else if constexpr (std::is_same_v<T, ev::ConfigWritten>) {
          if (b.interval_written) config_.interval = b.interval;
          if (b.timeout_written) config_.timeout = b.timeout;
        } else if constexpr (std::is_same_v<T, ev::ConfigReloaded>) {
          config_.interval = b.interval;
          config_.timeout = b.timeout;
        } else if constexpr (std::is_same_v<T, ev::RunFinished>) {
          finished_ = true;
          m_.job_status = b.job_status;
          config_ = {b.interval, b.timeout, b.min_pause, b.max_concurrent,
                     b.tolerable_failed_checkpoints};
          m_.max_lag_bytes = b.max_lag_bytes;
          m_.final_lag_bytes = b.final_lag_bytes;
          m_.max_lag = b.max_lag;
          m_.final_lag = b.final_lag;
          m_.replayed_bytes = b.replayed_bytes;
          m_.replayed_time = b.replayed_time;
          fingerprint_ = b.fingerprint;
          events_run_ = b.events_run;
        }
      },
      e.body);
}

Metrics Recorder::metrics() const {
  Metrics m = m_;
  const Time end = end_of_run();
  m.max_time_without_completed_checkpoint =
      std::max(m.max_time_without_completed_checkpoint, end - last_completion_);
  if (in_failure_loop_) m.time_in_failure_loop += std::max<Duration>(0, end - failure_loop_start_);
  m.torn_observations = static_cast<int64_t>(torn_.size());
  return m;
}

namespace {
// Value of a numeric metric in its native unit (µs for times), or empty.
std::optional<int64_t> raw_metric(const Metrics& m, std::string_view n) {
  if (n == "failovers") return m.failovers;
  if (n == "jobmanager_failovers") return m.jobmanager_failovers;
  if (n == "completed") return m.completed;
  if (n == "failed") return m.failed;
  if (n == "expired") return m.expired;
  if (n == "rescued") return m.rescued;
  if (n == "wasted_bytes") return m.wasted_bytes;
  if (n == "max_time_without_completed_checkpoint") return m.max_time_without_completed_checkpoint;
  if (n == "time_in_failure_loop") return m.time_in_failure_loop;
  if (n == "replayed_bytes") return m.replayed_bytes;
  if (n == "replayed_time") return m.replayed_time;
  if (n == "max_lag") return m.max_lag;
  if (n == "final_lag") return m.final_lag;
  if (n == "max_lag_bytes") return m.max_lag_bytes;
  if (n == "final_lag_bytes") return m.final_lag_bytes;
  if (n == "patches_accepted") return m.patches_accepted;
  if (n == "patches_rejected") return m.patches_rejected;
  if (n == "torn_observations") return m.torn_observations;
  return std::nullopt;
}
}  // namespace

std::optional<double> Recorder::metric(std::string_view name) const {
  auto v = raw_metric(metrics(), name);
  if (!v) return std::nullopt;
  if (metric_is_time(name)) return static_cast<double>(*v) / 1000.0;
  return static_cast<double>(*v);
}

std::optional<std::string> Recorder::metric_text(std::string_view name) const {
  if (name == "job_status") return job_status();
  auto v = raw_metric(metrics(), name);
  if (!v) return std::nullopt;
  if (metric_is_time(name)) return sim::format_ms(*v);
  return fmt::format("{}", *v);
}

std::string Recorder::job_status() const { return model::to_string(m_.job_status); }

Counts Recorder::counts() const {
  Counts c;
  c.total = static_cast<int64_t>(history_.size());
  for (const auto& r : history_) {
    switch (r.status) {
      case CheckpointStatus::COMPLETED: ++c.completed; break;
      case CheckpointStatus::FAILED: ++c.failed; break;
      case CheckpointStatus::IN_PROGRESS: ++c.in_progress; break;
    }
  }
  return c;
}

SummaryStats Recorder::summary(Field f) const {
  std::vector<int64_t> v;
  for (const auto& r : history_) {
    if (r.status != CheckpointStatus::COMPLETED) continue;
    switch (f) {
      case Field::end_to_end_duration: v.push_back(r.end_to_end_duration()); break;
      case Field::checkpointed_size: v.push_back(r.checkpointed_size); break;
      case Field::state_size: v.push_back(r.state_size); break;
      case Field::alignment_duration: v.push_back(r.alignment_duration); break;
    }
  }
  SummaryStats s;
  s.count = static_cast<int64_t>(v.size());
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  // Nearest rank: the ceil(p/100 * n)-th smallest value (1-based), integer arithmetic.
  auto rank = [&](int p) {
    size_t n = v.size();
    size_t k = (static_cast<size_t>(p) * n + 99) / 100;
    if (k < 1) k = 1;
    return v[k - 1];
  };
  s.min = v.front();
  s.max = v.back();
  s.p50 = rank(50);
  s.p90 = rank(90);
  s.p99 = rank(99);
  // Exact integer sum (128-bit), one division: the same double everywhere.
  __int128 sum = 0;
  for (int64_t x : v) sum += x;
  s.avg = static_cast<double>(sum) / static_cast<double>(v.size());
  return s;
}

}  // namespace ckptsim::analysis
