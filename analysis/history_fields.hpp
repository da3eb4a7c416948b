// The fields of one checkpoint of the history, in order: summary.json's history[] entries and
// history.csv's columns (its header too) are both written from this one table.
//
// A value the run does not know (no acknowledgement yet, a pending checkpoint's persisted
// fraction, a failure reason of a checkpoint that did not fail) or an instant that never comes
// (a deadline at sim::kNever) is written the same way everywhere: null in JSON, an empty cell in
// CSV.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>
#include <tuple>
#include <utility>

#include "analysis/recorder.hpp"
#include "sim/time.hpp"

namespace ckptsim::analysis::history {

// The kinds of value a field holds, as the writers print them.
struct Integer {
  int64_t v;
};
struct Millis {  // a time, printed as exact milliseconds
  sim::Time us;
  bool known = true;
};
struct Name {  // an enum name: a JSON string, a bare CSV cell
  std::string_view text;
  bool known = true;
};
struct Flag {
  bool v;
};
struct Fraction {  // in [0, 1]; negative when unknown
  double v;
};

// An instant: unknown when negative (-1 marks "no acknowledgement yet") or never.
inline Millis instant(sim::Time t) { return {t, t >= 0 && t != sim::kNever}; }

template <class Get>
struct Field {
  std::string_view name;
  Get get;
};
template <class Get>
constexpr Field<Get> field(std::string_view name, Get get) {
  return {name, get};
}

using R = CheckpointRecord;
inline constexpr auto kFields = std::make_tuple(
    field("id", [](const R& r) { return Integer{r.id}; }),
    field("status", [](const R& r) { return Name{to_string(r.status)}; }),
    field("checkpoint_type", [](const R& r) { return Name{model::to_string(r.type)}; }),
    field("trigger_timestamp", [](const R& r) { return instant(r.trigger_timestamp); }),
    field("latest_ack_timestamp", [](const R& r) { return instant(r.latest_ack_timestamp); }),
    field("end_to_end_duration",
          [](const R& r) {
            const Duration d = r.end_to_end_duration();
            return Millis{d, d >= 0};
          }),
    field("checkpointed_size", [](const R& r) { return Integer{r.checkpointed_size}; }),
    field("state_size", [](const R& r) { return Integer{r.state_size}; }),
    field("persisted_fraction", [](const R& r) { return Fraction{r.persisted_fraction}; }),
    field("timeout", [](const R& r) { return Millis{r.timeout}; }),
    field("deadline", [](const R& r) { return instant(r.deadline); }),
    field("rescued", [](const R& r) { return Flag{r.rescued}; }),
    field("failure_reason",
          [](const R& r) {
            const bool failed = r.status == CheckpointStatus::FAILED;
            return Name{failed ? model::to_string(r.failure_reason) : "", failed};
          }),
    field("alignment_duration", [](const R& r) { return Millis{r.alignment_duration}; }),
    field("start_delay", [](const R& r) { return Millis{r.start_delay}; }));

inline constexpr size_t kFieldCount = std::tuple_size_v<decltype(kFields)>;

// Calls visit(std::integral_constant<size_t, I>, name, value) for each field I of `r`, in order.
// Inlined into the writers: the names and the kinds are compile-time constants.
template <class Visit>
inline void for_each_field(const R& r, Visit&& visit) {
  [&]<size_t... I>(std::index_sequence<I...>) {
    (visit(std::integral_constant<size_t, I>{}, std::get<I>(kFields).name, std::get<I>(kFields).get(r)),
     ...);
  }(std::make_index_sequence<kFieldCount>{});
}

// The names, in order.
inline constexpr std::array<std::string_view, kFieldCount> kNames = [] {
  return [&]<size_t... I>(std::index_sequence<I...>) {
    return std::array<std::string_view, kFieldCount>{std::get<I>(kFields).name...};
  }(std::make_index_sequence<kFieldCount>{});
}();

// The characters of every name together.
inline constexpr size_t kNameChars = [] {
  size_t n = 0;
  for (std::string_view s : kNames) n += s.size();
  return n;
}();

// At most this many characters in one Name value (the longest status, type or reason name).
size_t max_name_chars();

}  // namespace ckptsim::analysis::history
