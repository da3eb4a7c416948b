// A scenario as plain, already validated values: what the loader produces and the model runs.
// All times are microseconds, sizes bytes, rates bytes per second.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "model/steps.hpp"
#include "sim/rng.hpp"
#include "sim/time.hpp"

namespace ckptsim::model {

using sim::Duration;
using sim::Time;

inline constexpr double kUnlimited = std::numeric_limits<double>::infinity();

// Where a value came from in the scenario file (1-based; 0 when unknown), so that errors found
// after loading (graph validation) can still name file:line:column.
struct SourcePos {
  int line = 0;
  int column = 0;
};

// A value that may vary: a constant, or one of the distributions of a scenario ({dist: ...}).
struct Distribution {
  enum class Kind { constant, uniform, exponential, lognormal, normal };
  Kind kind = Kind::constant;
  double a = 0;  // constant value | uniform min | exponential mean | lognormal median | normal mean
  double b = 0;  // uniform max | lognormal sigma | normal stddev

  static Distribution constant(double v) { return {Kind::constant, v, 0}; }
  bool is_constant() const { return kind == Kind::constant; }
  double mean() const;
  double sample(sim::RandomStream& rng) const;  // never negative
};

enum class Partitioning { forward, rebalance, hash, broadcast };
const char* to_string(Partitioning p);

struct OperatorSpec {
  std::string name;
  int parallelism = 1;
  std::optional<double> rate;  // input bytes/s per subtask; present exactly on sources
  double capacity = kUnlimited;  // input bytes/s one subtask can process
  double selectivity = 1;        // output bytes per input byte
  Distribution state;            // checkpointed bytes per subtask
  double incremental = 1;        // fraction of the state uploaded per checkpoint
  Duration sync_phase = 0;
  SourcePos pos;
};

struct EdgeSpec {
  std::string from, to;
  Partitioning partitioning = Partitioning::hash;
  SourcePos pos;
};

struct NetworkSpec {
  Duration latency = 0;
  int64_t buffer_per_channel = 64 * 1024;  // Flink: 2 exclusive 32 KiB buffers per channel
  bool debloat = false;
  Duration debloat_target = sim::kSecond;
};

struct StorageSpec {
  double bandwidth = kUnlimited;  // aggregate bytes/s, shared max-min fair
  double per_task_bandwidth = kUnlimited;
  Duration latency = 0;               // paid once per upload, before any byte moves
  std::optional<Distribution> jitter;  // extra per-upload latency (µs), stream storage/jitter
};

struct RecoverySpec {
  double download_bandwidth = kUnlimited;
  Duration deploy = 0;
};

struct CheckpointingSpec {
  Duration interval = 0;  // required
  Duration timeout = 10 * sim::kMinute;
  Duration min_pause = 0;
  int max_concurrent = 1;
  int tolerable_failed_checkpoints = 0;
  bool unaligned_checkpoints = false;
  Duration aligned_checkpoint_timeout = 0;
  std::optional<Duration> initial_delay;  // empty = random in [min_pause, base interval]
  Duration trigger_latency = 0;
  Duration finalize_latency = 0;
  Duration rpc_latency = 0;
};

struct RestartStrategySpec {
  enum class Type { fixed_delay, exponential_delay, none };
  Type type = Type::exponential_delay;  // Flink's default with checkpointing on (1.19+)
  // fixed-delay
  std::optional<int64_t> attempts;  // fixed-delay: default 1; exponential: unlimited
  Duration delay = sim::kSecond;
  // exponential-delay
  Duration initial_backoff = sim::kSecond;
  Duration max_backoff = sim::kMinute;
  double multiplier = 1.5;
  Duration reset_backoff_threshold = sim::kHour;
  double jitter = 0.1;
};

struct FailuresSpec {
  std::optional<Duration> task_mtbf;  // empty = none
  std::optional<Duration> jobmanager_mtbf;
};

struct ConfigSpec {
  bool persist_overrides = true;
};

// The `explore` section: how the coordinator reads the configuration, and designs of the
// update beyond the built-in ones (steps.hpp).
struct ExploreSpec {
  Readers readers = Readers::split;
  std::optional<Duration> window;  // `ckptsim explore`'s default window (else the base interval)
  std::vector<Design> designs;
};

// --- scripted events ---------------------------------------------------------------------

struct StorageChange {
  std::optional<double> bandwidth;
  std::optional<double> per_task_bandwidth;
  std::optional<Duration> latency;
};

struct LoadChange {
  std::string operator_name;
  std::optional<double> rate;
  std::optional<double> capacity;
  std::optional<int> subtask;  // empty = every subtask of the operator
};

// One field of a PATCH body, kept raw: a bad body is not a scenario error but a 400 at run time.
struct PatchField {
  std::string key;
  std::string value;   // the scalar as written
  bool scalar = true;  // false for a map or a list
};

enum class PatchApply { atomic, torn, interleaved };
enum class ConfigField { interval, timeout };
enum class IntervalPolicy { earlier_only, next_cycle, immediate };
const char* to_string(ConfigField f);  // "checkpointInterval" | "checkpointTimeout"
const char* to_string(IntervalPolicy p);

struct PatchRequest {
  std::vector<PatchField> body;
  bool body_is_map = true;  // false when the body is not a map at all (a 400)
  PatchApply apply = PatchApply::atomic;
  ConfigField tear_first = ConfigField::interval;
  Duration tear_gap = 0;
  IntervalPolicy interval_policy = IntervalPolicy::earlier_only;
  // apply: interleaved — the design's writer steps (from `design: NAME` or `steps: [...]`),
  // run in `order` against the coordinator steps of the window [at, at + window] (default
  // window: the base interval in force at `at`).
  std::string design;  // its name, when given by name
  std::vector<WriterStep> steps;
  std::vector<StepLabel> order;
  std::optional<Duration> window;
};

enum class FailureKind { task, jobmanager };

struct ScriptedEvent {
  Time at = 0;
  std::variant<StorageChange, LoadChange, PatchRequest, FailureKind> what;
  SourcePos pos;
};

struct Scenario {
  std::string name;
  std::string description;
  uint64_t seed = 0;
  uint64_t replication = 0;
  Duration duration = 0;
  std::vector<OperatorSpec> operators;
  std::vector<EdgeSpec> edges;
  NetworkSpec network;
  StorageSpec storage;
  RecoverySpec recovery;
  CheckpointingSpec checkpointing;
  RestartStrategySpec restart_strategy;
  FailuresSpec failures;
  ConfigSpec config;
  ExploreSpec explore;
  std::vector<ScriptedEvent> events;  // in file order; equal times apply in this order
};

}  // namespace ckptsim::model
