// Names a user types: the nearest known one to a misspelling ("did you mean"), and the list of
// an enum's names taken from its to_string, so that each list of names is written once.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <type_traits>
#include <string_view>
#include <vector>

namespace ckptsim::sim {

// Optimal string alignment distance: Levenshtein plus adjacent transpositions ("tpye" is one
// edit from "type"). Strings longer than 64 characters are never close (1000).
size_t edit_distance(std::string_view a, std::string_view b);

// The known name nearest to `name` when it is close enough to be a likely typo: within 1 edit for
// names of up to 4 characters, else within max(2, length / 3), and never the whole name. A name
// that differs only in letter case is nearest of all. Ties go to the first in `known`.
std::optional<std::string_view> nearest_name(std::string_view name,
                                             std::span<const std::string_view> known);

// The names of a scoped enum whose values run 0, 1, 2, ... as `to_string` (found by ADL) gives
// them, in value order: every value up to the first that to_string answers with its fallback
// (the text it gives for a value outside the enum). The to_string switches are checked by
// -Wswitch to name every enumerator, so a list built here cannot miss one.
template <class E>
std::vector<std::string_view> enum_names() {
  static_assert(std::is_enum_v<E>);
  const std::string_view fallback = to_string(static_cast<E>(-1));
  std::vector<std::string_view> names;
  for (int i = 0; i < 1024; ++i) {
    const std::string_view n = to_string(static_cast<E>(i));
    if (n == fallback) break;
    names.push_back(n);
  }
  return names;
}

}  // namespace ckptsim::sim
