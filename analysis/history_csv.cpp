#include "analysis/history_csv.hpp"

#include <fmt/format.h>

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

std::string history_csv_row(const CheckpointRecord& r) {
  const Duration e2e = r.end_to_end_duration();
  const bool failed = r.status == CheckpointStatus::FAILED;
  return fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}", r.id, to_string(r.status),
                     model::to_string(r.type), sim::format_ms(r.trigger_timestamp),
                     r.latest_ack_timestamp >= 0 ? sim::format_ms(r.latest_ack_timestamp) : "",
                     e2e >= 0 ? sim::format_ms(e2e) : "", r.checkpointed_size, r.state_size,
                     r.persisted_fraction >= 0 ? json::fraction(r.persisted_fraction) : "",
                     sim::format_ms(r.timeout), sim::format_ms(r.deadline),
                     r.rescued ? "true" : "false", failed ? model::to_string(r.failure_reason) : "",
                     sim::format_ms(r.alignment_duration), sim::format_ms(r.start_delay));
}

void write_history_csv(std::ostream& out, const Recorder& rec) {
  std::string buf = history_csv_header();
  buf += '\n';
  for (const auto& r : rec.history()) {
    buf += history_csv_row(r);
    buf += '\n';
    if (buf.size() > (1 << 16)) {
      out << buf;
      buf.clear();
    }
  }
  out << buf;
}

}  // namespace ckptsim::analysis
