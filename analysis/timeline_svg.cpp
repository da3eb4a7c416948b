// timeline.svg's fold of the events: bars (then bins), failure and marker pixels, labelled
// markers, the update windows; and the lanes of the bars. The drawing is timeline_layers.cpp.
#include "analysis/timeline_svg.hpp"

#include <algorithm>
#include <type_traits>

#include <fmt/format.h>

#include "analysis/table.hpp"
#include "sim/units.hpp"

namespace ckptsim::analysis {

namespace ev = model::events;

TimelineSvg::TimelineSvg(std::string name, uint64_t seed, sim::Duration duration)
    : name_(std::move(name)), seed_(seed), duration_(duration),
      failure_px_(kPlotWidth + 1, 0), marker_px_(kPlotWidth + 1, 0) {}

TimelineSvg::TimelineSvg(const model::Scenario& s) : TimelineSvg(s.name, s.seed, s.duration) {}

TimelineSvg::TimelineSvg(const model::Scenario& s, sim::Time from, sim::Time to)
    : TimelineSvg(s.name, s.seed, s.duration) {
  from_ = std::max<sim::Time>(0, from);
  to_ = std::max(from_ + 1, to);
}

sim::Time TimelineSvg::end() const {
  if (to_ >= 0) return to_;
  return std::max<sim::Time>({duration_, last_at_, 1});
}

int TimelineSvg::pixel(sim::Time t) const {
  const sim::Time span = end() - begin();
  const auto x = static_cast<__int128>(std::clamp<sim::Time>(t - begin(), 0, span)) * kPlotWidth / span;
  return std::clamp(static_cast<int>(x), 0, kPlotWidth);
}

int TimelineSvg::bin_of(sim::Time t) const {
  // Bins over [from, to) (the run: [0, duration)), fixed from the start, so binning never
  // depends on what came later.
  const sim::Time span = std::max<sim::Time>((to_ >= 0 ? to_ : duration_) - begin(), 1);
  const auto b = static_cast<int64_t>(
      static_cast<__int128>(std::clamp<sim::Time>(t - begin(), 0, span - 1)) * kBins / span);
  return static_cast<int>(std::clamp<int64_t>(b, 0, kBins - 1));
}

void TimelineSvg::add_to_bin(sim::Time trigger, Outcome o, sim::Duration duration,
                             sim::Duration timeout) {
  Bin& b = bins_[bin_of(trigger)];
  ++b.count[o];
  if (o != in_progress) {
    b.max_duration = std::max(b.max_duration, duration);
    b.max_timeout = std::max(b.max_timeout, timeout);
  }
}

namespace {
constexpr size_t kNoBar = SIZE_MAX;
constexpr size_t kContext = 6;  // bars the detail keeps before the first notable event
}  // namespace

// Bars [0, n) go; the pending checkpoints' indices follow.
void TimelineSvg::drop_front_bars(size_t n) {
  n = std::min(n, bars_.size());
  if (n == 0) return;
  bars_.erase(bars_.begin(), bars_.begin() + static_cast<std::ptrdiff_t>(n));
  for (auto& [id, p] : pending_) p.bar = p.bar == kNoBar || p.bar < n ? kNoBar : p.bar - n;
}

// Every finished bar goes into its bin; the bars of the detail stay.
void TimelineSvg::switch_to_bins() {
  binned_ = true;
  bins_.assign(kBins, Bin{});
  for (const Bar& b : bars_)
    if (b.end >= 0) add_to_bin(b.trigger, b.outcome, b.end - b.trigger, b.deadline - b.trigger);
  if (first_notable_ < 0) drop_front_bars(bars_.size() > kContext ? bars_.size() - kContext : 0);
  else drop_front_bars(first_notable_bar_ > kContext ? first_notable_bar_ - kContext : 0);
}

// The first notable event starts the detail (a few bars before the oldest pending one).
void TimelineSvg::notable(sim::Time at) {
  if (first_notable_ < 0) {
    first_notable_ = at;
    first_notable_bar_ = bars_.size();
    for (const auto& [id, p] : pending_)
      if (p.bar != kNoBar) first_notable_bar_ = std::min(first_notable_bar_, p.bar);
  }
  if (detail_full_at_ < 0) last_notable_ = at;
}

void TimelineSvg::on_created(const ev::CheckpointCreated& b, sim::Time at) {
  ++total_;
  if (!binned_ && bars_.size() >= kMaxBars) switch_to_bins();
  Pending p{at, b.timeout, kNoBar};
  const bool room = !binned_ || (bars_.size() < (first_notable_ < 0 ? kContext + 1 : kMaxBars) && detail_full_at_ < 0);
  if (binned_ && !room && first_notable_ >= 0 && detail_full_at_ < 0) detail_full_at_ = at;
  if (room || (binned_ && first_notable_ < 0)) {
    p.bar = bars_.size();
    bars_.push_back({b.id, at, -1, b.deadline, b.deadline, in_progress, false, b.id == torn_id_,
                     model::FailureReason::CHECKPOINT_EXPIRED});
    // Before anything notable happened, the binned detail keeps only the last few bars.
    if (binned_ && first_notable_ < 0 && bars_.size() > kContext) {
      drop_front_bars(bars_.size() - kContext);
      p.bar = bars_.size() - 1;
    }
  }
  pending_[b.id] = p;
}

void TimelineSvg::mark(MarkerKind k, sim::Time at, std::string label, std::string short_label) {
  marker_px_[pixel(at)] |= static_cast<uint16_t>(1u << k);
  ++marker_count_[k];
  if (labels_[k].size() < kMaxLabels) labels_[k].push_back({at, std::move(label), std::move(short_label)});
}

// A checkpoint's end: its bar (or bin) gets its outcome, a failure its tick.
void TimelineSvg::on_finished(const model::DomainEvent& e) {
  Outcome o = completed;
  bool rescued = false;
  int64_t id = 0;
  sim::Time deadline = 0;
  model::FailureReason reason = model::FailureReason::CHECKPOINT_EXPIRED;
  if (const auto* c = std::get_if<ev::CheckpointCompleted>(&e.body)) {
    id = c->id;
    deadline = c->deadline;
    rescued = c->rescued;
    rescued_ += rescued;
  } else {
    const auto& f = std::get<ev::CheckpointFailed>(e.body);
    id = f.id;
    deadline = f.deadline;
    reason = f.reason;
    o = f.reason == model::FailureReason::CHECKPOINT_EXPIRED ? expired : other_failure;
    failure_px_[pixel(e.at)] |= o == expired ? 1 : 2;
  }
  ++totals_[o];
  auto it = pending_.find(id);
  if (it == pending_.end()) return;  // created before we attached
  if (o != completed || rescued) notable(e.at);
  if (binned_) add_to_bin(it->second.trigger, o, e.at - it->second.trigger, it->second.timeout);
  if (it->second.bar != kNoBar) {
    Bar& bar = bars_[it->second.bar];
    bar.end = e.at;
    bar.outcome = o;
    bar.rescued = rescued;
    bar.reason = reason;
    bar.deadline = deadline;
  }
  pending_.erase(it);
}

// A torn read is a marker; a checkpoint that read its timeout torn is marked on its bar.
void TimelineSvg::on_config_read(const ev::ConfigRead& b, sim::Time at) {
  if (!b.torn) return;
  notable(at);
  const bool tick = b.reader == model::ConfigReader::periodic_trigger;
  const std::string who = tick ? "tick" : fmt::format("checkpoint {}", b.checkpoint_id);
  mark(torn_read, at,
       fmt::format("torn: {} read interval {} with timeout {}", who, sim::format_duration(b.interval),
                   sim::format_duration(b.timeout)),
       tick ? "torn tick" : fmt::format("torn #{}", b.checkpoint_id));
  if (!tick) torn_id_ = b.checkpoint_id;  // its checkpoint-created comes next
}

// Patches, failovers, load and storage changes, the job failing: markers with their labels.
void TimelineSvg::on_marker(const model::DomainEvent& e) {
  const sim::Time at = e.at;
  const bool marked = std::holds_alternative<ev::PatchAnswered>(e.body) ||
                      std::holds_alternative<ev::FailoverStarted>(e.body) ||
                      std::holds_alternative<ev::LoadChanged>(e.body) ||
                      std::holds_alternative<ev::StorageChanged>(e.body);
  if (marked) notable(at);
  if (const auto* b = std::get_if<ev::PatchAnswered>(&e.body)) {
    std::string label = fmt::format("PATCH {}", b->status);
    for (const auto& f : b->body) label += fmt::format(" {}={}", f.key, f.value);
    mark(b->status == 200 ? patch_ok : patch_rejected, at, std::move(label), fmt::format("PATCH {}", b->status));
  } else if (const auto* f = std::get_if<ev::FailoverStarted>(&e.body)) {
    // A failure that begins no restart (merged into the pending one, or the job FAILED) is
    // marked and said so: it is no failover in the metrics.
    const char* what = f->begins_restart ? "" : f->restart_delay < 0 ? ", job FAILED" : ", merged into the pending restart";
    if (f->cause == model::FailoverCause::jobmanager)
      mark(jm_failover, at, fmt::format("JM failover{}", what), "JM failover");
    else
      mark(failover, at, fmt::format("failover ({}){}", model::to_string(f->cause), what), "failover");
  } else if (const auto* l = std::get_if<ev::LoadChanged>(&e.body)) {
    std::string label = "load " + l->operator_name;
    if (l->subtask >= 0) label += fmt::format("[{}]", l->subtask);
    std::string short_label = label;
    if (l->rate >= 0) label += " rate " + human_bytes(l->rate) + "/s";
    if (l->capacity >= 0) label += " capacity " + human_bytes(l->capacity) + "/s";
    mark(load, at, std::move(label), std::move(short_label));
  } else if (const auto* s = std::get_if<ev::StorageChanged>(&e.body)) {
    mark(storage, at, "storage " + human_bytes(s->bandwidth) + "/s", "storage");
  } else if (const auto* j = std::get_if<ev::JobStatusChanged>(&e.body)) {
    if (j->status != model::JobStatus::FAILED) return;
    notable(at);
    mark(job_failed, at, "job FAILED", "FAILED");
  }
}

void TimelineSvg::on_event(const model::DomainEvent& e) {
  last_at_ = std::max(last_at_, e.at);
  windows_.on_event(e);
  std::visit(
      [&](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, ev::CheckpointCreated>) {
          on_created(b, e.at);
        } else if constexpr (std::is_same_v<T, ev::CheckpointRearmed>) {
          auto it = pending_.find(b.id);
          if (it != pending_.end() && it->second.bar != kNoBar) bars_[it->second.bar].deadline = b.deadline;
        } else if constexpr (std::is_same_v<T, ev::CheckpointCompleted> ||
                             std::is_same_v<T, ev::CheckpointFailed>) {
          on_finished(e);
        } else if constexpr (std::is_same_v<T, ev::ConfigRead>) {
          on_config_read(b, e.at);
        } else {
          on_marker(e);
        }
      },
      e.body);
}

// Greedy lanes for the bars in the span; a new checkpoint prefers the lane after the previous
// one, so back-to-back checkpoints alternate and stay distinguishable. A bar holds its lane up
// to its deadline, so the deadline sits on the checkpoint's own row; when that needs more than
// kMaxLanes lanes, bars hold theirs to their end and a deadline is drawn only when no later
// bar of the lane starts before it.
TimelineSvg::Layout TimelineSvg::layout(const Span& s) const {
  constexpr int kMaxLanes = 16;
  const sim::Time T = s.to;
  const sim::Time gap = (s.to - s.from) * 4 / kPlotWidth + 1;  // 4 px between bars of a lane
  for (bool whiskers : {true, false}) {
    Layout l;
    l.whiskers = whiskers;
    std::vector<sim::Time> lane_end{-1, -1};
    int prev = -1;
    bool overflow = false;
    for (const Bar& b : bars_) {
      if (b.trigger >= s.to || (b.end >= 0 && b.end < s.from)) {
        l.lane_of.push_back(-1);
        continue;
      }
      const int n = static_cast<int>(lane_end.size());
      int pick = -1;
      for (int k = 1; k <= n && pick < 0; ++k) {
        const int lane = (prev + k) % n;
        if (lane_end[lane] < b.trigger) pick = lane;
      }
      if (pick < 0 && n < kMaxLanes) {
        pick = n;
        lane_end.push_back(-1);
      }
      if (pick < 0) {
        overflow = true;
        pick = static_cast<int>(std::min_element(lane_end.begin(), lane_end.end()) - lane_end.begin());
      }
      sim::Time held = b.end >= 0 ? b.end : T;
      if (whiskers) held = std::max({held, std::min(b.deadline, T), std::min(b.original_deadline, T)});
      lane_end[pick] = held + gap;
      l.lane_of.push_back(pick);
      prev = pick;
    }
    l.lanes = static_cast<int>(lane_end.size());
    if (!overflow || !whiskers) return l;
  }
  return {};
}

// Binned: from the first bar kept to a little past the last notable event the detail saw
// (its bars stop at kMaxBars); never past a kind's last labelled marker when it has more.
TimelineSvg::Span TimelineSvg::detail_span() const {
  Span s;
  if (bars_.empty()) return s;
  s.from = bars_.front().trigger;
  const sim::Time kept_to = detail_full_at_ >= 0 ? detail_full_at_ : end();
  const sim::Time last = std::max(last_notable_, s.from);
  const sim::Time spacing = (kept_to - s.from) / static_cast<sim::Time>(bars_.size());
  s.to = std::min(kept_to, last + std::max((last - s.from) / 8, 3 * spacing));
  for (int k = 0; k < kMarkerKinds; ++k)
    if (marker_count_[k] > static_cast<int64_t>(labels_[k].size()) && !labels_[k].empty())
      s.to = std::min(s.to, labels_[k].back().at + 1);
  s.from = std::max(begin(), s.from - std::max<sim::Time>(spacing, 1));
  s.to = std::max(s.to, s.from + 1);
  return s;
}

}  // namespace ckptsim::analysis
