#include "model/steps.hpp"

#include <algorithm>
#include <array>

namespace ckptsim::model {

namespace {

struct ActionName {
  WriterAction action;
  const char* word;   // as a scenario writes it
  const char* short_; // in a step label
};
constexpr std::array<ActionName, 5> kActions{{
    {WriterAction::write_interval, "write interval", "interval"},
    {WriterAction::write_timeout, "write timeout", "timeout"},
    {WriterAction::publish, "publish", "publish"},
    {WriterAction::rearm, "rearm", "rearm"},
    {WriterAction::reschedule, "reschedule", "reschedule"},
}};

const ActionName& name_of(WriterAction a) { return kActions[static_cast<size_t>(a)]; }

constexpr std::array<const char*, 3> kCoordinatorSteps{"tick", "create", "expire"};

WriterStep one(WriterAction a) { return WriterStep{{a}, false}; }
WriterStep locked(std::vector<WriterAction> actions) { return WriterStep{std::move(actions), true}; }

}  // namespace

const char* to_string(CoordinatorStep s) { return kCoordinatorSteps[static_cast<size_t>(s)]; }

std::optional<CoordinatorStep> parse_coordinator_step(std::string_view word) {
  for (size_t i = 0; i < kCoordinatorSteps.size(); ++i)
    if (word == kCoordinatorSteps[i]) return static_cast<CoordinatorStep>(i);
  return std::nullopt;
}

const char* to_string(WriterAction a) { return name_of(a).word; }

std::optional<WriterAction> parse_writer_action(std::string_view word) {
  for (const ActionName& n : kActions)
    if (word == n.word) return n.action;
  return std::nullopt;
}

const std::vector<std::string_view>& writer_action_words() {
  static const std::vector<std::string_view> words = [] {
    std::vector<std::string_view> w;
    for (const ActionName& n : kActions) w.emplace_back(n.word);
    return w;
  }();
  return words;
}

std::string WriterStep::label() const {
  std::string out = lock ? "L:" : "W:";
  for (size_t i = 0; i < actions.size(); ++i) {
    if (i > 0) out += '+';
    out += name_of(actions[i]).short_;
  }
  return out;
}

const std::vector<Design>& builtin_designs() {
  using A = WriterAction;
  static const std::vector<Design> designs{
      {"volatile",
       {one(A::write_interval), one(A::write_timeout), locked({A::rearm, A::reschedule})},
       "FLIP-571 as the review read it: two volatile writes, then the follow-ups"},
      {"volatile-timeout-first",
       {one(A::write_timeout), one(A::write_interval), locked({A::rearm, A::reschedule})},
       "the same, the other order"},
      {"per-field",
       {one(A::write_interval), locked({A::reschedule}), one(A::write_timeout), locked({A::rearm})},
       "each write followed by its own follow-up (apply: torn)"},
      {"locked",
       {locked({A::write_interval, A::write_timeout, A::rearm, A::reschedule})},
       "the FLIP author's answer: one synchronized block"},
      {"snapshot",
       {one(A::publish), locked({A::rearm, A::reschedule})},
       "one immutable configuration object"},
  };
  return designs;
}

const Design* find_design(std::string_view name, const std::vector<Design>& custom) {
  for (const Design& d : custom)
    if (d.name == name) return &d;
  for (const Design& d : builtin_designs())
    if (d.name == name) return &d;
  return nullptr;
}

std::vector<WriterStep> steps_for_body(const std::vector<WriterStep>& design, bool interval,
                                       bool timeout) {
  std::vector<WriterStep> out;
  for (const WriterStep& step : design) {
    WriterStep kept{{}, step.lock};
    for (WriterAction a : step.actions) {
      const bool needed = (a == WriterAction::write_interval || a == WriterAction::reschedule)
                              ? interval
                          : (a == WriterAction::write_timeout || a == WriterAction::rearm)
                              ? timeout
                              : (interval || timeout);  // publish
      if (needed) kept.actions.push_back(a);
    }
    if (!kept.actions.empty()) out.push_back(std::move(kept));
  }
  return out;
}

WriterStep atomic_step() {
  return locked({WriterAction::write_interval, WriterAction::write_timeout, WriterAction::rearm,
                 WriterAction::reschedule});
}

bool rearms(const std::vector<WriterStep>& steps) {
  return std::any_of(steps.begin(), steps.end(), [](const WriterStep& s) {
    return std::find(s.actions.begin(), s.actions.end(), WriterAction::rearm) != s.actions.end();
  });
}

const char* to_string(Readers r) { return r == Readers::split ? "split" : "carried"; }

std::optional<Readers> parse_readers(std::string_view word) {
  if (word == "split") return Readers::split;
  if (word == "carried") return Readers::carried;
  return std::nullopt;
}

std::optional<StepLabel> parse_step_label(std::string_view text) {
  StepLabel label;
  label.text = std::string(text);
  if (const auto c = parse_coordinator_step(text)) {
    label.coordinator = *c;
    return label;
  }
  if (text.size() < 3 || (text.substr(0, 2) != "W:" && text.substr(0, 2) != "L:")) return std::nullopt;
  const bool lock = text[0] == 'L';
  std::string_view rest = text.substr(2);
  size_t count = 0;
  while (!rest.empty()) {
    const size_t plus = rest.find('+');
    const std::string_view part = rest.substr(0, plus);
    const bool known = std::any_of(kActions.begin(), kActions.end(),
                                   [part](const ActionName& n) { return part == n.short_; });
    if (!known) return std::nullopt;
    ++count;
    if (plus == std::string_view::npos) break;
    rest = rest.substr(plus + 1);
    if (rest.empty()) return std::nullopt;  // a trailing '+'
  }
  if (!lock && count != 1) return std::nullopt;  // W: names one action
  label.writer = true;
  return label;
}

}  // namespace ckptsim::model
