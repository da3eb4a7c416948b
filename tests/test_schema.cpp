// Pins cli/schema.hpp and the declarations in cli/scenario_schema.cpp, cli/event_schema.cpp and
// cli/expectation_schema.cpp: one declaration per key gives the reader, the defaults, the
// messages, what `--set` may create and the reference.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <set>
#include <variant>

#include "cli/scenario_reference.hpp"
#include "cli/scenario_schema.hpp"
#include "sim/units.hpp"

using namespace ckptsim;
using namespace ckptsim::cli;
using namespace ckptsim::cli::schema;

namespace {

bool contains(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }

// Every mapping reachable from the top level, each once.
void collect(const MapSchema& m, std::vector<const MapSchema*>& out) {
  for (const MapSchema* x : out)
    if (x == &m) return;
  out.push_back(&m);
  for (const KeyDoc& k : m.keys)
    if (k.child) collect(*k.child, out);
}

const KeyDoc& doc_of(std::vector<std::string> path, std::string_view key) {
  const MapSchema* m = schema_at(path, nullptr);
  REQUIRE(m != nullptr);
  const KeyDoc* k = m->key(key);
  REQUIRE(k != nullptr);
  return *k;
}

// A small section read by the same machinery, to pin its order of work.
struct Toy {
  int64_t count = 3;
  std::optional<sim::Duration> wait;
  std::string label;
  std::vector<model::Partitioning> ways{model::Partitioning::hash};
  model::SourcePos pos;
};

const Section<Toy>& toy_schema() {
  static const Section<Toy> s{
      "toy", "A toy.",
      {key("count", &Toy::count, integer(1, 9), "How many.").required("a count"),
       key("wait", &Toy::wait, duration(), "How long.").when_absent("forever"),
       key("label", &Toy::label, text("label"), "What it says."),
       key("ways", &Toy::ways,
           list_of_values(choice<model::Partitioning>({"forward", "rebalance", "hash", "broadcast"})),
           "Which ways.")},
      {.pos = &Toy::pos, .check = [](Context& c, const YamlMap& m, Toy& t) {
         if (t.count == 9) c.yaml.error(m.self, "toy: nine is too many");
       }}};
  return s;
}

struct ToyRead {
  Toy toy;
  bool mapping = false;
  std::vector<ScenarioError> errors;
};

ToyRead read_toy(const std::string& text) {
  YamlReader y("t.yaml", {});
  Context c{y, {}, {}, {}, {}, {}, {}};
  ToyRead r;
  r.mapping = toy_schema().read(c, y.child(y.root(YAML::Load("{}")), YAML::Load(text), "toy"), r.toy);
  r.errors = y.errors();
  return r;
}

}  // namespace

TEST_CASE("a section reads its keys into their members; absent keys keep the defaults") {
  auto r = read_toy("{count: 5, label: hi}");
  CHECK(r.mapping);
  CHECK(r.errors.empty());
  CHECK(r.toy.count == 5);
  CHECK(r.toy.label == "hi");
  CHECK(!r.toy.wait.has_value());
  CHECK(r.toy.pos.line == 1);
  CHECK(r.toy.pos.column == 1);
  CHECK(read_toy("{count: 1, wait: 2s}").toy.wait == 2 * sim::kSecond);
}

TEST_CASE("a list of scalars: each read by its value type, with the entry's path") {
  auto r = read_toy("{count: 1, ways: [forward, broadcast]}");
  CHECK(r.errors.empty());
  CHECK(r.toy.ways == std::vector<model::Partitioning>{model::Partitioning::forward,
                                                       model::Partitioning::broadcast});
  CHECK(read_toy("{count: 1, ways: }").toy.ways.empty());
  r = read_toy("{count: 1, ways: [forward, hsah]}");
  REQUIRE(r.errors.size() == 1);
  CHECK(contains(r.errors[0].message, "toy.ways.1: expected one of forward, rebalance, hash, "
                                      "broadcast, got 'hsah'; did you mean 'hash'?"));
  CHECK(r.toy.ways == std::vector<model::Partitioning>{model::Partitioning::hash});  // unchanged
  r = read_toy("{count: 1, ways: forward}");
  REQUIRE(r.errors.size() == 1);
  CHECK(contains(r.errors[0].message, "toy.ways: expected a list, got a scalar"));
  const KeyDoc& ways = toy_schema().keys[3];
  CHECK(ways.type == "list of one of `forward`, `rebalance`, `hash`, `broadcast`");
  CHECK(ways.default_text == "[hash]");
}

TEST_CASE("a section reports: unknown keys with a suggestion, missing required ones, bad values, "
          "then its checks") {
  auto r = read_toy("{cuont: 5, label: ''}");
  REQUIRE(r.errors.size() == 3);
  CHECK(contains(r.errors[0].message, "unknown key 'cuont' in toy; did you mean 'count'?"));
  CHECK(contains(r.errors[1].message, "toy: missing required key 'count' (a count)"));
  CHECK(contains(r.errors[2].message, "toy.label: expected a non-empty label"));
  r = read_toy("{count: 9}");
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].message == "toy: nine is too many");
  r = read_toy("{count: 10}");
  REQUIRE(r.errors.size() == 1);
  CHECK(contains(r.errors[0].message, "toy.count: expected an integer from 1 to 9, got '10'"));
  r = read_toy("[1]");
  CHECK(!r.mapping);
  CHECK(contains(r.errors.at(0).message, "toy: expected a mapping"));
}

TEST_CASE("a key's doc: type, unit, range from its value type; the default from the model") {
  const KeyDoc& count = toy_schema().keys[0];
  CHECK(count.type == "integer");
  CHECK(count.range == "1 to 9");
  CHECK(count.default_text == "required");
  CHECK(toy_schema().keys[1].default_text == "forever");
  CHECK(toy_schema().keys[1].default_is_prose);

  const KeyDoc& timeout = doc_of({"checkpointing"}, "timeout");
  CHECK(timeout.type == "duration");
  CHECK(timeout.unit == "time");
  CHECK(timeout.range == "≥ 10ms");
  CHECK(timeout.default_text == sim::format_duration(model::CheckpointingSpec{}.timeout));
  CHECK(timeout.default_text == "10min");
  CHECK(doc_of({"network"}, "buffer_per_channel").default_text == "64KiB");
  CHECK(doc_of({"storage"}, "bandwidth").default_text == "unlimited");
  CHECK(doc_of({"storage"}, "bandwidth").range == "> 0");
  CHECK(doc_of({"restart_strategy"}, "type").default_text == "exponential-delay");
  CHECK(doc_of({"restart_strategy"}, "multiplier").default_text == "1.5");
  CHECK(doc_of({"checkpointing"}, "initial_delay").default_text == "random");
  CHECK(doc_of({"job", "edges", "0"}, "partitioning").default_text == "hash");
  CHECK(doc_of({"job", "operators", "0"}, "state").default_text == "0B");
  CHECK(doc_of({"expect", "0"}, "op").form == "metric");
}

TEST_CASE("every key of the schema has a type and a one-line doc") {
  std::vector<const MapSchema*> all;
  collect(scenario_schema(), all);
  CHECK(all.size() >= 18);
  for (const MapSchema* m : all) {
    CHECK(!m->doc.empty());
    REQUIRE(m->names.size() == m->keys.size());
    std::set<std::string_view> seen;
    for (const KeyDoc& k : m->keys) {
      INFO(m->path, ".", k.name);
      CHECK(seen.insert(k.name).second);
      CHECK(!k.type.empty());
      CHECK(!k.doc.empty());
      CHECK(k.doc.back() == '.');
      CHECK(k.doc.find('\n') == std::string_view::npos);
    }
  }
}

TEST_CASE("`--set` navigation: the mapping at a dotted path, list indices as any segment") {
  bool any = true;
  CHECK(schema_at({}, &any) == &scenario_schema());
  CHECK(!any);
  CHECK(schema_at({"checkpointing"}, &any)->key("aligned_checkpoint_timeout") != nullptr);
  CHECK(schema_at({"job", "operators", "7"}, &any)->key("sync_phase") != nullptr);
  CHECK(schema_at({"job", "operators", "0", "state"}, &any) == &distribution_schema());
  CHECK(schema_at({"storage", "jitter"}, &any) == &distribution_schema());
  CHECK(schema_at({"events", "2", "patch", "tear"}, &any)->key("gap") != nullptr);
  CHECK(schema_at({"expect", "0"}, &any)->key("failure_reason") != nullptr);
  // A list itself, a scalar and an unknown key name no mapping.
  CHECK(schema_at({"events"}, &any) == nullptr);
  CHECK(schema_at({"job", "operators"}, &any) == nullptr);
  CHECK(schema_at({"checkpointing", "interval"}, &any) == nullptr);
  CHECK(schema_at({"nowhere"}, &any) == nullptr);
  CHECK(!any);
  // A PATCH body is kept raw: any key, at any depth.
  CHECK(schema_at({"events", "0", "patch", "body"}, &any) == nullptr);
  CHECK(any);
  any = false;
  CHECK(schema_at({"events", "0", "patch", "body", "x", "y"}, &any) == nullptr);
  CHECK(any);
}

TEST_CASE("an event's kinds are the alternatives of ScriptedEvent::what, in their order") {
  const MapSchema& ev = *schema_at({"events", "0"}, nullptr);
  REQUIRE(ev.keys.size() == 1 + std::variant_size_v<decltype(model::ScriptedEvent::what)>);
  CHECK(ev.keys[0].name == "at");
  CHECK(ev.keys[1].name == "storage");
  CHECK(ev.keys[2].name == "load");
  CHECK(ev.keys[3].name == "patch");
  CHECK(ev.keys[4].name == "fail");
}

TEST_CASE("the reference has a table row for every key") {
  const std::string md = scenario_reference_markdown();
  std::vector<const MapSchema*> all;
  collect(scenario_schema(), all);
  for (const MapSchema* m : all) {
    if (!m->path.empty()) CHECK(contains(md, fmt::format("## `{}`", m->path)));
    for (const KeyDoc& k : m->keys) CHECK(contains(md, fmt::format("| `{}` | ", k.name)));
  }
  CHECK(contains(md, "| `timeout` | duration | time | `10min` | ≥ 10ms | A pending checkpoint expires"));
  CHECK(contains(md, "| `torn_observations` | count | Reads of a half-written (torn) configuration. |"));
  CHECK(contains(md, "| `max_lag` | time (ms) | "));
  CHECK(contains(md, "- `CHECKPOINT_SUBSUMED`"));
}
