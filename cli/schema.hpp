// The scenario schema's building blocks. A Section<T> declares the keys of one YAML mapping read
// into a T, one Key per key: its name, the member it fills, the value type that reads it (which
// knows the type, the unit, the range and the error messages), and a one-line doc; the default is
// the member's value in a default-constructed T. From that one declaration come the reading, the
// "unknown key" messages and their suggestions, the keys `--set` may create, and
// docs/scenario-reference.md. The declarations themselves are in cli/scenario_schema.cpp,
// cli/event_schema.cpp and cli/expectation_schema.cpp.
//
//   key("timeout", &CheckpointingSpec::timeout, duration(10 * sim::kMillisecond),
//       "A pending checkpoint expires this long after it was created.")
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <fmt/format.h>

#include "analysis/expectations.hpp"
#include "cli/yaml_reader.hpp"
#include "model/scenario.hpp"
#include "sim/units.hpp"

namespace ckptsim::cli::schema {

struct MapSchema;

// One key as the reference and the messages describe it.
struct KeyDoc {
  std::string_view name = {};
  std::string type = {};          // "duration", "rate", "one of `a`, `b`", "mapping", ...
  std::string unit = {};          // "time", "bytes", "bytes/s", or empty
  std::string range = {};         // "≥ 10ms", "1 to 1000", or empty
  std::string default_text = {};  // the model's default, as a scenario writes it; or "required"
  bool default_is_prose = false;  // default_text says what absence means, in words
  std::string_view doc = {};      // one line
  const MapSchema* child = nullptr;  // the mapping under the key (under each entry, for a list)
  bool list = false;                 // a list of `child` mappings (or of scalars, without child)
  bool required = false;
  std::string_view required_what = {};  // "missing required key 'interval' (<what>)"
  // In a mapping of several forms (an expectation: `metric` or `checkpoint`), the form the key
  // belongs to, named by the key that selects it; empty for a key of every form, or a selector.
  std::string_view form = {};
};

// A mapping of the scenario file: what it is and its keys, in the order of the reference.
struct MapSchema {
  std::string_view path;  // "checkpointing", "job.operators[]"; empty for the top level
  std::string_view doc;
  std::vector<KeyDoc> keys;
  std::vector<std::string_view> names;  // the keys' names, for the reader's messages
  bool any_key = false;                 // every key allowed (a PATCH body, kept raw)
  const KeyDoc* key(std::string_view name) const;
};

// What the readers share while one file is read: the positioned reader, and what later checks
// need (where each operator, edge and event was written; the expectations).
struct Context {
  YamlReader& yaml;
  std::vector<analysis::Expectation> expectations;
  std::vector<Where> operator_places, edge_places, event_places, design_places;
  Where job_place;
};

// A key of a Section<T>: its description and how it is read into a T.
template <class T>
struct Key {
  KeyDoc doc;
  std::function<void(Context&, const YamlEntry&, T&)> read;

  // The section is incomplete without it; `what` says what to give.
  Key required(std::string_view what) && {
    doc.required = true;
    doc.required_what = what;
    doc.default_text = "required";
    return std::move(*this);
  }
  // The key belongs to the form that `selector` selects (see KeyDoc::form); required() then
  // means required in that form.
  Key in_form(std::string_view selector) && {
    doc.form = selector;
    return std::move(*this);
  }
  // What leaving the key out means, when no value of the member says it ("random", "none").
  Key when_absent(std::string text) && {
    doc.default_text = std::move(text);
    doc.default_is_prose = true;
    return std::move(*this);
  }
};

template <class M>
struct OptionalOf {
  using type = void;
};
template <class U>
struct OptionalOf<std::optional<U>> {
  using type = U;
};

// Assigns a value read for a member, converting integers to the member's width.
template <class M, class X>
void assign(M& dst, X&& v) {
  using U = typename OptionalOf<M>::type;
  if constexpr (std::is_arithmetic_v<M> || std::is_enum_v<M>) {
    dst = static_cast<M>(v);
  } else if constexpr (std::is_arithmetic_v<U> && std::is_arithmetic_v<std::decay_t<X>>) {
    dst = static_cast<U>(v);
  } else {
    dst = std::forward<X>(v);
  }
}

// The reference's default text of a member: the value type shows it; an empty optional shows
// nothing (the key then says what its absence means with when_absent).
template <class V, class M>
std::string show_default(const V& value, const M& m) {
  if constexpr (requires { m.has_value(); } && !requires { value.show(m); })
    return m ? value.show(*m) : std::string();
  else
    return value.show(m);
}

// A mapping read into a T.
template <class T>
class Section : public MapSchema {
 public:
  struct Hooks {
    model::SourcePos T::*pos = nullptr;  // set to where the mapping is written
    // Rules across keys, after they are read (positions: entry(map, "key")).
    std::function<void(Context&, const YamlMap&, T&)> check = {};
    // The whole read written out, for a mapping whose keys depend on each other (an event's
    // kind, an expectation's form); it uses open(), read_entry() and entry().
    std::function<bool(const Section&, Context&, const YamlNode&, T&)> read = {};
  };

  Section(std::string_view path, std::string_view doc, std::vector<Key<T>> keys, Hooks hooks = {})
      : readers_(), hooks_(std::move(hooks)) {
    this->path = path;
    this->doc = doc;
    for (Key<T>& k : keys) {
      this->keys.push_back(k.doc);
      readers_.push_back(std::move(k.read));
    }
    for (const KeyDoc& k : this->keys) names.push_back(k.name);
  }

  // Reads the mapping at `n` into `into` (its unset keys keep their values); false when `n` is
  // not a mapping. Missing required keys first, then each key in file order, then the checks.
  bool read(Context& c, const YamlNode& n, T& into) const {
    if (hooks_.read) return hooks_.read(*this, c, n, into);
    auto m = open(c, n, into);
    if (!m) return false;
    for (const YamlEntry& e : m->entries) read_entry(c, e, into);
    if (hooks_.check) hooks_.check(c, *m, into);
    return true;
  }

  // The steps of read(), for a section whose order is written out (events, expectations):
  // the mapping with its keys checked, its position recorded, missing required keys reported
  // (those of one form are the form's to report).
  std::optional<YamlMap> open(Context& c, const YamlNode& n, T& into) const {
    auto m = c.yaml.map(n, names, any_key);
    if (!m) return std::nullopt;
    if (hooks_.pos) into.*(hooks_.pos) = c.yaml.where(n).pos;
    for (const KeyDoc& k : keys)
      if (k.required && k.form.empty() && !m->get(k.name)) c.yaml.missing(*m, k.name, k.required_what);
    return m;
  }
  void read_entry(Context& c, const YamlEntry& e, T& into) const {
    for (size_t i = 0; i < keys.size(); ++i)
      if (keys[i].name == e.key) return readers_[i](c, e, into);
  }
  // The entry of a declared key, or null when the file leaves it out.
  const YamlEntry* entry(const YamlMap& m, std::string_view name) const {
    if (!key(name)) throw std::logic_error(fmt::format("schema: '{}' is not a key of {}", name, path));
    return m.get(name);
  }

 private:
  std::vector<std::function<void(Context&, const YamlEntry&, T&)>> readers_;
  Hooks hooks_;
};

// --- value types: how one scalar (or distribution) is read, described and shown -------------

struct DurationValue {
  sim::Duration min = 0;
  std::string_view min_text;  // the minimum as the message names it, when not format_duration's
  std::optional<sim::Duration> read(Context& c, const YamlNode& n) const {
    return c.yaml.duration(n, min, min_text);
  }
  void describe(KeyDoc& d) const;
  std::string show(sim::Duration v) const { return sim::format_duration(v); }
};
inline DurationValue duration(sim::Duration min = 0, std::string_view min_text = "") {
  return {min, min_text};
}

// A duration, or a word meaning "none of them" (an empty optional): `initial_delay: random`.
struct DurationOrWord {
  std::string_view word;
  std::string_view expected;  // "a duration such as '30s'"
  sim::Duration min = 0;
  std::optional<std::optional<sim::Duration>> read(Context& c, const YamlNode& n) const;
  void describe(KeyDoc& d) const;
  std::string show(const std::optional<sim::Duration>& v) const {
    return v ? sim::format_duration(*v) : std::string(word);
  }
};

struct SizeValue {
  std::optional<int64_t> read(Context& c, const YamlNode& n) const { return c.yaml.size(n); }
  void describe(KeyDoc& d) const;
  std::string show(int64_t v) const { return sim::format_size(v); }
};
inline SizeValue size() { return {}; }

struct RateValue {
  bool allow_unlimited = true;
  bool positive = false;
  std::optional<double> read(Context& c, const YamlNode& n) const {
    return c.yaml.rate(n, allow_unlimited, positive);
  }
  void describe(KeyDoc& d) const;
  std::string show(double v) const;
};
// A rate that may be `unlimited`, > 0 when `positive`.
inline RateValue rate_or_unlimited(bool positive) { return {true, positive}; }
inline RateValue finite_rate() { return {false, false}; }

struct IntegerValue {
  int64_t lo, hi;
  std::optional<int64_t> read(Context& c, const YamlNode& n) const { return c.yaml.integer(n, lo, hi); }
  void describe(KeyDoc& d) const;
  std::string show(int64_t v) const { return fmt::format("{}", v); }
};
inline IntegerValue integer(int64_t lo, int64_t hi) { return {lo, hi}; }

// Any 64-bit unsigned integer (a seed).
struct SeedValue {
  std::optional<uint64_t> read(Context& c, const YamlNode& n) const;
  void describe(KeyDoc& d) const;
  std::string show(uint64_t v) const { return fmt::format("{}", v); }
};

// A finite number in [lo, hi]; hi = infinity for no upper bound.
struct NumberValue {
  double lo, hi;
  std::string range_text() const;  // "of at least 1", "from 0 to 1"
  std::optional<double> read(Context& c, const YamlNode& n) const {
    return c.yaml.number(n, lo, hi, range_text());
  }
  void describe(KeyDoc& d) const;
  std::string show(double v) const { return fmt::format("{}", v); }
};
inline NumberValue number(double lo, double hi) { return {lo, hi}; }

struct BooleanValue {
  std::optional<bool> read(Context& c, const YamlNode& n) const { return c.yaml.boolean(n); }
  void describe(KeyDoc& d) const;
  std::string show(bool v) const { return v ? "true" : "false"; }
};
inline BooleanValue boolean() { return {}; }

struct TextValue {
  std::string_view non_empty;  // when set, an empty text is an error: "expected a non-empty <this>"
  std::optional<std::string> read(Context& c, const YamlNode& n) const;
  void describe(KeyDoc& d) const;
  std::string show(const std::string& v) const { return v; }
};
inline TextValue text(std::string_view non_empty = "") { return {non_empty}; }

// One of a list of names, read as the enum value of the same index (E) or as the name itself
// (std::string, for expectations that compare names).
template <class E>
struct ChoiceValue {
  std::vector<std::string_view> names;
  std::string_view listed_under = {};  // a heading of the reference that lists the names
  std::optional<E> read(Context& c, const YamlNode& n) const {
    auto i = c.yaml.choice(n, names);
    if (!i) return std::nullopt;
    if constexpr (std::is_enum_v<E>) return static_cast<E>(*i);
    else return E(names[*i]);
  }
  void describe(KeyDoc& d) const;
  std::string show(const E& v) const {
    if constexpr (std::is_enum_v<E>) return std::string(names.at(static_cast<size_t>(v)));
    else return std::string(v);
  }
};
template <class E>
ChoiceValue<E> choice(std::vector<std::string_view> names, std::string_view listed_under = {}) {
  return {std::move(names), listed_under};
}
void describe_choice(KeyDoc& d, std::span<const std::string_view> names, std::string_view listed_under = {});
template <class E>
void ChoiceValue<E>::describe(KeyDoc& d) const { describe_choice(d, names, listed_under); }

// A size or a duration given as a constant or as {dist: ..., parameters}.
struct DistributionValue {
  enum class Unit { size, duration };
  Unit unit;
  std::optional<model::Distribution> read(Context& c, const YamlNode& n) const;
  void describe(KeyDoc& d) const;
  std::string show(const model::Distribution& v) const;
};
inline DistributionValue size_or_distribution() { return {DistributionValue::Unit::size}; }
inline DistributionValue duration_or_distribution() { return {DistributionValue::Unit::duration}; }
// The {dist: ...} mapping, for the reference and `--set`.
const MapSchema& distribution_schema();

// A list of scalars, each read by V: `readers: [periodic-trigger, pending-checkpoint]`. An empty
// list is allowed unless `non_empty`; a null (`key:` with nothing) is an empty list.
template <class V>
struct ListOfValues {
  V each;
  bool non_empty = false;
  using Item = std::decay_t<decltype(*std::declval<const V&>().read(std::declval<Context&>(),
                                                                    std::declval<const YamlNode&>()))>;
  std::optional<std::vector<Item>> read(Context& c, const YamlNode& n) const {
    std::vector<Item> out;
    if (n.node.IsNull() && !non_empty) return out;
    if (!n.node.IsSequence() || (non_empty && n.node.size() == 0)) {
      c.yaml.error(n, fmt::format("{}: expected a {}list, got {}", n.path, non_empty ? "non-empty " : "",
                                  n.node.IsSequence() ? "an empty list" : yaml_type_name(n.node)));
      return std::nullopt;
    }
    bool ok = true;
    for (size_t i = 0; i < n.node.size(); ++i) {
      auto v = each.read(c, c.yaml.child(n, n.node[i], fmt::format("{}.{}", n.path, i)));
      if (v) out.push_back(std::move(*v));
      else ok = false;
    }
    if (!ok) return std::nullopt;
    return out;
  }
  void describe(KeyDoc& d) const {
    each.describe(d);
    d.type = "list of " + d.type;
  }
  std::string show(const std::vector<Item>& v) const {
    std::string out = "[";
    for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + each.show(v[i]);
    return out + "]";
  }
};
template <class V>
ListOfValues<V> list_of_values(V each, bool non_empty = false) {
  return {std::move(each), non_empty};
}

// --- keys --------------------------------------------------------------------------------

// A key with its name and doc line, for the builders below to fill.
template <class T>
Key<T> named(std::string_view name, std::string_view doc) {
  Key<T> k;
  k.doc.name = name;
  k.doc.doc = doc;
  return k;
}

template <class V>
concept ScalarValue = requires(const V& v, Context& c, const YamlNode& n, KeyDoc& d) {
  v.read(c, n);
  v.describe(d);
};

// A key read by a value type into member `m`.
template <class T, class M, ScalarValue V>
Key<T> key(std::string_view name, M T::*m, V value, std::string_view doc) {
  Key<T> k = named<T>(name, doc);
  value.describe(k.doc);
  k.doc.default_text = show_default(value, T{}.*m);
  k.read = [m, value](Context& c, const YamlEntry& e, T& into) {
    if (auto v = value.read(c, e.value)) assign(into.*m, std::move(*v));
  };
  return k;
}

// A key whose value is a mapping read into member `m` (`network`, `checkpointing`).
template <class T, class M>
Key<T> key(std::string_view name, M T::*m, const Section<M>& section, std::string_view doc) {
  Key<T> k = named<T>(name, doc);
  k.doc.type = "mapping";
  k.doc.child = &section;
  k.read = [m, &section](Context& c, const YamlEntry& e, T& into) { section.read(c, e.value, into.*m); };
  return k;
}

// A key whose mapping adds to the same T (`job` fills the scenario's operators and edges).
template <class T>
Key<T> key(std::string_view name, const Section<T>& section, std::string_view doc) {
  Key<T> k = named<T>(name, doc);
  k.doc.type = "mapping";
  k.doc.child = &section;
  k.read = [&section](Context& c, const YamlEntry& e, T& into) { section.read(c, e.value, into); };
  return k;
}

// A list of mappings, each read into a fresh E and appended; `places` records where each is.
template <class E>
struct ListOf {
  const Section<E>& section;
  std::string_view noun;  // "operators": "expected a list of operators"
  bool non_empty = false;
  std::vector<Where> Context::*places = nullptr;
  void read(Context& c, const YamlNode& n, std::vector<E>& out) const;
};
template <class E>
ListOf<E> list_of(const Section<E>& section, std::string_view noun, bool non_empty = false,
                  std::vector<Where> Context::*places = nullptr) {
  return {section, noun, non_empty, places};
}

template <class E>
void ListOf<E>::read(Context& c, const YamlNode& n, std::vector<E>& out) const {
  if (n.node.IsNull() && !non_empty) return;
  if (!n.node.IsSequence() || (non_empty && n.node.size() == 0)) {
    c.yaml.error(n, fmt::format("{}: expected a {}list of {}, got {}", n.path,
                                non_empty ? "non-empty " : "", noun,
                                n.node.IsSequence() ? "an empty list" : yaml_type_name(n.node)));
    return;
  }
  for (size_t i = 0; i < n.node.size(); ++i) {
    const YamlNode en = c.yaml.child(n, n.node[i], fmt::format("{}.{}", n.path, i));
    E item{};
    if (!section.read(c, en, item)) continue;
    if (places) (c.*places).push_back(c.yaml.where(en));
    out.push_back(std::move(item));
  }
}

void describe_list(KeyDoc& d, const MapSchema& each);

template <class T, class E>
Key<T> key(std::string_view name, std::vector<E> T::*m, ListOf<E> list, std::string_view doc) {
  Key<T> k = named<T>(name, doc);
  describe_list(k.doc, list.section);
  k.read = [m, list](Context& c, const YamlEntry& e, T& into) { list.read(c, e.value, into.*m); };
  return k;
}

// A list of mappings kept in the context rather than in T (`expect`).
template <class T, class E>
Key<T> key(std::string_view name, std::vector<E> Context::*m, ListOf<E> list, std::string_view doc) {
  Key<T> k = named<T>(name, doc);
  describe_list(k.doc, list.section);
  k.read = [m, list](Context& c, const YamlEntry& e, T&) { list.read(c, e.value, c.*m); };
  return k;
}

// One alternative of a variant member (an event's `storage`, `load`, `patch`, `fail`): the key
// reads an A, by its section or its value type, and the member becomes that alternative.
template <class T, class... Alts, class A>
Key<T> alternative(std::string_view name, std::variant<Alts...> T::*m, const Section<A>& section,
                   std::string_view doc) {
  Key<T> k = named<T>(name, doc);
  k.doc.type = "mapping";
  k.doc.child = &section;
  k.read = [m, &section](Context& c, const YamlEntry& e, T& into) {
    A a{};
    section.read(c, e.value, a);
    into.*m = std::move(a);
  };
  return k;
}
template <class T, class... Alts, ScalarValue V>
Key<T> alternative(std::string_view name, std::variant<Alts...> T::*m, V value, std::string_view doc) {
  Key<T> k = named<T>(name, doc);
  value.describe(k.doc);
  k.read = [m, value](Context& c, const YamlEntry& e, T& into) {
    if (auto v = value.read(c, e.value)) into.*m = std::move(*v);
  };
  return k;
}

// A key read by a function of its own (a PATCH body, kept raw).
template <class T>
Key<T> custom_key(std::string_view name, std::function<void(Context&, const YamlEntry&, T&)> read,
                  KeyDoc doc) {
  Key<T> k;
  k.doc = std::move(doc);
  k.doc.name = name;
  k.read = std::move(read);
  return k;
}

// The mapping at a dotted path (list indices as any segment), for `--set`: null when the path
// names no mapping of scenario_schema(); *any_key is set when every key is allowed there.
const MapSchema* schema_at(const std::vector<std::string>& path, bool* any_key);

}  // namespace ckptsim::cli::schema
