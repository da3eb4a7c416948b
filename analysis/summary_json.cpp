#include "analysis/summary_json.hpp"

#include <fmt/format.h>

#include "analysis/json_util.hpp"
#include "sim/units.hpp"

namespace ckptsim::analysis {

namespace {

std::string stats_json(const SummaryStats& s, bool time) {
  if (s.count == 0)
    return R"({"min": null, "avg": null, "p50": null, "p90": null, "p99": null, "max": null})";
  auto v = [&](int64_t x) { return time ? sim::format_ms(x) : fmt::format("{}", x); };
  const double avg = time ? s.avg / 1000.0 : s.avg;
  return fmt::format(R"({{"min": {}, "avg": {}, "p50": {}, "p90": {}, "p99": {}, "max": {}}})",
                     v(s.min), json::number(avg), v(s.p50), v(s.p90), v(s.p99), v(s.max));
}

void append_history_entry(std::string& out, const CheckpointRecord& r) {
  const Duration e2e = r.end_to_end_duration();
  const bool failed = r.status == CheckpointStatus::FAILED;
  out += fmt::format(
      R"({{"id": {}, "status": "{}", "checkpoint_type": "{}", "trigger_timestamp": {}, )"
      R"("latest_ack_timestamp": {}, "end_to_end_duration": {}, "checkpointed_size": {}, )"
      R"("state_size": {}, "persisted_fraction": {}, "timeout": {}, "deadline": {}, )"
      R"("rescued": {}, "failure_reason": {}, "alignment_duration": {}, "start_delay": {}}})",
      r.id, to_string(r.status), model::to_string(r.type), sim::format_ms(r.trigger_timestamp),
      r.latest_ack_timestamp >= 0 ? sim::format_ms(r.latest_ack_timestamp) : "null",
      e2e >= 0 ? sim::format_ms(e2e) : "null", r.checkpointed_size, r.state_size,
      json::fraction(r.persisted_fraction), sim::format_ms(r.timeout), json::ms(r.deadline),
      r.rescued ? "true" : "false",
      failed ? json::quote(model::to_string(r.failure_reason)) : "null",
      sim::format_ms(r.alignment_duration), sim::format_ms(r.start_delay));
}

}  // namespace

void write_summary_json(std::ostream& os, const Recorder& rec) {
  std::string out;
  out += "{\n";
  out += fmt::format("  \"scenario\": {},\n", json::quote(rec.scenario_name()));
  out += fmt::format("  \"seed\": {},\n", rec.seed());
  out += fmt::format("  \"duration\": {},\n", sim::format_ms(rec.duration()));
  out += fmt::format("  \"fingerprint\": {},\n",
                     rec.fingerprint().empty() ? "null" : json::quote(rec.fingerprint()));
  const Counts c = rec.counts();
  out += fmt::format(
      "  \"counts\": {{\"total\": {}, \"completed\": {}, \"failed\": {}, \"in_progress\": {}}},\n",
      c.total, c.completed, c.failed, c.in_progress);
  using F = Recorder::Field;
  out += "  \"summary\": {\n";
  out += fmt::format("    \"end_to_end_duration\": {},\n",
                     stats_json(rec.summary(F::end_to_end_duration), true));
  out += fmt::format("    \"checkpointed_size\": {},\n",
                     stats_json(rec.summary(F::checkpointed_size), false));
  out += fmt::format("    \"state_size\": {},\n", stats_json(rec.summary(F::state_size), false));
  out += fmt::format("    \"alignment_duration\": {}\n",
                     stats_json(rec.summary(F::alignment_duration), true));
  out += "  },\n";

  const auto& h = rec.history();
  if (h.empty()) {
    out += "  \"history\": [],\n";
  } else {
    out += "  \"history\": [\n";
    for (size_t i = 0; i < h.size(); ++i) {
      out += "    ";
      append_history_entry(out, h[i]);
      out += i + 1 < h.size() ? ",\n" : "\n";
      if (out.size() > (1 << 16)) {
        os << out;
        out.clear();
      }
    }
    out += "  ],\n";
  }

  out += "  \"metrics\": {\n";
  const auto& names = metric_names();
  for (size_t i = 0; i < names.size(); ++i) {
    std::string v = *rec.metric_text(names[i]);
    if (names[i] == "job_status") v = json::quote(v);
    out += fmt::format("    \"{}\": {}{}\n", names[i], v, i + 1 < names.size() ? "," : "");
  }
  out += "  },\n";

  const auto& patches = rec.patches();
  if (patches.empty()) {
    out += "  \"patches\": [],\n";
  } else {
    out += "  \"patches\": [\n";
    for (size_t i = 0; i < patches.size(); ++i) {
      const auto& p = patches[i];
      std::string body = "{";
      for (size_t k = 0; k < p.body.size(); ++k) {
        if (k) body += ", ";
        json::append_quoted(body, p.body[k].key);
        body += ": ";
        json::append_quoted(body, p.body[k].value);
      }
      body += "}";
      out += fmt::format(
          "    {{\"at\": {}, \"status\": {}, \"message\": {}, \"body\": {}, "
          "\"effective\": {{\"interval\": {}, \"timeout\": {}}}}}{}\n",
          sim::format_ms(p.at), p.status, json::quote(p.message), body, sim::format_ms(p.interval),
          sim::format_ms(p.timeout), i + 1 < patches.size() ? "," : "");
    }
    out += "  ],\n";
  }

  const auto& torn = rec.torn_observations();
  if (torn.empty()) {
    out += "  \"torn_observations\": [],\n";
  } else {
    out += "  \"torn_observations\": [\n";
    for (size_t i = 0; i < torn.size(); ++i) {
      const auto& t = torn[i];
      out += fmt::format("    {{\"at\": {}, \"reader\": \"{}\", \"interval\": {}, \"timeout\": {}}}{}\n",
                         sim::format_ms(t.at), model::to_string(t.reader),
                         sim::format_ms(t.interval), sim::format_ms(t.timeout),
                         i + 1 < torn.size() ? "," : "");
    }
    out += "  ],\n";
  }

  const auto& cfg = rec.config();
  out += fmt::format(
      "  \"config\": {{\"interval\": {}, \"timeout\": {}, \"min_pause\": {}, "
      "\"max_concurrent\": {}, \"tolerable_failed_checkpoints\": {}}}\n",
      sim::format_ms(cfg.interval), sim::format_ms(cfg.timeout), sim::format_ms(cfg.min_pause),
      cfg.max_concurrent, cfg.tolerable_failed_checkpoints);
  out += "}\n";
  os << out;
}

}  // namespace ckptsim::analysis
