#include "analysis/recorder.hpp"

#include <algorithm>
#include <array>
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

constexpr size_t kReadChunk = 512;  // records read back from the spill file at a time

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
  return find_spilled(id);
}

const CheckpointRecord* Recorder::find_spilled(int64_t id) const {
  if (spilled_ == 0) return nullptr;
  if (!ids_sorted_) {
    for (size_t i = 0; i < spilled_; ++i)
      if (read_spilled(i, 1, &lookup_) && lookup_.id == id) return &lookup_;
    return nullptr;
  }
  // Ids are normally consecutive: try the direct position first, then bisect.
  if (lookup_.id != id && read_spilled(0, 1, &lookup_)) {
    const int64_t guess = id - lookup_.id;
    if (guess >= 0 && static_cast<size_t>(guess) < spilled_ &&
        read_spilled(static_cast<size_t>(guess), 1, &lookup_) && lookup_.id == id)
      return &lookup_;
  }
  size_t lo = 0, hi = spilled_;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (!read_spilled(mid, 1, &lookup_)) return nullptr;
    if (lookup_.id == id) return &lookup_;
    if (lookup_.id < id) lo = mid + 1;
    else hi = mid;
  }
  return nullptr;
}

bool Recorder::read_spilled(size_t first, size_t n, CheckpointRecord* out) const {
  return spill_.read_records(first, n, out);
}

void Recorder::for_each_checkpoint(const std::function<void(const CheckpointRecord&)>& fn) const {
  if (history_mode_ == History::summary_only)
    throw std::logic_error(
        "Recorder::for_each_checkpoint: this recorder keeps no history (History::summary_only); "
        "construct it with History::full to write or read the per-checkpoint history");
  std::vector<CheckpointRecord> buf(std::min(kReadChunk, spilled_));
  for (size_t i = 0; i < spilled_; i += kReadChunk) {
    const size_t n = std::min(kReadChunk, spilled_ - i);
    if (!read_spilled(i, n, buf.data())) throw std::runtime_error("cannot read the recorder's spill file");
    for (size_t k = 0; k < n; ++k) fn(buf[k]);
  }
  for (const auto& r : history_) fn(r);
}

void Recorder::flush_rows() {
  static_assert(sizeof(Row) == 32 && std::is_trivially_copyable_v<Row>);
  if (rows_.empty() || !spill_.ready()) return;  // without a file the rows stay in memory
  spill_.append_records(rows_.data(), rows_.size());
  rows_spilled_ += rows_.size();
  rows_.clear();
}

void Recorder::push_row(const Row& row) {
  rows_.push_back(row);
  if (rows_.size() == kRowBatch) flush_rows();
}

// Moves the finished records at the front of the window out of memory, once the window holds
// 2 * kWindow records (so the erase at the front is amortised): to the spill file with
// History::full; with History::summary_only, see spill_summary_only().
void Recorder::maybe_spill() {
  if (history_.size() < 2 * kWindow || spill_.failed()) return;
  const bool full = history_mode_ == History::full;
  if (full && !spill_.ready()) return;
  size_t n = 0;
  while (n < history_.size() && history_[n].status != CheckpointStatus::IN_PROGRESS) ++n;
  if (n == 0) return;
  if (full) spill_.append_records(history_.data(), n);
  else if (rows_.capacity() == 0) rows_.reserve(kRowBatch);
  for (size_t i = 0; i < n; ++i) {
    const CheckpointRecord& r = history_[i];
    ++spilled_counts_.total;
    ++(r.status == CheckpointStatus::COMPLETED ? spilled_counts_.completed : spilled_counts_.failed);
    if (!full) spill_summary_only(r);
  }
  history_.erase(history_.begin(), history_.begin() + static_cast<std::ptrdiff_t>(n));
  spilled_ += n;
}

// The summary fields of a COMPLETED record go to the row batch (written whenever it holds
// kRowBatch rows), or are owed while the histograms answer; a kept record goes to kept_.
inline void Recorder::spill_summary_only(const CheckpointRecord& r) {
  if (r.status == CheckpointStatus::COMPLETED) {
    if (rows_deferred_) ++deferred_rows_;
    else push_row(summary_row(r));
  }
  if (!keep_.empty() && kept(r.id)) kept_.push_back(r);
}

Time Recorder::end_of_run() const { return std::max(duration_, last_event_); }

void Recorder::on_event(const model::DomainEvent& e) {
  last_event_ = std::max(last_event_, e.at);
  summaries_.reset();
  std::visit([&](const auto& b) { on(b, e.at); }, e.body);
}

void Recorder::on(const ev::JobStatusChanged& b, Time) { m_.job_status = b.status; }

void Recorder::on(const ev::ConfigRead& b, Time at) {
  if (b.torn) [[unlikely]]
    record_torn(b, at);
}

// Out of line: most reads are not torn, and their handler stays a test and a return.
[[gnu::noinline]] void Recorder::record_torn(const ev::ConfigRead& b, Time at) {
  torn_.push_back({at, b.reader, b.interval, b.timeout, b.checkpoint_id});
}

void Recorder::on(const ev::CheckpointCreated& b, Time at) {
  CheckpointRecord& r = add(b.id);
  r.trigger_timestamp = at;
  r.timeout = b.timeout;
  r.original_deadline = b.deadline;
  r.deadline = b.deadline;
}

void Recorder::on(const ev::CheckpointRearmed& b, Time) {
  if (auto* r = find(b.id)) r->deadline = b.deadline;
}

// Keeps pending records informative; completion or failure overwrites these.
void Recorder::on(const ev::SubtaskAcknowledged& b, Time) {
  auto* r = find(b.id);
  if (!r || r->status != CheckpointStatus::IN_PROGRESS) return;
  r->latest_ack_timestamp = std::max(r->latest_ack_timestamp, b.ack);
  r->checkpointed_size += b.checkpointed_size;
  r->state_size += b.state_size;
  r->alignment_duration = std::max(r->alignment_duration, b.last_barrier - b.first_barrier);
  r->start_delay = std::max(r->start_delay, b.first_barrier - r->trigger_timestamp);
  if (b.unaligned) r->type = model::CheckpointType::UNALIGNED_CHECKPOINT;
}

CheckpointRecord& Recorder::outcome_record(int64_t id, bool* added) {
  CheckpointRecord* r = find(id);
  *added = r == nullptr;
  if (!r) return add(id);  // created before the recorder attached: keep it anyway
  if (r->status == CheckpointStatus::COMPLETED) invalidate_folds();
  return *r;
}

void Recorder::on(const ev::CheckpointCompleted& b, Time at) {
  bool added = false;
  CheckpointRecord& r = outcome_record(b.id, &added);
  r.status = CheckpointStatus::COMPLETED;
  record_outcome(r, b, at);
  r.persisted_fraction = 1.0;
  r.original_deadline = b.original_deadline;
  r.rescued = b.rescued;
  fold_completed(r);  // final: only a repeated outcome for the id overwrites it
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
}

void Recorder::on(const ev::CheckpointFailed& b, Time at) {
  bool added = false;
  CheckpointRecord& r = outcome_record(b.id, &added);
  if (added) r.original_deadline = b.deadline;
  r.status = CheckpointStatus::FAILED;
  r.failure_reason = b.reason;
  r.counted = b.counted;
  record_outcome(r, b, at);
  r.persisted_fraction = b.persisted_fraction;
  ++m_.failed;
  if (b.reason == model::FailureReason::CHECKPOINT_EXPIRED) ++m_.expired;
  maybe_spill();
}

void Recorder::on(const ev::UploadsStopped& b, Time) { m_.wasted_bytes += b.wasted_bytes; }

void Recorder::on(const ev::FailureCounted& b, Time at) {
  if (b.count == 1 && !in_failure_loop_) {
    in_failure_loop_ = true;
    failure_loop_start_ = at;
  }
}

void Recorder::on(const ev::FailoverStarted& b, Time) {
  if (!b.begins_restart) return;  // restarts begun, as Flink's numRestarts
  ++m_.failovers;
  if (b.cause == model::FailoverCause::jobmanager) ++m_.jobmanager_failovers;
}

void Recorder::on(const ev::PatchAnswered& b, Time at) {
  if (b.status == 200) {
    ++m_.patches_accepted;
    config_.interval = b.interval;
    config_.timeout = b.timeout;
  } else {
    ++m_.patches_rejected;
  }
  patches_.push_back({at, b.status, b.message, b.body, b.interval, b.timeout});
}

void Recorder::on(const ev::ConfigWritten& b, Time) {
  if (b.interval_written) config_.interval = b.interval;
  if (b.timeout_written) config_.timeout = b.timeout;
}

void Recorder::on(const ev::ConfigReloaded& b, Time) {
  config_.interval = b.interval;
  config_.timeout = b.timeout;
}

void Recorder::on(const ev::RunFinished& b, Time) {
  finished_ = true;
  m_.job_status = b.job_status;
  config_ = {b.interval, b.timeout, b.min_pause, b.max_concurrent, b.tolerable_failed_checkpoints};
  m_.max_lag_bytes = b.max_lag_bytes;
  m_.final_lag_bytes = b.final_lag_bytes;
  m_.max_lag = b.max_lag;
  m_.final_lag = b.final_lag;
  m_.replayed_bytes = b.replayed_bytes;
  m_.replayed_time = b.replayed_time;
  fingerprint_ = b.fingerprint;
  events_run_ = b.events_run;
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

std::optional<double> Recorder::metric(std::string_view name) const {
  const MetricSpec* spec = find_metric(name);
  if (!spec || !spec->value) return std::nullopt;
  const auto v = static_cast<double>(metrics().*(spec->value));
  return spec->unit == MetricUnit::time ? v / 1000.0 : v;
}

std::optional<std::string> Recorder::metric_text(std::string_view name) const {
  const MetricSpec* spec = find_metric(name);
  if (!spec) return std::nullopt;
  if (spec->unit == MetricUnit::status) return job_status();
  const int64_t v = metrics().*(spec->value);
  return spec->unit == MetricUnit::time ? sim::format_ms(v) : fmt::format("{}", v);
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

void Recorder::fold_completed(const CheckpointRecord& r) {
  if (folds_stale_) return;
  std::array<bool, kFields> within{};
  bool all_within = true;
  for (size_t f = 0; f < kFields; ++f) {
    within[f] = folds_[f].add(field_value(r, static_cast<int>(f)), distinct_limit_);
    all_within = all_within && within[f];
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
  using Bin = FieldFold::Bin;
  // The values of the spilled records: the histograms less the records still in memory.
  std::array<std::vector<Bin>, kFields> left;
  for (size_t f = 0; f < kFields; ++f) left[f] = folds_[f].all_bins();
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
    push_row(row);
  }
  deferred_rows_ = 0;
}

template <class Fn>
void Recorder::for_each_completed_row(Fn&& fn) const {
  if (history_mode_ == History::full) {
    std::vector<CheckpointRecord> buf(std::min(kReadChunk, spilled_));
    for (size_t i = 0; i < spilled_; i += kReadChunk) {
      const size_t n = std::min(kReadChunk, spilled_ - i);
      if (!read_spilled(i, n, buf.data())) throw std::runtime_error("cannot read the recorder's spill file");
      for (size_t k = 0; k < n; ++k)
        if (buf[k].status == CheckpointStatus::COMPLETED) fn(summary_row(buf[k]));
    }
  } else {
    constexpr size_t kChunk = 2048;
    std::vector<Row> buf(std::min(kChunk, rows_spilled_));
    for (size_t i = 0; i < rows_spilled_; i += kChunk) {
      const size_t n = std::min(kChunk, rows_spilled_ - i);
      if (!spill_.read_records(i, n, buf.data())) throw std::runtime_error("cannot read the recorder's spill file");
      for (size_t k = 0; k < n; ++k) fn(buf[k]);
    }
    for (const Row& row : rows_) fn(row);
  }
  for (const CheckpointRecord& r : history_)
    if (r.status == CheckpointStatus::COMPLETED) fn(summary_row(r));
}

// count, min, max and the sum of each field: from the online folds, or, when they are stale, by
// one pass over the history.
std::array<Moments, Recorder::kFields> Recorder::summary_moments() const {
  std::array<Moments, kFields> m{};
  if (!folds_stale_) {
    for (size_t f = 0; f < kFields; ++f) m[f] = folds_[f].moments;
    return m;
  }
  for_each_completed_row([&](const Row& row) {
    for (size_t f = 0; f < kFields; ++f) m[f].add(row[f]);
  });
  return m;
}

// {min, avg, p50, p90, p99, max} of each field over COMPLETED checkpoints, exactly: the moments;
// the percentiles from a field's histogram while it is exact, else by a radix selection over
// repeated passes of the history (the spill file's records or summary rows, then the records in
// memory), so memory stays bounded whatever the run length.
void Recorder::compute_summaries() const {
  const std::array<Moments, kFields> moments = summary_moments();
  std::vector<SummaryStats> out(kFields);
  for (size_t f = 0; f < kFields; ++f) moments[f].fill(out[f]);
  if (moments[0].count > 0) {
    RadixSelection<kFields> radix;
    for (size_t f = 0; f < kFields; ++f) {
      if (!folds_stale_ && folds_[f].exact) folds_[f].histogram_percentiles(out[f]);
      else radix.add_field(f, moments[f], out[f]);
    }
    while (!radix.done()) radix.pass([&](auto&& fn) { for_each_completed_row(fn); });
    radix.finish();
  }
  summaries_ = std::move(out);
}

SummaryStats Recorder::summary(Field f) const {
  if (!summaries_) compute_summaries();
  return (*summaries_)[static_cast<size_t>(f)];
}

}  // namespace ckptsim::analysis
