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

std::variant<AppliedOverride, ScenarioError> apply_override(YAML::Node& root,
                                                            const std::string& arg, int index) {
  auto fail = [&](int column, std::string message) -> ScenarioError {
    return ScenarioError{"--set", index + 1, column, std::move(message)};
  };
  size_t eq = arg.find('=');
  if (eq == std::string::npos || eq == 0)
    return fail(1, fmt::format("--set {}: expected path=value, e.g. checkpointing.timeout=20min",
                               arg));
  const std::string path = arg.substr(0, eq);
  const std::string value_text = arg.substr(eq + 1);
  const int value_column = static_cast<int>(eq) + 2;

  // Split the path, remembering each segment's column.
  std::vector<std::string> segs;
  std::vector<int> cols;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    std::string seg = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (seg.empty())
      return fail(static_cast<int>(start) + 1,
                  fmt::format("--set {}: empty path segment", path));
    segs.push_back(seg);
    cols.push_back(static_cast<int>(start) + 1);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }

  YAML::Node value;
  if (auto err = parse_yaml_safely(value_text, value)) {
    int col = value_column + (err->line == 0 && err->column > 0 ? err->column : 0);
    return fail(col, fmt::format("--set {}: bad value: {}", path, err->message));
  }

  try {
    if (!root.IsDefined() || root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
    YAML::Node cur = root;
    for (size_t i = 0; i < segs.size(); ++i) {
      const std::string& seg = segs[i];
      const bool last = i + 1 == segs.size();
      const std::string here = join(segs, i + 1);
      const std::string parent = i == 0 ? std::string("the scenario") : join(segs, i);
      bool any_key = false;
      const schema::MapSchema* here_schema = schema::schema_at(
          std::vector<std::string>(segs.begin(), segs.begin() + static_cast<long>(i)), &any_key);
      const std::vector<std::string_view>* known = here_schema ? &here_schema->names : nullptr;

      if (cur.IsNull() && known == nullptr && !any_key && is_index(seg))
        cur = YAML::Node(YAML::NodeType::Sequence);  // an empty list written as `key:`
      if (cur.IsSequence()) {
        if (!is_index(seg))
          return fail(cols[i], fmt::format("--set {}: '{}' is a list; expected an index, got '{}'",
                                           here, parent, seg));
        size_t idx = 0;
        std::from_chars(seg.data(), seg.data() + seg.size(), idx);
        const size_t n = cur.size();
        if (idx > n || (idx == n && !last))
          return fail(cols[i], fmt::format("--set {}: index {} out of range ({} has {} entr{})",
                                           here, idx, parent, n, n == 1 ? "y" : "ies"));
        if (idx == n) {
          cur.push_back(value);
          return AppliedOverride{value, index, value_column};
        }
        YAML::Node next = cur[idx];
        if (last) {
          next = value;
          return AppliedOverride{value, index, value_column};
        }
        cur.reset(next);
        continue;
      }
      if (cur.IsNull()) cur = YAML::Node(YAML::NodeType::Map);
      if (!cur.IsMap())
        return fail(cols[i], fmt::format("--set {}: '{}' is a scalar value; it has no key '{}'",
                                         here, parent, seg));
      // Find the key (the first occurrence; the loader reports duplicates).
      YAML::Node found;
      bool has = false;
      for (auto it = cur.begin(); it != cur.end(); ++it) {
        if (it->first.IsScalar() && it->first.Scalar() == seg) {
          found = it->second;
          has = true;
          break;
        }
      }
      if (!has) {
        const bool allowed =
            any_key || (known != nullptr &&
                        std::find(known->begin(), known->end(), seg) != known->end());
        if (!allowed) {
          std::string hint;
          if (known != nullptr) {
            if (auto near = sim::nearest_name(seg, *known))
              hint = fmt::format("; did you mean '{}'?", *near);
          }
          return fail(cols[i], fmt::format("--set {}: no such key '{}'{}", here, seg, hint));
        }
        if (last) {
          cur[seg] = value;
          return AppliedOverride{value, index, value_column};
        }
        cur[seg] = YAML::Node(YAML::NodeType::Null);
        YAML::Node next = cur[seg];
        cur.reset(next);
        continue;
      }
      if (last) {
        found = value;
        return AppliedOverride{value, index, value_column};
      }
      cur.reset(found);
    }
  } catch (const YAML::Exception& e) {
    return fail(1, fmt::format("--set {}: {}", path, e.msg));
  }
  return fail(1, fmt::format("--set {}: nothing to set", path));
}

}  // namespace ckptsim::cli
