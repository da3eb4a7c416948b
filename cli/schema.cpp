#include "cli/schema.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "cli/scenario_schema.hpp"

namespace ckptsim::cli::schema {

const KeyDoc* MapSchema::key(std::string_view name) const {
  for (const KeyDoc& k : keys)
    if (k.name == name) return &k;
  return nullptr;
}

namespace {

// A bound as a person writes it: 1000000, not 1e+06.
std::string number_text(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15)
    return fmt::format("{}", static_cast<int64_t>(v));
  return fmt::format("{}", v);
}

}  // namespace

// "≥ 10ms"; "≥ 0" for no minimum.
std::string at_least(sim::Duration min, std::string_view text = "") {
  if (!text.empty()) return "≥ " + std::string(text);
  return min == 0 ? std::string("≥ 0") : "≥ " + sim::format_duration(min);
}

void DurationValue::describe(KeyDoc& d) const {
  d.type = "duration";
  d.unit = "time";
  d.range = at_least(min, min_text);
}

std::optional<std::optional<sim::Duration>> DurationOrWord::read(Context& c, const YamlNode& n) const {
  if (n.node.IsScalar() && n.node.Scalar() == word) return std::optional<sim::Duration>();
  if (n.node.IsScalar() && !sim::parse_duration(n.node.Scalar())) {
    c.yaml.error(n, fmt::format("{}: expected {}, or '{}', got '{}'", n.path, expected, word,
                                shorten(n.node.Scalar())));
    return std::nullopt;
  }
  if (auto d = c.yaml.duration(n, min)) return std::optional<sim::Duration>(*d);
  return std::nullopt;
}

void DurationOrWord::describe(KeyDoc& d) const {
  d.type = fmt::format("duration or `{}`", word);
  d.unit = "time";
  d.range = at_least(min);
}

void SizeValue::describe(KeyDoc& d) const {
  d.type = "size";
  d.unit = "bytes";
  d.range = "≥ 0";
}

void RateValue::describe(KeyDoc& d) const {
  d.type = allow_unlimited ? "rate or `unlimited`" : "rate";
  d.unit = "bytes/s";
  d.range = positive ? "> 0" : "≥ 0";
}

std::string RateValue::show(double v) const {
  if (v == model::kUnlimited) return "unlimited";
  return sim::format_rate(static_cast<int64_t>(v));
}

void IntegerValue::describe(KeyDoc& d) const {
  d.type = "integer";
  d.range = hi == std::numeric_limits<int64_t>::max() ? fmt::format("≥ {}", lo)
                                                       : fmt::format("{} to {}", lo, hi);
}

std::optional<uint64_t> SeedValue::read(Context& c, const YamlNode& n) const {
  auto s = c.yaml.scalar(n, "a non-negative integer");
  if (!s) return std::nullopt;
  uint64_t seed = 0;
  auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), seed);
  if (ec != std::errc() || p != s->data() + s->size() || s->empty()) {
    c.yaml.error(n, fmt::format("{}: expected an integer from 0 to {}, got '{}'", n.path,
                                std::numeric_limits<uint64_t>::max(), shorten(*s)));
    return std::nullopt;
  }
  return seed;
}

void SeedValue::describe(KeyDoc& d) const {
  d.type = "integer";
  d.range = fmt::format("0 to {}", std::numeric_limits<uint64_t>::max());
}

std::string NumberValue::range_text() const {
  if (hi == std::numeric_limits<double>::infinity()) return "of at least " + number_text(lo);
  return fmt::format("from {} to {}", number_text(lo), number_text(hi));
}

void NumberValue::describe(KeyDoc& d) const {
  d.type = "number";
  d.range = hi == std::numeric_limits<double>::infinity()
                ? "≥ " + number_text(lo)
                : fmt::format("{} to {}", number_text(lo), number_text(hi));
}

void BooleanValue::describe(KeyDoc& d) const { d.type = "boolean"; }

std::optional<std::string> TextValue::read(Context& c, const YamlNode& n) const {
  auto s = c.yaml.string(n);
  if (s && s->empty() && !non_empty.empty())
    c.yaml.error(n, fmt::format("{}: expected a non-empty {}", n.path, non_empty));
  return s;
}

void TextValue::describe(KeyDoc& d) const { d.type = "string"; }

void describe_choice(KeyDoc& d, std::span<const std::string_view> names, std::string_view listed_under) {
  if (!listed_under.empty()) {
    d.type = fmt::format("a name under \"{}\"", listed_under);
    return;
  }
  d.type = "one of ";
  for (size_t i = 0; i < names.size(); ++i) d.type += fmt::format("{}`{}`", i ? ", " : "", names[i]);
}

void describe_list(KeyDoc& d, const MapSchema& each) {
  d.type = "list of mappings";
  d.child = &each;
  d.list = true;
  d.default_text = "none";
  d.default_is_prose = true;
}

// --- distributions -----------------------------------------------------------------------

namespace {

using Kind = model::Distribution::Kind;

// A parameter of a distribution: a value of the key's unit, or a plain number.
struct DistParam {
  std::string_view name;
  bool plain_number;
  std::string_view doc;
};
constexpr DistParam kDistParams[] = {
    {"min", false, "`uniform`: the smallest value."},
    {"max", false, "`uniform`: the largest value."},
    {"mean", false, "`exponential`: the mean; `normal`: the mean before truncation at 0."},
    {"median", false, "`lognormal`: the median."},
    {"sigma", true, "`lognormal`: the standard deviation of the logarithm."},
    {"stddev", false, "`normal`: the standard deviation."},
};

struct DistKind {
  std::string_view name;
  Kind kind;
  std::vector<std::string_view> params;  // in the order of Distribution::a, b
};
const std::vector<DistKind>& dist_kinds() {
  static const std::vector<DistKind> kinds{{"uniform", Kind::uniform, {"min", "max"}},
                                           {"exponential", Kind::exponential, {"mean"}},
                                           {"lognormal", Kind::lognormal, {"median", "sigma"}},
                                           {"normal", Kind::normal, {"mean", "stddev"}}};
  return kinds;
}
const std::vector<std::string_view>& dist_kind_names() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> n;
    for (const DistKind& k : dist_kinds()) n.push_back(k.name);
    return n;
  }();
  return names;
}

// The sigma of a lognormal: a plain number.
constexpr NumberValue kPlainParam{0, 1e6};

// "uniform, exponential, lognormal or normal".
std::string or_list(std::span<const std::string_view> names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i)
    out += fmt::format("{}{}", i == 0 ? "" : i + 1 == names.size() ? " or " : ", ", names[i]);
  return out;
}

const DistParam& dist_param(std::string_view name) {
  for (const DistParam& p : kDistParams)
    if (p.name == name) return p;
  throw std::logic_error(fmt::format("schema: no distribution parameter '{}'", name));
}

}  // namespace

const MapSchema& distribution_schema() {
  static const MapSchema schema = [] {
    MapSchema s;
    s.path = "{dist: ...}";
    s.doc = "A value that varies: a distribution, drawn per use from the key's named random "
            "stream. Its parameters take the unit of the key (a size or a duration).";
    KeyDoc dist{"dist", "", "", "", "required", false, "Which distribution; its parameters follow."};
    describe_choice(dist, dist_kind_names());
    dist.required = true;
    s.keys.push_back(dist);
    for (const DistParam& p : kDistParams) {
      KeyDoc k{p.name, "size or duration", "", "≥ 0", "", false, p.doc};
      if (p.plain_number) kPlainParam.describe(k);
      s.keys.push_back(k);
    }
    for (const KeyDoc& k : s.keys) s.names.push_back(k.name);
    return s;
  }();
  return schema;
}

std::optional<model::Distribution> DistributionValue::read(Context& c, const YamlNode& n) const {
  YamlReader& y = c.yaml;
  if (!n.node.IsMap()) {
    if (!n.node.IsScalar()) {
      y.error(n, fmt::format("{}: expected {} or a distribution such as {{dist: uniform, min, max}}, "
                             "got {}",
                             n.path, unit == Unit::size ? "a size" : "a duration",
                             yaml_type_name(n.node)));
      return std::nullopt;
    }
    auto v = unit == Unit::size ? y.size(n) : y.duration(n);
    if (!v) return std::nullopt;
    return model::Distribution::constant(static_cast<double>(*v));
  }
  auto m = y.map(n, distribution_schema().names);
  if (!m) return std::nullopt;
  const YamlEntry* d = m->get("dist");
  if (!d) {
    y.missing(*m, "dist", or_list(dist_kind_names()));
    return std::nullopt;
  }
  auto index = y.choice(d->value, dist_kind_names());
  if (!index) return std::nullopt;
  const DistKind& kind = dist_kinds()[*index];
  bool ok = true;
  for (const auto& e : m->entries) {
    if (e.key == "dist" || std::find(kind.params.begin(), kind.params.end(), e.key) != kind.params.end())
      continue;
    y.error(e.key_node, fmt::format("{}: key '{}' does not apply to dist: {}; expected {}",
                                    YamlReader::section(n), e.key, kind.name, name_list(kind.params)));
    ok = false;
  }
  double vals[2] = {0, 0};
  for (size_t i = 0; i < kind.params.size(); ++i) {
    const YamlEntry* e = m->get(kind.params[i]);
    if (!e) {
      y.missing(*m, kind.params[i],
                fmt::format("dist: {} takes {}", kind.name, name_list(kind.params)));
      ok = false;
      continue;
    }
    std::optional<double> v;
    if (dist_param(kind.params[i]).plain_number) {
      v = y.number(e->value, kPlainParam.lo, kPlainParam.hi, kPlainParam.range_text());
    } else if (unit == Unit::size) {
      if (auto x = y.size(e->value)) v = static_cast<double>(*x);
    } else if (auto x = y.duration(e->value)) {
      v = static_cast<double>(*x);
    }
    if (v) vals[i] = *v;
    else ok = false;
  }
  if (!ok) return std::nullopt;
  if (kind.kind == Kind::uniform && vals[0] > vals[1]) {
    y.error(n, fmt::format("{}: expected min <= max", n.path));
    return std::nullopt;
  }
  model::Distribution out;
  out.kind = kind.kind;
  out.a = vals[0];
  out.b = vals[1];
  return out;
}

void DistributionValue::describe(KeyDoc& d) const {
  d.type = unit == Unit::size ? "size or distribution" : "duration or distribution";
  d.unit = unit == Unit::size ? "bytes" : "time";
  d.range = "≥ 0";
  d.child = &distribution_schema();
}

std::string DistributionValue::show(const model::Distribution& v) const {
  if (!v.is_constant()) return "a distribution";
  return unit == Unit::size ? sim::format_size(static_cast<int64_t>(v.a))
                            : sim::format_duration(static_cast<sim::Duration>(v.a));
}

// --- navigation --------------------------------------------------------------------------

const MapSchema* schema_at(const std::vector<std::string>& path, bool* any_key) {
  if (any_key) *any_key = false;
  const MapSchema* cur = &scenario_schema();
  for (size_t i = 0; i < path.size(); ++i) {
    if (cur->any_key) break;
    const KeyDoc* k = cur->key(path[i]);
    if (!k || !k->child) return nullptr;
    if (k->list && ++i == path.size()) return nullptr;  // the list itself, not an entry
    cur = k->child;
  }
  if (cur->any_key) {
    if (any_key) *any_key = true;
    return nullptr;
  }
  return cur;
}

}  // namespace ckptsim::cli::schema
