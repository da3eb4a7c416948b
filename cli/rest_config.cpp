#include "cli/rest_config.hpp"

#include <fmt/format.h>

#include "cli/rest_json.hpp"

namespace ckptsim::cli::rest {

namespace {

constexpr int64_t kMax = INT64_MAX;
// Flink's minimal checkpoint timeout and interval (CheckpointCoordinator: 10 ms).
constexpr int64_t kMinimalMs = 10;

}  // namespace

RestCheckpointConfig read_checkpoint_config(const std::string& text, const std::string& file) {
  const nlohmann::json doc = parse_response(text, file, "GET /jobs/:jobid/checkpoints/config");
  const Field r = root(doc, file);
  RestCheckpointConfig c;
  c.file = file;
  if (auto f = r.find("mode")) {
    c.mode = f->string();
    if (c.mode != "exactly_once" && c.mode != "at_least_once")
      f->fail(fmt::format("expected \"exactly_once\" or \"at_least_once\", got \"{}\"", c.mode));
  }
  const int64_t interval = r.at("interval").integer(0, kMax);
  // Long.MAX_VALUE (or anything below the minimum) is Flink's "periodic checkpointing off".
  if (interval != kMax && interval >= kMinimalMs) c.interval_ms = interval;
  c.timeout_ms = r.at("timeout").integer(kMinimalMs, kMax);
  c.min_pause_ms = r.at("min_pause").integer(0, kMax);
  c.max_concurrent = r.at("max_concurrent").integer(1, INT32_MAX);
  if (auto f = r.find("tolerable_failed_checkpoints"))
    c.tolerable_failed_checkpoints = f->integer(0, INT32_MAX);
  if (auto f = r.find("unaligned_checkpoints")) c.unaligned_checkpoints = f->boolean();
  if (auto f = r.find("aligned_checkpoint_timeout"))
    c.aligned_checkpoint_timeout_ms = f->integer(0, kMax);
  if (auto f = r.find("state_backend")) c.state_backend = f->string();
  if (auto f = r.find("checkpoint_storage")) c.checkpoint_storage = f->string();
  if (auto f = r.find("state_changelog_enabled")) c.state_changelog_enabled = f->boolean();
  if (auto f = r.find("externalization")) f->expect_object();
  return c;
}

}  // namespace ckptsim::cli::rest
