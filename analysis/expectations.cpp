#include "analysis/expectations.hpp"

#include <fmt/format.h>

namespace ckptsim::analysis {

namespace {

std::string number(double v) { return fmt::format("{}", v); }

bool compare(double a, const std::string& op, double b, bool& known) {
  known = true;
  if (op == "==") return a == b;
  if (op == "!=") return a != b;
  if (op == "<") return a < b;
  if (op == "<=") return a <= b;
  if (op == ">") return a > b;
  if (op == ">=") return a >= b;
  known = false;
  return false;
}

ExpectationResult check_metric(const Recorder& rec, const Expectation& x) {
  ExpectationResult r;
  r.pos = x.pos;
  const std::string shown_value = x.value_text.empty() ? number(x.value) : x.value_text;
  r.description = fmt::format("{} {} {}", x.metric, x.op, shown_value);
  const std::string op_prefix = x.op == "==" ? "" : x.op + " ";
  if (metric_is_status(x.metric)) {
    const std::string actual = rec.job_status();
    r.expected = op_prefix + x.value_text;
    r.actual = actual;
    if (x.op == "==") r.passed = actual == x.value_text;
    else if (x.op == "!=") r.passed = actual != x.value_text;
    else r.actual = fmt::format("{} ({} takes only == or !=)", actual, x.metric);
    return r;
  }
  auto value = rec.metric(x.metric);
  if (!value) {
    r.expected = "a key of summary.json metrics";
    r.actual = fmt::format("unknown metric '{}'", x.metric);
    return r;
  }
  const char* unit = metric_is_time(x.metric) ? " ms" : "";
  std::string expected_num = number(x.value);
  r.expected = op_prefix + expected_num + unit;
  if (!x.value_text.empty() && x.value_text != expected_num)
    r.expected += fmt::format(" ({})", x.value_text);
  r.actual = *rec.metric_text(x.metric) + unit;
  bool known = false;
  r.passed = compare(*value, x.op, x.value, known);
  if (!known) r.actual += fmt::format(" (unknown operator '{}')", x.op);
  return r;
}

ExpectationResult check_checkpoint(const Recorder& rec, const Expectation& x) {
  ExpectationResult r;
  r.pos = x.pos;
  std::string want, got;
  auto add = [](std::string& s, const std::string& part) {
    if (!s.empty()) s += ", ";
    s += part;
  };
  const CheckpointRecord* c = rec.checkpoint(x.checkpoint);
  bool ok = c != nullptr;
  if (x.status) {
    add(want, "status " + *x.status);
    if (c) {
      add(got, std::string("status ") + to_string(c->status));
      ok = ok && *x.status == to_string(c->status);
    }
  }
  if (x.failure_reason) {
    add(want, "failure_reason " + *x.failure_reason);
    if (c) {
      std::string reason =
          c->status == CheckpointStatus::FAILED ? model::to_string(c->failure_reason) : "none";
      add(got, "failure_reason " + reason);
      ok = ok && *x.failure_reason == reason;
    }
  }
  if (x.rescued) {
    add(want, fmt::format("rescued {}", *x.rescued));
    if (c) {
      add(got, fmt::format("rescued {}", c->rescued));
      ok = ok && *x.rescued == c->rescued;
    }
  }
  if (want.empty()) want = "exists";
  if (!c) {
    got = fmt::format("no checkpoint {} (the run created {})", x.checkpoint, rec.history_size());
  } else if (got.empty()) {
    got = "exists";
  }
  r.description = fmt::format("checkpoint {}: {}", x.checkpoint, want);
  r.expected = want;
  r.actual = got;
  r.passed = ok;
  return r;
}

}  // namespace

std::string describe(const ExpectationResult& r) {
  std::string where = r.pos.line > 0 ? fmt::format("line {}: ", r.pos.line) : "";
  if (r.passed) return fmt::format("{}{}: ok ({})", where, r.description, r.actual);
  return fmt::format("{}{}: expected {}, got {}", where, r.description, r.expected, r.actual);
}

std::vector<ExpectationResult> check_expectations(const Recorder& rec,
                                                  const std::vector<Expectation>& expectations) {
  std::vector<ExpectationResult> out;
  out.reserve(expectations.size());
  for (const auto& x : expectations)
    out.push_back(x.kind == Expectation::Kind::metric ? check_metric(rec, x)
                                                      : check_checkpoint(rec, x));
  return out;
}

bool all_passed(const std::vector<ExpectationResult>& results) {
  for (const auto& r : results)
    if (!r.passed) return false;
  return true;
}

}  // namespace ckptsim::analysis
