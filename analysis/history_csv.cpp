#include "analysis/history_csv.hpp"

#include <fmt/format.h>

#include "analysis/fast_format.hpp"
#include "analysis/json_util.hpp"
#include "sim/units.hpp"

namespace ckptsim::analysis {

const std::string& history_csv_header() {
  static const std::string h =
      "id,status,checkpoint_type,trigger_timestamp,latest_ack_timestamp,end_to_end_duration,"
      "checkpointed_size,state_size,persisted_fraction,timeout,deadline,rescued,failure_reason,"
      "alignment_duration,start_delay";
  return h;
}

namespace {

// Field by field (see fast_format.hpp); the text is what fmt::format printed before.
void append_row(std::string& out, const CheckpointRecord& r) {
  const Duration e2e = r.end_to_end_duration();
  const bool failed = r.status == CheckpointStatus::FAILED;
  fast::append_int(out, r.id);
  out += ',';
  out += to_string(r.status);
  out += ',';
  out += model::to_string(r.type);
  out += ',';
  fast::append_ms(out, r.trigger_timestamp);
  out += ',';
  if (r.latest_ack_timestamp >= 0) fast::append_ms(out, r.latest_ack_timestamp);
  out += ',';
  if (e2e >= 0) fast::append_ms(out, e2e);
  out += ',';
  fast::append_int(out, r.checkpointed_size);
  out += ',';
  fast::append_int(out, r.state_size);
  out += ',';
  if (r.persisted_fraction >= 0) fast::append_fraction(out, r.persisted_fraction);
  out += ',';
  fast::append_ms(out, r.timeout);
  out += ',';
  fast::append_ms(out, r.deadline);
  out += ',';
  out += r.rescued ? "true" : "false";
  out += ',';
  if (failed) out += model::to_string(r.failure_reason);
  out += ',';
  fast::append_ms(out, r.alignment_duration);
  out += ',';
  fast::append_ms(out, r.start_delay);
}

}  // namespace

std::string history_csv_row(const CheckpointRecord& r) {
  std::string out;
  append_row(out, r);
  return out;
}

void write_history_csv(std::ostream& out, const Recorder& rec) {
  std::string buf = history_csv_header();
  buf += '\n';
  rec.for_each_checkpoint([&](const CheckpointRecord& r) {
    append_row(buf, r);
    buf += '\n';
    if (buf.size() > (1 << 16)) {
      out << buf;
      buf.clear();
    }
  });
  out << buf;
}

}  // namespace ckptsim::analysis
