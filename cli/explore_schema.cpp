// The scenario keys of the explorer (docs/explore.md): the `explore` section (readers, window,
// designs) and the value types of a patch with `apply: interleaved` (design steps, order), with
// the checks that need the whole file: a design named by a patch must exist, an order's writer
// steps must be its design's, and a design that never re-arms gets a warning when a body
// changes the timeout.
#include "cli/explore_schema.hpp"

#include <algorithm>

#include "cli/overrides.hpp"
#include "model/checkpoint_config.hpp"
#include "sim/names.hpp"

namespace ckptsim::cli::schema {

using namespace model;

namespace {

// One writer action word, with the nearest word suggested.
std::optional<WriterAction> read_action(Context& c, const YamlNode& n) {
  auto s = c.yaml.scalar(n, "a writer step (" + name_list(writer_action_words()) + ")");
  if (!s) return std::nullopt;
  if (auto a = parse_writer_action(*s)) return a;
  auto near = sim::nearest_name(*s, writer_action_words());
  c.yaml.error(n, fmt::format("{}: unknown step '{}': expected one of {} or {{lock: [...]}}{}", n.path,
                              shorten(*s), name_list(writer_action_words()),
                              near ? fmt::format("; did you mean '{}'?", *near) : ""));
  return std::nullopt;
}

std::optional<WriterStep> read_step(Context& c, const YamlNode& n) {
  if (!n.node.IsMap()) {
    auto a = read_action(c, n);
    if (!a) return std::nullopt;
    return WriterStep{{*a}, false};
  }
  static const std::vector<std::string_view> kLock{"lock"};
  auto m = c.yaml.map(n, kLock);
  if (!m) return std::nullopt;
  const YamlEntry* lock = m->get("lock");
  if (!lock) {
    c.yaml.error(n, fmt::format("{}: expected a writer step or {{lock: [steps]}}", n.path));
    return std::nullopt;
  }
  const YamlNode& list = lock->value;
  if (!list.node.IsSequence() || list.node.size() == 0) {
    c.yaml.error(list, fmt::format("{}: expected a non-empty list of writer steps ({})", list.path,
                                   name_list(writer_action_words())));
    return std::nullopt;
  }
  WriterStep step{{}, true};
  bool ok = true;
  for (size_t i = 0; i < list.node.size(); ++i) {
    const YamlNode item = c.yaml.child(list, list.node[i], fmt::format("{}.{}", list.path, i));
    if (item.node.IsMap()) {
      c.yaml.error(item, fmt::format("{}: a lock group holds writer steps, not another lock", item.path));
      ok = false;
    } else if (auto a = read_action(c, item)) {
      step.actions.push_back(*a);
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return step;
}

std::string show_steps(const std::vector<WriterStep>& steps) {
  std::string out;
  for (const WriterStep& s : steps) {
    if (!out.empty()) out += ' ';
    out += s.label();
  }
  return out;
}

const Section<Design>& design_schema() {
  static const Section<Design> s{
      "explore.designs[]",
      "A design of the PATCH handler's update, beyond the built-in ones (docs/explore.md).",
      {key("name", &Design::name, text("design name"),
           "Names it for `ckptsim explore --design` and `apply: interleaved`'s `design`.")
           .required("the design's name"),
       key("steps", &Design::steps, StepsValue{},
           "The handler's steps in order: write interval, write timeout, publish, rearm, "
           "reschedule, or {lock: [...]} for several in one step.")
           .required("a non-empty list of writer steps"),
       key("description", &Design::summary, text(), "What it stands for, in a line.")},
      {.check = [](Context& c, const YamlMap& m, Design& d) {
        if (d.name.empty()) return;
        if (std::any_of(builtin_designs().begin(), builtin_designs().end(),
                        [&](const Design& b) { return b.name == d.name; }))
          c.yaml.error(m.self, fmt::format("{}: '{}' is a built-in design; give yours another name",
                                           m.self.path, d.name));
        c.design_places.push_back(c.yaml.where(m.self));
      }}};
  return s;
}

// The steps a patch's body makes of a design, or empty when the body is rejected anyway.
std::optional<std::vector<WriterStep>> steps_for(const PatchRequest& p, const std::vector<WriterStep>& design) {
  const PatchValidation v = validate_patch_body(p);
  if (v.status != 200) return std::nullopt;
  return steps_for_body(design, v.interval.has_value(), v.timeout.has_value());
}

bool changes_timeout(const PatchRequest& p) { return validate_patch_body(p).timeout.has_value(); }

void check_patch(Context& c, Scenario& sc, size_t i, PatchRequest& p) {
  const Where& at = c.event_places[i];
  const std::string path = fmt::format("events.{}.patch", i);
  if (p.apply != PatchApply::interleaved) {
    if (!p.design.empty() || !p.steps.empty() || !p.order.empty() || p.window)
      c.yaml.error_at(at, fmt::format("{}: design, steps, order and window go with apply: interleaved", path));
    return;
  }
  if (p.design.empty() == p.steps.empty()) {
    c.yaml.error_at(at, fmt::format("{}: apply: interleaved takes exactly one of 'design' (a name) or "
                                    "'steps' (a list of writer steps)",
                                    path));
    return;
  }
  if (!p.design.empty()) {
    const Design* d = find_design(p.design, sc.explore.designs);
    if (!d) {
      std::vector<std::string_view> names;
      for (const Design& b : sc.explore.designs) names.push_back(b.name);
      for (const Design& b : builtin_designs()) names.push_back(b.name);
      auto near = sim::nearest_name(p.design, names);
      c.yaml.error_at(at, fmt::format("{}.design: unknown design '{}': expected one of {}{}", path,
                                      shorten(p.design), name_list(names),
                                      near ? fmt::format("; did you mean '{}'?", *near) : ""));
      return;
    }
    p.steps = d->steps;
  }
  if (!rearms(p.steps) && changes_timeout(p))
    c.yaml.warn_at(at, fmt::format("{}: the design never re-arms, but the body changes the timeout: "
                                   "in-flight checkpoints keep their old deadlines",
                                   path));
  // The order's writer steps must be the design's, in its order (coordinator steps are free).
  const auto steps = steps_for(p, p.steps);
  if (!steps || p.order.empty()) return;
  std::vector<std::string> want, got;
  for (const WriterStep& s : *steps) want.push_back(s.label());
  for (const StepLabel& l : p.order)
    if (l.writer) got.push_back(l.text);
  if (got.size() > want.size() || !std::equal(got.begin(), got.end(), want.begin()))
    c.yaml.error_at(at, fmt::format("{}.order: its writer steps must be the design's for this body, in "
                                    "order: {}",
                                    path, show_steps(*steps)));
}

}  // namespace

std::optional<std::vector<WriterStep>> StepsValue::read(Context& c, const YamlNode& n) const {
  if (!n.node.IsSequence() || n.node.size() == 0) {
    c.yaml.error(n, fmt::format("{}: expected a non-empty list of writer steps ({}, or {{lock: "
                                "[...]}}), got {}",
                                n.path, name_list(writer_action_words()),
                                n.node.IsSequence() ? "an empty list" : yaml_type_name(n.node)));
    return std::nullopt;
  }
  std::vector<WriterStep> out;
  bool ok = true;
  for (size_t i = 0; i < n.node.size(); ++i) {
    auto s = read_step(c, c.yaml.child(n, n.node[i], fmt::format("{}.{}", n.path, i)));
    if (s) out.push_back(std::move(*s));
    else ok = false;
  }
  if (!ok) return std::nullopt;
  return out;
}

void StepsValue::describe(KeyDoc& d) const { d.type = "list of writer steps"; }

std::string StepsValue::show(const std::vector<WriterStep>& v) const { return show_steps(v); }

std::optional<StepLabel> StepLabelValue::read(Context& c, const YamlNode& n) const {
  auto s = c.yaml.scalar(n, "a step of an interleaving");
  if (!s) return std::nullopt;
  if (auto l = parse_step_label(*s)) return l;
  c.yaml.error(n, fmt::format("{}: unknown step '{}': expected tick, create, expire or a writer step "
                              "label such as W:interval or L:rearm+reschedule",
                              n.path, shorten(*s)));
  return std::nullopt;
}

void StepLabelValue::describe(KeyDoc& d) const { d.type = "step label"; }

const Section<ExploreSpec>& explore_schema() {
  static const Section<ExploreSpec> s{
      "explore", "How `ckptsim explore` interleaves a PATCH with the coordinator (docs/explore.md).",
      {key("readers", &ExploreSpec::readers, choice<Readers>({"split", "carried"}),
           "`split`: the tick reads the interval, the create reads the timeout (Flink); "
           "`carried`: a checkpoint uses the timeout its tick read."),
       key("window", &ExploreSpec::window, duration(),
           "The window after the explored patch's arrival (--window overrides it).")
           .when_absent("the base interval in force at the arrival"),
       key("designs", &ExploreSpec::designs, list_of(design_schema(), "designs"),
           "Designs of the update beyond the built-in ones.")}};
  return s;
}

std::variant<Distribution, std::vector<ScenarioError>> read_duration_distribution(const std::string& text,
                                                                               const std::string& option) {
  YAML::Node node;
  if (auto err = parse_yaml_safely(text, node))
    return std::vector<ScenarioError>{{option, 1, err->column >= 0 ? err->column + 1 : 1, err->message}};
  YamlReader reader(option, {});
  Context c{reader, {}, {}, {}, {}, {}, {}};
  YamlNode root = reader.root(node);
  root.path = option;
  const auto d = duration_or_distribution().read(c, root);
  if (!d || reader.error_count() > 0) return std::move(reader.errors());
  return *d;
}

void check_interleaved_patches(Context& c, Scenario& sc) {
  for (size_t i = 0; i < sc.events.size(); ++i)
    if (auto* p = std::get_if<PatchRequest>(&sc.events[i].what)) check_patch(c, sc, i, *p);
  // A scenario design that never re-arms, while some patch changes the timeout.
  const bool any_timeout = std::any_of(sc.events.begin(), sc.events.end(), [](const ScriptedEvent& e) {
    const auto* p = std::get_if<PatchRequest>(&e.what);
    return p && changes_timeout(*p);
  });
  for (size_t k = 0; k < sc.explore.designs.size() && k < c.design_places.size(); ++k)
    if (any_timeout && !rearms(sc.explore.designs[k].steps))
      c.yaml.warn_at(c.design_places[k],
                     fmt::format("explore.designs.{}: '{}' never re-arms, but a patch changes the timeout: "
                                 "in-flight checkpoints would keep their old deadlines",
                                 k, sc.explore.designs[k].name));
}

}  // namespace ckptsim::cli::schema
