// The Recorder folds the domain event stream of one run into per-checkpoint records and the
// metrics of docs/outputs.md. Memory stays flat in simulated time. With History::full (the
// default), summary.json's history holds every checkpoint, so past kWindow records the finished
// ones are spilled, oldest first, as fixed-size POD records to an anonymous temporary file
// (std::tmpfile) and read back from it by the writers and by checkpoint(id). With
// History::summary_only (nobody will read the history: `run` without --out or --format json,
// sweeps) the finished records are not spilled whole: counts stay exact, checkpoint(id)
// answers only for the ids the caller asked to keep (a small in-memory list), and only the
// four summary values of each COMPLETED checkpoint go to the temporary file, as 32-byte rows
// written in large batches, for the exact percentile fallback below; and only once a field
// outgrows its histogram (until then the histograms answer, and the rows owed are written from
// them when the first one is dropped).
// The summary statistics are folded online as checkpoints complete: count, min, max, sum and an
// exact value -> count histogram per field, so summary() reads no file while a field has at
// most distinct_limit distinct values (durations and sizes mostly repeat). Past that limit the
// field's histogram is dropped and its exact nearest-rank percentiles come from a radix
// selection over the spill file (full records or summary rows, whichever the mode writes), in
// bounded memory. In memory stay the records not yet spilled (the pending ones and those behind
// the oldest pending), the kept records, a batch of summary rows, the few patches and torn
// observations, the histograms (at most distinct_limit values per field) and O(1) folds.
// Without a temporary file, everything stays in memory (the outputs are the same). Both modes
// give the same counts, metrics and summaries. The spill file is analysis/spill_file.hpp; the
// folds, histograms and the radix selection are analysis/exact_quantiles.hpp.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analysis/exact_quantiles.hpp"
#include "analysis/metrics.hpp"
#include "analysis/spill_file.hpp"
#include "model/events.hpp"
#include "model/scenario.hpp"

namespace ckptsim::analysis {

using sim::Duration;
using sim::Time;

enum class CheckpointStatus : uint8_t { COMPLETED, FAILED, IN_PROGRESS };
const char* to_string(CheckpointStatus s);

// One checkpoint of the history. Times are µs; -1 marks "unknown" (no acknowledgement yet).
struct CheckpointRecord {
  int64_t id = 0;
  CheckpointStatus status = CheckpointStatus::IN_PROGRESS;
  model::CheckpointType type = model::CheckpointType::CHECKPOINT;
  model::FailureReason failure_reason = model::FailureReason::CHECKPOINT_EXPIRED;  // if FAILED
  bool rescued = false;
  bool counted = false;             // FAILED and counted by the failure manager
  Time trigger_timestamp = 0;
  Time latest_ack_timestamp = -1;   // -1: no subtask acknowledged
  Time end_timestamp = -1;          // completion or failure at the coordinator; -1 in progress
  int64_t checkpointed_size = 0;
  int64_t state_size = 0;
  double persisted_fraction = -1;   // -1: unknown (in progress)
  Duration timeout = 0;             // read at creation
  Time original_deadline = 0;       // creation + timeout read at creation
  Time deadline = 0;                // in force at the end (completion, failure, or run end)
  Duration alignment_duration = 0;
  Duration start_delay = 0;

  // Flink: latest ack − trigger for a completed or pending checkpoint (-1 without any ack);
  // failure time − trigger for a failed one.
  Duration end_to_end_duration() const;
};

struct PatchRecord {
  Time at = 0;
  int status = 0;
  std::string message;
  std::vector<model::PatchField> body;
  Duration interval = 0, timeout = 0;  // effective configuration after the request
};

struct TornObservation {
  Time at = 0;
  model::ConfigReader reader = model::ConfigReader::periodic_trigger;
  Duration interval = 0, timeout = 0;
  int64_t checkpoint_id = -1;
};

struct Counts {
  int64_t total = 0, completed = 0, failed = 0, in_progress = 0;
};

// The effective coordinator configuration (from RunFinished, else the last write).
struct EffectiveConfig {
  Duration interval = 0, timeout = 0, min_pause = 0;
  int max_concurrent = 1;
  int tolerable_failed_checkpoints = 0;
};

// What a Recorder keeps of the per-checkpoint history.
enum class History : uint8_t {
  full,          // every record: for_each_checkpoint and checkpoint(id) for any id
  summary_only,  // counts, metrics and summaries; checkpoint(id) only for the kept ids
};

class Recorder : public model::Observer {
 public:
  // Records kept in memory before finished ones are spilled to the temporary file.
  static constexpr size_t kWindow = 4096;
  // Distinct values of a summary field kept in its online histogram; past this many, the
  // field's percentiles are selected over the spill file instead (tests pass a small limit).
  static constexpr size_t kDistinctLimit = size_t{1} << 16;
  // Summary rows (History::summary_only, 32 bytes each) buffered for one write to the spill file.
  static constexpr size_t kRowBatch = 4096;

  // A recorder with the full history.
  explicit Recorder(const model::Scenario& scenario, size_t distinct_limit = kDistinctLimit);
  // With History::summary_only, checkpoint() still answers for the ids in keep_checkpoints
  // (for example those named by the scenario's expectations); History::full ignores them.
  Recorder(const model::Scenario& scenario, History history, std::vector<int64_t> keep_checkpoints = {},
           size_t distinct_limit = kDistinctLimit);
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;
  ~Recorder() override;

  void on_event(const model::DomainEvent& e) override;

  const std::string& scenario_name() const { return name_; }
  uint64_t seed() const { return seed_; }
  Duration duration() const { return duration_; }
  bool finished() const { return finished_; }
  // Hex fingerprint from RunFinished ("" before it).
  const std::string& fingerprint() const { return fingerprint_; }
  uint64_t events_run() const { return events_run_; }

  // The metrics as of now: open spans (failure loop, time without completion) are closed at the
  // end of the run (the scenario duration, or the last event time if that is later).
  Metrics metrics() const;
  // A metric by its summary.json key, in summary.json units (ms for times, bytes for sizes).
  // job_status is not numeric: use job_status(). Empty for an unknown key.
  std::optional<double> metric(std::string_view name) const;
  // The metric printed exactly as in summary.json ("1234.567", "3", "\"RUNNING\"" unquoted).
  std::optional<std::string> metric_text(std::string_view name) const;
  std::string job_status() const;

  Counts counts() const;
  History history() const { return history_mode_; }
  // Number of checkpoints in the history (exact in both modes).
  size_t history_size() const { return spilled_ + history_.size(); }
  // Every checkpoint of the history, oldest first (in creation order). History::full only:
  // throws std::logic_error with History::summary_only.
  void for_each_checkpoint(const std::function<void(const CheckpointRecord&)>& fn) const;
  // The checkpoint with this id, or null; with History::summary_only, null for an id not in
  // keep_checkpoints. The pointee may be a copy read back from the spill file: it stays valid
  // until the next call of checkpoint() or on_event().
  const CheckpointRecord* checkpoint(int64_t id) const;
  const std::vector<PatchRecord>& patches() const { return patches_; }
  const std::vector<TornObservation>& torn_observations() const { return torn_; }
  const EffectiveConfig& config() const { return config_; }

  enum class Field { end_to_end_duration, checkpointed_size, state_size, alignment_duration };
  SummaryStats summary(Field f) const;

 private:
  static constexpr size_t kFields = 4;
  using Row = std::array<int64_t, kFields>;  // the summary fields of a COMPLETED record, by Field

  // The event fold, one handler per domain event the recorder reads (the others pass).
  template <class E>
  void on(const E&, Time) {}
  void on(const model::events::JobStatusChanged& b, Time at);
  void on(const model::events::ConfigRead& b, Time at);
  void record_torn(const model::events::ConfigRead& b, Time at);
  void on(const model::events::CheckpointCreated& b, Time at);
  void on(const model::events::CheckpointRearmed& b, Time at);
  void on(const model::events::SubtaskAcknowledged& b, Time at);
  void on(const model::events::CheckpointCompleted& b, Time at);
  void on(const model::events::CheckpointFailed& b, Time at);
  void on(const model::events::UploadsStopped& b, Time at);
  void on(const model::events::FailureCounted& b, Time at);
  void on(const model::events::FailoverStarted& b, Time at);
  void on(const model::events::PatchAnswered& b, Time at);
  void on(const model::events::ConfigWritten& b, Time at);
  void on(const model::events::ConfigReloaded& b, Time at);
  void on(const model::events::RunFinished& b, Time at);
  // The record a CheckpointCompleted or CheckpointFailed ends (added if it was created before the
  // recorder attached); a COMPLETED record it overwrites leaves the folds stale.
  CheckpointRecord& outcome_record(int64_t id, bool* added);

  CheckpointRecord* find(int64_t id);
  CheckpointRecord& add(int64_t id);  // a new record at the end of the history
  Time end_of_run() const;
  void maybe_spill();
  // Counts a record leaving memory; with History::summary_only, its row and a kept copy.
  void spill_summary_only(const CheckpointRecord& r);
  // Reads spilled records [first, first + n) into `out` (History::full); false on a read error.
  bool read_spilled(size_t first, size_t n, CheckpointRecord* out) const;
  // A spilled record by id, for checkpoint() (History::full).
  const CheckpointRecord* find_spilled(int64_t id) const;
  // Writes the buffered summary rows to the spill file (History::summary_only).
  void flush_rows();
  void push_row(const Row& row);
  bool kept(int64_t id) const;
  // Calls fn(row) for the summary fields of every COMPLETED record, in either mode.
  template <class Fn>
  void for_each_completed_row(Fn&& fn) const;
  // A record became COMPLETED: fold its fields into folds_.
  void fold_completed(const CheckpointRecord& r);
  // A COMPLETED record is about to be overwritten (a repeated outcome for its id).
  void invalidate_folds();
  // summary_only: writes the rows deferred while the histograms were exact.
  void materialize_deferred_rows();
  // The summary statistics, in steps: the moments (online, or one pass when stale), the
  // percentiles from exact histograms, the others by radix selection over the rows.
  std::array<Moments, kFields> summary_moments() const;
  void compute_summaries() const;

  std::string name_;
  uint64_t seed_ = 0;
  Duration duration_ = 0;
  bool finished_ = false;
  std::string fingerprint_;
  uint64_t events_run_ = 0;
  Time last_event_ = 0;

  std::vector<CheckpointRecord> history_;  // not yet spilled, in creation order (ids increase)
  bool ids_sorted_ = true;
  int64_t last_id_ = 0;  // id of the newest record
  // History::full: the spilled records (history_[0] follows them); summary_only: the rows.
  // Without a temporary file everything stays in memory.
  SpillFile spill_;
  size_t spilled_ = 0;  // records out of history_ (both modes)
  Counts spilled_counts_;
  History history_mode_ = History::full;
  std::vector<int64_t> keep_;           // summary_only: sorted ids checkpoint() answers for
  std::vector<CheckpointRecord> kept_;  // summary_only: spilled records with a kept id
  std::vector<Row> rows_;               // summary_only: rows not yet written to spill_
  size_t rows_spilled_ = 0;             // summary_only: rows in spill_
  bool rows_deferred_ = false;  // summary_only: no rows written yet (the histograms are exact)
  size_t deferred_rows_ = 0;    // COMPLETED records spilled meanwhile, whose rows are owed
  mutable CheckpointRecord lookup_;  // checkpoint()'s copy of a spilled record
  mutable std::optional<std::vector<SummaryStats>> summaries_;  // by Field, until on_event
  size_t distinct_limit_;
  std::array<FieldFold, kFields> folds_;
  // A COMPLETED record was overwritten, which the online folds cannot undo: summaries then
  // fold the whole history again (rare: only for an event stream repeating an outcome).
  bool folds_stale_ = false;
  std::vector<PatchRecord> patches_;
  std::vector<TornObservation> torn_;
  EffectiveConfig config_;

  Metrics m_;  // closed folds; the open spans below are added by metrics()
  Time last_completion_ = 0;
  bool in_failure_loop_ = false;
  Time failure_loop_start_ = 0;
};

}  // namespace ckptsim::analysis
