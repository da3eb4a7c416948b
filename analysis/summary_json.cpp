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

// Field by field (see fast_format.hpp); the text is what fmt::format printed before.
void put_history_entry(fast::BlockWriter& out, const CheckpointRecord& r) {
  const Duration e2e = r.end_to_end_duration();
  const bool failed = r.status == CheckpointStatus::FAILED;
  const std::string_view status = to_string(r.status);
  const std::string_view type = model::to_string(r.type);
  const std::string reason = failed ? json::quote(model::to_string(r.failure_reason)) : "null";
  const std::string fraction = fast::fraction(r.persisted_fraction);
  constexpr std::string_view kKeys =
      "{\"id\": , \"status\": \"\", \"checkpoint_type\": \"\", \"trigger_timestamp\": , "
      "\"latest_ack_timestamp\": , \"end_to_end_duration\": , \"checkpointed_size\": , "
      "\"state_size\": , \"persisted_fraction\": , \"timeout\": , \"deadline\": , "
      "\"rescued\": false, \"failure_reason\": , \"alignment_duration\": , \"start_delay\": }";
  // 8 times (or null) and 3 integers, the keys, and the texts.
  out.reserve(11 * (fast::kIntChars + 4) + kKeys.size() + status.size() + type.size() +
              reason.size() + fraction.size());
  out.put("{\"id\": ");
  out.put_int(r.id);
  out.put(", \"status\": \"");
  out.put(status);
  out.put("\", \"checkpoint_type\": \"");
  out.put(type);
  out.put("\", \"trigger_timestamp\": ");
  out.put_ms(r.trigger_timestamp);
  out.put(", \"latest_ack_timestamp\": ");
  if (r.latest_ack_timestamp >= 0) out.put_ms(r.latest_ack_timestamp);
  else out.put("null");
  out.put(", \"end_to_end_duration\": ");
  if (e2e >= 0) out.put_ms(e2e);
  else out.put("null");
  out.put(", \"checkpointed_size\": ");
  out.put_int(r.checkpointed_size);
  out.put(", \"state_size\": ");
  out.put_int(r.state_size);
  out.put(", \"persisted_fraction\": ");
  out.put(fraction);
  out.put(", \"timeout\": ");
  out.put_ms(r.timeout);
  out.put(", \"deadline\": ");
  if (r.deadline == sim::kNever) out.put("null");
  else out.put_ms(r.deadline);
  out.put(", \"rescued\": ");
  out.put(r.rescued ? std::string_view("true") : std::string_view("false"));
  out.put(", \"failure_reason\": ");
  out.put(reason);
  out.put(", \"alignment_duration\": ");
  out.put_ms(r.alignment_duration);
  out.put(", \"start_delay\": ");
  out.put_ms(r.start_delay);
  out.put('}');
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
    os << out;
    out.clear();
    {
      fast::BlockWriter w(os);
      size_t i = 0;
      rec.for_each_checkpoint([&](const CheckpointRecord& r) {
        w.reserve(4);
        w.put("    ");
        put_history_entry(w, r);
        w.reserve(2);
        w.put(++i < n ? std::string_view(",\n") : std::string_view("\n"));
      });
    }
    out += "  ],\n";
  }

  out += "  \"metrics\": {\n";
  for (const MetricSpec& m : kMetrics) {
    std::string v = *rec.metric_text(m.name);
    if (m.unit == MetricUnit::status) v = json::quote(v);
    out += fmt::format("    \"{}\": {}{}\n", m.name, v, &m != &kMetrics[std::size(kMetrics) - 1] ? "," : "");
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
