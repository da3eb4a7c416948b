#include "analysis/summary_json.hpp"

#include <fmt/format.h>

#include "analysis/fast_format.hpp"
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
  // Field by field (see fast_format.hpp); the text is what fmt::format printed before.
  const Duration e2e = r.end_to_end_duration();
  const bool failed = r.status == CheckpointStatus::FAILED;
  out += "{\"id\": ";
  fast::append_int(out, r.id);
  out += ", \"status\": \"";
  out += to_string(r.status);
  out += "\", \"checkpoint_type\": \"";
  out += model::to_string(r.type);
  out += "\", \"trigger_timestamp\": ";
  fast::append_ms(out, r.trigger_timestamp);
  out += ", \"latest_ack_timestamp\": ";
  if (r.latest_ack_timestamp >= 0) fast::append_ms(out, r.latest_ack_timestamp);
  else out += "null";
  out += ", \"end_to_end_duration\": ";
  if (e2e >= 0) fast::append_ms(out, e2e);
  else out += "null";
  out += ", \"checkpointed_size\": ";
  fast::append_int(out, r.checkpointed_size);
  out += ", \"state_size\": ";
  fast::append_int(out, r.state_size);
  out += ", \"persisted_fraction\": ";
  fast::append_fraction(out, r.persisted_fraction);
  out += ", \"timeout\": ";
  fast::append_ms(out, r.timeout);
  out += ", \"deadline\": ";
  if (r.deadline == sim::kNever) out += "null";
  else fast::append_ms(out, r.deadline);
  out += ", \"rescued\": ";
  out += r.rescued ? "true" : "false";
  out += ", \"failure_reason\": ";
  if (failed) json::append_quoted(out, model::to_string(r.failure_reason));
  else out += "null";
  out += ", \"alignment_duration\": ";
  fast::append_ms(out, r.alignment_duration);
  out += ", \"start_delay\": ";
  fast::append_ms(out, r.start_delay);
  out += '}';
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

  const size_t n = rec.history_size();
  if (n == 0) {
    out += "  \"history\": [],\n";
  } else {
    out += "  \"history\": [\n";
    size_t i = 0;
    rec.for_each_checkpoint([&](const CheckpointRecord& r) {
      out += "    ";
      append_history_entry(out, r);
      out += ++i < n ? ",\n" : "\n";
      if (out.size() > (1 << 16)) {
        os << out;
        out.clear();
      }
    });
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
      const std::string body = json::patch_body(p.body);
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
