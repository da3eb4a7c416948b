#include "sim/units.hpp"

#include <array>
#include <cctype>

#include <fmt/format.h>

namespace ckptsim::sim {
namespace {

struct Unit {
  std::string_view name;
  int64_t scale;
};

constexpr std::array<Unit, 6> kDurationUnits{{{"us", 1},
                                              {"ms", kMillisecond},
                                              {"s", kSecond},
                                              {"min", kMinute},
                                              {"h", kHour},
                                              {"d", kDay}}};

constexpr int64_t KB = 1000, MB = KB * 1000, GB = MB * 1000, TB = GB * 1000;
constexpr int64_t KiB = 1024, MiB = KiB * 1024, GiB = MiB * 1024, TiB = GiB * 1024;
constexpr std::array<Unit, 9> kSizeUnits{{{"B", 1},
                                          {"KB", KB},
                                          {"MB", MB},
                                          {"GB", GB},
                                          {"TB", TB},
                                          {"KiB", KiB},
                                          {"MiB", MiB},
                                          {"GiB", GiB},
                                          {"TiB", TiB}}};

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Magnitudes are computed in 128 bits and checked against 2^63, so that the most negative
// int64 (which format_* can print) reads back too.
using u128 = unsigned __int128;
constexpr u128 kMagnitudeLimit = static_cast<u128>(1) << 63;

// One "<digits>[.<digits>]" number times a scale, exactly, as a magnitude.
enum class Num { ok, overflow, fraction };
Num scaled(std::string_view whole, std::string_view frac, int64_t scale, u128& out) {
  u128 w = 0;
  for (char c : whole) {
    w = w * 10 + static_cast<unsigned>(c - '0');
    if (w > kMagnitudeLimit) return Num::overflow;
  }
  w *= static_cast<u128>(scale);  // < 2^64 * 2^40: no wrap
  if (w > kMagnitudeLimit) return Num::overflow;
  // The fraction: frac digits / 10^k * scale must be an integer. Trailing zeros do not count.
  while (!frac.empty() && frac.back() == '0') frac.remove_suffix(1);
  if (!frac.empty()) {
    // With k significant digits the fraction is whole only when 2^k or 5^k divides the scale:
    // k <= 40 (TiB). Beyond 24 digits f * scale could exceed 128 bits, so such inputs (only
    // conceivably whole for a binary unit) are reported as not whole.
    if (frac.size() > 24) return Num::fraction;
    u128 f = 0, pow = 1;
    for (char c : frac) {
      f = f * 10 + static_cast<unsigned>(c - '0');
      pow *= 10;
    }
    const u128 num = f * static_cast<u128>(scale);
    if (num % pow != 0) return Num::fraction;
    w += num / pow;
    if (w > kMagnitudeLimit) return Num::overflow;
  }
  out = w;
  return Num::ok;
}

template <size_t N>
const Unit* find_unit(const std::array<Unit, N>& units, std::string_view name) {
  for (const auto& u : units)
    if (u.name == name) return &u;
  return nullptr;
}

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }
bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }

// Reads "<number>[ ]<unit>" pieces; `compound` allows several pieces ("1h30min", "1h 30min").
template <size_t N>
Parsed<int64_t> parse_quantity(std::string_view text, const std::array<Unit, N>& units,
                               int64_t bare_scale, bool compound, std::string_view what,
                               std::string_view example, std::string_view unit_list,
                               std::string_view fraction_word, std::string_view shown) {
  // `shown` is the user's whole input, quoted in messages (for a rate it includes the "/s").
  Parsed<int64_t> r;
  auto fail = [&](std::string msg) {
    r.error = std::move(msg);
    return r;
  };
  auto too_large = [&] {
    return fail(fmt::format("{} '{}' is too large (the limit is about 9.2e18 {})", what, shown,
                            fraction_word));
  };
  auto garbage = [&] {
    return fail(fmt::format("expected a {} such as {}, got '{}'", what, example, shown));
  };
  std::string_view s = trim(text);
  if (s.empty())
    return fail(fmt::format("expected a {} such as {}, got an empty value", what, example));
  bool negative = false;
  if (s.front() == '-' || s.front() == '+') {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return garbage();
  u128 total = 0;
  int pieces = 0;
  while (!s.empty()) {
    size_t i = 0;
    while (i < s.size() && is_digit(s[i])) ++i;
    std::string_view whole = s.substr(0, i), frac;
    if (i < s.size() && s[i] == '.') {
      size_t j = i + 1;
      while (j < s.size() && is_digit(s[j])) ++j;
      frac = s.substr(i + 1, j - i - 1);
      i = j;
    }
    if (whole.empty() && frac.empty()) return garbage();
    while (i < s.size() && is_space(s[i])) ++i;
    size_t k = i;
    while (k < s.size() && is_alpha(s[k])) ++k;
    std::string_view unit_name = s.substr(i, k - i);
    int64_t scale;
    if (unit_name.empty()) {
      if (k != s.size()) return garbage();  // a stray character such as '5$' or '1..5'
      if (pieces > 0)
        return fail(fmt::format("expected a unit after the number in '{}' ({})", shown, unit_list));
      scale = bare_scale;
    } else {
      const Unit* u = find_unit(units, unit_name);
      if (!u)
        return fail(fmt::format("unknown unit '{}' in '{}': expected one of {}", unit_name, shown,
                                unit_list));
      scale = u->scale;
    }
    u128 piece = 0;
    switch (scaled(whole, frac, scale, piece)) {
      case Num::overflow:
        return too_large();
      case Num::fraction:
        return fail(fmt::format("{} '{}' is not a whole number of {}", what, shown, fraction_word));
      case Num::ok:
        break;
    }
    total += piece;  // both at most 2^63
    if (total > kMagnitudeLimit) return too_large();
    ++pieces;
    while (k < s.size() && is_space(s[k])) ++k;
    s = s.substr(k);
    if (!compound && !s.empty()) return garbage();
  }
  if (!negative && total > static_cast<u128>(INT64_MAX)) return too_large();
  // total <= 2^63 here; -(2^63) is INT64_MIN, computed without signed overflow.
  r.value = negative ? static_cast<int64_t>(0 - static_cast<uint64_t>(total))
                     : static_cast<int64_t>(total);
  return r;
}

}  // namespace

Parsed<Duration> parse_duration(std::string_view text) {
  return parse_quantity(text, kDurationUnits, kMillisecond, true, "duration", "'250ms' or '1h30min'",
                        "us, ms, s, min, h, d", "microseconds", text);
}

Parsed<int64_t> parse_size(std::string_view text) {
  return parse_quantity(text, kSizeUnits, 1, false, "size", "'25GB' or '128KiB'",
                        "B, KB, MB, GB, TB, KiB, MiB, GiB, TiB", "bytes", text);
}

Parsed<int64_t> parse_rate(std::string_view text) {
  std::string_view s = trim(text);
  if (s.size() < 2 || s.substr(s.size() - 2) != "/s") {
    Parsed<int64_t> r;
    r.error = fmt::format("expected a rate such as '20MB/s' (a size per second), got '{}'", text);
    return r;
  }
  auto r = parse_quantity(s.substr(0, s.size() - 2), kSizeUnits, 1, false, "rate",
                          "'20MB/s'", "B, KB, MB, GB, TB, KiB, MiB, GiB, TiB", "bytes per second", text);
  return r;
}

std::string format_duration(Duration d) {
  if (d == 0) return "0ms";
  std::string out;
  uint64_t v;
  if (d < 0) {
    out = "-";
    v = static_cast<uint64_t>(-(d + 1)) + 1;
  } else {
    v = static_cast<uint64_t>(d);
  }
  for (auto it = kDurationUnits.rbegin(); it != kDurationUnits.rend(); ++it) {
    uint64_t scale = static_cast<uint64_t>(it->scale);
    if (v >= scale) {
      out += fmt::format("{}{}", v / scale, it->name);
      v %= scale;
    }
  }
  return out;
}

std::string format_size(int64_t bytes) {
  if (bytes == 0) return "0B";
  const Unit* best = &kSizeUnits[0];
  for (const auto& u : kSizeUnits)
    if (bytes % u.scale == 0 && u.scale > best->scale) best = &u;
  if (best->scale == 1 && (bytes >= MB || bytes <= -MB)) {
    // Not a whole number of any unit: keep it exact in bytes.
    return fmt::format("{}B", bytes);
  }
  return fmt::format("{}{}", bytes / best->scale, best->name);
}

std::string format_rate(int64_t bytes_per_second) { return format_size(bytes_per_second) + "/s"; }

std::string format_ms(Time t) {
  const bool negative = t < 0;
  uint64_t v = negative ? static_cast<uint64_t>(-(t + 1)) + 1 : static_cast<uint64_t>(t);
  uint64_t ms = v / 1000, us = v % 1000;
  std::string out = negative ? "-" : "";
  if (us == 0) return out + fmt::format("{}", ms);
  std::string frac = fmt::format("{:03}", us);
  while (frac.back() == '0') frac.pop_back();
  return out + fmt::format("{}.{}", ms, frac);
}

}  // namespace ckptsim::sim
