#include "analysis/explore_report.hpp"

#include <fmt/format.h>

#include "analysis/json_util.hpp"
#include "sim/units.hpp"

namespace ckptsim::analysis {

namespace {

std::string t(Time at) { return at == sim::kNever ? "never" : sim::format_duration(at); }

// "tick@30min→5min", "create #2@30min→10min", "expire #2@34min", carried "tick@30min→5min/10min".
std::string read_text(const StepSeen& s) {
  std::string value;
  if (s.interval >= 0 && s.timeout >= 0)
    value = "→" + sim::format_duration(s.interval) + "/" + sim::format_duration(s.timeout);
  else if (s.interval >= 0)
    value = "→" + sim::format_duration(s.interval);
  else if (s.timeout >= 0)
    value = "→" + sim::format_duration(s.timeout);
  return fmt::format("{}{}@{}{}", s.label, s.checkpoint >= 0 ? fmt::format(" #{}", s.checkpoint) : "", t(s.at),
                     value);
}

// Where the atomic update stands in a serial order: before or after which coordinator step.
std::string position_text(const Interleaving& x) {
  const StepSeen* before = nullptr;
  for (const StepSeen& s : x.steps) {
    if (s.writer) return before ? "after " + read_text(*before) : "before the first coordinator step";
    if (!s.nested) before = &s;
  }
  return "";
}

std::string joined(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty()) out.append(sep);
    out.append(p);
  }
  return out;
}

const char* kIndent = "                                ";  // under the OUTCOME column

std::string verdict(const ExploreResult& r) {
  std::vector<std::string> bad;
  for (const DesignResult& d : r.designs)
    if (d.forbidden > 0) bad.push_back(d.name);
  return bad.empty() ? "no FORBIDDEN outcome" : "FORBIDDEN outcomes in: " + joined(bad, ", ");
}

void write_row(std::string& o, const DesignResult& d, const Row& row) {
  o += fmt::format("  {:>7}  {:>5.1f}%  {:<11}  {}\n", row.samples,
                   100.0 * static_cast<double>(row.samples) / static_cast<double>(d.interleavings.size()),
                   to_string(row.grade), describe(row.outcome));
  o += fmt::format("{}{}\n{}observed: {}\n", kIndent, row.description, kIndent, describe(row.observation, 4));
}

// One interleaving as two columns, writer and coordinator, with the instants.
void write_trace(std::string& o, const Interleaving& x) {
  o += fmt::format("      {:<14}  {:<26}  {}\n", "AT", "WRITER", "COORDINATOR");
  for (const StepSeen& s : x.steps) {
    if (s.writer) {
      o += fmt::format("      {:<14}  {:<26}\n", t(s.at), s.label);
    } else {
      o += fmt::format("      {:<14}  {:<26}  {}{}\n", t(s.at), s.nested ? "  (inside the step above)" : "",
                       read_text(s), s.torn ? " (torn)" : "");
    }
  }
}

std::string observation_json(const Observation& o) {
  std::string s = "{\"steps\": [";
  for (size_t i = 0; i < o.reads.size(); ++i) {
    const StepSeen& r = o.reads[i];
    s += fmt::format("{}{{\"step\": {}, \"at\": {}, \"checkpoint\": {}, \"interval\": {}, \"timeout\": {}, "
                     "\"torn\": {}}}",
                     i ? ", " : "", json::quote(r.label), json::ms(r.at),
                     r.checkpoint < 0 ? "null" : std::to_string(r.checkpoint),
                     r.interval < 0 ? "null" : json::ms(r.interval), r.timeout < 0 ? "null" : json::ms(r.timeout),
                     r.torn ? "true" : "false");
  }
  s += fmt::format("], \"after\": {{\"interval\": {}, \"timeout\": {}, \"next_tick\": {}, \"pending\": [",
                   json::ms(o.interval), json::ms(o.timeout),
                   o.next_tick == sim::kNever ? "null" : json::ms(o.next_tick));
  for (size_t i = 0; i < o.pending.size(); ++i)
    s += fmt::format("{}{{\"id\": {}, \"deadline\": {}}}", i ? ", " : "", o.pending[i].first,
                     o.pending[i].second == sim::kNever ? "null" : json::ms(o.pending[i].second));
  return s + "]}}";
}

std::string outcome_json(const Outcome& o) {
  std::string s = "{\"checkpoints\": [";
  for (size_t i = 0; i < o.checkpoints.size(); ++i) {
    const CheckpointFate& f = o.checkpoints[i];
    s += fmt::format("{}{{\"id\": {}, \"status\": \"{}\", \"failure_reason\": {}}}", i ? ", " : "", f.id,
                     to_string(f.fate), f.reason ? json::quote(model::to_string(*f.reason)) : "null");
  }
  return s + fmt::format("], \"completed\": {}, \"expired\": {}, \"failovers\": {}, \"rescued\": {}}}",
                         o.completed, o.expired, o.failovers, o.rescued);
}

std::string share_json(const LikelihoodShare& s) {
  return fmt::format("{{\"share\": {}, \"ci\": [{}, {}], \"samples\": {}}}", json::number(s.share),
                     json::number(s.low), json::number(s.high), s.count);
}

std::string share_text(const LikelihoodShare& s) {
  return fmt::format("{:.4g}% [{:.4g}%, {:.4g}%]", 100 * s.share, 100 * s.low, 100 * s.high);
}

}  // namespace

std::string describe(const Observation& o, size_t max_reads) {
  std::vector<std::string> reads;
  for (const StepSeen& s : o.reads) {
    if (reads.size() == max_reads) {
      reads.push_back(fmt::format("… {} more", o.reads.size() - max_reads));
      break;
    }
    reads.push_back(read_text(s));
  }
  std::vector<std::string> pending;
  for (const auto& [id, deadline] : o.pending) pending.push_back(fmt::format("#{} due {}", id, t(deadline)));
  return fmt::format("{}; after: interval {}, timeout {}, tick@{}{}{}",
                     reads.empty() ? "no coordinator step" : joined(reads, ", "),
                     sim::format_duration(o.interval), sim::format_duration(o.timeout), t(o.next_tick),
                     pending.empty() ? "" : ", ", joined(pending, ", "));
}

std::string describe(const Outcome& o) {
  return fmt::format("{} completed, {} expired, {} failover{}, {} rescued", o.completed, o.expired,
                     o.failovers, o.failovers == 1 ? "" : "s", o.rescued);
}

void write_explore_table(std::ostream& os, const ExploreReport& rep, bool trace) {
  const ExploreResult& r = rep.result;
  std::string o;
  o += fmt::format("{}: patch {} at {} {}\n", rep.scenario.name, rep.patch_number, t(r.at),
                   json::patch_body(rep.patch.body));
  o += fmt::format("window [{}, {}], readers {}; {} serial order{} of the atomic update:\n", t(r.at),
                   t(r.window_end), model::to_string(rep.scenario.explore.readers), r.serial.size(),
                   r.serial.size() == 1 ? "" : "s");
  for (size_t k = 0; k < r.serial.size(); ++k)
    o += fmt::format("  {:>2}. {}: {}\n", k + 1, position_text(r.serial[k]), describe(r.serial[k].outcome));
  for (const DesignResult& d : r.designs) {
    const model::Design* known = model::find_design(d.name, rep.scenario.explore.designs);
    o += fmt::format("\n{} ({}){}{}\n", d.name, joined(d.steps, " "), known ? ": " : "",
                     known ? known->summary : "");
    o += fmt::format("  {:>7}  {:>6}  {:<11}  {}\n", "SAMPLES", "FREQ", "EXPECT", "OUTCOME / DESCRIPTION / OBSERVATION");
    for (const Row& row : d.rows) write_row(o, d, row);
    if (trace) {
      for (size_t k = 0; k < d.rows.size(); ++k) {
        if (d.rows[k].grade != Grade::FORBIDDEN) continue;
        o += fmt::format("\n  trace of a FORBIDDEN interleaving: {}\n", d.interleavings[d.rows[k].example].labels());
        write_trace(o, d.interleavings[d.rows[k].example]);
      }
    }
  }
  o += "\n";
  for (const DesignResult& d : r.designs)
    o += fmt::format("{}: {} interleavings, {} serial orders; {} ACCEPTABLE, {} INTERESTING, {} FORBIDDEN: {}\n",
                     d.name, d.interleavings.size(), d.serial_orders, d.acceptable, d.interesting, d.forbidden,
                     d.verdict);
  if (rep.likelihood) {
    const Likelihood& l = *rep.likelihood;
    o += fmt::format("\nlikelihood: {} samples, arrival uniform over one base interval from {}, gaps {}\n",
                     l.samples, t(r.at), l.gap);
    for (const DesignLikelihood& d : l.designs)
      o += fmt::format("  {}: ACCEPTABLE {}, INTERESTING {}, FORBIDDEN {}\n", d.design,
                       share_text(d.acceptable), share_text(d.interesting), share_text(d.forbidden));
  }
  o += "verdict: " + verdict(r) + "\n";
  os << o;
}

void write_explore_json(std::ostream& os, const ExploreReport& rep) {
  const ExploreResult& r = rep.result;
  std::string o = fmt::format(
      "{{\"scenario\": {}, \"patch\": {{\"index\": {}, \"at\": {}, \"body\": {}}}, "
      "\"window\": {{\"from\": {}, \"to\": {}}},\n \"designs\": [",
      json::quote(rep.scenario.name), rep.patch_number, json::ms(r.at), json::patch_body(rep.patch.body),
      json::ms(r.at), r.window_end == sim::kNever ? "null" : json::ms(r.window_end));
  for (size_t i = 0; i < r.designs.size(); ++i) {
    const DesignResult& d = r.designs[i];
    std::vector<std::string> steps;
    for (const std::string& s : d.steps) steps.push_back(json::quote(s));
    o += fmt::format(
        "{}\n  {{\"name\": {}, \"steps\": [{}], \"interleavings\": {}, \"serial_orders\": {}, "
        "\"acceptable\": {}, \"interesting\": {}, \"forbidden\": {}, \"rows\": [",
        i ? "," : "", json::quote(d.name), joined(steps, ", "), d.interleavings.size(), d.serial_orders,
        d.acceptable, d.interesting, d.forbidden);
    for (size_t k = 0; k < d.rows.size(); ++k) {
      const Row& row = d.rows[k];
      std::vector<std::string> example;
      for (const std::string& l : d.interleavings[row.example].label_list()) example.push_back(json::quote(l));
      o += fmt::format(
          "{}\n    {{\"observation\": {}, \"outcome\": {}, \"samples\": {}, \"grade\": \"{}\", "
          "\"description\": {}, \"example\": [{}]}}",
          k ? "," : "", observation_json(row.observation), outcome_json(row.outcome), row.samples,
          to_string(row.grade), json::quote(row.description), joined(example, ", "));
    }
    o += "]}";
  }
  o += "],\n";
  if (rep.likelihood) {
    const Likelihood& l = *rep.likelihood;
    o += fmt::format(" \"likelihood\": {{\"samples\": {}, \"gap\": {}, \"designs\": [", l.samples, json::quote(l.gap));
    for (size_t i = 0; i < l.designs.size(); ++i) {
      const DesignLikelihood& d = l.designs[i];
      o += fmt::format("{}{{\"name\": {}, \"acceptable\": {}, \"interesting\": {}, \"forbidden\": {}}}",
                       i ? ", " : "", json::quote(d.design), share_json(d.acceptable),
                       share_json(d.interesting), share_json(d.forbidden));
    }
    o += "]},\n";
  }
  o += fmt::format(" \"verdict\": {}}}\n", json::quote(verdict(r)));
  os << o;
}

}  // namespace ckptsim::analysis
