#include "analysis/history_csv.hpp"

#include <algorithm>
#include <type_traits>

#include "analysis/fast_format.hpp"
#include "analysis/history_fields.hpp"
#include "analysis/json_util.hpp"
#include "sim/units.hpp"

namespace ckptsim::analysis {

const std::string& history_csv_header() {
  static const std::string h = [] {
    std::string out;
    for (std::string_view name : history::kNames) {
      if (!out.empty()) out += ',';
      out.append(name);
    }
    return out;
  }();
  return h;
}

namespace {

// One cell; an unknown value is an empty cell.
template <class V>
[[gnu::always_inline]] inline void put_cell(fast::Cursor& out, const V& v) {
  if constexpr (std::is_same_v<V, history::Integer>) {
    out.put_int(v.v);
  } else if constexpr (std::is_same_v<V, history::Millis>) {
    if (v.known) out.put_ms(v.us);
  } else if constexpr (std::is_same_v<V, history::Name>) {
    out.put(v.text);
  } else if constexpr (std::is_same_v<V, history::Flag>) {
    out.put(v.v ? std::string_view("true") : std::string_view("false"));
  } else {
    static_assert(std::is_same_v<V, history::Fraction>);
    if (v.v >= 0) out.put(fast::fraction(v.v));
  }
}

// Room for any row: each field's longest value, the commas and the newline.
size_t row_room() {
  static const size_t n =
      history::kFieldCount * (std::max(fast::kIntChars + 4, history::max_name_chars()) + 1) + 1;
  return n;
}

}  // namespace

void write_history_csv(std::ostream& out, const Recorder& rec) {
  out << history_csv_header() << '\n';
  fast::BlockWriter w(out);
  const size_t room = row_room();
  rec.for_each_checkpoint([&](const CheckpointRecord& r) {
    fast::Cursor c = w.take(room);
    history::for_each_field(r, [&](auto index, std::string_view, const auto& value) {
      if constexpr (decltype(index)::value > 0) c.put(',');
      put_cell(c, value);
    });
    c.put('\n');
    w.give(c);
  });
}

}  // namespace ckptsim::analysis
