#include "cli/yaml_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "sim/names.hpp"
#include "sim/units.hpp"

namespace ckptsim::cli {

const YamlEntry* YamlMap::get(std::string_view key) const {
  for (const auto& e : entries)
    if (e.key == key) return &e;
  return nullptr;
}

const char* yaml_type_name(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "a scalar";
    case YAML::NodeType::Null:
      return "nothing (null)";
    default:
      return "nothing";
  }
}

std::string name_list(std::span<const std::string_view> names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out += ", ";
    out += names[i];
  }
  return out;
}

std::string shorten(const std::string& s) {
  if (s.size() <= 60) return s;
  return s.substr(0, 57) + "...";
}

YamlReader::YamlReader(std::string file, std::vector<AppliedOverride> overrides)
    : file_(std::move(file)), overrides_(std::move(overrides)) {}

YamlNode YamlReader::root(const YAML::Node& node) const { return {node, "", -1, {1, 1}, file_}; }

YamlNode YamlReader::child(const YamlNode& parent, const YAML::Node& node, std::string path) const {
  Where w = where(parent);
  YamlNode r{node, std::move(path), parent.ovr, w.pos, w.file};
  if (r.ovr < 0) {
    for (size_t k = 0; k < overrides_.size(); ++k)
      if (node.is(overrides_[k].value)) r.ovr = static_cast<int>(k);
  }
  return r;
}

Where YamlReader::where(const YamlNode& n) const {
  if (n.ovr >= 0) {
    const auto& o = overrides_[static_cast<size_t>(n.ovr)];
    YAML::Mark m = n.node.Mark();
    int col = o.value_column + (m.line == 0 && m.column > 0 ? m.column : 0);
    return {"--set", {o.index + 1, col}};
  }
  YAML::Mark m = n.node.IsDefined() ? n.node.Mark() : YAML::Mark::null_mark();
  if (m.line >= 0 && m.column >= 0) return {file_, {m.line + 1, m.column + 1}};
  return {n.fallback_file.empty() ? file_ : n.fallback_file, n.fallback};
}

void YamlReader::error(const YamlNode& n, std::string message) { error_at(where(n), std::move(message)); }

void YamlReader::error_at(const Where& w, std::string message) {
  if (errors_.size() > kMaxErrors) return;
  if (errors_.size() == kMaxErrors) {
    errors_.push_back({w.file, w.pos.line, w.pos.column,
                       fmt::format("too many errors (more than {}); stopping here", kMaxErrors)});
    return;
  }
  if (message.size() > 1000) message = message.substr(0, 997) + "...";
  errors_.push_back({w.file, w.pos.line, w.pos.column, std::move(message)});
}

void YamlReader::warn(const YamlNode& n, std::string message) { warn_at(where(n), std::move(message)); }

void YamlReader::warn_at(const Where& w, std::string message) {
  if (warnings_.size() >= kMaxErrors) return;
  warnings_.push_back({w.file, w.pos.line, w.pos.column, std::move(message), true});
}

void YamlReader::missing(const YamlMap& m, std::string_view key, std::string_view what) {
  error(m.self, fmt::format("{}: missing required key '{}' ({})", section(m.self), key, what));
}

std::string YamlReader::section(const YamlNode& n) {
  return n.path.empty() ? std::string("the top level") : n.path;
}

std::string YamlReader::sub(const YamlNode& n, std::string_view key) {
  return n.path.empty() ? std::string(key) : n.path + "." + std::string(key);
}

std::optional<YamlMap> YamlReader::map(const YamlNode& n, std::span<const std::string_view> known,
                                       bool any_key) {
  if (!n.node.IsMap()) {
    error(n, fmt::format("{}: expected a mapping (key: value pairs), got {}", section(n),
                         yaml_type_name(n.node)));
    return std::nullopt;
  }
  YamlMap m{n, {}};
  const std::string in = n.path.empty() ? std::string("at the top level") : "in " + n.path;
  std::map<std::string, int> seen;  // key -> line of the first occurrence
  for (auto it = n.node.begin(); it != n.node.end(); ++it) {
    YamlNode key = child(n, it->first, n.path);
    if (!it->first.IsScalar()) {
      error(key, fmt::format("{}: expected a key name, got {}", section(n), yaml_type_name(it->first)));
      continue;
    }
    std::string k = it->first.Scalar();
    if (auto [pos, inserted] = seen.emplace(k, where(key).pos.line); !inserted) {
      error(key, fmt::format("duplicate key '{}' {} (first given on line {})", shorten(k), in,
                             pos->second));
      continue;
    }
    if (!any_key && std::find(known.begin(), known.end(), k) == known.end()) {
      if (auto near = sim::nearest_name(k, known))
        error(key, fmt::format("unknown key '{}' {}; did you mean '{}'?", shorten(k), in, *near));
      else
        error(key, fmt::format("unknown key '{}' {}; expected one of: {}", shorten(k), in,
                               name_list(known)));
      continue;
    }
    m.entries.push_back({k, key, child(n, it->second, sub(n, k))});
  }
  return m;
}

std::optional<std::string> YamlReader::scalar(const YamlNode& n, std::string_view expected) {
  if (!n.node.IsScalar()) {
    error(n, fmt::format("{}: expected {}, got {}", n.path, expected, yaml_type_name(n.node)));
    return std::nullopt;
  }
  return n.node.Scalar();
}

std::optional<sim::Duration> YamlReader::duration(const YamlNode& n, sim::Duration min,
                                                  std::string_view min_text) {
  auto s = scalar(n, "a duration such as '250ms' or '1h30min'");
  if (!s) return std::nullopt;
  auto r = sim::parse_duration(*s);
  if (!r) {
    error(n, fmt::format("{}: {}", n.path, r.error));
    return std::nullopt;
  }
  if (*r < min) {
    error(n, fmt::format("{}: expected a duration of at least {}, got '{}'", n.path,
                         min_text.empty() ? sim::format_duration(min) : std::string(min_text),
                         shorten(*s)));
    return std::nullopt;
  }
  return *r;
}

std::optional<int64_t> YamlReader::size(const YamlNode& n) {
  auto s = scalar(n, "a size such as '25GB' or '128KiB'");
  if (!s) return std::nullopt;
  auto r = sim::parse_size(*s);
  if (!r) {
    error(n, fmt::format("{}: {}", n.path, r.error));
    return std::nullopt;
  }
  if (*r < 0) {
    error(n, fmt::format("{}: expected a size of at least 0, got '{}'", n.path, shorten(*s)));
    return std::nullopt;
  }
  return *r;
}

std::optional<double> YamlReader::rate(const YamlNode& n, bool allow_unlimited, bool positive) {
  auto s = scalar(n, allow_unlimited ? "a rate such as '20MB/s', or 'unlimited'"
                                     : "a rate such as '20MB/s'");
  if (!s) return std::nullopt;
  if (*s == "unlimited") {
    if (allow_unlimited) return model::kUnlimited;
    error(n, fmt::format("{}: expected a finite rate such as '20MB/s', got 'unlimited'", n.path));
    return std::nullopt;
  }
  auto r = sim::parse_rate(*s);
  if (!r) {
    error(n, fmt::format("{}: {}{}", n.path, r.error, allow_unlimited ? " (or 'unlimited')" : ""));
    return std::nullopt;
  }
  if (*r < 0 || (positive && *r == 0)) {
    error(n, fmt::format("{}: expected a rate {} 0, got '{}'", n.path,
                         positive ? "greater than" : "of at least", shorten(*s)));
    return std::nullopt;
  }
  return static_cast<double>(*r);
}

std::optional<int64_t> YamlReader::integer(const YamlNode& n, int64_t lo, int64_t hi) {
  auto s = scalar(n, "an integer");
  if (!s) return std::nullopt;
  int64_t v = 0;
  const char* b = s->data();
  const char* e = s->data() + s->size();
  if (b != e && *b == '+') ++b;
  auto [p, ec] = std::from_chars(b, e, v);
  if (ec == std::errc::result_out_of_range || (ec == std::errc() && p == e && (v < lo || v > hi))) {
    error(n, fmt::format("{}: expected an integer from {} to {}, got '{}'", n.path, lo, hi,
                         shorten(*s)));
    return std::nullopt;
  }
  if (ec != std::errc() || p != e) {
    error(n, fmt::format("{}: expected an integer, got '{}'", n.path, shorten(*s)));
    return std::nullopt;
  }
  return v;
}

std::optional<double> YamlReader::to_number(const std::string& s) {
  double v = 0;
  const char* b = s.data();
  const char* e = s.data() + s.size();
  if (b != e && *b == '+') ++b;
  auto [p, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || p != e || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<double> YamlReader::number(const YamlNode& n, double lo, double hi,
                                         std::string_view range) {
  auto s = scalar(n, "a number");
  if (!s) return std::nullopt;
  auto v = to_number(*s);
  if (!v) {
    error(n, fmt::format("{}: expected a number, got '{}'", n.path, shorten(*s)));
    return std::nullopt;
  }
  if (*v < lo || *v > hi) {
    error(n, fmt::format("{}: expected a number {}, got '{}'", n.path, range, shorten(*s)));
    return std::nullopt;
  }
  return *v;
}

std::optional<bool> YamlReader::boolean(const YamlNode& n) {
  auto s = scalar(n, "true or false");
  if (!s) return std::nullopt;
  bool b = false;
  if (!YAML::convert<bool>::decode(n.node, b)) {
    error(n, fmt::format("{}: expected true or false, got '{}'", n.path, shorten(*s)));
    return std::nullopt;
  }
  return b;
}

std::optional<size_t> YamlReader::choice(const YamlNode& n, std::span<const std::string_view> choices) {
  auto s = scalar(n, "one of " + name_list(choices));
  if (!s) return std::nullopt;
  for (size_t i = 0; i < choices.size(); ++i)
    if (choices[i] == *s) return i;
  auto near = sim::nearest_name(*s, choices);
  error(n, fmt::format("{}: expected one of {}, got '{}'{}", n.path, name_list(choices), shorten(*s),
                       near ? fmt::format("; did you mean '{}'?", *near) : ""));
  return std::nullopt;
}

}  // namespace ckptsim::cli
