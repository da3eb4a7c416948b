// The keys of a scenario file, each declared once: what reads it, its default
// (the model's), its range and one line of doc. Events are in cli/event_schema.cpp, expectations
// in cli/expectation_schema.cpp. To add a key: one key(...) line in its section, the member in
// model/scenario.hpp, and `cmake --build build --target scenario-reference` for the docs.
#include <limits>

#include "cli/explore_schema.hpp"
#include "cli/scenario_schema.hpp"
#include "sim/names.hpp"

namespace ckptsim::cli::schema {

using namespace model;
constexpr sim::Duration k10ms = 10 * sim::kMillisecond;
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr double kNoLimit = std::numeric_limits<double>::infinity();

namespace {

const Section<OperatorSpec>& operator_schema() {
  static const Section<OperatorSpec> s{
      "job.operators[]", "An operator (a vertex of the job graph); it runs as `parallelism` subtasks.",
      {key("name", &OperatorSpec::name, text("operator name"),
           "Names the operator in edges, load events and outputs; unique in the job.")
           .required("the operator's name"),
       key("parallelism", &OperatorSpec::parallelism, integer(1, 32768), "Its number of subtasks."),
       key("rate", &OperatorSpec::rate, finite_rate(),
           "Makes it a source: input bytes per second per subtask.")
           .when_absent("none: not a source"),
       key("capacity", &OperatorSpec::capacity, rate_or_unlimited(false),
           "Input bytes per second one subtask can process; below its demand the job is "
           "backpressured."),
       key("selectivity", &OperatorSpec::selectivity, number(0, 1e9), "Output bytes per input byte."),
       key("state", &OperatorSpec::state, size_or_distribution(),
           "Checkpointed state per subtask (a distribution is drawn per subtask, stream "
           "`state/<operator>/<subtask>`)."),
       key("incremental", &OperatorSpec::incremental, number(0, 1),
           "Fraction of the state each checkpoint uploads per subtask (1: full checkpoints)."),
       key("sync_phase", &OperatorSpec::sync_phase, duration(),
           "Synchronous part of a subtask's snapshot, during which it does not process.")},
      {.pos = &OperatorSpec::pos}};
  return s;
}

const Section<EdgeSpec>& edge_schema() {
  static const Section<EdgeSpec> s{
      "job.edges[]", "An edge of the job graph, expanded to channels between the subtasks.",
      {key("from", &EdgeSpec::from, text(), "The sending operator.").required("the sending operator"),
       key("to", &EdgeSpec::to, text(), "The receiving operator.").required("the receiving operator"),
       key("partitioning", &EdgeSpec::partitioning, choice<Partitioning>(sim::enum_names<Partitioning>()),
           "`forward`: subtask i to subtask i (equal parallelisms); `rebalance`, `hash`: "
           "all-to-all, split evenly; `broadcast`: every byte to every receiver.")},
      {.pos = &EdgeSpec::pos}};
  return s;
}

const Section<Scenario>& job_schema() {
  static const Section<Scenario> s{
      "job", "The job graph: a DAG of operators.",
      {key("operators", &Scenario::operators,
           list_of(operator_schema(), "operators", true, &Context::operator_places),
           "The operators; those with a `rate` are the sources.")
           .required("a list of operators"),
       key("edges", &Scenario::edges, list_of(edge_schema(), "edges", false, &Context::edge_places),
           "The edges between operators.")},
      {.check = [](Context& c, const YamlMap& m, Scenario&) { c.job_place = c.yaml.where(m.self); }}};
  return s;
}

const Section<NetworkSpec>& network_schema() {
  static const Section<NetworkSpec> s{
      "network", "The channels between subtasks.",
      {key("latency", &NetworkSpec::latency, duration(),
           "Delay of a barrier on a channel, on top of draining the backlog ahead of it."),
       key("buffer_per_channel", &NetworkSpec::buffer_per_channel, size(),
           "Backlog of a full channel (Flink: 2 exclusive buffers of 32 KiB)."),
       key("debloat", &NetworkSpec::debloat, boolean(),
           "Buffer debloating: a full channel holds min(buffer, debloat_target × its flow rate)."),
       key("debloat_target", &NetworkSpec::debloat_target, duration(),
           "Time of data a debloated channel holds.")}};
  return s;
}

const Section<StorageSpec>& storage_schema() {
  static const Section<StorageSpec> s{
      "storage", "The checkpoint storage the subtasks upload their state to.",
      {key("bandwidth", &StorageSpec::bandwidth, rate_or_unlimited(true),
           "Aggregate upload bandwidth for the whole job, shared max-min fair by the uploads in "
           "flight."),
       key("per_task_bandwidth", &StorageSpec::per_task_bandwidth, rate_or_unlimited(true),
           "Cap on one subtask's upload; what it leaves of its share goes to the others."),
       key("latency", &StorageSpec::latency, duration(),
           "Paid once per upload, before any byte moves (request overhead)."),
       key("jitter", &StorageSpec::jitter, duration_or_distribution(),
           "Extra latency per upload, drawn from stream storage/jitter.")
           .when_absent("none")}};
  return s;
}

const Section<RecoverySpec>& recovery_schema() {
  static const Section<RecoverySpec> s{
      "recovery", "Restoring after a failover: download the restored checkpoint, then deploy.",
      {key("download_bandwidth", &RecoverySpec::download_bandwidth, rate_or_unlimited(true),
           "Aggregate bandwidth for the whole job at which the restored checkpoint's full state is "
           "downloaded."),
       key("deploy", &RecoverySpec::deploy, duration(),
           "Fixed time after the download until the subtasks are RUNNING.")}};
  return s;
}

const Section<CheckpointingSpec>& checkpointing_schema() {
  static const Section<CheckpointingSpec> s{
      "checkpointing", "The checkpoint coordinator's configuration (execution.checkpointing.*).",
      {key("interval", &CheckpointingSpec::interval, duration(k10ms),
           "Time between periodic triggers; the base interval is max(interval, min_pause).")
           .required("a duration of at least 10ms"),
       key("timeout", &CheckpointingSpec::timeout, duration(k10ms),
           "A pending checkpoint expires this long after it was created."),
       key("min_pause", &CheckpointingSpec::min_pause, duration(),
           "Least time from a completed checkpoint to the next periodic trigger."),
       key("max_concurrent", &CheckpointingSpec::max_concurrent, integer(1, 1000),
           "Most checkpoints pending at once."),
       key("tolerable_failed_checkpoints", &CheckpointingSpec::tolerable_failed_checkpoints,
           integer(0, 1'000'000'000),
           "Counted failures in a row the job tolerates; one more fails it over."),
       key("unaligned_checkpoints", &CheckpointingSpec::unaligned_checkpoints, boolean(),
           "Barriers overtake in-flight data, which is persisted with the state."),
       key("aligned_checkpoint_timeout", &CheckpointingSpec::aligned_checkpoint_timeout, duration(),
           "With unaligned checkpoints: start aligned, switch to unaligned this long after the "
           "trigger (0: start unaligned)."),
       key("initial_delay", &CheckpointingSpec::initial_delay,
           DurationOrWord{"random", "a duration such as '30s'", 0},
           "First tick after each (re)start; `random`: whole ms uniform in [min_pause, base "
           "interval], stream initial-delay."),
       key("trigger_latency", &CheckpointingSpec::trigger_latency, duration(),
           "Time the coordinator takes to trigger a checkpoint before its RPC goes to the sources."),
       key("finalize_latency", &CheckpointingSpec::finalize_latency, duration(),
           "Time from the last acknowledgement to completion."),
       key("rpc_latency", &CheckpointingSpec::rpc_latency, duration(),
           "Delay of each RPC between the coordinator and a subtask (trigger, ack, abort).")}};
  return s;
}

using RestartType = RestartStrategySpec::Type;

const Section<RestartStrategySpec>& restart_schema() {
  static const Section<RestartStrategySpec> s{
      "restart_strategy", "How the job restarts after a failover (restart-strategy.*).",
      {key("type", &RestartStrategySpec::type,
           choice<RestartType>({"fixed-delay", "exponential-delay", "none"}),
           "`none`: the first failure leaves the job FAILED to the end of the run."),
       key("attempts", &RestartStrategySpec::attempts, integer(0, kInt64Max),
           "Restarts before the job goes FAILED.")
           .when_absent("1 (fixed-delay); unlimited (exponential-delay)"),
       key("delay", &RestartStrategySpec::delay, duration(), "fixed-delay: the wait before each restart."),
       key("initial_backoff", &RestartStrategySpec::initial_backoff, duration(),
           "exponential-delay: the first backoff."),
       key("max_backoff", &RestartStrategySpec::max_backoff, duration(),
           "exponential-delay: the largest backoff; at least initial_backoff."),
       key("multiplier", &RestartStrategySpec::multiplier, number(1, 1e6),
           "exponential-delay: the backoff's growth per attempt."),
       key("reset_backoff_threshold", &RestartStrategySpec::reset_backoff_threshold, duration(),
           "exponential-delay: a failure this long after the last restart backs off from the "
           "start again."),
       key("jitter", &RestartStrategySpec::jitter, number(0, 1),
           "exponential-delay: each backoff varies by up to this fraction either way (stream "
           "restart/jitter).")},
      {.check = [](Context& c, const YamlMap& m, RestartStrategySpec& r) {
        if (r.max_backoff >= r.initial_backoff) return;
        const Section<RestartStrategySpec>& self = restart_schema();
        const YamlEntry* at = self.entry(m, "max_backoff");
        if (!at) at = self.entry(m, "initial_backoff");
        c.yaml.error(at ? at->value : m.self,
                     fmt::format("restart_strategy: max_backoff ({}) must be at least "
                                 "initial_backoff ({})",
                                 sim::format_duration(r.max_backoff),
                                 sim::format_duration(r.initial_backoff)));
      }}};
  return s;
}

const Section<ConfigSpec>& config_schema() {
  static const Section<ConfigSpec> s{
      "config", "What the JobManager keeps of the configuration.",
      {key("persist_overrides", &ConfigSpec::persist_overrides, boolean(),
           "Accepted PATCH overrides survive a JobManager failover (FLIP-571); false: back to the "
           "submitted configuration.")}};
  return s;
}

const Section<FailuresSpec>& failures_schema() {
  constexpr DurationOrWord mtbf{"none", "a mean time between failures such as '6h'", 1};
  static const Section<FailuresSpec> s{
      "failures", "Random failures: Poisson processes over the whole run.",
      {key("task_mtbf", &FailuresSpec::task_mtbf, mtbf,
           "Mean time between task failures of the whole job (stream failures/task)."),
       key("jobmanager_mtbf", &FailuresSpec::jobmanager_mtbf, mtbf,
           "Mean time between JobManager failovers (stream failures/jobmanager).")}};
  return s;
}

}  // namespace

const Section<Scenario>& scenario_schema() {
  static const Section<Scenario> s{
      "", "The top level of a scenario file.",
      {key("name", &Scenario::name, text(), "The scenario's name in outputs.")
           .when_absent("the file name without its extension"),
       key("description", &Scenario::description, text(), "What the scenario shows, in a sentence."),
       key("seed", &Scenario::seed, SeedValue{},
           "Seeds every random stream (a sweep's replication r derives its own from it)."),
       key("duration", &Scenario::duration, duration(1, "1us"),
           "Virtual time simulated: the run covers [0, duration).")
           .required("the virtual time to simulate, e.g. 3h"),
       key("job", job_schema(), "The job graph.").required("a mapping with `operators` and `edges`"),
       key("network", &Scenario::network, network_schema(), "The channels between subtasks."),
       key("storage", &Scenario::storage, storage_schema(), "The checkpoint storage."),
       key("recovery", &Scenario::recovery, recovery_schema(), "Restoring after a failover."),
       key("checkpointing", &Scenario::checkpointing, checkpointing_schema(),
           "The checkpoint configuration.")
           .required("a mapping with at least `interval`"),
       key("restart_strategy", &Scenario::restart_strategy, restart_schema(), "Restarts after failures."),
       key("config", &Scenario::config, config_schema(), "What a JobManager failover keeps."),
       key("failures", &Scenario::failures, failures_schema(), "Random failures."),
       key("explore", &Scenario::explore, explore_schema(),
           "How `ckptsim explore` interleaves a PATCH with the coordinator."),
       key("events", &Scenario::events, list_of(event_schema(), "events", false, &Context::event_places),
           "The script: changes at given virtual times, applied in file order at equal times."),
       key<Scenario>("expect", &Context::expectations,
                     list_of(expectation_schema(), "expectations"),
                     "What must hold at the end of the run (exit code 1 otherwise).")},
      {.check = [](Context& c, const YamlMap& m, Scenario& sc) {
        if (!sc.name.empty() || scenario_schema().entry(m, "name")) return;
        const std::string& file = c.yaml.file();
        std::string base = file.substr(file.find_last_of('/') + 1);
        if (auto dot = base.rfind('.'); dot != std::string::npos && dot > 0) base.resize(dot);
        sc.name = base;
      }}};
  return s;
}

}  // namespace ckptsim::cli::schema
