#include "analysis/recorder.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <iterator>
#include <stdexcept>
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

Recorder::Recorder(const model::Scenario& s, size_t distinct_limit)
    : Recorder(s, History::full, {}, distinct_limit) {}

Recorder::Recorder(const model::Scenario& s, History history, std::vector<int64_t> keep_checkpoints,
                   size_t distinct_limit)
    : name_(s.name),
      seed_(s.seed),
      duration_(s.duration),
      history_mode_(history),
      distinct_limit_(distinct_limit) {
  if (history_mode_ == History::summary_only) {
    rows_deferred_ = true;
    keep_ = std::move(keep_checkpoints);
    std::sort(keep_.begin(), keep_.end());
    keep_.erase(std::unique(keep_.begin(), keep_.end()), keep_.end());
  }
  config_.interval = s.checkpointing.interval;
  config_.timeout = s.checkpointing.timeout;
  config_.min_pause = s.checkpointing.min_pause;
  config_.max_concurrent = s.checkpointing.max_concurrent;
  config_.tolerable_failed_checkpoints = s.checkpointing.tolerable_failed_checkpoints;
}

static_assert(std::is_trivially_copyable_v<CheckpointRecord>);

namespace {

int64_t field_value(const CheckpointRecord& r, int f) {
  switch (static_cast<Recorder::Field>(f)) {
    case Recorder::Field::end_to_end_duration: return r.end_to_end_duration();
    case Recorder::Field::checkpointed_size: return r.checkpointed_size;
    case Recorder::Field::state_size: return r.state_size;
    case Recorder::Field::alignment_duration: return r.alignment_duration;
  }
  return 0;
}

// The summary fields of a record, indexed by Recorder::Field (Recorder::Row).
std::array<int64_t, 4> summary_row(const CheckpointRecord& r) {
  std::array<int64_t, 4> row{};
  for (int f = 0; f < 4; ++f) row[static_cast<size_t>(f)] = field_value(r, f);
  return row;
}

}  // namespace

Recorder::~Recorder() = default;

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

namespace {

// The fields that CheckpointCompleted and CheckpointFailed both carry.
template <class Outcome>
void record_outcome(CheckpointRecord& r, const Outcome& b, Time at) {
  r.type = b.type;
  r.trigger_timestamp = b.trigger_timestamp;
  r.latest_ack_timestamp = b.latest_ack_timestamp;
  r.end_timestamp = at;
  r.checkpointed_size = b.checkpointed_size;
  r.state_size = b.state_size;
  r.timeout = b.timeout;
  r.deadline = b.deadline;
  r.alignment_duration = b.alignment_duration;
  r.start_delay = b.start_delay;
}

}  // namespace

CheckpointRecord& Recorder::add(int64_t id) {
  if (history_size() > 0 && last_id_ >= id) ids_sorted_ = false;
  last_id_ = id;
  history_.push_back({});
  history_.back().id = id;
  return history_.back();
}

bool Recorder::kept(int64_t id) const { return std::binary_search(keep_.begin(), keep_.end(), id); }

const CheckpointRecord* Recorder::checkpoint(int64_t id) const {
  if (history_mode_ == History::summary_only) {
    // The same record as with History::full: the one in memory if any, else the oldest
    // spilled one with the id (ids are normally unique).
    if (!kept(id)) return nullptr;
    if (const CheckpointRecord* r = const_cast<Recorder*>(this)->find(id)) return r;
    for (const CheckpointRecord& r : kept_)
      if (r.id == id) return &r;
    return nullptr;
  }
  if (const CheckpointRecord* r = const_cast<Recorder*>(this)->find(id)) return r;
  if (spilled_ == 0) return nullptr;
  if (ids_sorted_) {
    size_t lo = 0, hi = spilled_;
    // Ids are normally consecutive: try the direct position first.
    if (spilled_ > 0 && lookup_.id != id && read_spilled(0, 1, &lookup_)) {
      const int64_t guess = id - lookup_.id;
      if (guess >= 0 && static_cast<size_t>(guess) < spilled_ &&
          read_spilled(static_cast<size_t>(guess), 1, &lookup_) && lookup_.id == id)
        return &lookup_;
    }
    while (lo < hi) {
      const size_t mid = lo + (hi - lo) / 2;
      if (!read_spilled(mid, 1, &lookup_)) return nullptr;
      if (lookup_.id == id) return &lookup_;
      if (lookup_.id < id) lo = mid + 1;
      else hi = mid;
    }
    return nullptr;
  }
  for (size_t i = 0; i < spilled_; ++i)
    if (read_spilled(i, 1, &lookup_) && lookup_.id == id) return &lookup_;
  return nullptr;
}

bool Recorder::read_spilled(size_t first, size_t n, CheckpointRecord* out) const {
  return read_spill_file(first * sizeof(CheckpointRecord), n * sizeof(CheckpointRecord), out);
}

bool Recorder::read_spill_file(size_t offset, size_t bytes, void* out) const {
  auto* dst = static_cast<char*>(out);
  const auto off = static_cast<off_t>(offset);
  size_t got = 0;
  while (got < bytes) {
    const ssize_t k = ::pread(fileno(spill_.get()), dst + got, bytes - got, off + static_cast<off_t>(got));
    if (k <= 0) return false;
    got += static_cast<size_t>(k);
  }
  return true;
}

void Recorder::for_each_checkpoint(const std::function<void(const CheckpointRecord&)>& fn) const {
  if (history_mode_ == History::summary_only)
    throw std::logic_error(
        "Recorder::for_each_checkpoint: this recorder keeps no history (History::summary_only); "
        "construct it with History::full to write or read the per-checkpoint history");
  constexpr size_t kChunk = 512;
  std::vector<CheckpointRecord> buf(std::min(kChunk, spilled_));
  for (size_t i = 0; i < spilled_; i += kChunk) {
    const size_t n = std::min(kChunk, spilled_ - i);
    if (!read_spilled(i, n, buf.data())) throw std::runtime_error("cannot read the recorder's spill file");
    for (size_t k = 0; k < n; ++k) fn(buf[k]);
  }
  for (const auto& r : history_) fn(r);
}

// Straight to the descriptor, not through stdio: no copy into its buffer, and the pread of
// read_spill_file sees every byte without a flush.
void Recorder::write_spill_file(const void* data, size_t bytes) {
  const auto* src = static_cast<const char*>(data);
  for (size_t put = 0; put < bytes;) {
    const ssize_t k = ::write(fileno(spill_.get()), src + put, bytes - put);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) throw std::runtime_error("cannot write the recorder's spill file");
    put += static_cast<size_t>(k);
  }
}

void Recorder::flush_rows() {
  static_assert(sizeof(Row) == 32 && std::is_trivially_copyable_v<Row>);
  if (rows_.empty() || spill_failed_) return;
  if (!spill_) {
    spill_.reset(std::tmpfile());
    if (!spill_) {
      spill_failed_ = true;  // the rows and the records stay in memory from now on
      return;
    }
  }
  write_spill_file(rows_.data(), rows_.size() * sizeof(Row));
  rows_spilled_ += rows_.size();
  rows_.clear();
}

// Moves the finished records at the front of the window out of memory, once the window holds
// 2 * kWindow records (so the erase at the front is amortised): to the spill file with
// History::full; with History::summary_only, the summary fields of the COMPLETED ones to the
// row batch (written whenever it holds kRowBatch rows) and the kept ones to kept_.
void Recorder::maybe_spill() {
  if (history_.size() < 2 * kWindow || spill_failed_) return;
  const bool full = history_mode_ == History::full;
  if (full && !spill_) {
    spill_.reset(std::tmpfile());
    if (!spill_) {
      spill_failed_ = true;
      return;
    }
  }
  size_t n = 0;
  while (n < history_.size() && history_[n].status != CheckpointStatus::IN_PROGRESS) ++n;
  if (n == 0) return;
  if (full) write_spill_file(history_.data(), n * sizeof(CheckpointRecord));
  else if (rows_.capacity() == 0) rows_.reserve(kRowBatch);
  for (size_t i = 0; i < n; ++i) {
    const CheckpointRecord& r = history_[i];
    ++spilled_counts_.total;
    if (r.status == CheckpointStatus::COMPLETED) {
      ++spilled_counts_.completed;
      if (full) {
      } else if (rows_deferred_) {
        ++deferred_rows_;
      } else {
        rows_.push_back(summary_row(r));
        if (rows_.size() == kRowBatch) flush_rows();
      }
    } else {
      ++spilled_counts_.failed;
    }
    if (!full && !keep_.empty() && kept(r.id)) kept_.push_back(r);
  }
  history_.erase(history_.begin(), history_.begin() + static_cast<std::ptrdiff_t>(n));
  spilled_ += n;
}

Time Recorder::end_of_run() const { return std::max(duration_, last_event_); }

void Recorder::on_event(const model::DomainEvent& e) {
  last_event_ = std::max(last_event_, e.at);
  summaries_.reset();
  const Time at = e.at;
  std::visit(
      [&](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, ev::JobStatusChanged>) {
          m_.job_status = b.status;
        } else if constexpr (std::is_same_v<T, ev::ConfigRead>) {
          if (b.torn) torn_.push_back({at, b.reader, b.interval, b.timeout, b.checkpoint_id});
        } else if constexpr (std::is_same_v<T, ev::CheckpointCreated>) {
          CheckpointRecord& r = add(b.id);
          r.trigger_timestamp = at;
          r.timeout = b.timeout;
          r.original_deadline = b.deadline;
          r.deadline = b.deadline;
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
          if (!r) r = &add(b.id);  // created before the recorder attached: keep it anyway
          else if (r->status == CheckpointStatus::COMPLETED) invalidate_folds();
          r->status = CheckpointStatus::COMPLETED;
          record_outcome(*r, b, at);
          r->persisted_fraction = 1.0;
          r->original_deadline = b.original_deadline;
          r->rescued = b.rescued;
          fold_completed(*r);  // final: only a repeated outcome for the id overwrites it
          ++m_.completed;
          if (b.rescued) ++m_.rescued;
          m_.max_time_without_completed_checkpoint =
              std::max(m_.max_time_without_completed_checkpoint, at - last_completion_);
          last_completion_ = at;
          if (in_failure_loop_) {
            m_.time_in_failure_loop += at - failure_loop_start_;
            in_failure_loop_ = false;
          }
          maybe_spill();
        } else if constexpr (std::is_same_v<T, ev::CheckpointFailed>) {
          CheckpointRecord* r = find(b.id);
          if (!r) {
            r = &add(b.id);
            r->original_deadline = b.deadline;
          } else if (r->status == CheckpointStatus::COMPLETED) {
            invalidate_folds();
          }
          r->status = CheckpointStatus::FAILED;
          r->failure_reason = b.reason;
          r->counted = b.counted;
          record_outcome(*r, b, at);
          r->persisted_fraction = b.persisted_fraction;
          ++m_.failed;
          if (b.reason == model::FailureReason::CHECKPOINT_EXPIRED) ++m_.expired;
          maybe_spill();
        } else if constexpr (std::is_same_v<T, ev::UploadsStopped>) {
          m_.wasted_bytes += b.wasted_bytes;
        } else if constexpr (std::is_same_v<T, ev::FailureCounted>) {
          if (b.count == 1 && !in_failure_loop_) {
            in_failure_loop_ = true;
            failure_loop_start_ = at;
          }
        } else if constexpr (std::is_same_v<T, ev::FailoverStarted>) {
          if (b.begins_restart) {  // restarts begun, as Flink's numRestarts
            ++m_.failovers;
            if (b.cause == model::FailoverCause::jobmanager) ++m_.jobmanager_failovers;
          }
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
  Counts c = spilled_counts_;
  c.total += static_cast<int64_t>(history_.size());
  for (const auto& r : history_) {
    switch (r.status) {
      case CheckpointStatus::COMPLETED: ++c.completed; break;
      case CheckpointStatus::FAILED: ++c.failed; break;
      case CheckpointStatus::IN_PROGRESS: ++c.in_progress; break;
    }
  }
  return c;
}

namespace {

constexpr std::array<int, 3> kPercentiles{50, 90, 99};
// New distinct values buffered before a merge into a histogram's sorted bins.
constexpr size_t kFreshMax = 256;

// Order-preserving map of int64 to uint64.
uint64_t key_of(int64_t v) { return static_cast<uint64_t>(v) ^ (uint64_t{1} << 63); }
int64_t value_of(uint64_t k) { return static_cast<int64_t>(k ^ (uint64_t{1} << 63)); }

}  // namespace

bool Recorder::FieldFold::add_new_bin(int64_t v, size_t distinct_limit) {
  auto below = [](const Bin& b, int64_t x) { return b.first < x; };
  auto it = std::lower_bound(bins.begin(), bins.end(), v, below);
  if (it != bins.end() && it->first == v) {
    last = &*it;
    ++it->second;
    return true;
  }
  auto jt = std::lower_bound(fresh.begin(), fresh.end(), v, below);
  if (jt != fresh.end() && jt->first == v) {
    last = &*jt;
    ++jt->second;
    return true;
  }
  const bool within = bins.size() + fresh.size() < distinct_limit;
  last = &*fresh.insert(jt, {v, 1});  // (the insertion may move every bin of fresh)
  if (fresh.size() < kFreshMax) return within;
  last = nullptr;  // the merge moves every bin
  std::vector<Bin> merged;
  merged.reserve(bins.size() + fresh.size());
  std::merge(bins.begin(), bins.end(), fresh.begin(), fresh.end(), std::back_inserter(merged),
             [](const Bin& a, const Bin& b) { return a.first < b.first; });
  bins = std::move(merged);
  fresh.clear();
  return within;
}

void Recorder::FieldFold::drop_histogram() {
  exact = false;
  last = nullptr;
  std::vector<Bin>().swap(bins);  // give the memory back
  std::vector<Bin>().swap(fresh);
}

void Recorder::fold_completed(const CheckpointRecord& r) {
  if (folds_stale_) return;
  std::array<bool, kFields> within{};
  bool all_within = true;
  for (int f = 0; f < kFields; ++f) {
    within[static_cast<size_t>(f)] = folds_[static_cast<size_t>(f)].add(field_value(r, f), distinct_limit_);
    all_within = all_within && within[static_cast<size_t>(f)];
  }
  if (all_within) return;
  materialize_deferred_rows();  // the histograms are still whole here
  for (size_t f = 0; f < kFields; ++f)
    if (!within[f]) folds_[f].drop_histogram();
}

void Recorder::invalidate_folds() {
  materialize_deferred_rows();
  folds_stale_ = true;
  for (auto& x : folds_) x.drop_histogram();
}

// History::summary_only writes no summary rows while every field's histogram is exact: the
// histograms answer. When one is about to be dropped (or the folds go stale), the rows of the
// COMPLETED records spilled so far are written from the histograms, which hold their values
// plus those of the COMPLETED records still in memory. The fallback reads each field on its
// own (min, max, sum, quantiles), so the values of a field only need to be all there, each
// once; the rows pair them by rank instead of by record.
void Recorder::materialize_deferred_rows() {
  if (!rows_deferred_) return;
  rows_deferred_ = false;
  if (deferred_rows_ == 0) return;
  std::array<std::vector<Bin>, kFields> left;
  for (size_t f = 0; f < kFields; ++f) {
    const FieldFold& h = folds_[f];
    left[f].reserve(h.bins.size() + h.fresh.size());
    std::merge(h.bins.begin(), h.bins.end(), h.fresh.begin(), h.fresh.end(),
               std::back_inserter(left[f]), [](const Bin& a, const Bin& b) { return a.first < b.first; });
  }
  auto below = [](const Bin& b, int64_t x) { return b.first < x; };
  for (const CheckpointRecord& r : history_) {
    if (r.status != CheckpointStatus::COMPLETED) continue;
    for (size_t f = 0; f < kFields; ++f) {
      const int64_t v = field_value(r, static_cast<int>(f));
      auto it = std::lower_bound(left[f].begin(), left[f].end(), v, below);
      if (it == left[f].end() || it->first != v || it->second == 0)
        throw std::logic_error("recorder: a record in memory is missing from its histogram");
      --it->second;
    }
  }
  std::array<size_t, kFields> bin{};
  std::array<uint64_t, kFields> used{};
  for (size_t i = 0; i < deferred_rows_; ++i) {
    Row row{};
    for (size_t f = 0; f < kFields; ++f) {
      while (bin[f] < left[f].size() && used[f] == left[f][bin[f]].second) {
        ++bin[f];
        used[f] = 0;
      }
      if (bin[f] == left[f].size())
        throw std::logic_error("recorder: the histograms hold fewer values than the spilled rows");
      row[f] = left[f][bin[f]].first;
      ++used[f];
    }
    rows_.push_back(row);
    if (rows_.size() == kRowBatch) flush_rows();
  }
  deferred_rows_ = 0;
}

template <class Fn>
void Recorder::for_each_completed_row(Fn&& fn) const {
  if (history_mode_ == History::full) {
    constexpr size_t kChunk = 512;
    std::vector<CheckpointRecord> buf(std::min(kChunk, spilled_));
    for (size_t i = 0; i < spilled_; i += kChunk) {
      const size_t n = std::min(kChunk, spilled_ - i);
      if (!read_spilled(i, n, buf.data())) throw std::runtime_error("cannot read the recorder's spill file");
      for (size_t k = 0; k < n; ++k)
        if (buf[k].status == CheckpointStatus::COMPLETED) fn(summary_row(buf[k]));
    }
  } else {
    constexpr size_t kChunk = 2048;
    std::vector<Row> buf(std::min(kChunk, rows_spilled_));
    for (size_t i = 0; i < rows_spilled_; i += kChunk) {
      const size_t n = std::min(kChunk, rows_spilled_ - i);
      if (!read_spill_file(i * sizeof(Row), n * sizeof(Row), buf.data()))
        throw std::runtime_error("cannot read the recorder's spill file");
      for (size_t k = 0; k < n; ++k) fn(buf[k]);
    }
    for (const Row& row : rows_) fn(row);
  }
  for (const CheckpointRecord& r : history_)
    if (r.status == CheckpointStatus::COMPLETED) fn(summary_row(r));
}

// {min, avg, p50, p90, p99, max} of each field over COMPLETED checkpoints, exactly. count, min,
// max and the sum come from the online folds; the quantiles from a field's histogram while it
// is exact. Otherwise each nearest-rank quantile is found by a radix selection (12-bit digits,
// most significant first) over repeated passes of the history (the spill file's records or
// summary rows, then the records in memory), so memory stays bounded whatever the run length.
// If the folds are stale, one more pass folds the history again.
void Recorder::compute_summaries() const {
  struct Fold {
    int64_t count = 0, min = 0, max = 0;
    __int128 sum = 0;
  };
  std::array<Fold, kFields> folds{};
  if (!folds_stale_) {
    for (size_t f = 0; f < kFields; ++f)
      folds[f] = {folds_[f].count, folds_[f].min, folds_[f].max, folds_[f].sum};
  } else {
    for_each_completed_row([&](const Row& row) {
      for (size_t f = 0; f < kFields; ++f) {
        const int64_t v = row[f];
        Fold& x = folds[f];
        if (x.count == 0 || v < x.min) x.min = v;
        if (x.count == 0 || v > x.max) x.max = v;
        x.sum += v;
        ++x.count;
      }
    });
  }
  std::vector<SummaryStats> out(kFields);
  const int64_t n = folds[0].count;
  // Nearest rank: the ceil(p/100 * n)-th smallest value (1-based), integer arithmetic.
  auto rank_of = [n](int p) {
    size_t k = (static_cast<size_t>(p) * static_cast<size_t>(n) + 99) / 100;
    return std::max<size_t>(k, 1);
  };
  for (int f = 0; f < kFields; ++f) {
    SummaryStats& s = out[static_cast<size_t>(f)];
    const Fold& x = folds[static_cast<size_t>(f)];
    s.count = x.count;
    if (x.count == 0) continue;
    s.min = x.min;
    s.max = x.max;
    s.avg = static_cast<double>(x.sum) / static_cast<double>(x.count);
  }
  if (n == 0) {
    summaries_ = std::move(out);
    return;
  }
  auto slot = [](SummaryStats& s, int p) -> int64_t& {
    return p == 50 ? s.p50 : p == 90 ? s.p90 : s.p99;
  };
  // Radix selection of the (field, quantile) targets of the fields without a histogram, all at
  // once. Keys are offsets from the field's minimum; only the bits up to the field's range are
  // examined.
  constexpr int kDigit = 12;
  constexpr size_t kBuckets = size_t{1} << kDigit;
  struct Target {
    int field;
    int64_t* out;       // the quantile's slot in `out`
    uint64_t base;      // key of the field's minimum
    int shift;          // bit position of the current digit
    uint64_t prefix;    // offset bits above `shift + kDigit` fixed so far
    uint64_t rank;      // 1-based rank among the keys with this prefix
    bool done;
  };
  std::vector<Target> targets;
  for (int f = 0; f < kFields; ++f) {
    SummaryStats& s = out[static_cast<size_t>(f)];
    const FieldFold& h = folds_[static_cast<size_t>(f)];
    if (!folds_stale_ && h.exact) {
      // Walk the bins and the unmerged fresh values together, in value order (they hold
      // disjoint values); the ranks ascend with p.
      size_t i = 0, j = 0, k = 0;
      uint64_t seen = 0;
      while (k < kPercentiles.size()) {
        const bool from_bins =
            j == h.fresh.size() || (i < h.bins.size() && h.bins[i].first < h.fresh[j].first);
        const Bin& b = from_bins ? h.bins[i++] : h.fresh[j++];
        seen += b.second;
        for (; k < kPercentiles.size() && seen >= rank_of(kPercentiles[k]); ++k)
          slot(s, kPercentiles[k]) = b.first;
      }
      continue;
    }
    const Fold& x = folds[static_cast<size_t>(f)];
    const uint64_t range = key_of(x.max) - key_of(x.min);
    const int bits = std::max(1, static_cast<int>(std::bit_width(range)));
    const int top = ((bits + kDigit - 1) / kDigit) * kDigit;
    for (int p : kPercentiles) {
      if (range == 0) slot(s, p) = x.min;
      else targets.push_back({f, &slot(s, p), key_of(x.min), top - kDigit, 0, rank_of(p), false});
    }
  }
  std::vector<uint32_t> hist(targets.size() * kBuckets);
  for (;;) {
    bool any = false;
    for (const auto& t : targets) any = any || !t.done;
    if (!any) break;
    std::fill(hist.begin(), hist.end(), 0u);
    for_each_completed_row([&](const Row& row) {
      for (size_t i = 0; i < targets.size(); ++i) {
        const Target& t = targets[i];
        if (t.done) continue;
        const uint64_t off = key_of(row[static_cast<size_t>(t.field)]) - t.base;
        const int hi = t.shift + kDigit;
        if (hi < 64 && (off >> hi) != t.prefix) continue;
        ++hist[i * kBuckets + ((off >> t.shift) & (kBuckets - 1))];
      }
    });
    for (size_t i = 0; i < targets.size(); ++i) {
      Target& t = targets[i];
      if (t.done) continue;
      uint64_t seen = 0;
      size_t b = 0;
      for (; b < kBuckets; ++b) {
        const uint32_t c = hist[i * kBuckets + b];
        if (seen + c >= t.rank) break;
        seen += c;
      }
      t.rank -= seen;
      t.prefix = (t.prefix << kDigit) | b;
      if (t.shift == 0) {
        t.done = true;
      } else {
        t.shift -= kDigit;
      }
    }
  }
  for (const Target& t : targets) *t.out = value_of(t.base + t.prefix);
  summaries_ = std::move(out);
}

SummaryStats Recorder::summary(Field f) const {
  if (!summaries_) compute_summaries();
  return (*summaries_)[static_cast<size_t>(f)];
}

}  // namespace ckptsim::analysis
