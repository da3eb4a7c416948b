#include "model/checkpoint_config.hpp"

#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/names.hpp"
#include "sim/units.hpp"

namespace ckptsim::model {

namespace {

// The body's known fields are the names of ConfigField ("checkpointInterval", ...).
const std::vector<std::string_view>& known_fields() {
  static const std::vector<std::string_view> names = sim::enum_names<ConfigField>();
  return names;
}

std::string known_fields_text() { return fmt::format("{}", fmt::join(known_fields(), ", ")); }

std::string unknown_field_message(std::string_view key) {
  std::string msg = fmt::format("unknown field '{}': the known fields are {} (case-sensitive)", key,
                                known_fields_text());
  if (auto near = sim::nearest_name(key, known_fields()))
    msg += fmt::format("; did you mean '{}'?", *near);
  return msg;
}

PatchValidation reject(std::string message) {
  PatchValidation v;
  v.status = 400;
  v.message = std::move(message);
  return v;  // both optionals empty: nothing of a bad request is applied
}

}  // namespace

PatchValidation validate_patch_body(const PatchRequest& request) {
  if (!request.body_is_map)
    return reject(fmt::format(
        "request body must be a JSON object with at least one of the fields {}",
        known_fields_text()));
  if (request.body.empty())
    return reject(
        fmt::format("empty request body: expected at least one of the fields {}", known_fields_text()));

  PatchValidation ok;
  for (const PatchField& f : request.body) {
    std::optional<Duration>* slot = nullptr;
    if (f.key == to_string(ConfigField::interval)) slot = &ok.interval;
    else if (f.key == to_string(ConfigField::timeout)) slot = &ok.timeout;
    else return reject(unknown_field_message(f.key));

    if (slot->has_value())
      return reject(fmt::format("duplicate field '{}' (value '{}')", f.key, f.value));
    if (!f.scalar)
      return reject(fmt::format(
          "field '{}' must be a number of milliseconds or a duration such as '20min', got a "
          "non-scalar value{}",
          f.key, f.value.empty() ? std::string() : fmt::format(" '{}'", f.value)));

    const sim::Parsed<Duration> parsed = sim::parse_duration(f.value);
    if (!parsed && parsed.error.find("too large") != std::string::npos)
      return reject(fmt::format(
          "field '{}' has value '{}', which overflows: durations are limited to 2^63-1 "
          "microseconds (about 292,000 years)",
          f.key, f.value));
    if (!parsed)
      return reject(fmt::format(
          "field '{}' has invalid value '{}': expected a number of milliseconds or a duration "
          "such as '20min' ({})",
          f.key, f.value, parsed.error));
    const Duration d = *parsed;
    if (d < 0)
      return reject(
          fmt::format("field '{}' must not be negative, got '{}'", f.key, f.value));
    if (d < kMinimalCheckpointTime)
      return reject(fmt::format("field '{}' must be at least {} ms, got '{}' ({})", f.key,
                                kMinimalCheckpointTime / sim::kMillisecond, f.value,
                                sim::format_duration(d)));
    *slot = d;
  }
  return ok;
}

CheckpointConfig::CheckpointConfig(const CheckpointingSpec& submitted)
    : submitted_(submitted), interval_(submitted.interval), timeout_(submitted.timeout) {}

void CheckpointConfig::begin_update(std::optional<Duration> interval,
                                    std::optional<Duration> timeout, bool torn) {
  if (interval) override_interval_ = interval;
  if (timeout) override_timeout_ = timeout;
  pending_interval_ = interval.has_value();
  pending_timeout_ = timeout.has_value();
  unwritten_ = (pending_interval_ ? 1 : 0) + (pending_timeout_ ? 1 : 0);
  torn_pending_ = torn && unwritten_ == 2;
}

void CheckpointConfig::field_written(bool& pending) {
  if (pending) {
    pending = false;
    --unwritten_;
  }
  if (unwritten_ == 0) torn_pending_ = false;
}

void CheckpointConfig::write_interval(Duration v) {
  interval_ = v;
  field_written(pending_interval_);
}

void CheckpointConfig::write_timeout(Duration v) {
  timeout_ = v;
  field_written(pending_timeout_);
}

}  // namespace ckptsim::model
