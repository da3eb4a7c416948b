// Pins model/checkpoint_config.cpp: PATCH body validation and the visible configuration cells
// through atomic and torn updates.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <string>

#include "model/checkpoint_config.hpp"

using namespace ckptsim;
using namespace ckptsim::model;
using sim::kMillisecond;
using sim::kMinute;
using sim::kSecond;

namespace {

PatchRequest body(std::vector<PatchField> fields) {
  PatchRequest r;
  r.body = std::move(fields);
  return r;
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

void check_rejected(const PatchValidation& v) {
  CHECK(v.status == 400);
  CHECK_FALSE(v.message.empty());
  CHECK_FALSE(v.interval.has_value());  // no partial result
  CHECK_FALSE(v.timeout.has_value());
}

CheckpointingSpec spec() {
  CheckpointingSpec s;
  s.interval = 5 * kMinute;
  s.timeout = 10 * kMinute;
  s.min_pause = 7 * kMinute;
  return s;
}

}  // namespace

TEST_CASE("valid bodies: units, bare milliseconds, one or both fields") {
  auto v = validate_patch_body(body({{"checkpointInterval", "20min"}, {"checkpointTimeout", "1h"}}));
  CHECK(v.status == 200);
  CHECK(v.message.empty());
  CHECK(v.interval == 20 * kMinute);
  CHECK(v.timeout == sim::kHour);

  v = validate_patch_body(body({{"checkpointTimeout", "30000"}}));
  CHECK(v.status == 200);
  CHECK_FALSE(v.interval.has_value());
  CHECK(v.timeout == 30 * kSecond);

  v = validate_patch_body(body({{"checkpointInterval", "1h30min"}}));
  CHECK(v.status == 200);
  CHECK(v.interval == 90 * kMinute);
  CHECK_FALSE(v.timeout.has_value());
}

TEST_CASE("the 10 ms minimum: 10 accepted, 9 rejected") {
  auto ok = validate_patch_body(body({{"checkpointInterval", "10"}}));
  CHECK(ok.status == 200);
  CHECK(ok.interval == 10 * kMillisecond);
  ok = validate_patch_body(body({{"checkpointTimeout", "10ms"}}));
  CHECK(ok.status == 200);
  CHECK(ok.timeout == 10 * kMillisecond);

  auto bad = validate_patch_body(body({{"checkpointInterval", "9"}}));
  check_rejected(bad);
  CHECK(contains(bad.message, "checkpointInterval"));
  CHECK(contains(bad.message, "'9'"));
  CHECK(contains(bad.message, "at least 10 ms"));

  bad = validate_patch_body(body({{"checkpointTimeout", "9999us"}}));
  check_rejected(bad);
  CHECK(contains(bad.message, "checkpointTimeout"));
  CHECK(contains(bad.message, "'9999us'"));

  bad = validate_patch_body(body({{"checkpointTimeout", "0"}}));
  check_rejected(bad);
  CHECK(contains(bad.message, "at least"));
}

TEST_CASE("an empty body and a body that is not a map") {
  PatchRequest empty;
  auto v = validate_patch_body(empty);
  check_rejected(v);
  CHECK(contains(v.message, "empty"));
  CHECK(contains(v.message, "checkpointInterval"));
  CHECK(contains(v.message, "checkpointTimeout"));

  PatchRequest list;
  list.body_is_map = false;
  v = validate_patch_body(list);
  check_rejected(v);
  CHECK(contains(v.message, "JSON object"));
}

TEST_CASE("unknown fields, case-sensitive, with a suggestion") {
  auto v = validate_patch_body(body({{"checkpointinterval", "20min"}}));
  check_rejected(v);
  CHECK(contains(v.message, "unknown field 'checkpointinterval'"));
  CHECK(contains(v.message, "did you mean 'checkpointInterval'"));

  v = validate_patch_body(body({{"checkpointTimout", "20min"}}));
  check_rejected(v);
  CHECK(contains(v.message, "did you mean 'checkpointTimeout'"));

  // An unknown field among valid ones still rejects the whole body.
  v = validate_patch_body(body({{"checkpointInterval", "20min"}, {"maxConcurrent", "2"}}));
  check_rejected(v);
  CHECK(contains(v.message, "'maxConcurrent'"));
  CHECK(contains(v.message, "checkpointInterval, checkpointTimeout"));
  CHECK_FALSE(contains(v.message, "did you mean"));
}

TEST_CASE("bad values: non-scalar, non-numeric, negative, overflowing, duplicate") {
  auto v = validate_patch_body(body({{"checkpointTimeout", "{a: 1}", false}}));
  check_rejected(v);
  CHECK(contains(v.message, "checkpointTimeout"));
  CHECK(contains(v.message, "non-scalar"));

  v = validate_patch_body(body({{"checkpointInterval", "20min"}, {"checkpointTimeout", "soon"}}));
  check_rejected(v);  // the valid interval is not returned either
  CHECK(contains(v.message, "checkpointTimeout"));
  CHECK(contains(v.message, "'soon'"));

  v = validate_patch_body(body({{"checkpointTimeout", "20 fortnights"}}));
  check_rejected(v);
  CHECK(contains(v.message, "'20 fortnights'"));

  v = validate_patch_body(body({{"checkpointTimeout", ""}}));
  check_rejected(v);

  v = validate_patch_body(body({{"checkpointInterval", "-5min"}}));
  check_rejected(v);
  CHECK(contains(v.message, "checkpointInterval"));
  CHECK(contains(v.message, "must not be negative"));
  CHECK(contains(v.message, "'-5min'"));

  v = validate_patch_body(body({{"checkpointTimeout", "99999999999999999999"}}));
  check_rejected(v);
  CHECK(contains(v.message, "checkpointTimeout"));
  CHECK(contains(v.message, "99999999999999999999"));
  CHECK(contains(v.message, "overflows"));

  v = validate_patch_body(body({{"checkpointTimeout", "9223372036854775807"}}));  // ms -> µs
  check_rejected(v);
  CHECK(contains(v.message, "overflows"));

  v = validate_patch_body(body({{"checkpointTimeout", "20min"}, {"checkpointTimeout", "30min"}}));
  check_rejected(v);
  CHECK(contains(v.message, "duplicate field 'checkpointTimeout'"));
  CHECK(contains(v.message, "30min"));
}

TEST_CASE("CheckpointConfig: submitted values, base interval") {
  CheckpointConfig c(spec());
  CHECK(c.interval() == 5 * kMinute);
  CHECK(c.timeout() == 10 * kMinute);
  CHECK(c.min_pause() == 7 * kMinute);
  CHECK(c.base_interval() == 7 * kMinute);  // max(interval, min_pause)
  CHECK_FALSE(c.read().torn);
  c.begin_update(20 * kMinute, std::nullopt, false);
  c.write_interval(20 * kMinute);
  CHECK(c.base_interval() == 20 * kMinute);
}

TEST_CASE("atomic update: never torn") {
  CheckpointConfig c(spec());
  c.begin_update(20 * kMinute, 30 * kMinute, false);
  CHECK_FALSE(c.read().torn);
  c.write_interval(20 * kMinute);
  CHECK_FALSE(c.read().torn);
  c.write_timeout(30 * kMinute);
  auto r = c.read();
  CHECK(r.interval == 20 * kMinute);
  CHECK(r.timeout == 30 * kMinute);
  CHECK_FALSE(r.torn);
}

TEST_CASE("torn update: torn from the begin until the second write") {
  CheckpointConfig c(spec());
  c.begin_update(20 * kMinute, 30 * kMinute, true);
  CHECK(c.read().torn);
  c.write_interval(20 * kMinute);
  auto r = c.read();
  CHECK(r.torn);
  CHECK(r.interval == 20 * kMinute);
  CHECK(r.timeout == 10 * kMinute);  // still the old timeout: the mixed pair
  c.write_timeout(30 * kMinute);
  r = c.read();
  CHECK_FALSE(r.torn);
  CHECK(r.interval == 20 * kMinute);
  CHECK(r.timeout == 30 * kMinute);

  // Timeout first works the same way.
  c.begin_update(kMinute, 2 * kMinute, true);
  c.write_timeout(2 * kMinute);
  CHECK(c.read().torn);
  CHECK(c.read().interval == 20 * kMinute);
  c.write_interval(kMinute);
  CHECK_FALSE(c.read().torn);
}

TEST_CASE("torn with a single field is not torn") {
  CheckpointConfig c(spec());
  c.begin_update(std::nullopt, 30 * kMinute, true);
  CHECK_FALSE(c.read().torn);
  c.write_timeout(30 * kMinute);
  CHECK_FALSE(c.read().torn);
  CHECK(c.timeout() == 30 * kMinute);
  CHECK(c.interval() == 5 * kMinute);
}

TEST_CASE("writing the same field twice does not close the torn window") {
  CheckpointConfig c(spec());
  c.begin_update(20 * kMinute, 30 * kMinute, true);
  c.write_interval(20 * kMinute);
  c.write_interval(20 * kMinute);
  CHECK(c.read().torn);
  c.write_timeout(30 * kMinute);
  CHECK_FALSE(c.read().torn);
}

