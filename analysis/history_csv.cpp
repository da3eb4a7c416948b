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
void put_row(fast::BlockWriter& out, const CheckpointRecord& r) {
  const Duration e2e = r.end_to_end_duration();
  const bool failed = r.status == CheckpointStatus::FAILED;
  const std::string_view status = to_string(r.status);
  const std::string_view type = model::to_string(r.type);
  const std::string_view reason = failed ? model::to_string(r.failure_reason) : "";
  const std::string fraction = r.persisted_fraction >= 0 ? fast::fraction(r.persisted_fraction) : "";
  // 9 times and 3 integers, 14 commas, "false", and the texts.
  out.reserve(12 * (fast::kIntChars + 4) + 14 + 5 + status.size() + type.size() + reason.size() +
              fraction.size());
  out.put_int(r.id);
  out.put(',');
  out.put(status);
  out.put(',');
  out.put(type);
  out.put(',');
  out.put_ms(r.trigger_timestamp);
  out.put(',');
  if (r.latest_ack_timestamp >= 0) out.put_ms(r.latest_ack_timestamp);
  out.put(',');
  if (e2e >= 0) out.put_ms(e2e);
  out.put(',');
  out.put_int(r.checkpointed_size);
  out.put(',');
  out.put_int(r.state_size);
  out.put(',');
  out.put(fraction);
  out.put(',');
  out.put_ms(r.timeout);
  out.put(',');
  out.put_ms(r.deadline);
  out.put(',');
  out.put(r.rescued ? std::string_view("true") : std::string_view("false"));
  out.put(',');
  out.put(reason);
  out.put(',');
  out.put_ms(r.alignment_duration);
  out.put(',');
  out.put_ms(r.start_delay);
}

}  // namespace

void write_history_csv(std::ostream& out, const Recorder& rec) {
  out << history_csv_header() << '\n';
  fast::BlockWriter w(out);
  rec.for_each_checkpoint([&](const CheckpointRecord& r) {
    put_row(w, r);
    w.reserve(1);
    w.put('\n');
  });
}

}  // namespace ckptsim::analysis
