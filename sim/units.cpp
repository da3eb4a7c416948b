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

// One "<digits>[.<digits>]" number times a scale, exactly; false on overflow or when the
// product is not whole.
enum class Num { ok, overflow, fraction };
Num scaled(std::string_view whole, std::string_view frac, int64_t scale, int64_t& out) {
  int64_t w = 0;
  for (char c : whole) {
    if (__builtin_mul_overflow(w, 10, &w) || __builtin_add_overflow(w, c - '0', &w))
      return Num::overflow;
  }
  if (__builtin_mul_overflow(w, scale, &w)) return Num::overflow;
  // The fraction: frac digits / 10^k * scale must be an integer.
  int64_t f = 0, pow = 1;
  for (char c : frac) {
    if (pow > INT64_MAX / 10) return Num::fraction;  // more digits than any scale can absorb
    f = f * 10 + (c - '0');
    pow *= 10;
  }
  if (f != 0) {
    __int128 num = static_cast<__int128>(f) * scale;
    if (num % pow != 0) return Num::fraction;
    int64_t add = static_cast<int64_t>(num / pow);
    if (__builtin_add_overflow(w, add, &w)) return Num::overflow;
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

// Reads "<number><unit>" pieces; `compound` allows several pieces ("1h30min").
template <size_t N>
Parsed<int64_t> parse_quantity(std::string_view text, const std::array<Unit, N>& units,
                               int64_t bare_scale, bool compound, std::string_view what,
                               std::string_view example, std::string_view unit_list,
                               std::string_view fraction_word) {
  Parsed<int64_t> r;
  auto fail = [&](std::string msg) {
    r.error = std::move(msg);
    return r;
  };
  std::string_view s = trim(text);
  if (s.empty()) return fail(fmt::format("expected a {} such as {}, got an empty value", what, example));
  bool negative = false;
  if (s.front() == '-' || s.front() == '+') {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  int64_t total = 0;
  int pieces = 0;
  while (!s.empty()) {
    size_t i = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    std::string_view whole = s.substr(0, i), frac;
    if (i < s.size() && s[i] == '.') {
      size_t j = i + 1;
      while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
      frac = s.substr(i + 1, j - i - 1);
      i = j;
    }
    if (whole.empty() && frac.empty())
      return fail(fmt::format("expected a {} such as {}, got '{}'", what, example, text));
    size_t k = i;
    while (k < s.size() && std::isalpha(static_cast<unsigned char>(s[k]))) ++k;
    std::string_view unit_name = s.substr(i, k - i);
    while (k < s.size() && s[k] == ' ') ++k;
    int64_t scale;
    if (unit_name.empty()) {
      if (pieces > 0 || k != s.size())
        return fail(fmt::format("expected a unit after the number in '{}' ({})", text, unit_list));
      scale = bare_scale;
    } else {
      const Unit* u = find_unit(units, unit_name);
      if (!u)
        return fail(fmt::format("unknown unit '{}' in '{}': expected one of {}", unit_name, text,
                                unit_list));
      scale = u->scale;
    }
    int64_t piece = 0;
    switch (scaled(whole, frac, scale, piece)) {
      case Num::overflow:
        return fail(fmt::format("{} '{}' is too large (the limit is about 9.2e18 {})", what, text,
                                fraction_word));
      case Num::fraction:
        return fail(fmt::format("{} '{}' is not a whole number of {}", what, text, fraction_word));
      case Num::ok:
        break;
    }
    if (__builtin_add_overflow(total, piece, &total))
      return fail(fmt::format("{} '{}' is too large (the limit is about 9.2e18 {})", what, text,
                              fraction_word));
    ++pieces;
    s = s.substr(k);
    if (!compound && !s.empty())
      return fail(fmt::format("expected a {} such as {}, got '{}'", what, example, text));
  }
  r.value = negative ? -total : total;
  return r;
}

}  // namespace

Parsed<Duration> parse_duration(std::string_view text) {
  return parse_quantity(text, kDurationUnits, kMillisecond, true, "duration", "'250ms' or '1h30min'",
                        "us, ms, s, min, h, d", "microseconds");
}

Parsed<int64_t> parse_size(std::string_view text) {
  return parse_quantity(text, kSizeUnits, 1, false, "size", "'25GB' or '128KiB'",
                        "B, KB, MB, GB, TB, KiB, MiB, GiB, TiB", "bytes");
}

Parsed<int64_t> parse_rate(std::string_view text) {
  std::string_view s = trim(text);
  if (s.size() < 2 || s.substr(s.size() - 2) != "/s") {
    Parsed<int64_t> r;
    r.error = fmt::format("expected a rate such as '20MB/s' (a size per second), got '{}'", text);
    return r;
  }
  auto r = parse_quantity(s.substr(0, s.size() - 2), kSizeUnits, 1, false, "rate",
                          "'20MB/s'", "B, KB, MB, GB, TB, KiB, MiB, GiB, TiB", "bytes per second");
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
