#include "sim/names.hpp"

#include <algorithm>
#include <array>

namespace ckptsim::sim {

size_t edit_distance(std::string_view a, std::string_view b) {
  constexpr size_t kMax = 64;
  if (a.size() > kMax || b.size() > kMax) return 1000;
  // Three rows of the dynamic programme: the transposition looks two rows back.
  std::array<size_t, kMax + 1> before{}, prev{}, cur{};
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        cur[j] = std::min(cur[j], before[j - 2] + 1);
    }
    before = prev;
    prev = cur;
  }
  return prev[b.size()];
}

namespace {

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return lower(x) == lower(y); });
}

}  // namespace

std::optional<std::string_view> nearest_name(std::string_view name,
                                             std::span<const std::string_view> known) {
  std::optional<std::string_view> best;
  size_t best_d = 0;
  for (std::string_view k : known) {
    const size_t d = equal_ignoring_case(name, k) ? 0 : edit_distance(name, k);
    if (!best || d < best_d) {
      best = k;
      best_d = d;
    }
  }
  const size_t limit = name.size() <= 4 ? 1 : std::max<size_t>(2, name.size() / 3);
  if (best && best_d <= limit && best_d < name.size()) return best;
  return std::nullopt;
}

}  // namespace ckptsim::sim
