// Pins cli/yaml_reader.cpp: where a node is (file:line:column, or the --set argument that put it
// there), the error cap, mappings with unknown and duplicate keys, and each scalar kind's reading
// and message.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/overrides.hpp"
#include "cli/yaml_reader.hpp"
#include "sim/time.hpp"

using namespace ckptsim;
using namespace ckptsim::cli;

namespace {

bool contains(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }

// A reader over `text` (file "f.yaml"), and the node at its key `key`.
struct Fixture {
  YAML::Node doc;
  YamlReader reader{"f.yaml", {}};
  explicit Fixture(const std::string& text) : doc(YAML::Load(text)) {}
  YamlNode root() { return reader.root(doc); }
  YamlNode at(const std::string& key) { return reader.child(root(), doc[key], key); }
  std::string last_error() { return reader.errors().empty() ? "" : reader.errors().back().format(); }
};

}  // namespace

TEST_CASE("positions: 1-based line and column of the node in the file") {
  Fixture f("a: 1\nb:\n  c: hello\n");
  const Where w = f.reader.where(f.reader.child(f.at("b"), f.doc["b"]["c"], "b.c"));
  CHECK(w.file == "f.yaml");
  CHECK(w.pos.line == 3);
  CHECK(w.pos.column == 6);
  CHECK(f.reader.where(f.root()).pos.line == 1);
  CHECK(YamlReader::section(f.root()) == "the top level");
  CHECK(YamlReader::sub(f.root(), "b") == "b");
  CHECK(YamlReader::sub(f.at("b"), "c") == "b.c");
}

TEST_CASE("positions: a value set by --set is reported at its argument") {
  YAML::Node root = YAML::Load("checkpointing: {interval: 1min}\n");
  auto applied = apply_override(root, "checkpointing.timeout=5ms", 2);
  REQUIRE(std::holds_alternative<AppliedOverride>(applied));
  YamlReader reader("f.yaml", {std::get<AppliedOverride>(applied)});
  const YamlNode cp = reader.child(reader.root(root), root["checkpointing"], "checkpointing");
  const YamlNode timeout = reader.child(cp, root["checkpointing"]["timeout"], "checkpointing.timeout");
  const Where w = reader.where(timeout);
  CHECK(w.file == "--set");
  CHECK(w.pos.line == 3);     // the third --set
  CHECK(w.pos.column == 23);  // where its value starts
  // The node next to it is still in the file.
  CHECK(reader.where(reader.child(cp, root["checkpointing"]["interval"], "x")).file == "f.yaml");
}

TEST_CASE("errors are capped at 100, and one more says so") {
  YamlReader reader("f.yaml", {});
  for (int i = 0; i < 300; ++i) reader.error_at({"f.yaml", {i + 1, 1}}, fmt::format("error {}", i));
  REQUIRE(reader.error_count() == YamlReader::kMaxErrors + 1);
  CHECK(reader.errors()[99].message == "error 99");
  CHECK(contains(reader.errors().back().message, "too many errors (more than 100); stopping here"));
  YamlReader one("f.yaml", {});
  one.error_at({"f.yaml", {1, 1}}, std::string(5000, 'x'));
  CHECK(one.errors()[0].message.size() == 1000);  // a message is cut to 1000 characters
}

TEST_CASE("a mapping: unknown keys (with the nearest known one), duplicates, non-scalar keys") {
  Fixture f("m: {intervall: 1, timeout: 2, timeout: 3, zzzzzzzz: 4, [1]: 5}\n");
  const std::vector<std::string_view> known{"interval", "timeout"};
  auto m = f.reader.map(f.at("m"), known);
  REQUIRE(m.has_value());
  REQUIRE(m->entries.size() == 1);
  CHECK(m->entries[0].key == "timeout");
  CHECK(m->get("timeout") != nullptr);
  CHECK(m->get("interval") == nullptr);
  const auto& e = f.reader.errors();
  REQUIRE(e.size() == 4);
  CHECK(e[0].message == "unknown key 'intervall' in m; did you mean 'interval'?");
  CHECK(e[1].message == "duplicate key 'timeout' in m (first given on line 1)");
  CHECK(e[2].message == "unknown key 'zzzzzzzz' in m; expected one of: interval, timeout");
  CHECK(e[3].message == "m: expected a key name, got a list");
  Fixture g("m: [1]\n");
  CHECK(!g.reader.map(g.at("m"), known).has_value());
  CHECK(contains(g.last_error(), "m: expected a mapping (key: value pairs), got a list"));
}

TEST_CASE("scalars: each kind reads its units and says what it expected") {
  Fixture f("d: 1h30min\nshort: 5ms\nz: 2KiB\nr: 20MB/s\nu: unlimited\nzero: 0B/s\ni: '+7'\nbig: 99\n"
            "n: 0.25\nb: yes\nc: hsah\nl: [1]\n");
  YamlReader& y = f.reader;
  CHECK(y.duration(f.at("d")) == 90 * sim::kMinute);
  CHECK(!y.duration(f.at("short"), 10 * sim::kMillisecond));
  CHECK(contains(f.last_error(), "short: expected a duration of at least 10ms, got '5ms'"));
  CHECK(y.size(f.at("z")) == 2048);
  CHECK(y.rate(f.at("r"), false, false) == 20e6);
  CHECK(*y.rate(f.at("u"), true, true) == model::kUnlimited);
  CHECK(!y.rate(f.at("u"), false, false));
  CHECK(contains(f.last_error(), "u: expected a finite rate such as '20MB/s', got 'unlimited'"));
  CHECK(!y.rate(f.at("zero"), true, true));
  CHECK(contains(f.last_error(), "zero: expected a rate greater than 0, got '0B/s'"));
  CHECK(y.integer(f.at("i"), 0, 10) == 7);
  CHECK(!y.integer(f.at("big"), 0, 10));
  CHECK(contains(f.last_error(), "big: expected an integer from 0 to 10, got '99'"));
  CHECK(y.number(f.at("n"), 0, 1, "from 0 to 1") == 0.25);
  CHECK(y.boolean(f.at("b")) == true);
  const std::vector<std::string_view> parts{"forward", "hash"};
  CHECK(!y.choice(f.at("c"), parts));
  CHECK(contains(f.last_error(), "c: expected one of forward, hash, got 'hsah'; did you mean 'hash'?"));
  CHECK(!y.duration(f.at("l")));
  CHECK(contains(f.last_error(), "l: expected a duration such as '250ms' or '1h30min', got a list"));
  CHECK(YamlReader::to_number("+1.5") == 1.5);
  CHECK(!YamlReader::to_number("1e999"));  // not finite
  CHECK(!YamlReader::to_number("1.5x"));
}
