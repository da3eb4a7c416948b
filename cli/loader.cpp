#include "cli/loader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "cli/overrides.hpp"
#include "model/job_graph.hpp"
#include "sim/units.hpp"

namespace ckptsim::cli {

std::string ScenarioError::format() const {
  if (line > 0) return fmt::format("{}:{}:{}: error: {}", file, line, column, message);
  return fmt::format("{}: error: {}", file, message);
}

const std::vector<std::string_view>& metric_names() {
  static const std::vector<std::string_view> names{
      "failovers",      "jobmanager_failovers",
      "job_status",     "completed",
      "failed",         "expired",
      "rescued",        "wasted_bytes",
      "max_time_without_completed_checkpoint",
      "time_in_failure_loop",
      "replayed_bytes", "replayed_time",
      "max_lag",        "final_lag",
      "max_lag_bytes",  "final_lag_bytes",
      "patches_accepted", "patches_rejected",
      "torn_observations"};
  return names;
}

// --- the schema ------------------------------------------------------------------------------
namespace schema {
namespace {
using Keys = std::vector<std::string_view>;
const Keys kTop{"name",     "description",      "seed",   "duration", "job",
                "network",  "storage",          "recovery", "checkpointing",
                "restart_strategy", "config",   "failures", "events", "expect"};
const Keys kJob{"operators", "edges"};
const Keys kOperator{"name",        "parallelism", "rate",       "capacity",
                     "selectivity", "state",       "incremental", "sync_phase"};
const Keys kEdge{"from", "to", "partitioning"};
const Keys kNetwork{"latency", "buffer_per_channel", "debloat", "debloat_target"};
const Keys kStorage{"bandwidth", "per_task_bandwidth", "latency", "jitter"};
const Keys kDist{"dist", "min", "max", "mean", "median", "sigma", "stddev"};
const Keys kRecovery{"download_bandwidth", "deploy"};
const Keys kCheckpointing{"interval",        "timeout",
                          "min_pause",       "max_concurrent",
                          "tolerable_failed_checkpoints",
                          "unaligned_checkpoints",
                          "aligned_checkpoint_timeout",
                          "initial_delay",   "trigger_latency",
                          "finalize_latency", "rpc_latency"};
const Keys kRestart{"type",       "attempts",   "delay", "initial_backoff", "max_backoff",
                    "multiplier", "reset_backoff_threshold", "jitter"};
const Keys kConfig{"persist_overrides"};
const Keys kFailures{"task_mtbf", "jobmanager_mtbf"};
const Keys kEvent{"at", "storage", "load", "patch", "fail"};
const Keys kStorageEvent{"bandwidth", "per_task_bandwidth", "latency"};
const Keys kLoadEvent{"operator", "rate", "capacity", "subtask"};
const Keys kPatch{"body", "apply", "tear", "interval_policy"};
const Keys kTear{"first", "gap"};
const Keys kExpect{"metric", "op", "value", "checkpoint", "status", "failure_reason", "rescued"};

// Optimal string alignment distance (Levenshtein plus adjacent transpositions).
size_t distance(std::string_view a, std::string_view b) {
  if (a.size() > 64 || b.size() > 64) return 1000;
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}
}  // namespace

std::optional<std::string_view> nearest(std::string_view key, const Keys& known) {
  std::optional<std::string_view> best;
  size_t best_d = 0;
  for (auto k : known) {
    size_t d = distance(key, k);
    if (!best || d < best_d) {
      best = k;
      best_d = d;
    }
  }
  const size_t limit = key.size() <= 4 ? 1 : std::max<size_t>(2, key.size() / 3);
  if (best && best_d <= limit && best_d < key.size()) return best;
  return std::nullopt;
}

const Keys* known_keys(const std::vector<std::string>& p, bool* any_key) {
  if (any_key) *any_key = false;
  const size_t n = p.size();
  auto is = [&](std::initializer_list<const char*> pattern) {
    if (pattern.size() != n) return false;
    size_t i = 0;
    for (const char* s : pattern) {
      if (std::string_view(s) != "*" && p[i] != s) return false;
      ++i;
    }
    return true;
  };
  if (n == 0) return &kTop;
  if (is({"job"})) return &kJob;
  if (is({"job", "operators", "*"})) return &kOperator;
  if (is({"job", "operators", "*", "state"})) return &kDist;
  if (is({"job", "edges", "*"})) return &kEdge;
  if (is({"network"})) return &kNetwork;
  if (is({"storage"})) return &kStorage;
  if (is({"storage", "jitter"})) return &kDist;
  if (is({"recovery"})) return &kRecovery;
  if (is({"checkpointing"})) return &kCheckpointing;
  if (is({"restart_strategy"})) return &kRestart;
  if (is({"config"})) return &kConfig;
  if (is({"failures"})) return &kFailures;
  if (is({"events", "*"})) return &kEvent;
  if (is({"events", "*", "storage"})) return &kStorageEvent;
  if (is({"events", "*", "load"})) return &kLoadEvent;
  if (is({"events", "*", "patch"})) return &kPatch;
  if (is({"events", "*", "patch", "tear"})) return &kTear;
  if (is({"expect", "*"})) return &kExpect;
  if (n >= 4 && p[0] == "events" && p[2] == "patch" && p[3] == "body") {
    if (any_key) *any_key = true;
    return nullptr;
  }
  return nullptr;
}

}  // namespace schema

namespace {

using model::Distribution;
using model::SourcePos;
using sim::Duration;
using Keys = std::vector<std::string_view>;

// A node being read, with its dotted path (for messages) and where it came from.
struct N {
  YAML::Node node;
  std::string path;
  int ovr = -1;  // index into the applied overrides when the node came from `--set`
  SourcePos fallback;
  std::string fallback_file;
};

struct Entry {
  std::string key;
  N key_n;
  N val;
};

struct Map {
  N self;
  std::vector<Entry> entries;
  const Entry* get(std::string_view k) const {
    for (const auto& e : entries)
      if (e.key == k) return &e;
    return nullptr;
  }
};

const char* type_name(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "a scalar";
    case YAML::NodeType::Null:
      return "nothing (null)";
    default:
      return "nothing";
  }
}

std::string quoted_list(const Keys& keys) {
  std::string out;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i) out += ", ";
    out += keys[i];
  }
  return out;
}

std::string shorten(const std::string& s) {
  if (s.size() <= 60) return s;
  return s.substr(0, 57) + "...";
}

class Loader {
 public:
  Loader(std::string file, std::vector<AppliedOverride> ovr)
      : file_(std::move(file)), ovr_(std::move(ovr)) {}

  std::vector<ScenarioError> errors;

  struct Where {
    std::string file;
    SourcePos pos;
  };

  Where where(const N& n) const {
    if (n.ovr >= 0) {
      const auto& o = ovr_[static_cast<size_t>(n.ovr)];
      YAML::Mark m = n.node.Mark();
      int col = o.value_column + (m.line == 0 && m.column > 0 ? m.column : 0);
      return {"--set", {o.index + 1, col}};
    }
    YAML::Mark m = n.node.IsDefined() ? n.node.Mark() : YAML::Mark::null_mark();
    if (m.line >= 0 && m.column >= 0) return {file_, {m.line + 1, m.column + 1}};
    return {n.fallback_file.empty() ? file_ : n.fallback_file, n.fallback};
  }

  void error(const N& n, std::string message) { error_at(where(n), std::move(message)); }
  void error_at(const Where& w, std::string message) {
    if (errors.size() > kMaxErrors) return;
    if (errors.size() == kMaxErrors) {
      errors.push_back({w.file, w.pos.line, w.pos.column,
                        fmt::format("too many errors (more than {}); stopping here", kMaxErrors)});
      return;
    }
    if (message.size() > 1000) message = message.substr(0, 997) + "...";
    errors.push_back({w.file, w.pos.line, w.pos.column, std::move(message)});
  }
  static constexpr size_t kMaxErrors = 100;

  N child(const N& parent, const YAML::Node& c, std::string path) const {
    Where w = where(parent);
    N r{c, std::move(path), parent.ovr, w.pos, w.file};
    if (r.ovr < 0) {
      for (size_t k = 0; k < ovr_.size(); ++k)
        if (c.is(ovr_[k].value)) r.ovr = static_cast<int>(k);
    }
    return r;
  }

  static std::string section(const N& n) {
    return n.path.empty() ? std::string("the top level") : n.path;
  }
  static std::string sub(const N& n, std::string_view key) {
    return n.path.empty() ? std::string(key) : n.path + "." + std::string(key);
  }

  // A mapping with only known keys (all unknown and duplicate keys reported).
  std::optional<Map> map(const N& n, const Keys& known, bool any_key = false) {
    if (!n.node.IsMap()) {
      error(n, fmt::format("{}: expected a mapping (key: value pairs), got {}", section(n),
                           type_name(n.node)));
      return std::nullopt;
    }
    Map m{n, {}};
    const std::string in = n.path.empty() ? std::string("at the top level") : "in " + n.path;
    std::map<std::string, int> seen;  // key -> line of the first occurrence
    for (auto it = n.node.begin(); it != n.node.end(); ++it) {
      N key = child(n, it->first, n.path);
      if (!it->first.IsScalar()) {
        error(key, fmt::format("{}: expected a key name, got {}", section(n),
                               type_name(it->first)));
        continue;
      }
      std::string k = it->first.Scalar();
      if (auto [pos, inserted] = seen.emplace(k, where(key).pos.line); !inserted) {
        error(key, fmt::format("duplicate key '{}' {} (first given on line {})", shorten(k), in,
                               pos->second));
        continue;
      }
      if (!any_key && std::find(known.begin(), known.end(), k) == known.end()) {
        auto near = schema::nearest(k, known);
        if (near)
          error(key, fmt::format("unknown key '{}' {}; did you mean '{}'?", shorten(k), in,
                                 *near));
        else
          error(key, fmt::format("unknown key '{}' {}; expected one of: {}", shorten(k), in,
                                 quoted_list(known)));
        continue;
      }
      m.entries.push_back({k, key, child(n, it->second, sub(n, k))});
    }
    return m;
  }

  void missing(const Map& m, std::string_view key, std::string_view what) {
    error(m.self, fmt::format("{}: missing required key '{}' ({})", section(m.self), key, what));
  }

  std::optional<std::string> scalar(const N& n, std::string_view expected) {
    if (!n.node.IsScalar()) {
      error(n, fmt::format("{}: expected {}, got {}", n.path, expected, type_name(n.node)));
      return std::nullopt;
    }
    return n.node.Scalar();
  }

  std::optional<std::string> string(const N& n) { return scalar(n, "a string"); }

  std::optional<Duration> duration(const N& n, Duration min = 0, std::string_view min_text = "") {
    auto s = scalar(n, "a duration such as '250ms' or '1h30min'");
    if (!s) return std::nullopt;
    auto r = sim::parse_duration(*s);
    if (!r) {
      error(n, fmt::format("{}: {}", n.path, r.error));
      return std::nullopt;
    }
    if (*r < min) {
      error(n, fmt::format("{}: expected a duration of at least {}, got '{}'", n.path,
                           min_text.empty() ? sim::format_duration(min) : std::string(min_text),
                           shorten(*s)));
      return std::nullopt;
    }
    return *r;
  }

  std::optional<int64_t> size(const N& n) {
    auto s = scalar(n, "a size such as '25GB' or '128KiB'");
    if (!s) return std::nullopt;
    auto r = sim::parse_size(*s);
    if (!r) {
      error(n, fmt::format("{}: {}", n.path, r.error));
      return std::nullopt;
    }
    if (*r < 0) {
      error(n, fmt::format("{}: expected a size of at least 0, got '{}'", n.path, shorten(*s)));
      return std::nullopt;
    }
    return *r;
  }

  // A rate (bytes/s), or `unlimited` when allowed; strictly positive when `positive`.
  std::optional<double> rate(const N& n, bool allow_unlimited, bool positive) {
    auto s = scalar(n, allow_unlimited ? "a rate such as '20MB/s', or 'unlimited'"
                                       : "a rate such as '20MB/s'");
    if (!s) return std::nullopt;
    if (*s == "unlimited") {
      if (allow_unlimited) return model::kUnlimited;
      error(n, fmt::format("{}: expected a finite rate such as '20MB/s', got 'unlimited'", n.path));
      return std::nullopt;
    }
    auto r = sim::parse_rate(*s);
    if (!r) {
      error(n, fmt::format("{}: {}{}", n.path, r.error, allow_unlimited ? " (or 'unlimited')" : ""));
      return std::nullopt;
    }
    if (*r < 0 || (positive && *r == 0)) {
      error(n, fmt::format("{}: expected a rate {} 0, got '{}'", n.path,
                           positive ? "greater than" : "of at least", shorten(*s)));
      return std::nullopt;
    }
    return static_cast<double>(*r);
  }

  std::optional<int64_t> integer(const N& n, int64_t lo, int64_t hi) {
    auto s = scalar(n, "an integer");
    if (!s) return std::nullopt;
    int64_t v = 0;
    const char* b = s->data();
    const char* e = s->data() + s->size();
    if (b != e && *b == '+') ++b;
    auto [p, ec] = std::from_chars(b, e, v);
    if (ec == std::errc::result_out_of_range || (ec == std::errc() && p == e && (v < lo || v > hi))) {
      error(n, fmt::format("{}: expected an integer from {} to {}, got '{}'", n.path, lo, hi,
                           shorten(*s)));
      return std::nullopt;
    }
    if (ec != std::errc() || p != e) {
      error(n, fmt::format("{}: expected an integer, got '{}'", n.path, shorten(*s)));
      return std::nullopt;
    }
    return v;
  }

  static std::optional<double> to_number(const std::string& s) {
    double v = 0;
    const char* b = s.data();
    const char* e = s.data() + s.size();
    if (b != e && *b == '+') ++b;
    auto [p, ec] = std::from_chars(b, e, v);
    if (ec != std::errc() || p != e || !std::isfinite(v)) return std::nullopt;
    return v;
  }

  std::optional<double> number(const N& n, double lo, double hi, std::string_view range) {
    auto s = scalar(n, "a number");
    if (!s) return std::nullopt;
    auto v = to_number(*s);
    if (!v) {
      error(n, fmt::format("{}: expected a number, got '{}'", n.path, shorten(*s)));
      return std::nullopt;
    }
    if (*v < lo || *v > hi) {
      error(n, fmt::format("{}: expected a number {}, got '{}'", n.path, range, shorten(*s)));
      return std::nullopt;
    }
    return *v;
  }

  std::optional<bool> boolean(const N& n) {
    auto s = scalar(n, "true or false");
    if (!s) return std::nullopt;
    bool b = false;
    if (!YAML::convert<bool>::decode(n.node, b)) {
      error(n, fmt::format("{}: expected true or false, got '{}'", n.path, shorten(*s)));
      return std::nullopt;
    }
    return b;
  }

  // One of `choices`; returns its index.
  std::optional<size_t> choice(const N& n, const Keys& choices) {
    auto s = scalar(n, "one of " + quoted_list(choices));
    if (!s) return std::nullopt;
    for (size_t i = 0; i < choices.size(); ++i)
      if (choices[i] == *s) return i;
    auto near = schema::nearest(*s, choices);
    error(n, fmt::format("{}: expected one of {}, got '{}'{}", n.path, quoted_list(choices),
                         shorten(*s), near ? fmt::format("; did you mean '{}'?", *near) : ""));
    return std::nullopt;
  }

  // A size or a duration given as a constant or as a distribution (SPEC section 7).
  enum class Unit { size, duration };
  std::optional<Distribution> distribution(const N& n, Unit unit) {
    if (!n.node.IsMap()) {
      if (!n.node.IsScalar()) {
        error(n, fmt::format("{}: expected {} or a distribution such as {{dist: uniform, min, "
                             "max}}, got {}",
                             n.path, unit == Unit::size ? "a size" : "a duration",
                             type_name(n.node)));
        return std::nullopt;
      }
      if (unit == Unit::size) {
        auto v = size(n);
        if (!v) return std::nullopt;
        return Distribution::constant(static_cast<double>(*v));
      }
      auto v = duration(n);
      if (!v) return std::nullopt;
      return Distribution::constant(static_cast<double>(*v));
    }
    auto m = map(n, schema::kDist);
    if (!m) return std::nullopt;
    const Entry* d = m->get("dist");
    if (!d) {
      missing(*m, "dist", "uniform, exponential, lognormal or normal");
      return std::nullopt;
    }
    static const Keys kinds{"uniform", "exponential", "lognormal", "normal"};
    auto kind = choice(d->val, kinds);
    if (!kind) return std::nullopt;
    static const Keys params[] = {{"min", "max"}, {"mean"}, {"median", "sigma"}, {"mean", "stddev"}};
    const Keys& want = params[*kind];
    bool ok = true;
    for (const auto& e : m->entries) {
      if (e.key == "dist") continue;
      if (std::find(want.begin(), want.end(), e.key) == want.end()) {
        error(e.key_n, fmt::format("{}: key '{}' does not apply to dist: {}; expected {}",
                                   section(n), e.key, kinds[*kind], quoted_list(want)));
        ok = false;
      }
    }
    double vals[2] = {0, 0};
    for (size_t i = 0; i < want.size(); ++i) {
      const Entry* e = m->get(want[i]);
      if (!e) {
        missing(*m, want[i], fmt::format("dist: {} takes {}", kinds[*kind], quoted_list(want)));
        ok = false;
        continue;
      }
      if (want[i] == "sigma") {
        auto v = number(e->val, 0, 1e6, "from 0 to 1e6");
        if (!v) ok = false; else vals[i] = *v;
      } else if (unit == Unit::size) {
        auto v = size(e->val);
        if (!v) ok = false; else vals[i] = static_cast<double>(*v);
      } else {
        auto v = duration(e->val);
        if (!v) ok = false; else vals[i] = static_cast<double>(*v);
      }
    }
    if (!ok) return std::nullopt;
    if (*kind == 0 && vals[0] > vals[1]) {
      error(n, fmt::format("{}: expected min <= max", n.path));
      return std::nullopt;
    }
    Distribution out;
    out.kind = static_cast<Distribution::Kind>(*kind + 1);
    out.a = vals[0];
    out.b = vals[1];
    return out;
  }

  // --- sections --------------------------------------------------------------------------

  template <class F>
  void each(const Map& m, F&& f) {
    for (const auto& e : m.entries) f(e.key, e.val);
  }

  void read_operators(const N& n, model::Scenario& sc) {
    if (!n.node.IsSequence() || n.node.size() == 0) {
      error(n, fmt::format("job.operators: expected a non-empty list of operators, got {}",
                           n.node.IsSequence() ? "an empty list" : type_name(n.node)));
      return;
    }
    for (size_t i = 0; i < n.node.size(); ++i) {
      N on = child(n, n.node[i], fmt::format("job.operators.{}", i));
      auto m = map(on, schema::kOperator);
      if (!m) continue;
      model::OperatorSpec op;
      Where w = where(on);
      op.pos = w.pos;
      op_files_.push_back(w.file);
      if (!m->get("name")) missing(*m, "name", "the operator's name");
      each(*m, [&](const std::string& k, const N& v) {
        if (k == "name") {
          if (auto s = string(v)) {
            if (s->empty()) error(v, "job.operators: expected a non-empty operator name");
            op.name = *s;
          }
        } else if (k == "parallelism") {
          if (auto x = integer(v, 1, 32768)) op.parallelism = static_cast<int>(*x);
        } else if (k == "rate") {
          if (auto x = rate(v, false, false)) op.rate = *x;
        } else if (k == "capacity") {
          if (auto x = rate(v, true, false)) op.capacity = *x;
        } else if (k == "selectivity") {
          if (auto x = number(v, 0, 1e9, "of at least 0")) op.selectivity = *x;
        } else if (k == "state") {
          if (auto x = distribution(v, Unit::size)) op.state = *x;
        } else if (k == "incremental") {
          if (auto x = number(v, 0, 1, "from 0 to 1")) op.incremental = *x;
        } else if (k == "sync_phase") {
          if (auto x = duration(v)) op.sync_phase = *x;
        }
      });
      sc.operators.push_back(std::move(op));
    }
  }

  void read_edges(const N& n, model::Scenario& sc) {
    if (n.node.IsNull()) return;
    if (!n.node.IsSequence()) {
      error(n, fmt::format("job.edges: expected a list of edges, got {}", type_name(n.node)));
      return;
    }
    static const Keys kParts{"forward", "rebalance", "hash", "broadcast"};
    for (size_t i = 0; i < n.node.size(); ++i) {
      N en = child(n, n.node[i], fmt::format("job.edges.{}", i));
      auto m = map(en, schema::kEdge);
      if (!m) continue;
      model::EdgeSpec e;
      Where w = where(en);
      e.pos = w.pos;
      edge_files_.push_back(w.file);
      if (!m->get("from")) missing(*m, "from", "the sending operator");
      if (!m->get("to")) missing(*m, "to", "the receiving operator");
      each(*m, [&](const std::string& k, const N& v) {
        if (k == "from") {
          if (auto s = string(v)) e.from = *s;
        } else if (k == "to") {
          if (auto s = string(v)) e.to = *s;
        } else if (k == "partitioning") {
          if (auto c = choice(v, kParts)) e.partitioning = static_cast<model::Partitioning>(*c);
        }
      });
      sc.edges.push_back(std::move(e));
    }
  }

  void read_job(const N& n, model::Scenario& sc) {
    auto m = map(n, schema::kJob);
    if (!m) return;
    if (const Entry* e = m->get("operators"))
      read_operators(e->val, sc);
    else
      missing(*m, "operators", "a list of operators");
    if (const Entry* e = m->get("edges")) read_edges(e->val, sc);
    job_pos_ = where(n);
  }

  void read_network(const N& n, model::NetworkSpec& s) {
    auto m = map(n, schema::kNetwork);
    if (!m) return;
    each(*m, [&](const std::string& k, const N& v) {
      if (k == "latency") {
        if (auto x = duration(v)) s.latency = *x;
      } else if (k == "buffer_per_channel") {
        if (auto x = size(v)) s.buffer_per_channel = *x;
      } else if (k == "debloat") {
        if (auto x = boolean(v)) s.debloat = *x;
      } else if (k == "debloat_target") {
        if (auto x = duration(v)) s.debloat_target = *x;
      }
    });
  }

  void read_storage(const N& n, model::StorageSpec& s) {
    auto m = map(n, schema::kStorage);
    if (!m) return;
    each(*m, [&](const std::string& k, const N& v) {
      if (k == "bandwidth") {
        if (auto x = rate(v, true, true)) s.bandwidth = *x;
      } else if (k == "per_task_bandwidth") {
        if (auto x = rate(v, true, true)) s.per_task_bandwidth = *x;
      } else if (k == "latency") {
        if (auto x = duration(v)) s.latency = *x;
      } else if (k == "jitter") {
        if (auto x = distribution(v, Unit::duration)) s.jitter = *x;
      }
    });
  }

  void read_recovery(const N& n, model::RecoverySpec& s) {
    auto m = map(n, schema::kRecovery);
    if (!m) return;
    each(*m, [&](const std::string& k, const N& v) {
      if (k == "download_bandwidth") {
        if (auto x = rate(v, true, true)) s.download_bandwidth = *x;
      } else if (k == "deploy") {
        if (auto x = duration(v)) s.deploy = *x;
      }
    });
  }

  void read_checkpointing(const N& n, model::CheckpointingSpec& s) {
    auto m = map(n, schema::kCheckpointing);
    if (!m) return;
    if (!m->get("interval")) missing(*m, "interval", "a duration of at least 10ms");
    constexpr Duration k10ms = 10 * sim::kMillisecond;
    each(*m, [&](const std::string& k, const N& v) {
      if (k == "interval") {
        if (auto x = duration(v, k10ms)) s.interval = *x;
      } else if (k == "timeout") {
        if (auto x = duration(v, k10ms)) s.timeout = *x;
      } else if (k == "min_pause") {
        if (auto x = duration(v)) s.min_pause = *x;
      } else if (k == "max_concurrent") {
        if (auto x = integer(v, 1, 1000)) s.max_concurrent = static_cast<int>(*x);
      } else if (k == "tolerable_failed_checkpoints") {
        if (auto x = integer(v, 0, 1'000'000'000)) s.tolerable_failed_checkpoints = static_cast<int>(*x);
      } else if (k == "unaligned_checkpoints") {
        if (auto x = boolean(v)) s.unaligned_checkpoints = *x;
      } else if (k == "aligned_checkpoint_timeout") {
        if (auto x = duration(v)) s.aligned_checkpoint_timeout = *x;
      } else if (k == "initial_delay") {
        if (v.node.IsScalar() && v.node.Scalar() == "random") {
          s.initial_delay.reset();
        } else if (v.node.IsScalar() && !sim::parse_duration(v.node.Scalar())) {
          error(v, fmt::format("{}: expected a duration such as '30s', or 'random', got '{}'",
                               v.path, shorten(v.node.Scalar())));
        } else if (auto x = duration(v)) {
          s.initial_delay = *x;
        }
      } else if (k == "trigger_latency") {
        if (auto x = duration(v)) s.trigger_latency = *x;
      } else if (k == "finalize_latency") {
        if (auto x = duration(v)) s.finalize_latency = *x;
      } else if (k == "rpc_latency") {
        if (auto x = duration(v)) s.rpc_latency = *x;
      }
    });
  }

  void read_restart(const N& n, model::RestartStrategySpec& s) {
    auto m = map(n, schema::kRestart);
    if (!m) return;
    static const Keys kTypes{"fixed-delay", "exponential-delay", "none"};
    std::optional<N> initial_n, max_n;
    each(*m, [&](const std::string& k, const N& v) {
      if (k == "type") {
        if (auto c = choice(v, kTypes)) s.type = static_cast<model::RestartStrategySpec::Type>(*c);
      } else if (k == "attempts") {
        if (auto x = integer(v, 0, INT64_MAX)) s.attempts = *x;
      } else if (k == "delay") {
        if (auto x = duration(v)) s.delay = *x;
      } else if (k == "initial_backoff") {
        if (auto x = duration(v)) s.initial_backoff = *x;
        initial_n = v;
      } else if (k == "max_backoff") {
        if (auto x = duration(v)) s.max_backoff = *x;
        max_n = v;
      } else if (k == "multiplier") {
        if (auto x = number(v, 1, 1e6, "of at least 1")) s.multiplier = *x;
      } else if (k == "reset_backoff_threshold") {
        if (auto x = duration(v)) s.reset_backoff_threshold = *x;
      } else if (k == "jitter") {
        if (auto x = number(v, 0, 1, "from 0 to 1")) s.jitter = *x;
      }
    });
    if (s.max_backoff < s.initial_backoff)
      error(max_n ? *max_n : (initial_n ? *initial_n : n),
            fmt::format("restart_strategy: max_backoff ({}) must be at least initial_backoff ({})",
                        sim::format_duration(s.max_backoff),
                        sim::format_duration(s.initial_backoff)));
  }

  void read_config(const N& n, model::ConfigSpec& s) {
    auto m = map(n, schema::kConfig);
    if (!m) return;
    each(*m, [&](const std::string& k, const N& v) {
      if (k == "persist_overrides") {
        if (auto x = boolean(v)) s.persist_overrides = *x;
      }
    });
  }

  std::optional<Duration> mtbf(const N& v) {
    if (v.node.IsScalar() && v.node.Scalar() == "none") return std::nullopt;
    if (v.node.IsScalar() && !sim::parse_duration(v.node.Scalar())) {
      error(v, fmt::format("{}: expected a mean time between failures such as '6h', or 'none', "
                           "got '{}'",
                           v.path, shorten(v.node.Scalar())));
      return std::nullopt;
    }
    return duration(v, 1);
  }

  void read_failures(const N& n, model::FailuresSpec& s) {
    auto m = map(n, schema::kFailures);
    if (!m) return;
    each(*m, [&](const std::string& k, const N& v) {
      if (k == "task_mtbf") s.task_mtbf = mtbf(v);
      else if (k == "jobmanager_mtbf") s.jobmanager_mtbf = mtbf(v);
    });
  }

  // --- events ----------------------------------------------------------------------------

  struct LoadCheck {
    size_t event;
    Where pos;
    std::string path;
  };

  void read_patch(const N& n, model::PatchRequest& p) {
    auto m = map(n, schema::kPatch);
    if (!m) return;
    static const Keys kApply{"atomic", "torn"};
    static const Keys kFields{"checkpointInterval", "checkpointTimeout"};
    static const Keys kPolicies{"earlier_only", "next_cycle", "immediate"};
    each(*m, [&](const std::string& k, const N& v) {
      if (k == "body") {
        if (!v.node.IsMap()) {
          p.body_is_map = false;  // a 400 at run time, not a scenario error
          return;
        }
        for (auto it = v.node.begin(); it != v.node.end(); ++it) {
          model::PatchField f;
          f.key = it->first.IsScalar() ? it->first.Scalar() : shorten(YAML::Dump(it->first));
          if (it->second.IsScalar()) {
            f.value = it->second.Scalar();
          } else if (it->second.IsNull() || !it->second.IsDefined()) {
            f.value = "";
          } else {
            f.scalar = false;
            f.value = shorten(YAML::Dump(it->second));
          }
          p.body.push_back(std::move(f));
        }
      } else if (k == "apply") {
        if (auto c = choice(v, kApply)) p.apply = static_cast<model::PatchApply>(*c);
      } else if (k == "tear") {
        auto t = map(v, schema::kTear);
        if (!t) return;
        each(*t, [&](const std::string& tk, const N& tv) {
          if (tk == "first") {
            if (auto c = choice(tv, kFields)) p.tear_first = static_cast<model::ConfigField>(*c);
          } else if (tk == "gap") {
            if (auto x = duration(tv)) p.tear_gap = *x;
          }
        });
      } else if (k == "interval_policy") {
        if (auto c = choice(v, kPolicies)) p.interval_policy = static_cast<model::IntervalPolicy>(*c);
      }
    });
  }

  void read_events(const N& n, model::Scenario& sc) {
    if (n.node.IsNull()) return;
    if (!n.node.IsSequence()) {
      error(n, fmt::format("events: expected a list of events, got {}", type_name(n.node)));
      return;
    }
    static const Keys kKinds{"storage", "load", "patch", "fail"};
    static const Keys kFail{"task", "jobmanager"};
    for (size_t i = 0; i < n.node.size(); ++i) {
      N en = child(n, n.node[i], fmt::format("events.{}", i));
      auto m = map(en, schema::kEvent);
      if (!m) continue;
      model::ScriptedEvent ev;
      Where w = where(en);
      ev.pos = w.pos;
      if (const Entry* at = m->get("at")) {
        if (auto x = duration(at->val)) ev.at = *x;
      } else {
        missing(*m, "at", "the virtual time of the event");
      }
      std::vector<const Entry*> kinds;
      for (auto k : kKinds)
        if (const Entry* e = m->get(k)) kinds.push_back(e);
      if (kinds.empty()) {
        error(en, fmt::format("events.{}: expected exactly one of storage, load, patch, fail", i));
        continue;
      }
      if (kinds.size() > 1) {
        error(kinds[1]->key_n,
              fmt::format("events.{}: has both '{}' and '{}'; expected exactly one of storage, "
                          "load, patch, fail",
                          i, kinds[0]->key, kinds[1]->key));
        continue;
      }
      const Entry& k = *kinds[0];
      if (k.key == "storage") {
        model::StorageChange s;
        auto sm = map(k.val, schema::kStorageEvent);
        if (!sm) continue;
        if (sm->entries.empty())
          error(k.val, fmt::format("{}: expected at least one of bandwidth, per_task_bandwidth, "
                                   "latency",
                                   k.val.path));
        each(*sm, [&](const std::string& sk, const N& v) {
          if (sk == "bandwidth") s.bandwidth = rate(v, true, true);
          else if (sk == "per_task_bandwidth") s.per_task_bandwidth = rate(v, true, true);
          else if (sk == "latency") s.latency = duration(v);
        });
        ev.what = s;
      } else if (k.key == "load") {
        model::LoadChange l;
        auto lm = map(k.val, schema::kLoadEvent);
        if (!lm) continue;
        if (!lm->get("operator")) missing(*lm, "operator", "the operator whose load changes");
        const bool has_rate = lm->get("rate") != nullptr;
        const bool has_cap = lm->get("capacity") != nullptr;
        if (has_rate == has_cap)
          error(k.val, fmt::format("{}: expected exactly one of 'rate' (a source's input rate) "
                                   "or 'capacity'",
                                   k.val.path));
        each(*lm, [&](const std::string& lk, const N& v) {
          if (lk == "operator") {
            if (auto s = string(v)) l.operator_name = *s;
          } else if (lk == "rate") {
            l.rate = rate(v, false, false);
          } else if (lk == "capacity") {
            l.capacity = rate(v, true, false);
          } else if (lk == "subtask") {
            if (auto x = integer(v, 0, 1'000'000)) l.subtask = static_cast<int>(*x);
          }
        });
        load_checks_.push_back({sc.events.size(), w, en.path});
        ev.what = l;
      } else if (k.key == "patch") {
        model::PatchRequest p;
        read_patch(k.val, p);
        ev.what = p;
      } else {
        auto c = choice(k.val, kFail);
        ev.what = c && *c == 1 ? model::FailureKind::jobmanager : model::FailureKind::task;
      }
      sc.events.push_back(std::move(ev));
    }
  }

  // Load events name an operator: it must exist, rate only on a source, subtask in range.
  void check_loads(const model::Scenario& sc) {
    for (const auto& c : load_checks_) {
      const auto& l = std::get<model::LoadChange>(sc.events[c.event].what);
      const model::OperatorSpec* op = nullptr;
      for (const auto& o : sc.operators)
        if (o.name == l.operator_name) op = &o;
      if (!op) {
        Keys names;
        for (const auto& o : sc.operators) names.push_back(o.name);
        auto near = schema::nearest(l.operator_name, names);
        error_at(c.pos, fmt::format("{}: load names an unknown operator '{}'{}", c.path,
                                    shorten(l.operator_name),
                                    near ? fmt::format("; did you mean '{}'?", *near) : ""));
        continue;
      }
      if (l.rate && !op->rate)
        error_at(c.pos, fmt::format("{}: 'rate' applies only to a source, and '{}' is not one "
                                    "(it has no rate); use 'capacity'",
                                    c.path, op->name));
      if (l.subtask && *l.subtask >= op->parallelism)
        error_at(c.pos, fmt::format("{}: subtask {} out of range: '{}' has parallelism {} "
                                    "(subtasks 0 to {})",
                                    c.path, *l.subtask, op->name, op->parallelism,
                                    op->parallelism - 1));
    }
  }

  // --- expectations ------------------------------------------------------------------------

  void read_expect(const N& n, std::vector<Expectation>& out) {
    if (n.node.IsNull()) return;
    if (!n.node.IsSequence()) {
      error(n, fmt::format("expect: expected a list of expectations, got {}", type_name(n.node)));
      return;
    }
    static const Keys kOps{"==", "!=", "<", "<=", ">", ">="};
    static const Keys kStatus{"COMPLETED", "FAILED", "IN_PROGRESS"};
    static const Keys kJobStatus{"RUNNING", "RESTARTING", "FAILED"};
    static const Keys kReasons{"CHECKPOINT_EXPIRED",
                               "CHECKPOINT_DECLINED",
                               "CHECKPOINT_ASYNC_EXCEPTION",
                               "IO_EXCEPTION",
                               "FINALIZE_CHECKPOINT_FAILURE",
                               "CHECKPOINT_SUBSUMED",
                               "CHECKPOINT_COORDINATOR_SUSPEND",
                               "JOB_FAILOVER_REGION",
                               "MINIMUM_TIME_BETWEEN_CHECKPOINTS",
                               "NOT_ALL_REQUIRED_TASKS_RUNNING",
                               "TOO_MANY_CHECKPOINT_REQUESTS",
                               "PERIODIC_SCHEDULER_SHUTDOWN",
                               "TRIGGER_CHECKPOINT_FAILURE"};
    for (size_t i = 0; i < n.node.size(); ++i) {
      N xn = child(n, n.node[i], fmt::format("expect.{}", i));
      auto m = map(xn, schema::kExpect);
      if (!m) continue;
      Expectation x;
      x.pos = where(xn).pos;
      const Entry* metric = m->get("metric");
      const Entry* ckpt = m->get("checkpoint");
      if ((metric != nullptr) == (ckpt != nullptr)) {
        error(xn, fmt::format("expect.{}: expected either 'metric' (with op and value) or "
                              "'checkpoint' (with status, failure_reason, rescued)",
                              i));
        continue;
      }
      const size_t before = errors.size();
      if (metric) {
        x.kind = Expectation::Kind::metric;
        for (auto k : {"status", "failure_reason", "rescued"})
          if (const Entry* e = m->get(k))
            error(e->key_n, fmt::format("expect.{}: key '{}' belongs to a checkpoint expectation, "
                                        "not a metric one",
                                        i, k));
        if (auto c = choice(metric->val, metric_names())) x.metric = metric_names()[*c];
        const Entry* op = m->get("op");
        const Entry* value = m->get("value");
        if (!op) missing(*m, "op", "one of == != < <= > >=");
        if (!value) missing(*m, "value", "a number, a duration or a size");
        if (op) {
          if (auto c = choice(op->val, kOps)) x.op = kOps[*c];
        }
        if (value && !x.metric.empty()) {
          if (x.metric == "job_status") {
            if (auto c = choice(value->val, kJobStatus)) x.value_text = kJobStatus[*c];
            if (!x.op.empty() && x.op != "==" && x.op != "!=")
              error(op->val, fmt::format("expect.{}: job_status compares with == or != only, "
                                         "got '{}'",
                                         i, x.op));
          } else if (auto s = scalar(value->val, "a number, a duration or a size")) {
            x.value_text = *s;
            if (auto v = to_number(*s)) {
              x.value = *v;
            } else if (auto d = sim::parse_duration(*s)) {
              x.value = static_cast<double>(*d) / 1000.0;
            } else if (auto z = sim::parse_size(*s)) {
              x.value = static_cast<double>(*z);
            } else {
              error(value->val, fmt::format("{}: expected a number, a duration (such as '90s', "
                                            "compared in ms) or a size (such as '2GB'), got '{}'",
                                            value->val.path, shorten(*s)));
            }
          }
        }
      } else {
        x.kind = Expectation::Kind::checkpoint;
        for (auto k : {"op", "value"})
          if (const Entry* e = m->get(k))
            error(e->key_n, fmt::format("expect.{}: key '{}' belongs to a metric expectation, "
                                        "not a checkpoint one",
                                        i, k));
        if (auto v = integer(ckpt->val, 1, INT64_MAX)) x.checkpoint = *v;
        if (const Entry* e = m->get("status"))
          if (auto c = choice(e->val, kStatus)) x.status = std::string(kStatus[*c]);
        if (const Entry* e = m->get("failure_reason"))
          if (auto c = choice(e->val, kReasons)) x.failure_reason = std::string(kReasons[*c]);
        if (const Entry* e = m->get("rescued")) x.rescued = boolean(e->val);
      }
      if (errors.size() == before) out.push_back(std::move(x));
    }
  }

  // --- the whole file ----------------------------------------------------------------------

  void read(const YAML::Node& root, LoadedScenario& out) {
    N rn{root, "", -1, {1, 1}, file_};
    model::Scenario& sc = out.scenario;
    if (!root.IsMap()) {
      error(rn, fmt::format("expected a mapping with at least `duration`, `job` and "
                            "`checkpointing`, got {}",
                            root.IsNull() || !root.IsDefined() ? "an empty document"
                                                                : type_name(root)));
      return;
    }
    auto m = map(rn, schema::kTop);
    if (!m) return;
    if (!m->get("duration")) missing(*m, "duration", "the virtual time to simulate, e.g. 3h");
    if (!m->get("job")) missing(*m, "job", "a mapping with `operators` and `edges`");
    if (!m->get("checkpointing"))
      missing(*m, "checkpointing", "a mapping with at least `interval`");
    job_pos_ = where(rn);
    each(*m, [&](const std::string& k, const N& v) {
      if (k == "name") {
        if (auto s = string(v)) sc.name = *s;
      } else if (k == "description") {
        if (auto s = string(v)) sc.description = *s;
      } else if (k == "seed") {
        auto s = scalar(v, "a non-negative integer");
        if (!s) return;
        uint64_t seed = 0;
        auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), seed);
        if (ec != std::errc() || p != s->data() + s->size() || s->empty())
          error(v, fmt::format("seed: expected an integer from 0 to 18446744073709551615, got '{}'",
                               shorten(*s)));
        else
          sc.seed = seed;
      } else if (k == "duration") {
        if (auto x = duration(v, 1, "1us")) sc.duration = *x;
      } else if (k == "job") {
        read_job(v, sc);
      } else if (k == "network") {
        read_network(v, sc.network);
      } else if (k == "storage") {
        read_storage(v, sc.storage);
      } else if (k == "recovery") {
        read_recovery(v, sc.recovery);
      } else if (k == "checkpointing") {
        read_checkpointing(v, sc.checkpointing);
      } else if (k == "restart_strategy") {
        read_restart(v, sc.restart_strategy);
      } else if (k == "config") {
        read_config(v, sc.config);
      } else if (k == "failures") {
        read_failures(v, sc.failures);
      } else if (k == "events") {
        read_events(v, sc);
      } else if (k == "expect") {
        read_expect(v, out.expectations);
      }
    });
    if (sc.name.empty() && !m->get("name")) {
      std::string base = file_.substr(file_.find_last_of('/') + 1);
      if (auto dot = base.rfind('.'); dot != std::string::npos && dot > 0) base.resize(dot);
      sc.name = base;
    }
    if (!errors.empty()) return;
    check_loads(sc);
    check_graph(sc);
  }

  void check_graph(const model::Scenario& sc) {
    // Bound the task graph before expanding it: all-to-all edges make p_from x p_to channels.
    constexpr int64_t kMaxChannels = 20'000'000;
    std::map<std::string, int> par;
    int64_t subtasks = 0;
    for (const auto& o : sc.operators) {
      par[o.name] = o.parallelism;
      subtasks += o.parallelism;
    }
    int64_t channels = 0;
    for (size_t i = 0; i < sc.edges.size(); ++i) {
      const auto& e = sc.edges[i];
      auto f = par.find(e.from), t = par.find(e.to);
      if (f == par.end() || t == par.end()) continue;
      channels += e.partitioning == model::Partitioning::forward
                      ? std::max(f->second, t->second)
                      : static_cast<int64_t>(f->second) * t->second;
      if (channels > kMaxChannels) {
        error_at({edge_files_[i], e.pos},
                 fmt::format("job.edges.{}: the task graph would have more than {} channels; "
                             "reduce the parallelism",
                             i, kMaxChannels));
        return;
      }
    }
    if (sc.edges.size() > 100'000 || subtasks > 1'000'000) {
      error_at(job_pos_, "job: the job graph is too large (at most 100000 edges and 1000000 "
                         "subtasks)");
      return;
    }
    auto built = model::JobGraph::build(sc.operators, sc.edges);
    if (auto* errs = std::get_if<std::vector<model::GraphError>>(&built)) {
      for (const auto& ge : *errs) {
        Where w = job_pos_;
        if (ge.pos.line > 0) {
          w.pos = ge.pos;
          w.file = file_;
          for (size_t i = 0; i < sc.operators.size(); ++i)
            if (sc.operators[i].pos.line == ge.pos.line &&
                sc.operators[i].pos.column == ge.pos.column)
              w.file = op_files_[i];
          for (size_t i = 0; i < sc.edges.size(); ++i)
            if (sc.edges[i].pos.line == ge.pos.line && sc.edges[i].pos.column == ge.pos.column)
              w.file = edge_files_[i];
        }
        error_at(w, "job graph: " + ge.message);
      }
    }
  }

 private:
  std::string file_;
  std::vector<AppliedOverride> ovr_;
  std::vector<std::string> op_files_, edge_files_;
  std::vector<LoadCheck> load_checks_;
  Where job_pos_;
};

}  // namespace

LoadResult load_scenario_text(const std::string& text, const std::string& file_name,
                              const std::vector<std::string>& overrides) {
  try {
    YAML::Node root;
    if (auto err = parse_yaml_safely(text, root)) {
      int line = err->line >= 0 ? err->line + 1 : 0;
      int col = err->column >= 0 ? err->column + 1 : 0;
      if (line == 0 && text.size() <= kMaxScenarioBytes) {
        line = 1;
        col = 1;
      }
      return std::vector<ScenarioError>{{file_name, line, col, err->message}};
    }
    std::vector<AppliedOverride> applied;
    std::vector<ScenarioError> override_errors;
    for (size_t i = 0; i < overrides.size(); ++i) {
      auto r = apply_override(root, overrides[i], static_cast<int>(i));
      if (auto* e = std::get_if<ScenarioError>(&r))
        override_errors.push_back(std::move(*e));
      else
        applied.push_back(std::get<AppliedOverride>(std::move(r)));
    }
    if (!override_errors.empty()) return override_errors;

    Loader loader(file_name, std::move(applied));
    LoadedScenario out;
    out.file = file_name;
    loader.read(root, out);
    if (!loader.errors.empty()) return std::move(loader.errors);
    return out;
  } catch (const YAML::Exception& e) {
    return std::vector<ScenarioError>{
        {file_name, e.mark.line >= 0 ? e.mark.line + 1 : 0, e.mark.column >= 0 ? e.mark.column + 1 : 0,
         "invalid YAML: " + e.msg}};
  } catch (const std::bad_alloc&) {
    return std::vector<ScenarioError>{{file_name, 0, 0, "out of memory while loading the scenario"}};
  } catch (const std::exception& e) {
    return std::vector<ScenarioError>{{file_name, 0, 0, std::string("cannot load: ") + e.what()}};
  }
}

LoadResult load_scenario_file(const std::string& path, const std::vector<std::string>& overrides) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return std::vector<ScenarioError>{
        {path, 0, 0, fmt::format("cannot read the scenario file '{}': it is a directory", path)}};
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return std::vector<ScenarioError>{
        {path, 0, 0, fmt::format("cannot read the scenario file '{}'", path)}};
  // Read in chunks, at most one byte past the limit, so that a huge file is refused without
  // loading it (and a small one costs no 16 MiB buffer).
  std::string text;
  char chunk[65536];
  while (text.size() <= kMaxScenarioBytes) {
    const size_t want = std::min(sizeof chunk, kMaxScenarioBytes + 1 - text.size());
    in.read(chunk, static_cast<std::streamsize>(want));
    text.append(chunk, static_cast<size_t>(in.gcount()));
    if (!in) break;
  }
  if (in.bad())
    return std::vector<ScenarioError>{
        {path, 0, 0, fmt::format("cannot read the scenario file '{}'", path)}};
  if (text.size() > kMaxScenarioBytes)
    return std::vector<ScenarioError>{
        {path, 0, 0,
         fmt::format("the scenario file is larger than the limit of {} bytes (16 MiB)",
                     kMaxScenarioBytes)}};
  return load_scenario_text(text, path, overrides);
}

}  // namespace ckptsim::cli
