#include "cli/sweep_grid.hpp"

#include <cmath>
#include <cstdlib>
#include <optional>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "analysis/table.hpp"
#include "sim/units.hpp"

namespace ckptsim::cli {

namespace {

enum class Kind { number, duration, size, rate };

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::number: return "a number";
    case Kind::duration: return "a duration";
    case Kind::size: return "a size";
    case Kind::rate: return "a rate";
  }
  return "?";
}

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return std::string(s.substr(b, e - b));
}

std::optional<double> parse_number(const std::string& s) {
  if (s.empty()) return std::nullopt;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E'))
      return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// A typed value of a range end or step: integer units (µs or bytes) or a plain number.
struct Typed {
  Kind kind = Kind::number;
  int64_t units = 0;
  double number = 0;
};

std::optional<Typed> parse_typed(const std::string& s) {
  if (auto n = parse_number(s)) return Typed{Kind::number, 0, *n};
  if (auto d = sim::parse_duration(s)) return Typed{Kind::duration, *d, 0};
  if (auto b = sim::parse_size(s)) return Typed{Kind::size, *b, 0};
  if (auto r = sim::parse_rate(s)) return Typed{Kind::rate, *r, 0};
  return std::nullopt;
}

std::string format_number(double v) { return fmt::format("{:.12g}", v); }

std::string format_units(Kind k, int64_t v) {
  switch (k) {
    case Kind::duration: return sim::format_duration(v);
    case Kind::size: return sim::format_size(v);
    case Kind::rate: return sim::format_rate(v);
    case Kind::number: break;
  }
  return fmt::format("{}", v);
}

// "A..B*F" or "A..B+S".
std::variant<std::vector<std::string>, std::string> expand_range(const std::string& text) {
  const size_t dots = text.find("..");
  const size_t op = text.find_first_of("*+", dots + 2);
  if (op == std::string::npos)
    return fmt::format("range '{}': expected A..B*FACTOR or A..B+STEP", text);
  const std::string a_text = trim(text.substr(0, dots)), b_text = trim(text.substr(dots + 2, op - dots - 2)),
                    s_text = trim(text.substr(op + 1));
  const bool geometric = text[op] == '*';
  auto a = parse_typed(a_text), b = parse_typed(b_text);
  if (!a) return fmt::format("range '{}': '{}' is not a number, duration, size or rate", text, a_text);
  if (!b) return fmt::format("range '{}': '{}' is not a number, duration, size or rate", text, b_text);
  if (a->kind != b->kind)
    return fmt::format("range '{}': '{}' is {} but '{}' is {}", text, a_text, kind_name(a->kind), b_text,
                       kind_name(b->kind));
  const Kind kind = a->kind;
  std::vector<std::string> out;
  auto too_many = [&] {
    return fmt::format("range '{}': more than {} values", text, kMaxAxisValues);
  };
  if (geometric) {
    auto f = parse_number(s_text);
    if (!f || !(*f > 1))
      return fmt::format("range '{}': the factor '{}' must be a number greater than 1", text, s_text);
    if (kind == Kind::number) {
      if (!(a->number > 0) || a->number > b->number)
        return fmt::format("range '{}': a geometric range needs 0 < A <= B", text);
      for (int64_t k = 0;; ++k) {
        const double v = a->number * std::pow(*f, static_cast<double>(k));
        if (v > b->number * (1 + 1e-12)) break;
        if (static_cast<int64_t>(out.size()) >= kMaxAxisValues) return too_many();
        out.push_back(format_number(v));
      }
    } else {
      if (a->units <= 0 || a->units > b->units)
        return fmt::format("range '{}': a geometric range needs 0 < A <= B", text);
      const bool integral = *f == std::floor(*f);
      for (int64_t k = 0;; ++k) {
        int64_t v;
        if (integral) {
          // Exact: A · F^k in integers.
          long double x = static_cast<long double>(a->units);
          for (int64_t i = 0; i < k; ++i) x *= static_cast<long double>(*f);
          if (x > static_cast<long double>(b->units)) break;
          v = static_cast<int64_t>(x);
        } else {
          const long double x = static_cast<long double>(a->units) * std::pow(static_cast<long double>(*f), k);
          if (x > static_cast<long double>(b->units) * (1 + 1e-12L)) break;
          v = static_cast<int64_t>(std::llround(x));
        }
        if (static_cast<int64_t>(out.size()) >= kMaxAxisValues) return too_many();
        out.push_back(format_units(kind, v));
      }
    }
  } else {
    auto s = parse_typed(s_text);
    if (!s || s->kind != kind)
      return fmt::format("range '{}': the step '{}' must be {} like the ends", text, s_text, kind_name(kind));
    if (kind == Kind::number) {
      if (!(s->number > 0)) return fmt::format("range '{}': the step must be positive", text);
      if (a->number > b->number) return fmt::format("range '{}': A must not exceed B", text);
      const double span = (b->number - a->number) / s->number;
      if (span >= static_cast<double>(kMaxAxisValues)) return too_many();
      for (int64_t k = 0;; ++k) {
        const double v = a->number + static_cast<double>(k) * s->number;
        if (v > b->number + std::fabs(s->number) * 1e-9) break;
        out.push_back(format_number(v));
      }
    } else {
      if (s->units <= 0) return fmt::format("range '{}': the step must be positive", text);
      if (a->units > b->units) return fmt::format("range '{}': A must not exceed B", text);
      if ((b->units - a->units) / s->units >= kMaxAxisValues) return too_many();
      for (int64_t v = a->units; v <= b->units; v += s->units) {
        out.push_back(format_units(kind, v));
        if (v > b->units - s->units) break;
      }
    }
  }
  return out;
}

}  // namespace

std::optional<double> value_number(std::string_view text) {
  auto t = parse_typed(trim(text));
  if (!t) return std::nullopt;
  return t->kind == Kind::number ? t->number : static_cast<double>(t->units);
}

namespace {
// "3.50 min" -> "3.5 min", "10.0 MB" -> "10 MB": the zeros human_* keep for a column's look.
std::string trim_zeros(std::string s) {
  const size_t dot = s.find('.');
  if (dot == std::string::npos) return s;
  size_t end = s.find(' ', dot);
  if (end == std::string::npos) end = s.size();
  size_t cut = end;
  while (cut > dot + 1 && s[cut - 1] == '0') --cut;
  if (cut == dot + 1) cut = dot;
  return s.erase(cut, end - cut);
}
}  // namespace

std::string human_value(std::string_view text) {
  auto t = parse_typed(trim(text));
  if (!t) return std::string(text);
  switch (t->kind) {
    case Kind::duration: return sim::format_duration(t->units);  // "1h2min" reads better than "1.03 h"
    case Kind::size: return trim_zeros(analysis::human_bytes(static_cast<double>(t->units)));
    case Kind::rate: return trim_zeros(analysis::human_bytes(static_cast<double>(t->units))) + "/s";
    case Kind::number: break;
  }
  return trim(text);
}

std::variant<std::vector<std::string>, std::string> expand_values(std::string_view list) {
  // Split at commas outside {} and [].
  std::vector<std::string> pieces;
  std::string current;
  int depth = 0;
  for (char c : list) {
    if (c == '\n' || c == '\r') return std::string("a --vary value may not hold a line break");
    if (c == '{' || c == '[') ++depth;
    if (c == '}' || c == ']') --depth;
    if (c == ',' && depth == 0) {
      pieces.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  pieces.push_back(current);
  std::vector<std::string> out;
  for (const std::string& raw : pieces) {
    const std::string p = trim(raw);
    if (p.empty()) return std::string("empty value in the list (two commas, or one at an end)");
    if (p.find("..") != std::string::npos && p.front() != '{' && p.front() != '[') {
      auto r = expand_range(p);
      if (auto* e = std::get_if<std::string>(&r)) return *e;
      for (auto& v : std::get<std::vector<std::string>>(r)) out.push_back(std::move(v));
    } else {
      out.push_back(p);
    }
    if (static_cast<int64_t>(out.size()) > kMaxAxisValues)
      return fmt::format("more than {} values", kMaxAxisValues);
  }
  return out;
}

std::variant<Axis, std::string> parse_vary(std::string_view arg) {
  const size_t eq = arg.find('=');
  if (eq == std::string_view::npos)
    return fmt::format("--vary '{}': expected key=v1,v2,... or key=A..B*F or key=A..B+S", arg);
  Axis axis;
  axis.key = trim(arg.substr(0, eq));
  if (axis.key.empty()) return fmt::format("--vary '{}': the key is empty", arg);
  for (char c : axis.key)
    if (c == ',' || c == '"' || c == ' ')
      return fmt::format("--vary '{}': a key may not hold '{}'", arg, c);
  auto values = expand_values(arg.substr(eq + 1));
  if (auto* e = std::get_if<std::string>(&values)) return fmt::format("--vary '{}': {}", arg, *e);
  axis.values = std::move(std::get<std::vector<std::string>>(values));
  return axis;
}

std::variant<Shard, std::string> parse_shard(std::string_view text) {
  const size_t slash = text.find('/');
  auto bad = [&] { return fmt::format("--shard '{}': expected I/N with 0 <= I < N", text); };
  if (slash == std::string_view::npos) return bad();
  auto num = [](std::string_view s) -> std::optional<int64_t> {
    if (s.empty() || s.size() > 12) return std::nullopt;
    int64_t v = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + (c - '0');
    }
    return v;
  };
  auto i = num(text.substr(0, slash)), n = num(text.substr(slash + 1));
  if (!i || !n || *n < 1 || *i >= *n) return bad();
  return Shard{*i, *n};
}

Grid::Grid(std::vector<Axis> axes, int64_t replications)
    : axes_(std::move(axes)), replications_(replications) {
  if (replications_ < 1) throw std::invalid_argument("--replications must be at least 1");
  std::set<std::string> keys;
  for (const Axis& a : axes_) {
    if (a.values.empty()) throw std::invalid_argument(fmt::format("--vary {}: no values", a.key));
    if (!keys.insert(a.key).second)
      throw std::invalid_argument(fmt::format("--vary {}: the key is varied twice", a.key));
    if (points_ > kMaxRuns / static_cast<int64_t>(a.values.size()))
      throw std::invalid_argument(fmt::format("the grid has more than {} runs", kMaxRuns));
    points_ *= static_cast<int64_t>(a.values.size());
  }
  if (points_ > kMaxRuns / replications_)
    throw std::invalid_argument(fmt::format("the grid has more than {} runs", kMaxRuns));
}

RunId Grid::run(int64_t index) const {
  if (index < 0 || index >= runs()) throw std::out_of_range(fmt::format("run {} is not in 0..{}", index, runs() - 1));
  return RunId{index, index / replications_, index % replications_};
}

std::vector<size_t> Grid::coordinates(int64_t point) const {
  std::vector<size_t> c(axes_.size());
  for (size_t k = axes_.size(); k-- > 0;) {
    const auto n = static_cast<int64_t>(axes_[k].values.size());
    c[k] = static_cast<size_t>(point % n);
    point /= n;
  }
  return c;
}

std::vector<std::string> Grid::values(int64_t point) const {
  const auto c = coordinates(point);
  std::vector<std::string> out;
  for (size_t k = 0; k < axes_.size(); ++k) out.push_back(axes_[k].values[c[k]]);
  return out;
}

std::vector<std::string> Grid::overrides(int64_t point) const {
  const auto v = values(point);
  std::vector<std::string> out;
  for (size_t k = 0; k < axes_.size(); ++k) out.push_back(axes_[k].key + "=" + v[k]);
  return out;
}

}  // namespace ckptsim::cli
