// A positioned YAML reader: walks a yaml-cpp tree keeping each node's dotted path and where it
// came from (file:line:column, or the `--set` argument that put it there), reads the scalar
// kinds of a scenario (durations, sizes, rates, integers, numbers, booleans, choices) and
// collects positioned errors that say what was expected. It knows no scenario key: those are in
// the schema (cli/schema.hpp, cli/scenario_schema.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "cli/loader.hpp"
#include "cli/overrides.hpp"
#include "model/scenario.hpp"

namespace ckptsim::cli {

// A node being read, with its dotted path (for messages) and where it came from.
struct YamlNode {
  YAML::Node node;
  std::string path;
  int ovr = -1;  // index into the applied overrides when the node came from `--set`
  model::SourcePos fallback;  // where the parent was, for a node without a mark
  std::string fallback_file;
};

struct YamlEntry {
  std::string key;
  YamlNode key_node;
  YamlNode value;
};

// A mapping whose keys were checked against the known ones: the entries in file order.
struct YamlMap {
  YamlNode self;
  std::vector<YamlEntry> entries;
  const YamlEntry* get(std::string_view key) const;
};

// A file (or "--set") and a position in it.
struct Where {
  std::string file;
  model::SourcePos pos;
};

// "a mapping", "a list", "a scalar", "nothing (null)".
const char* yaml_type_name(const YAML::Node& n);
// "a, b, c".
std::string name_list(std::span<const std::string_view> names);
// At most 60 characters of a value, for messages.
std::string shorten(const std::string& s);

class YamlReader {
 public:
  static constexpr size_t kMaxErrors = 100;

  YamlReader(std::string file, std::vector<AppliedOverride> overrides);

  const std::string& file() const { return file_; }
  std::vector<ScenarioError>& errors() { return errors_; }
  size_t error_count() const { return errors_.size(); }

  YamlNode root(const YAML::Node& node) const;
  YamlNode child(const YamlNode& parent, const YAML::Node& node, std::string path) const;
  Where where(const YamlNode& n) const;

  void error(const YamlNode& n, std::string message);
  void error_at(const Where& w, std::string message);
  // Something that loads but is likely not what the author meant.
  void warn(const YamlNode& n, std::string message);
  void warn_at(const Where& w, std::string message);
  std::vector<ScenarioError>& warnings() { return warnings_; }
  // "<section>: missing required key '<key>' (<what>)", at the mapping.
  void missing(const YamlMap& m, std::string_view key, std::string_view what);

  // "the top level" or the node's path.
  static std::string section(const YamlNode& n);
  // The path of key `key` under `n`.
  static std::string sub(const YamlNode& n, std::string_view key);

  // A mapping with only known keys (every unknown and duplicate key reported, with the nearest
  // known key when one is close). Empty when `n` is not a mapping.
  std::optional<YamlMap> map(const YamlNode& n, std::span<const std::string_view> known,
                             bool any_key = false);

  std::optional<std::string> scalar(const YamlNode& n, std::string_view expected);
  std::optional<std::string> string(const YamlNode& n) { return scalar(n, "a string"); }
  // At least `min`; the message names min as `min_text` when given.
  std::optional<sim::Duration> duration(const YamlNode& n, sim::Duration min = 0,
                                        std::string_view min_text = "");
  std::optional<int64_t> size(const YamlNode& n);
  // Bytes per second, or model::kUnlimited for `unlimited` when allowed; > 0 when `positive`.
  std::optional<double> rate(const YamlNode& n, bool allow_unlimited, bool positive);
  std::optional<int64_t> integer(const YamlNode& n, int64_t lo, int64_t hi);
  // A finite number in [lo, hi]; `range` says so in the message ("from 0 to 1").
  std::optional<double> number(const YamlNode& n, double lo, double hi, std::string_view range);
  std::optional<bool> boolean(const YamlNode& n);
  // One of `choices`: its index.
  std::optional<size_t> choice(const YamlNode& n, std::span<const std::string_view> choices);

  // A finite decimal number, or empty.
  static std::optional<double> to_number(const std::string& s);

 private:
  std::string file_;
  std::vector<AppliedOverride> overrides_;
  std::vector<ScenarioError> errors_;
  std::vector<ScenarioError> warnings_;
};

}  // namespace ckptsim::cli
