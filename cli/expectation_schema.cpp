// The expectations of a scenario (`expect:`). An expectation has one form, chosen
// by the key that selects it: `metric` (with op and value) or `checkpoint` (with status,
// failure_reason, rescued). The other keys say their form with in_form(); a key of another form
// than the one given is an error.
#include <limits>

#include "analysis/recorder.hpp"
#include "cli/scenario_schema.hpp"
#include "sim/names.hpp"

namespace ckptsim::cli::schema {

using analysis::Expectation;

namespace {

// The forms: the key that selects each, and the kind it makes.
struct Form {
  std::string_view selector;
  Expectation::Kind kind;
};
constexpr Form kForms[] = {{"metric", Expectation::Kind::metric},
                           {"checkpoint", Expectation::Kind::checkpoint}};

const std::vector<std::string_view>& job_status_names() {
  static const std::vector<std::string_view> names = sim::enum_names<model::JobStatus>();
  return names;
}

// Compared in summary.json units: a number, a duration in ms, a size in bytes; for job_status a
// status name. Read after `metric` (the keys are read in their declared order).
void read_value(Context& c, const YamlEntry& e, Expectation& x) {
  if (x.metric.empty()) return;  // the metric is wrong: nothing to compare the value with
  YamlReader& y = c.yaml;
  if (analysis::metric_is_status(x.metric)) {
    if (auto i = y.choice(e.value, job_status_names())) x.value_text = job_status_names()[*i];
    return;
  }
  auto s = y.scalar(e.value, "a number, a duration or a size");
  if (!s) return;
  x.value_text = *s;
  if (auto v = YamlReader::to_number(*s)) {
    x.value = *v;
  } else if (auto d = sim::parse_duration(*s)) {
    x.value = static_cast<double>(*d) / 1000.0;
  } else if (auto z = sim::parse_size(*s)) {
    x.value = static_cast<double>(*z);
  } else {
    y.error(e.value, fmt::format("{}: expected a number, a duration (such as '90s', compared in "
                                 "ms) or a size (such as '2GB'), got '{}'",
                                 e.value.path, shorten(*s)));
  }
}

KeyDoc value_doc() {
  KeyDoc d;
  d.type = "number, duration, size, or a job status";
  d.doc = "What `metric` is compared with; durations compare in ms, sizes in bytes.";
  return d;
}

const Section<Expectation>& schema();

// "'metric' (with op and value)".
std::string describe(const Form& f) {
  std::vector<std::string_view> with;
  for (const KeyDoc& k : schema().keys)
    if (k.form == f.selector) with.push_back(k.name);
  std::string list;
  for (size_t i = 0; i < with.size(); ++i)
    list += fmt::format("{}{}", i == 0 ? "" : with.size() == 2 ? " and " : ", ", with[i]);
  return fmt::format("'{}' (with {})", f.selector, list);
}

// The form first (exactly one selector), then the keys in their declared order.
bool read_expectation(const Section<Expectation>& s, Context& c, const YamlNode& n, Expectation& x) {
  auto m = s.open(c, n, x);
  if (!m) return false;
  std::vector<const Form*> given;
  for (const Form& f : kForms)
    if (s.entry(*m, f.selector)) given.push_back(&f);
  if (given.size() != 1) {
    std::string forms;
    for (size_t i = 0; i < std::size(kForms); ++i)
      forms += fmt::format("{}{}", i == 0 ? "" : i + 1 == std::size(kForms) ? " or " : ", ",
                           describe(kForms[i]));
    c.yaml.error(n, fmt::format("{}: expected {}{}", n.path, std::size(kForms) == 2 ? "either " : "one of ",
                                forms));
    return false;
  }
  const Form& form = *given[0];
  x.kind = form.kind;
  const size_t before = c.yaml.error_count();
  for (const YamlEntry& e : m->entries) {
    const std::string_view other = s.key(e.key)->form;
    if (!other.empty() && other != form.selector)
      c.yaml.error(e.key_node, fmt::format("{}: key '{}' belongs to a {} expectation, not a {} one",
                                           n.path, e.key, other, form.selector));
  }
  for (const KeyDoc& k : s.keys)
    if (k.form == form.selector && k.required && !m->get(k.name))
      c.yaml.missing(*m, k.name, k.required_what);
  for (const KeyDoc& k : s.keys) {
    const YamlEntry* e = m->get(k.name);
    if (e && (k.form.empty() || k.form == form.selector)) s.read_entry(c, *e, x);
  }
  if (const YamlEntry* op = s.entry(*m, "op");
      op && analysis::metric_is_status(x.metric) && !x.op.empty() && x.op != "==" && x.op != "!=")
    c.yaml.error(op->value, fmt::format("{}: {} compares with == or != only, got '{}'", n.path,
                                        x.metric, x.op));
  return c.yaml.error_count() == before;
}

const Section<Expectation>& schema() {
  static const Section<Expectation> s{
      "expect[]",
      "An expectation, checked at the end of the run: `{metric, op, value}` or `{checkpoint, "
      "status, failure_reason, rescued}`.",
      {key("metric", &Expectation::metric, choice<std::string>(analysis::metric_names(), "Metrics"),
           "A key of summary.json's `metrics`."),
       key("op", &Expectation::op, choice<std::string>({"==", "!=", "<", "<=", ">", ">="}),
           "How `metric` compares with `value`.")
           .in_form("metric")
           .required("one of == != < <= > >="),
       custom_key<Expectation>("value", read_value, value_doc())
           .in_form("metric")
           .required("a number, a duration or a size"),
       key("checkpoint", &Expectation::checkpoint, integer(1, std::numeric_limits<int64_t>::max()),
           "A checkpoint id; with no other key, the checkpoint must exist.")
           .when_absent(""),
       key("status", &Expectation::status,
           choice<std::string>(sim::enum_names<analysis::CheckpointStatus>()),
           "The checkpoint's status at the end of the run.")
           .in_form("checkpoint"),
       key("failure_reason", &Expectation::failure_reason,
           choice<std::string>(sim::enum_names<model::FailureReason>(), "Failure reasons"),
           "Why it failed (Flink's CheckpointFailureReason).")
           .in_form("checkpoint"),
       key("rescued", &Expectation::rescued, boolean(),
           "Whether it completed after the deadline it was created with.")
           .in_form("checkpoint")},
      {.pos = &Expectation::pos, .read = read_expectation}};
  return s;
}

}  // namespace

const Section<Expectation>& expectation_schema() { return schema(); }

}  // namespace ckptsim::cli::schema
