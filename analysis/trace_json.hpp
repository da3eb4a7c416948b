// trace.json in the Chrome trace event format (loadable in Perfetto and chrome://tracing),
// streamed as the events arrive (memory flat: only the pending checkpoints are kept).
//   process 1 "coordinator": one complete ("X") span per checkpoint, trigger to completion or
//     failure (args: status, reason); concurrent checkpoints go to separate lanes (threads);
//     global instant events for patches, failovers, torn observations, job status, load and
//     storage changes.
//   one process per operator, named after it and sorted in topological order: one thread per
//     subtask (tid = global subtask index), named after its operator and index ("agg[3]"),
//     with "start delay", "alignment", "sync" and "async" spans per checkpoint.
// ts and dur are microseconds of virtual time; displayTimeUnit is "ms".
#pragma once

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "model/events.hpp"

namespace ckptsim::analysis {

class TraceJsonWriter : public model::Observer {
 public:
  // The scenario names the tracks (its operators; a graph it cannot build leaves "subtask N").
  TraceJsonWriter(std::ostream& out, const model::Scenario& scenario);
  // Finishes the document if RunFinished did not.
  ~TraceJsonWriter() override;
  void on_event(const model::DomainEvent& e) override;
  // Closes the document: pending checkpoints become spans to `end` (status IN_PROGRESS).
  // Called by RunFinished; idempotent.
  void finish(sim::Time end);

 private:
  struct Pending {
    sim::Time trigger;
    int lane;
  };
  void emit(const std::string& obj);
  void flush();
  void checkpoint_span(int64_t id, const Pending& p, sim::Time end, const char* status,
                       const char* reason);
  void instant(sim::Time at, const std::string& name, const std::string& args_json);
  void end_checkpoint(int64_t id, sim::Time trigger, sim::Time at, const char* status,
                      const char* reason);

  // One handler per domain event the trace shows (the others pass).
  template <class E>
  void on(const E&, sim::Time) {}
  void on(const model::events::CheckpointCreated& b, sim::Time at);
  void on(const model::events::CheckpointCompleted& b, sim::Time at);
  void on(const model::events::CheckpointFailed& b, sim::Time at);
  void on(const model::events::SubtaskAcknowledged& b, sim::Time at);
  void on(const model::events::PatchAnswered& b, sim::Time at);
  void on(const model::events::FailoverStarted& b, sim::Time at);
  void on(const model::events::ConfigRead& b, sim::Time at);
  void on(const model::events::JobStatusChanged& b, sim::Time at);
  void on(const model::events::LoadChanged& b, sim::Time at);
  void on(const model::events::StorageChanged& b, sim::Time at);
  void on(const model::events::RunFinished& b, sim::Time at);

  std::ostream& out_;
  std::string buf_;
  bool first_ = true;
  bool finished_ = false;
  sim::Time last_at_ = 0;
  std::map<int64_t, Pending> pending_;  // ordered: deterministic close at the end
  std::vector<int64_t> lanes_;          // lane -> occupying checkpoint id, -1 free
  void name_subtask(int32_t subtask);

  struct Track {
    int op = -1;          // the operator's index (-1: unknown)
    int32_t index = 0;    // the subtask's index within its operator
  };
  std::vector<Track> tracks_;             // by global subtask index
  std::vector<std::string> operators_;    // names, by operator index
  std::vector<int> operator_rank_;        // position in topological order, by operator index
  std::vector<bool> subtask_named_, operator_named_;
};

}  // namespace ckptsim::analysis
