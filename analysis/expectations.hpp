// Expectations of a scenario: `{metric, op, value}` or one checkpoint's
// outcome. This is the canonical Expectation type; the CLI loader fills it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/recorder.hpp"
#include "model/scenario.hpp"

namespace ckptsim::analysis {

struct Expectation {
  enum class Kind { metric, checkpoint };
  Kind kind = Kind::metric;
  // kind == metric
  std::string metric;      // a key of summary.json's "metrics"
  std::string op;          // "==" "!=" "<" "<=" ">" ">="
  double value = 0;        // in summary.json units: durations in ms, sizes in bytes
  std::string value_text;  // as written (for job_status: RUNNING | RESTARTING | FAILED)
  // kind == checkpoint
  int64_t checkpoint = 0;
  std::optional<std::string> status;          // COMPLETED | FAILED | IN_PROGRESS
  std::optional<std::string> failure_reason;  // a Flink CheckpointFailureReason name
  std::optional<bool> rescued;
  model::SourcePos pos;  // where the expectation is written (line, column; 0 when unknown)
};

struct ExpectationResult {
  bool passed = false;
  std::string description;  // "failovers == 1", "checkpoint 3: status COMPLETED"
  std::string expected;     // "1"
  std::string actual;       // "3"
  model::SourcePos pos;
};

// "failovers == 1: expected 1, got 3" (prefixed with "line L: " when the position is known).
std::string describe(const ExpectationResult& r);

std::vector<ExpectationResult> check_expectations(const Recorder& rec,
                                                  const std::vector<Expectation>& expectations);

// True when every result passed.
bool all_passed(const std::vector<ExpectationResult>& results);

}  // namespace ckptsim::analysis
