#include "cli/calibrated_graph.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "analysis/robust_fit.hpp"
#include "analysis/table.hpp"
#include "cli/rest_json.hpp"

namespace ckptsim::cli {

using analysis::human_bytes;
using analysis::human_duration;
using analysis::quantile;

namespace {

// Guessed rate of a source whose vertex metrics say nothing (bytes/s per subtask). Operators
// have unlimited capacity, so it moves only the lag metrics, not checkpoint durations.
constexpr double kGuessedRate = 1e6;

struct Mapped {
  std::string partitioning;
  std::string note;
};

// Flink's ship strategies (StreamPartitioner names in the plan) as the scenario's partitionings.
Mapped partitioning_of(const std::string& strategy, int64_t from_p, int64_t to_p) {
  std::string s;
  for (char c : strategy) s += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (s == "FORWARD") {
    if (from_p == to_p) return {"forward", "FORWARD"};
    return {"rebalance", fmt::format("FORWARD between parallelisms {} and {}: modelled as rebalance",
                                     from_p, to_p)};
  }
  if (s == "HASH") return {"hash", "HASH"};
  if (s == "REBALANCE") return {"rebalance", "REBALANCE"};
  if (s == "BROADCAST") return {"broadcast", "BROADCAST"};
  if (s == "RESCALE") return {"rebalance", "RESCALE: modelled all-to-all (rebalance)"};
  if (s == "SHUFFLE") return {"rebalance", "SHUFFLE: modelled as rebalance"};
  if (s == "GLOBAL") return {"hash", "GLOBAL (all to subtask 0): modelled all-to-all (hash)"};
  return {"hash", fmt::format("guess: ship strategy '{}' is not one the model knows: hash", strategy)};
}

// A 32-hex-digit run in a file name: the vertex id curl's URL had.
std::string vertex_id_in(const std::string& file) {
  const std::string base = file.substr(file.find_last_of('/') + 1);
  size_t run = 0;
  for (size_t i = 0; i < base.size(); ++i) {
    run = std::isxdigit(static_cast<unsigned char>(base[i])) ? run + 1 : 0;
    if (run == 32 && (i + 1 == base.size() || !std::isxdigit(static_cast<unsigned char>(base[i + 1])))) {
      std::string id = base.substr(i + 1 - 32, 32);
      for (char& c : id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return id;
    }
  }
  return "";
}

double median_of(std::vector<double> v) { return v.empty() ? 0 : quantile(std::move(v), 0.5); }

// A fraction to three significant digits, as the scenario file writes it.
double fraction_3(double v) { return std::stod(fmt::format("{:.3g}", v)); }

// What one operator's subtask files say.
struct SubtaskEvidence {
  std::vector<double> sync_ms, start_delay_ms, alignment_ms, async_ms;
  std::vector<double> shares;  // the operator's part of each file's checkpoint upload
  std::vector<double> incremental;  // uploaded / full state, where the file tells both
  std::vector<std::string> files;
  std::set<int64_t> checkpoints;
};

std::string checkpoint_list(const std::set<int64_t>& ids) {
  std::string s;
  for (int64_t id : ids) s += (s.empty() ? "" : ", ") + std::to_string(id);
  return s.empty() ? "an unknown checkpoint" : (ids.size() == 1 ? "checkpoint " : "checkpoints ") + s;
}

// The operator a subtask file belongs to (index into cal.operators).
size_t match_file(const SubtaskInput& s, const CalibrationInputs& in, const Calibration& cal) {
  if (!in.job) return cal.operators.size() - 1;  // the fallback's stateful operator
  const std::string key = s.vertex.empty() ? vertex_id_in(s.details.file) : s.vertex;
  for (size_t i = 0; i < in.job->vertices.size(); ++i) {
    const rest::RestVertex& v = in.job->vertices[i];
    if (!key.empty() && (key == v.id || key == v.name || key == cal.operators[i].name)) {
      if (s.details.num_subtasks != v.parallelism)
        throw rest::RestError(fmt::format(
            "{}: num_subtasks is {}, but vertex {} ('{}') has parallelism {}: the file is not "
            "this vertex's", s.details.file, s.details.num_subtasks, v.id, v.name, v.parallelism));
      return i;
    }
  }
  std::string known;
  for (size_t i = 0; i < in.job->vertices.size() && i < 8; ++i)
    known += fmt::format("{}{} ({})", i ? ", " : "", in.job->vertices[i].id, cal.operators[i].name);
  throw rest::RestError(fmt::format(
      "{}: {}; give it as --subtasks VERTEX=FILE with one of {}", s.details.file,
      key.empty() ? "cannot tell which vertex this is (no vertex id in the file name)"
                  : fmt::format("'{}' is no vertex of {}", key, in.job->file),
      known));
}

void gather_evidence(const CalibrationInputs& in, const SizeSummary& sizes, const Calibration& cal,
                     std::vector<SubtaskEvidence>& ev) {
  for (const SubtaskInput& s : in.subtasks) {
    SubtaskEvidence& e = ev[match_file(s, in, cal)];
    e.files.push_back(s.details.file);
    if (s.details.checkpoint_id) e.checkpoints.insert(*s.details.checkpoint_id);
    double uploaded = 0, full = 0;
    bool full_known = true;
    for (const rest::RestSubtask& t : s.details.subtasks) {
      if (!t.completed) continue;
      full_known = full_known && t.full_state.has_value();
      full += static_cast<double>(t.full_state.value_or(0));
      e.sync_ms.push_back(static_cast<double>(t.sync_ms));
      e.start_delay_ms.push_back(static_cast<double>(t.start_delay_ms));
      e.alignment_ms.push_back(static_cast<double>(t.alignment_ms));
      e.async_ms.push_back(static_cast<double>(t.async_ms));
      uploaded += static_cast<double>(t.uploaded);
    }
    if (full_known && full > 0) e.incremental.push_back(std::min(1.0, uploaded / full));
    if (s.details.task_uploaded) uploaded = static_cast<double>(*s.details.task_uploaded);
    // The operator's share of its checkpoint's upload (of the median one when the history no
    // longer holds that checkpoint).
    double total = sizes.uploaded_median;
    for (const auto& [id, bytes] : sizes.uploaded_by_id)
      if (s.details.checkpoint_id && id == *s.details.checkpoint_id) total = static_cast<double>(bytes);
    if (total > 0) e.shares.push_back(uploaded / total);
  }
}

void add_operators(const CalibrationInputs& in, Calibration& cal) {
  if (!in.job) {
    int64_t subtasks = 1;
    for (const rest::RestCheckpoint& c : in.checkpoints.history)
      if (c.status == rest::RestStatus::COMPLETED && !c.is_savepoint) subtasks = std::max<int64_t>(1, c.num_subtasks);
    CalibratedOperator src;
    src.name = "source";
    src.header = "guess (no --job): one source subtask feeding the stateful operator";
    src.rate = Noted<double>{kGuessedRate, "guess: no --job, no throughput in these responses; "
                                           "moves only the lag metrics"};
    CalibratedOperator op;
    op.name = "stateful";
    op.parallelism = subtasks;
    op.header = fmt::format("guess (no --job): every subtask of the job as one stateful operator "
                            "(num_subtasks {} of the latest completed checkpoint)", subtasks);
    cal.operators = {src, op};
    cal.edges = {{"source", "stateful", "rebalance", "guess (no --job)"}};
    cal.graph_note = "the fallback of a source feeding one stateful operator: give --job for the graph";
    cal.guesses.push_back("no --job: the job graph is a source feeding one stateful operator");
    return;
  }
  const rest::RestJob& job = *in.job;
  std::set<std::string> taken;
  for (const rest::RestVertex& v : job.vertices) {
    CalibratedOperator op;
    std::string name = operator_slug(v.name), base = name;
    for (int n = 2; taken.count(name); ++n) name = fmt::format("{}-{}", base, n);
    taken.insert(name);
    op.name = name;
    op.parallelism = v.parallelism;
    op.header = fmt::format("vertex {} '{}' ({})", v.id, v.name, v.path);
    if (v.inputs.empty()) {
      if (v.write_bytes && *v.write_bytes > 0 && v.duration_ms && *v.duration_ms > 0) {
        const double rate = static_cast<double>(*v.write_bytes) * 1000.0 /
                            static_cast<double>(*v.duration_ms) / static_cast<double>(v.parallelism);
        op.rate = Noted<double>{rate, fmt::format("{}.metrics.write-bytes {} over its duration {} ms, "
                                                  "per subtask", v.path, *v.write_bytes, *v.duration_ms)};
      } else {
        op.rate = Noted<double>{kGuessedRate, "guess: no write-bytes in the vertex metrics; moves only "
                                              "the lag metrics (capacity is unlimited)"};
      }
    }
    cal.operators.push_back(std::move(op));
  }
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < job.vertices.size(); ++i) index[job.vertices[i].id] = i;
  for (size_t i = 0; i < job.vertices.size(); ++i)
    for (const rest::RestInput& input : job.vertices[i].inputs) {
      const size_t from = index.at(input.from);
      const Mapped m = partitioning_of(input.ship_strategy, job.vertices[from].parallelism,
                                       job.vertices[i].parallelism);
      const std::string& a = cal.operators[from].name;
      const std::string& b = cal.operators[i].name;
      const bool dup = std::any_of(cal.edges.begin(), cal.edges.end(),
                                   [&](const CalibratedEdge& e) { return e.from == a && e.to == b; });
      if (dup) continue;  // a second input from the same vertex (a self-join): one edge
      cal.edges.push_back({a, b, m.partitioning, fmt::format("{}.ship_strategy {}", input.path, m.note)});
    }
  cal.graph_note = fmt::format("{} of {} ({} vertices)", job.endpoint, job.file, job.vertices.size());
}

// The operators that hold the state no subtask file accounts for: those fed by a HASH edge
// (keyed state), else every non-source, else all.
std::vector<size_t> guessed_stateful(const CalibrationInputs& in, const Calibration& cal,
                                     const std::vector<SubtaskEvidence>& ev, std::string& why) {
  std::vector<size_t> keyed, inner, all;
  for (size_t i = 0; i < cal.operators.size(); ++i) {
    if (!ev[i].files.empty()) continue;
    all.push_back(i);
    if (!cal.operators[i].rate) inner.push_back(i);
    if (in.job)
      for (const rest::RestInput& input : in.job->vertices[i].inputs)
        if (input.ship_strategy == "HASH") {
          keyed.push_back(i);
          break;
        }
  }
  if (!in.job) {
    why = "the fallback's stateful operator";
    return {cal.operators.size() - 1};
  }
  if (!keyed.empty()) {
    why = "guess: keyed state, on the vertices fed by a HASH edge";
    return keyed;
  }
  if (!inner.empty()) {
    why = "guess: no HASH edge; spread over the vertices that are not sources";
    return inner;
  }
  why = "guess: spread over every vertex";
  return all;
}

// Each operator's share of a checkpoint's upload: from its subtask details where given, the rest
// spread over the operators guessed to hold it.
std::vector<double> upload_shares(const CalibrationInputs& in, const std::vector<SubtaskEvidence>& ev,
                                  const Calibration& cal, std::vector<std::string>& why) {
  const size_t n = cal.operators.size();
  std::vector<double> share(n, 0);
  why.assign(n, "");
  double known = 0;
  for (size_t i = 0; i < n; ++i)
    if (!ev[i].shares.empty()) {
      share[i] = median_of(ev[i].shares);
      known += share[i];
      why[i] = fmt::format("{:.3g}% (from its subtask details: {})", 100 * share[i],
                           checkpoint_list(ev[i].checkpoints));
    }
  std::string guess_why;
  const std::vector<size_t> rest = guessed_stateful(in, cal, ev, guess_why);
  if (known < 0.999 && !rest.empty()) {
    int64_t subtasks = 0;
    for (size_t i : rest) subtasks += cal.operators[i].parallelism;
    for (size_t i : rest) {
      share[i] = (1 - known) * static_cast<double>(cal.operators[i].parallelism) / static_cast<double>(subtasks);
      why[i] = fmt::format("{:.3g}% ({})", 100 * share[i],
                           known > 0 ? "what the subtask details leave; " + guess_why : guess_why);
    }
  } else if (known > 0) {
    for (size_t i = 0; i < n; ++i)
      if (share[i] > 0 && std::fabs(known - 1) > 0.001) {
        share[i] /= known;
        why[i] += fmt::format(", scaled by {:.3g} so that the shares make the whole", 1 / known);
      }
  }
  return share;
}

void split_state(const CalibrationInputs& in, const SizeSummary& sizes,
                 const std::vector<SubtaskEvidence>& ev, Calibration& cal) {
  const size_t n = cal.operators.size();
  std::vector<std::string> why;
  const std::vector<double> share = upload_shares(in, ev, cal, why);
  // Incremental checkpoints upload a fraction of the full state: an operator's own ratio where
  // its subtask details give both sizes, else the history's ratio of medians (so that the
  // simulated median upload is the observed one).
  double phi = 1;
  std::string phi_note = "full checkpoints: these responses have no checkpointed_size (before "
                         "Flink 1.15), so state_size is taken as both the upload and the state";
  if (sizes.incremental_known && sizes.full_median > 0) {
    phi = fraction_3(std::clamp(sizes.uploaded_median / sizes.full_median, 1e-6, 1.0));
    phi_note = fmt::format("the median checkpointed_size {} / the median state_size {} {}",
                           human_bytes(sizes.uploaded_median), human_bytes(sizes.full_median),
                           sizes.checkpoints);
  }
  // The upload per subtask, and its variation. Sizes drawn independently per subtask average out
  // over the subtasks, so a subtask's coefficient of variation is scaled up until the sum varies
  // as the observed uploads do (up to 2 per subtask).
  std::vector<double> upload(n, 0);
  double sum_sq = 0;
  for (size_t i = 0; i < n; ++i) {
    upload[i] = share[i] * sizes.uploaded_median / static_cast<double>(cal.operators[i].parallelism);
    sum_sq += static_cast<double>(cal.operators[i].parallelism) * upload[i] * upload[i];
  }
  const double cv_total = sizes.uploaded_median > 0 ? sizes.uploaded_spread / sizes.uploaded_median : 0;
  double cv = 0;
  if (cv_total > 0.02 && sum_sq > 0) cv = std::min(2.0, sizes.uploaded_spread / std::sqrt(sum_sq));
  for (size_t i = 0; i < n; ++i) {
    CalibratedOperator& op = cal.operators[i];
    if (upload[i] <= 0) continue;
    if (!ev[i].incremental.empty() && sizes.incremental_known) {
      op.incremental = {fraction_3(std::clamp(median_of(ev[i].incremental), 1e-6, 1.0)),
                        fmt::format("checkpointed_size / state_size of its subtask details ({})",
                                    checkpoint_list(ev[i].checkpoints))};
    } else {
      op.incremental = {phi, phi_note};
    }
    op.state_mean = three_significant(upload[i] / op.incremental.value);
    op.state_cv = cv;
    op.state_note = fmt::format("per subtask: its upload {} / incremental; the operator holds {} of the "
                                "median {} {} {}, split over its {} subtasks",
                                human_bytes(upload[i]), why[i],
                                sizes.incremental_known ? "checkpointed_size" : "state_size",
                                human_bytes(sizes.uploaded_median), sizes.checkpoints, op.parallelism);
    if (cv > 0)
      op.state_note += fmt::format("; lognormal: the uploads vary by {:.3g}% (robust), drawn per subtask "
                                   "and checkpoint{}", 100 * cv_total, cv >= 2.0 ? ", capped at 200% per subtask" : "");
  }
}

}  // namespace

std::string operator_slug(const std::string& flink_name) {
  std::string first = flink_name.substr(0, flink_name.find(" -> "));
  first = first.substr(0, first.find_first_of("(["));
  std::string out;
  for (char c : first) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.size() > 40) {
    out.resize(40);
    const auto dash = out.find_last_of('-');
    if (dash != std::string::npos && dash > 10) out.resize(dash);
  }
  return out.empty() ? "vertex" : out;
}

void build_graph(const CalibrationInputs& in, const SizeSummary& sizes, Calibration& cal) {
  add_operators(in, cal);
  std::vector<SubtaskEvidence> ev(cal.operators.size());
  gather_evidence(in, sizes, cal, ev);
  split_state(in, sizes, ev, cal);
  // Sync phases per operator; the start delay of the earliest operator (its barrier comes first)
  // is where the trigger reaches the job: checkpointing.trigger_latency.
  std::optional<double> first_start;
  std::string start_from;
  std::vector<double> alignment;
  for (size_t i = 0; i < ev.size(); ++i) {
    if (ev[i].files.empty()) continue;
    CalibratedOperator& op = cal.operators[i];
    const double sync = median_of(ev[i].sync_ms);
    op.sync_phase = {static_cast<sim::Duration>(std::llround(three_significant(sync * 1000))),
                     fmt::format("median checkpoint.sync of {} completed subtasks ({}; {}), "
                                 "async median {}", ev[i].sync_ms.size(), checkpoint_list(ev[i].checkpoints),
                                 ev[i].files.front(), human_duration(std::llround(median_of(ev[i].async_ms) * 1000)))};
    const double start = median_of(ev[i].start_delay_ms);
    if (!first_start || start < *first_start) {
      first_start = start;
      start_from = fmt::format("median start_delay of {} ({})", op.name, ev[i].files.front());
    }
    alignment.insert(alignment.end(), ev[i].alignment_ms.begin(), ev[i].alignment_ms.end());
  }
  if (first_start) {
    cal.trigger_latency = {static_cast<sim::Duration>(std::llround(three_significant(*first_start * 1000))),
                           start_from + (alignment.empty() ? "" : fmt::format(
                               "; the median alignment ({}) is not modelled as such: it is "
                               "inside storage.latency", human_duration(std::llround(median_of(alignment) * 1000))))};
  } else {
    cal.trigger_latency = {0, "no --subtasks: start delay, alignment and sync are inside storage.latency"};
  }
}

}  // namespace ckptsim::cli
