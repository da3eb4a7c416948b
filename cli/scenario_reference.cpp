#include "cli/scenario_reference.hpp"

#include <set>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "analysis/recorder.hpp"
#include "cli/scenario_schema.hpp"
#include "sim/names.hpp"

namespace ckptsim::cli {

namespace {

using schema::KeyDoc;
using schema::MapSchema;

std::string cell(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out.empty() ? "—" : out;
}

// The anchor GitHub gives the heading of `path`: lower case, spaces to '-', other punctuation
// (but '-' and '_') dropped.
std::string anchor(std::string_view path) {
  std::string out;
  for (char c : path) {
    if (c >= 'A' && c <= 'Z') out += static_cast<char>(c - 'A' + 'a');
    else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') out += c;
    else if (c == ' ') out += '-';
  }
  return out;
}

std::string default_cell(const KeyDoc& k) {
  if (k.required) return k.form.empty() ? "**required**" : fmt::format("**required** with `{}`", k.form);
  if (k.default_text.empty() || k.default_is_prose) return k.default_text;
  return fmt::format("`{}`", k.default_text);
}

std::string link(const MapSchema& m) { return fmt::format("[`{}`](#{})", m.path, anchor(m.path)); }

std::string type_cell(const KeyDoc& k) {
  std::string type = k.type;
  if (const auto p = type.find("a name under \""); p != std::string::npos) {
    const std::string heading = type.substr(p + 14, type.size() - p - 15);
    type = fmt::format("a name under [{}](#{})", heading, anchor(heading));
  }
  if (!k.child) return type;
  if (k.list) return "list of " + link(*k.child);
  if (k.type == "mapping") return link(*k.child);
  return fmt::format("{} ({})", type, link(*k.child));
}

void table(std::string& out, const MapSchema& m) {
  out += fmt::format("## {}\n\n", m.path.empty() ? std::string("The top level") : fmt::format("`{}`", m.path));
  out += fmt::format("{}{}\n\n", m.doc, m.any_key ? " Any key is accepted here." : "");
  out += "| key | type | unit | default | range | description |\n";
  out += "|---|---|---|---|---|---|\n";
  for (const KeyDoc& k : m.keys)
    out += fmt::format("| `{}` | {} | {} | {} | {} | {} |\n", k.name, cell(type_cell(k)), cell(k.unit),
                       cell(default_cell(k)), cell(k.range), cell(k.doc));
  out += "\n";
}

// Every mapping, depth first in key order, each once; the distributions last (several keys
// share them).
void walk(const MapSchema& m, std::vector<const MapSchema*>& order, std::set<const MapSchema*>& seen) {
  if (!seen.insert(&m).second) return;
  if (&m != &schema::distribution_schema()) order.push_back(&m);
  for (const KeyDoc& k : m.keys)
    if (k.child) walk(*k.child, order, seen);
}

void names(std::string& out, std::string_view title, std::string_view doc,
           const std::vector<std::string_view>& list) {
  out += fmt::format("## {}\n\n{}\n\n", title, doc);
  for (std::string_view n : list) out += fmt::format("- `{}`\n", n);
  out += "\n";
}

// The metric table of analysis/metrics.hpp.
void metrics(std::string& out) {
  out += "## Metrics\n\nThe keys of summary.json's `metrics`, which `expect: {metric: ...}` names. "
         "Times are printed and compared in ms.\n\n";
  out += "| metric | unit | description |\n|---|---|---|\n";
  for (const analysis::MetricSpec& m : analysis::kMetrics) {
    const char* unit = m.unit == analysis::MetricUnit::time    ? "time (ms)"
                       : m.unit == analysis::MetricUnit::bytes ? "bytes"
                       : m.unit == analysis::MetricUnit::count ? "count"
                                                               : "job status";
    out += fmt::format("| `{}` | {} | {} |\n", m.name, unit, cell(m.doc));
  }
  out += "\n";
}

}  // namespace

std::string scenario_reference_markdown() {
  std::string out =
      "# Scenario file reference\n\n"
      "<!-- Generated from the schema (cli/scenario_schema.cpp, cli/event_schema.cpp,\n"
      "     cli/expectation_schema.cpp): do not edit. Regenerate with\n"
      "     `cmake --build build --target scenario-reference`. -->\n\n"
      "Every key of a scenario file, as `ckptsim` reads it. A key left out takes its default.\n\n"
      "- **Durations** take `us`, `ms`, `s`, `min`, `h`, `d` and may be compounded (`1h30min`); a\n"
      "  bare number is milliseconds.\n"
      "- **Sizes** take `B`, `KB`, `MB`, `GB`, `TB` (powers of 1000) and `KiB`, `MiB`, `GiB`,\n"
      "  `TiB` (powers of 1024); a bare number is bytes. **Rates** are a size per second\n"
      "  (`20MB/s`).\n"
      "- Per subtask or per job: an operator's `rate`, `capacity` and `state` are per subtask;\n"
      "  `storage.bandwidth` and `recovery.download_bandwidth` are for the whole job, shared.\n"
      "- `--set path=value` overrides any key before validation (`events.1.patch.apply=atomic`).\n\n";
  std::vector<const MapSchema*> order;
  std::set<const MapSchema*> seen;
  walk(schema::scenario_schema(), order, seen);
  order.push_back(&schema::distribution_schema());
  for (const MapSchema* m : order) table(out, *m);
  metrics(out);
  names(out, "Checkpoint statuses", "For `expect: {checkpoint: N, status: ...}`.",
        sim::enum_names<analysis::CheckpointStatus>());
  names(out, "Failure reasons", "Flink's CheckpointFailureReason names the model produces, for "
        "`expect: {checkpoint: N, failure_reason: ...}`.",
        sim::enum_names<model::FailureReason>());
  out.pop_back();  // one newline at the end
  return out;
}

}  // namespace ckptsim::cli
