#include "analysis/summary_json.hpp"

#include <algorithm>
#include <array>
#include <type_traits>

#include <fmt/format.h>

#include "analysis/fast_format.hpp"
#include "analysis/history_fields.hpp"
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

// What goes before field I's value: `{"id": ` for the first, `, "status": ` for the others;
// a compile-time constant, so that each is a fixed-size copy.
template <size_t I>
constexpr auto kKey = [] {
  constexpr std::string_view name = history::kNames[I];
  constexpr std::string_view open = I == 0 ? "{\"" : ", \"";
  std::array<char, open.size() + name.size() + 3> key{};
  size_t k = 0;
  for (char c : open) key[k++] = c;
  for (char c : name) key[k++] = c;
  for (char c : std::string_view("\": ")) key[k++] = c;
  return key;
}();

// Room for any history entry: its keys, each value at its longest, the punctuation.
size_t entry_room() {
  static const size_t n = history::kNameChars +
                          history::kFieldCount * (std::max(fast::kIntChars + 4, history::max_name_chars() + 2) + 6) + 2;
  return n;
}

// {"id": 1, "status": "COMPLETED", ...}; an unknown value is null.
void put_history_entry(fast::Cursor& out, const CheckpointRecord& r) {
  history::for_each_field(r, [&](auto index, std::string_view, const auto& v) {
    constexpr auto& key = kKey<decltype(index)::value>;
    out.put(std::string_view(key.data(), key.size()));
    using V = std::decay_t<decltype(v)>;
    if constexpr (std::is_same_v<V, history::Integer>) {
      out.put_int(v.v);
    } else if constexpr (std::is_same_v<V, history::Millis>) {
      if (v.known) out.put_ms(v.us);
      else out.put(std::string_view("null"));
    } else if constexpr (std::is_same_v<V, history::Name>) {
      if (v.known) {
        out.put('"');
        out.put(v.text);  // an enum name: nothing to escape
        out.put('"');
      } else {
        out.put(std::string_view("null"));
      }
    } else if constexpr (std::is_same_v<V, history::Flag>) {
      out.put(v.v ? std::string_view("true") : std::string_view("false"));
    } else {
      static_assert(std::is_same_v<V, history::Fraction>);
      out.put(fast::fraction(v.v));
    }
  });
  out.put('}');
}

// `  "key": [` one item per line `]` (or `[]`), with a comma after, as every list but the last.
template <class Item, class Fn>
void list(std::string& out, std::string_view key, const std::vector<Item>& items, Fn&& item_json) {
  if (items.empty()) {
    out += fmt::format("  \"{}\": [],\n", key);
    return;
  }
  out += fmt::format("  \"{}\": [\n", key);
  for (size_t i = 0; i < items.size(); ++i)
    out += fmt::format("    {}{}\n", item_json(items[i]), i + 1 < items.size() ? "," : "");
  out += "  ],\n";
}

void head(std::string& out, const Recorder& rec) {
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
}

void summary(std::string& out, const Recorder& rec) {
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
}

// Every checkpoint, streamed: what `out` holds so far goes first.
void history_list(std::ostream& os, std::string& out, const Recorder& rec) {
  const size_t n = rec.history_size();
  if (n == 0) {
    out += "  \"history\": [],\n";
    return;
  }
  out += "  \"history\": [\n";
  os << out;
  out.clear();
  {
    fast::BlockWriter w(os);
    const size_t room = entry_room() + 6;  // the indent and ",\n"
    size_t i = 0;
    rec.for_each_checkpoint([&](const CheckpointRecord& r) {
      fast::Cursor c = w.take(room);
      c.put(std::string_view("    "));
      put_history_entry(c, r);
      c.put(++i < n ? std::string_view(",\n") : std::string_view("\n"));
      w.give(c);
    });
  }
  out += "  ],\n";
}

void metrics(std::string& out, const Recorder& rec) {
  out += "  \"metrics\": {\n";
  for (const MetricSpec& m : kMetrics) {
    std::string v = *rec.metric_text(m.name);
    if (m.unit == MetricUnit::status) v = json::quote(v);
    out += fmt::format("    \"{}\": {}{}\n", m.name, v, &m != &kMetrics[std::size(kMetrics) - 1] ? "," : "");
  }
  out += "  },\n";
}

void config(std::string& out, const Recorder& rec) {
  const auto& cfg = rec.config();
  out += fmt::format(
      "  \"config\": {{\"interval\": {}, \"timeout\": {}, \"min_pause\": {}, "
      "\"max_concurrent\": {}, \"tolerable_failed_checkpoints\": {}}}\n",
      sim::format_ms(cfg.interval), sim::format_ms(cfg.timeout), sim::format_ms(cfg.min_pause),
      cfg.max_concurrent, cfg.tolerable_failed_checkpoints);
}

}  // namespace

void write_summary_json(std::ostream& os, const Recorder& rec) {
  std::string out;
  head(out, rec);
  summary(out, rec);
  history_list(os, out, rec);
  metrics(out, rec);
  list(out, "patches", rec.patches(), [](const PatchRecord& p) {
    return fmt::format(
        "{{\"at\": {}, \"status\": {}, \"message\": {}, \"body\": {}, "
        "\"effective\": {{\"interval\": {}, \"timeout\": {}}}}}",
        sim::format_ms(p.at), p.status, json::quote(p.message), json::patch_body(p.body),
        sim::format_ms(p.interval), sim::format_ms(p.timeout));
  });
  list(out, "torn_observations", rec.torn_observations(), [](const TornObservation& t) {
    return fmt::format("{{\"at\": {}, \"reader\": \"{}\", \"interval\": {}, \"timeout\": {}}}",
                       sim::format_ms(t.at), model::to_string(t.reader), sim::format_ms(t.interval),
                       sim::format_ms(t.timeout));
  });
  config(out, rec);
  out += "}\n";
  os << out;
}

}  // namespace ckptsim::analysis
