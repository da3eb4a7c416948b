#include "cli/overrides.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include "cli/scenario_schema.hpp"
#include "sim/names.hpp"

namespace ckptsim::cli {
namespace {

// Thrown by the guard to stop the parser early.
struct GuardStop {
  YAML::Mark mark;
  std::string message;
};

// A streaming pass over the parser's events, before any tree is built: bounds the depth, the
// number of documents and the size of the tree once aliases are expanded (billion laughs), and
// refuses an alias to an anchor that is still open (a cycle).
class Guard : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ > 1)
      throw GuardStop{mark, "expected a single YAML document, found a second one (`---`)"};
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { leaf(mark, anchor); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                const std::string&) override {
    leaf(mark, anchor);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = finished_.find(anchor);
    if (it == finished_.end())
      throw GuardStop{mark, "an alias refers to an anchor that contains it (a cycle)"};
    add(it->second, mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    int64_t count;
    YAML::anchor_t anchor;
    YAML::Mark mark;
  };
  void add(int64_t n, const YAML::Mark& mark) {
    int64_t& target = stack_.empty() ? root_ : stack_.back().count;
    target = std::min(target + n, kMaxExpandedNodes + 1);
    if (target > kMaxExpandedNodes)
      throw GuardStop{mark, fmt::format("the document expands to more than {} nodes once its "
                                        "aliases are resolved (aliases are bounded, not "
                                        "refused: is this an alias bomb?)",
                                        kMaxExpandedNodes)};
  }
  void leaf(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) finished_[anchor] = 1;
    add(1, mark);
  }
  void open(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (static_cast<int>(stack_.size()) >= kMaxDepth)
      throw GuardStop{mark, fmt::format("nesting deeper than {} levels", kMaxDepth)};
    stack_.push_back({1, anchor, mark});
  }
  void close() {
    if (stack_.empty()) return;
    Frame f = stack_.back();
    stack_.pop_back();
    if (f.anchor != YAML::NullAnchor) finished_[f.anchor] = f.count;
    add(f.count, f.mark);
  }

  int documents_ = 0;
  int64_t root_ = 0;
  std::vector<Frame> stack_;
  std::map<YAML::anchor_t, int64_t> finished_;
};

YamlParseError from_mark(const YAML::Mark& m, std::string message) {
  return {m.line, m.column, std::move(message)};
}

bool is_index(const std::string& s) {
  return !s.empty() && s.size() <= 9 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string join(const std::vector<std::string>& segs, size_t n) {
  std::string out;
  for (size_t i = 0; i < n && i < segs.size(); ++i) {
    if (i) out += '.';
    out += segs[i];
  }
  return out;
}

}  // namespace

std::optional<YamlParseError> parse_yaml_safely(const std::string& text, YAML::Node& out) {
  if (text.size() > kMaxScenarioBytes)
    return YamlParseError{-1, -1,
                          fmt::format("the input is {} bytes, more than the limit of {} bytes "
                                      "(16 MiB)",
                                      text.size(), kMaxScenarioBytes)};
  if (size_t nul = text.find('\0'); nul != std::string::npos) {
    int line = 0, col = 0;
    for (size_t i = 0; i < nul; ++i) {
      if (text[i] == '\n') {
        ++line;
        col = 0;
      } else {
        ++col;
      }
    }
    return YamlParseError{line, col, "unexpected NUL byte: expected YAML text (is this a binary file?)"};
  }
  try {
    {
      std::istringstream in(text);
      YAML::Parser parser(in);
      Guard guard;
      while (parser.HandleNextDocument(guard)) {
      }
    }
    out = YAML::Load(text);
    return std::nullopt;
  } catch (const GuardStop& g) {
    return from_mark(g.mark, g.message);
  } catch (const YAML::Exception& e) {
    return from_mark(e.mark, "invalid YAML: " + e.msg);
  } catch (const std::exception& e) {
    return YamlParseError{-1, -1, std::string("invalid YAML: ") + e.what()};
  }
}

namespace {

using OverrideResult = std::variant<AppliedOverride, ScenarioError>;

// One `--set`: its path (segments with their columns) walked down the tree to set the value.
class OverrideWalk {
 public:
  OverrideWalk(std::string path, int index, int value_column)
      : path_(std::move(path)), index_(index), value_column_(value_column) {}

  ScenarioError fail(int column, std::string message) const {
    return ScenarioError{"--set", index_ + 1, column, std::move(message)};
  }

  // Splits the path at its dots, remembering each segment's column.
  std::optional<ScenarioError> split() {
    size_t start = 0;
    while (true) {
      size_t dot = path_.find('.', start);
      std::string seg = path_.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      if (seg.empty())
        return fail(static_cast<int>(start) + 1, fmt::format("--set {}: empty path segment", path_));
      segs_.push_back(seg);
      cols_.push_back(static_cast<int>(start) + 1);
      if (dot == std::string::npos) return std::nullopt;
      start = dot + 1;
    }
  }

  // Down the path to set `value`; a missing key is created only when the schema knows it there.
  OverrideResult run(YAML::Node& root, YAML::Node value) {
    value_ = std::move(value);
    if (!root.IsDefined() || root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
    YAML::Node cur = root;
    for (size_t i = 0; i < segs_.size(); ++i) {
      bool any_key = false;
      const schema::MapSchema* here = schema::schema_at(
          std::vector<std::string>(segs_.begin(), segs_.begin() + static_cast<long>(i)), &any_key);
      const std::vector<std::string_view>* known = here ? &here->names : nullptr;
      if (cur.IsNull() && known == nullptr && !any_key && is_index(segs_[i]))
        cur = YAML::Node(YAML::NodeType::Sequence);  // an empty list written as `key:`
      std::optional<OverrideResult> r =
          cur.IsSequence() ? into_list(cur, i) : into_map(cur, i, known, any_key);
      if (r) return std::move(*r);
    }
    return fail(1, fmt::format("--set {}: nothing to set", path_));
  }

 private:
  bool last(size_t i) const { return i + 1 == segs_.size(); }
  std::string here(size_t i) const { return join(segs_, i + 1); }
  std::string parent(size_t i) const { return i == 0 ? std::string("the scenario") : join(segs_, i); }
  AppliedOverride applied() const { return {value_, index_, value_column_}; }

  // Segment i indexes the list `cur`: an entry, or one past the end to append. Empty: go on
  // from the entry, now `cur`.
  std::optional<OverrideResult> into_list(YAML::Node& cur, size_t i) {
    const std::string& seg = segs_[i];
    if (!is_index(seg))
      return fail(cols_[i], fmt::format("--set {}: '{}' is a list; expected an index, got '{}'", here(i),
                                        parent(i), seg));
    size_t idx = 0;
    std::from_chars(seg.data(), seg.data() + seg.size(), idx);
    const size_t n = cur.size();
    if (idx > n || (idx == n && !last(i)))
      return fail(cols_[i], fmt::format("--set {}: index {} out of range ({} has {} entr{})", here(i), idx,
                                        parent(i), n, n == 1 ? "y" : "ies"));
    if (idx == n) {
      cur.push_back(value_);
      return applied();
    }
    YAML::Node next = cur[idx];
    if (last(i)) {
      next = value_;
      return applied();
    }
    cur.reset(next);
    return std::nullopt;
  }

  // Segment i names a key of the mapping `cur` (the first occurrence; the loader reports
  // duplicates). Empty: go on from its value, now `cur`.
  std::optional<OverrideResult> into_map(YAML::Node& cur, size_t i,
                                         const std::vector<std::string_view>* known, bool any_key) {
    const std::string& seg = segs_[i];
    if (cur.IsNull()) cur = YAML::Node(YAML::NodeType::Map);
    if (!cur.IsMap())
      return fail(cols_[i], fmt::format("--set {}: '{}' is a scalar value; it has no key '{}'", here(i),
                                        parent(i), seg));
    for (auto it = cur.begin(); it != cur.end(); ++it) {
      if (!it->first.IsScalar() || it->first.Scalar() != seg) continue;
      YAML::Node found = it->second;
      if (last(i)) {
        found = value_;
        return applied();
      }
      cur.reset(found);
      return std::nullopt;
    }
    const bool allowed =
        any_key || (known != nullptr && std::find(known->begin(), known->end(), seg) != known->end());
    if (!allowed) {
      std::string hint;
      if (known != nullptr)
        if (auto near = sim::nearest_name(seg, *known)) hint = fmt::format("; did you mean '{}'?", *near);
      return fail(cols_[i], fmt::format("--set {}: no such key '{}'{}", here(i), seg, hint));
    }
    if (last(i)) {
      cur[seg] = value_;
      return applied();
    }
    cur[seg] = YAML::Node(YAML::NodeType::Null);
    YAML::Node next = cur[seg];
    cur.reset(next);
    return std::nullopt;
  }

  std::string path_;
  YAML::Node value_;
  int index_;
  int value_column_;
  std::vector<std::string> segs_;
  std::vector<int> cols_;
};

}  // namespace

std::variant<AppliedOverride, ScenarioError> apply_override(YAML::Node& root,
                                                            const std::string& arg, int index) {
  size_t eq = arg.find('=');
  if (eq == std::string::npos || eq == 0)
    return ScenarioError{"--set", index + 1, 1,
                         fmt::format("--set {}: expected path=value, e.g. checkpointing.timeout=20min", arg)};
  const std::string path = arg.substr(0, eq);
  const int value_column = static_cast<int>(eq) + 2;
  OverrideWalk walk(path, index, value_column);
  if (auto err = walk.split()) return *err;
  YAML::Node value;
  if (auto err = parse_yaml_safely(arg.substr(eq + 1), value)) {
    int col = value_column + (err->line == 0 && err->column > 0 ? err->column : 0);
    return walk.fail(col, fmt::format("--set {}: bad value: {}", path, err->message));
  }
  try {
    return walk.run(root, value);
  } catch (const YAML::Exception& e) {
    return walk.fail(1, fmt::format("--set {}: {}", path, e.msg));
  }
}

}  // namespace ckptsim::cli
