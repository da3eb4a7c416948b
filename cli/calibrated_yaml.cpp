#include "cli/calibrated_yaml.hpp"

#include <cmath>

#include <fmt/format.h>

#include "sim/units.hpp"

namespace ckptsim::cli {

namespace {

constexpr size_t kWidth = 100;  // comment lines wrap here
constexpr size_t kInline = 64;  // notes up to this long stay on the value's line

// A note on one line: control characters become spaces.
std::string one_line(const std::string& s) {
  std::string out;
  for (char c : s) out += static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
  return out;
}

class Writer {
 public:
  // `key: value  # note`, or the note wrapped on comment lines above it.
  void value(int indent, const std::string& key_value, const std::string& note) {
    const std::string pad(static_cast<size_t>(indent), ' ');
    const std::string n = one_line(note);
    if (n.empty()) {
      out_ += pad + key_value + "\n";
    } else if (n.size() <= kInline) {
      out_ += pad + key_value + "  # " + n + "\n";
    } else {
      comment(indent, n);
      out_ += pad + key_value + "\n";
    }
  }
  // Comment lines, wrapped at word boundaries.
  void comment(int indent, const std::string& text) {
    const std::string pad(static_cast<size_t>(indent), ' ');
    std::string line;
    size_t start = 0;
    const std::string t = one_line(text);
    while (start <= t.size()) {
      size_t end = t.find(' ', start);
      if (end == std::string::npos) end = t.size();
      const std::string word = t.substr(start, end - start);
      if (!line.empty() && pad.size() + 2 + line.size() + 1 + word.size() > kWidth) {
        out_ += pad + "# " + line + "\n";
        line.clear();
      }
      line += (line.empty() ? "" : " ") + word;
      start = end + 1;
    }
    if (!line.empty()) out_ += pad + "# " + line + "\n";
  }
  void raw(const std::string& s) { out_ += s; }
  const std::string& text() const { return out_; }

 private:
  std::string out_;
};

std::string rate(double bytes_per_second) {
  return std::isinf(bytes_per_second) ? "unlimited" : short_size(bytes_per_second) + "/s";
}

// 3 significant digits of a fraction in (0, 1], always with a decimal point.
std::string fraction(double v) {
  std::string s = fmt::format("{:.3g}", v);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

void write_operators(Writer& w, const Calibration& cal) {
  w.raw("job:\n");
  if (!cal.graph_note.empty()) w.comment(2, cal.graph_note);
  w.raw("  operators:\n");
  for (const CalibratedOperator& op : cal.operators) {
    w.comment(4, op.header);
    w.raw(fmt::format("    - name: {}\n", op.name));
    w.value(6, fmt::format("parallelism: {}", op.parallelism), "");
    if (op.rate) w.value(6, "rate: " + rate(op.rate->value), op.rate->note);
    if (op.state_mean > 0) {
      // A lognormal with the mean state_mean and the coefficient of variation state_cv:
      // sigma^2 = ln(1 + cv^2), median = mean / sqrt(1 + cv^2).
      const double spread = 1 + op.state_cv * op.state_cv;
      const std::string state =
          op.state_cv > 0
              ? fmt::format("{{dist: lognormal, median: {}, sigma: {:.3g}}}",
                            short_size(op.state_mean / std::sqrt(spread)), std::sqrt(std::log(spread)))
              : short_size(op.state_mean);
      w.value(6, "state: " + state, op.state_note);
      if (op.incremental.value < 1)
        w.value(6, "incremental: " + fraction(op.incremental.value), op.incremental.note);
    }
    if (op.sync_phase.value > 0 || !op.sync_phase.note.empty())
      w.value(6, "sync_phase: " + short_duration(static_cast<double>(op.sync_phase.value)), op.sync_phase.note);
  }
  w.raw("  edges:\n");
  for (const CalibratedEdge& e : cal.edges)
    w.value(4, fmt::format("- {{from: {}, to: {}, partitioning: {}}}", e.from, e.to, e.partitioning), e.note);
}

void write_checkpointing(Writer& w, const Calibration& cal) {
  w.raw("checkpointing:\n");
  w.value(2, "interval: " + sim::format_duration(cal.interval.value), cal.interval.note);
  w.value(2, "timeout: " + sim::format_duration(cal.timeout.value), cal.timeout.note);
  w.value(2, "min_pause: " + sim::format_duration(cal.min_pause.value), cal.min_pause.note);
  w.value(2, fmt::format("max_concurrent: {}", cal.max_concurrent.value), cal.max_concurrent.note);
  w.value(2, fmt::format("tolerable_failed_checkpoints: {}", cal.tolerable_failed_checkpoints.value),
          cal.tolerable_failed_checkpoints.note);
  w.value(2, fmt::format("unaligned_checkpoints: {}", cal.unaligned_checkpoints.value ? "true" : "false"),
          cal.unaligned_checkpoints.note);
  w.value(2, "aligned_checkpoint_timeout: " + sim::format_duration(cal.aligned_checkpoint_timeout.value),
          cal.aligned_checkpoint_timeout.note);
  w.value(2, "initial_delay: 0ms", "the history's first checkpoint triggers at virtual time 0");
  w.value(2, "trigger_latency: " + short_duration(static_cast<double>(cal.trigger_latency.value)),
          cal.trigger_latency.note);
  if (!cal.mode_note.empty()) w.comment(2, cal.mode_note);
}

}  // namespace

std::string yaml_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string calibrated_yaml(const Calibration& cal, const std::vector<std::string>& expect_lines) {
  Writer w;
  w.comment(0, "Calibrated by `ckptsim calibrate` from a Flink job's REST responses:");
  for (const std::string& h : cal.header) w.raw("#   " + one_line(h) + "\n");
  w.comment(0, "Every value says which fields and checkpoints it came from and its fit error; "
               "\"guess:\" marks what the responses do not tell. Rerunning calibrate writes this "
               "file anew.");
  w.raw(fmt::format("name: {}\n", yaml_quote(cal.name)));
  w.raw(fmt::format("description: {}\n", yaml_quote(cal.description)));
  w.raw(fmt::format("seed: {}\n", cal.seed));
  w.value(0, "duration: " + sim::format_duration(cal.duration.value), cal.duration.note);
  write_operators(w, cal);
  w.raw("storage:\n");
  w.value(2, "bandwidth: " + rate(cal.bandwidth.value), cal.bandwidth.note);
  w.value(2, "latency: " + short_duration(static_cast<double>(cal.latency.value)), cal.latency.note);
  if (cal.jitter)
    w.value(2, fmt::format("jitter: {{dist: lognormal, median: {}, sigma: {}}}",
                           short_duration(static_cast<double>(cal.jitter->value.first)),
                           fmt::format("{:.3g}", cal.jitter->value.second)),
            cal.jitter->note);
  w.raw("recovery:\n");
  w.value(2, "download_bandwidth: " + rate(cal.download_bandwidth.value), cal.download_bandwidth.note);
  w.value(2, "deploy: " + sim::format_duration(cal.deploy.value), cal.deploy.note);
  write_checkpointing(w, cal);
  w.value(0, "restart_strategy: {type: exponential-delay}", cal.restart_note);
  w.value(0, "failures: {task_mtbf: none, jobmanager_mtbf: none}",
          "guess: random failures are not in these responses");
  if (!expect_lines.empty()) {
    bool any = false;  // an expectation that is not commented out
    for (const std::string& line : expect_lines) any = any || line.rfind("  -", 0) == 0;
    w.raw(any ? "expect:\n" : "expect: []\n");
    for (const std::string& line : expect_lines) w.raw(line + "\n");
  }
  return w.text();
}

}  // namespace ckptsim::cli
