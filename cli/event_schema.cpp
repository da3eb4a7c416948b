// The scripted events of a scenario (`events:`): `at` and exactly one kind. The
// kinds are the alternatives of model::ScriptedEvent::what, each with one event_kind() overload
// below: a new alternative without one does not compile.
//
// A new kind of event touches four files: model/scenario.hpp (its struct, and the alternative of
// ScriptedEvent::what), model/job.cpp (Job::apply: what it does, or which part of the model it
// calls; its visit fails to compile without it), the model file that does it, and this file (an
// event_kind() overload, with a Section for its keys). docs/scenario-reference.md is then
// regenerated (cmake --build build --target scenario-reference). If the model reports the
// change in a new domain event, that is a domain event type: model/events.hpp, model/events.cpp
// (its name) and analysis/events_jsonl.cpp (its fields), each a compile error when missing.
#include <type_traits>
#include <variant>

#include "cli/explore_schema.hpp"
#include "cli/scenario_schema.hpp"
#include "sim/names.hpp"

namespace ckptsim::cli::schema {

using namespace model;

namespace {

const Section<StorageChange>& storage_change_schema() {
  static const Section<StorageChange> s{
      "events[].storage", "The storage changes from `at` on; keys left out keep their value.",
      {key("bandwidth", &StorageChange::bandwidth, rate_or_unlimited(true),
           "The new aggregate upload bandwidth of the whole job.")
           .when_absent("unchanged"),
       key("per_task_bandwidth", &StorageChange::per_task_bandwidth, rate_or_unlimited(true),
           "The new cap on one subtask's upload.")
           .when_absent("unchanged"),
       key("latency", &StorageChange::latency, duration(), "The new latency per upload.")
           .when_absent("unchanged")},
      {.check = [](Context& c, const YamlMap& m, StorageChange&) {
        if (!m.entries.empty()) return;
        c.yaml.error(m.self, fmt::format("{}: expected at least one of {}", m.self.path,
                                         name_list(storage_change_schema().names)));
      }}};
  return s;
}

const Section<LoadChange>& load_change_schema() {
  static const Section<LoadChange> s{
      "events[].load", "A source's input rate or an operator's capacity changes from `at` on.",
      {key("operator", &LoadChange::operator_name, text(), "The operator whose load changes.")
           .required("the operator whose load changes"),
       key("rate", &LoadChange::rate, finite_rate(), "A source's new input rate per subtask.")
           .when_absent("unchanged"),
       key("capacity", &LoadChange::capacity, rate_or_unlimited(false),
           "The operator's new capacity per subtask.")
           .when_absent("unchanged"),
       key("subtask", &LoadChange::subtask, integer(0, 1'000'000), "Only this subtask (0-based).")
           .when_absent("every subtask")},
      {.check = [](Context& c, const YamlMap& m, LoadChange&) {
        const Section<LoadChange>& self = load_change_schema();
        if ((self.entry(m, "rate") != nullptr) == (self.entry(m, "capacity") != nullptr))
          c.yaml.error(m.self, fmt::format("{}: expected exactly one of 'rate' (a source's input "
                                           "rate) or 'capacity'",
                                           m.self.path));
      }}};
  return s;
}

// The body is kept raw: a bad one is not a scenario error but a 400 when the request is made.
void read_patch_body(Context&, const YamlEntry& e, PatchRequest& p) {
  const YAML::Node& body = e.value.node;
  if (!body.IsMap()) {
    p.body_is_map = false;
    return;
  }
  for (auto it = body.begin(); it != body.end(); ++it) {
    PatchField f;
    f.key = it->first.IsScalar() ? it->first.Scalar() : shorten(YAML::Dump(it->first));
    if (it->second.IsScalar()) {
      f.value = it->second.Scalar();
    } else if (it->second.IsNull() || !it->second.IsDefined()) {
      f.value = "";
    } else {
      f.scalar = false;
      f.value = shorten(YAML::Dump(it->second));
    }
    p.body.push_back(std::move(f));
  }
}

const MapSchema& patch_body_schema() {
  static const MapSchema s = [] {
    MapSchema b;
    b.path = "events[].patch.body";
    b.doc = "The body of PATCH /jobs/:jobid/checkpoints/configuration, kept raw: it is validated "
            "when the request is made, and a bad one is answered 400.";
    b.any_key = true;
    for (std::string_view field : sim::enum_names<ConfigField>()) {
      b.keys.push_back({field, "duration", "time", "≥ 10ms", "unchanged", true,
                        "The new value: a whole number of ms, or a duration with units."});
      b.names.push_back(field);
    }
    return b;
  }();
  return s;
}

const Section<PatchRequest>& tear_schema() {
  static const Section<PatchRequest> s{
      "events[].patch.tear", "How a torn update splits its two writes.",
      {key("first", &PatchRequest::tear_first, choice<ConfigField>(sim::enum_names<ConfigField>()),
           "The field written at `at`; the other follows `gap` later."),
       key("gap", &PatchRequest::tear_gap, duration(), "Time between the two writes.")}};
  return s;
}

KeyDoc patch_body_doc() {
  KeyDoc body{"body", "mapping", "", "", "", false, "The request body (below)."};
  body.child = &patch_body_schema();
  return body;
}

const Section<PatchRequest>& patch_schema() {
  static const Section<PatchRequest> s{
      "events[].patch",
      "A PATCH /jobs/:jobid/checkpoints/configuration request (FLIP-571), made at `at`.",
      {custom_key<PatchRequest>("body", read_patch_body, patch_body_doc()),
       key("apply", &PatchRequest::apply, choice<PatchApply>({"atomic", "torn", "interleaved"}),
           "`atomic`: both fields change in one step; `torn`: one after the other (`tear`); "
           "`interleaved`: a design's steps in `order` against the coordinator's (docs/explore.md)."),
       key("tear", tear_schema(), "With `apply: torn`: which field first, and the gap."),
       key("design", &PatchRequest::design, text("design name"),
           "With `apply: interleaved`: a built-in design or one of explore.designs.")
           .when_absent("`steps` instead"),
       key("steps", &PatchRequest::steps, StepsValue{},
           "With `apply: interleaved`: the handler's steps, written out as in explore.designs.")
           .when_absent("`design` instead"),
       key("order", &PatchRequest::order, list_of_values(StepLabelValue{}),
           "With `apply: interleaved`: the interleaving, e.g. [tick, W:interval, create, W:timeout, "
           "L:rearm+reschedule]; the writer goes when its step comes next.")
           .when_absent("the writer's steps at once"),
       key("window", &PatchRequest::window, duration(),
           "With `apply: interleaved`: the window [at, at + window] the order covers.")
           .when_absent("the base interval at `at`"),
       key("interval_policy", &PatchRequest::interval_policy,
           choice<IntervalPolicy>(sim::enum_names<IntervalPolicy>()),
           "How a new interval moves the armed tick: `earlier_only` (Flink's FLIP-309 rule), "
           "`next_cycle`, `immediate`.")}};
  return s;
}

using What = decltype(ScriptedEvent::what);

// One overload per alternative of ScriptedEvent::what: the key that selects it and its reader.
Key<ScriptedEvent> event_kind(std::type_identity<StorageChange>) {
  return alternative("storage", &ScriptedEvent::what, storage_change_schema(),
                     "The checkpoint storage changes.");
}
Key<ScriptedEvent> event_kind(std::type_identity<LoadChange>) {
  return alternative("load", &ScriptedEvent::what, load_change_schema(), "The load changes.");
}
Key<ScriptedEvent> event_kind(std::type_identity<PatchRequest>) {
  return alternative("patch", &ScriptedEvent::what, patch_schema(),
                     "A request changes the checkpoint interval and timeout.");
}
Key<ScriptedEvent> event_kind(std::type_identity<FailureKind>) {
  return alternative("fail", &ScriptedEvent::what, choice<FailureKind>({"task", "jobmanager"}),
                     "A task fails (the job fails over), or the JobManager fails over.");
}

template <size_t... I>
std::vector<Key<ScriptedEvent>> event_kinds(std::index_sequence<I...>) {
  return {event_kind(std::type_identity<std::variant_alternative_t<I, What>>{})...};
}

const std::vector<Key<ScriptedEvent>>& kinds() {
  static const auto k = event_kinds(std::make_index_sequence<std::variant_size_v<What>>{});
  return k;
}

const std::vector<std::string_view>& kind_names() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> n;
    for (const auto& k : kinds()) n.push_back(k.doc.name);
    return n;
  }();
  return names;
}

// `at` first (its errors come before the kind's), then exactly one kind.
bool read_event(const Section<ScriptedEvent>& s, Context& c, const YamlNode& n, ScriptedEvent& ev) {
  auto m = s.open(c, n, ev);
  if (!m) return false;
  if (const YamlEntry* at = s.entry(*m, "at")) s.read_entry(c, *at, ev);
  std::vector<const YamlEntry*> given;
  for (std::string_view k : kind_names())
    if (const YamlEntry* e = m->get(k)) given.push_back(e);
  const std::string expected = "expected exactly one of " + name_list(kind_names());
  if (given.empty()) {
    c.yaml.error(n, fmt::format("{}: {}", n.path, expected));
    return false;
  }
  if (given.size() > 1) {
    c.yaml.error(given[1]->key_node, fmt::format("{}: has both '{}' and '{}'; {}", n.path,
                                                 given[0]->key, given[1]->key, expected));
    return false;
  }
  s.read_entry(c, *given[0], ev);
  return true;
}

}  // namespace

const Section<ScriptedEvent>& event_schema() {
  static const Section<ScriptedEvent> s = [] {
    std::vector<Key<ScriptedEvent>> keys{
        key("at", &ScriptedEvent::at, duration(), "The virtual time the event happens.")
            .required("the virtual time of the event")};
    keys.insert(keys.end(), kinds().begin(), kinds().end());
    return Section<ScriptedEvent>{"events[]", "A scripted event: `at` and exactly one kind.",
                                  std::move(keys), {.pos = &ScriptedEvent::pos, .read = read_event}};
  }();
  return s;
}

void check_load_events(Context& c, const Scenario& sc) {
  for (size_t i = 0; i < sc.events.size(); ++i) {
    const auto* l = std::get_if<LoadChange>(&sc.events[i].what);
    if (!l) continue;
    const Where& at = c.event_places[i];
    const std::string path = fmt::format("events.{}", i);
    const OperatorSpec* op = nullptr;
    for (const auto& o : sc.operators)
      if (o.name == l->operator_name) op = &o;
    if (!op) {
      std::vector<std::string_view> names;
      for (const auto& o : sc.operators) names.push_back(o.name);
      auto near = sim::nearest_name(l->operator_name, names);
      c.yaml.error_at(at, fmt::format("{}: load names an unknown operator '{}'{}", path,
                                      shorten(l->operator_name),
                                      near ? fmt::format("; did you mean '{}'?", *near) : ""));
      continue;
    }
    if (l->rate && !op->rate)
      c.yaml.error_at(at, fmt::format("{}: 'rate' applies only to a source, and '{}' is not one "
                                      "(it has no rate); use 'capacity'",
                                      path, op->name));
    if (l->subtask && *l->subtask >= op->parallelism)
      c.yaml.error_at(at, fmt::format("{}: subtask {} out of range: '{}' has parallelism {} "
                                      "(subtasks 0 to {})",
                                      path, *l->subtask, op->name, op->parallelism,
                                      op->parallelism - 1));
  }
}

}  // namespace ckptsim::cli::schema
