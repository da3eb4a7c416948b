#include "analysis/timeline_windows.hpp"

#include <algorithm>
#include <type_traits>

#include <fmt/format.h>

#include "analysis/json_util.hpp"
#include "sim/units.hpp"

namespace ckptsim::analysis {

namespace ev = model::events;

namespace {

constexpr size_t kNone = SIZE_MAX;
constexpr const char* kWriterColor = "#7b3fb5";
constexpr const char* kTornColor = "#e7298a";
constexpr const char* kReadColor = "#555555";
constexpr const char* kExpireColor = "#d62728";

std::string d(sim::Duration v) { return v == sim::kNever ? "never" : sim::format_duration(v); }

// "W:interval=5min", "tick→5min", "L:reschedule tick@30min", "create #2→3min".
std::string step_text(const UpdateWindows::Step& s) {
  if (s.value.empty()) return s.label;
  const bool joined = s.value.rfind("=", 0) == 0 || s.value.rfind("→", 0) == 0;
  return s.label + (joined ? "" : " ") + s.value;
}

}  // namespace

UpdateWindows::Window* UpdateWindows::open_window(Kind k, sim::Time at) {
  ++count_;
  if (windows_.size() >= kMaxBands) return nullptr;
  Window w;
  w.kind = k;
  w.open = patch_.at >= 0 ? patch_.at : at;
  w.patch = patch_.body;
  windows_.push_back(std::move(w));
  return &windows_.back();
}

void UpdateWindows::add_step(size_t index, Step s) {
  Window* w = window(index);
  if (!w) return;
  ++w->steps_total;
  w->torn_reads += s.torn;
  if (index < kMaxPanels && w->steps.size() < kMaxSteps) w->steps.push_back(std::move(s));
}

// A writer's follow-up (a re-arm, a rescheduled tick) joins the writer step it belongs to.
void UpdateWindows::follow_up(sim::Time at, const std::string& what) {
  auto add = [&](size_t index) {
    Window* w = window(index);
    if (!w || w->steps.empty() || w->steps_total != static_cast<int64_t>(w->steps.size())) return;
    if (!w->steps.back().writer || w->steps.back().at != at) return;
    std::string& v = w->steps.back().value;
    v += v.empty() ? what : ", " + what;
  };
  if (interleaved_open_) add(interleaved_);
  for (const OpenTorn& t : torn_) add(t.window);
  if (closed_at_ == at) add(closed_);  // the second write's follow-up, after it closed the window
}

void UpdateWindows::close(size_t index, sim::Time at, std::string note) {
  if (Window* w = window(index)) {
    w->close = at;
    w->note = std::move(note);
  }
}

// Torn: the first single-field write of a two-field patch opens the window; the other field's
// write closes it. An atomic write of both, or a one-field patch, opens none.
void UpdateWindows::on_written(const ev::ConfigWritten& b, sim::Time at) {
  if (interleaved_open_) {
    // The writer's step-taken came first: its label names the field ("W:interval").
    std::string what;
    if (b.interval_written) what = fmt::format("interval={}", d(b.interval));
    if (b.timeout_written) what += (what.empty() ? "timeout=" : ", timeout=") + d(b.timeout);
    Window* w = window(interleaved_);
    const bool one = b.interval_written != b.timeout_written;
    if (w && one && !w->steps.empty() && w->steps.back().value.empty() &&
        w->steps.back().label == (b.interval_written ? "W:interval" : "W:timeout"))
      what = what.substr(what.find('='));
    follow_up(at, what);
    return;
  }
  if (b.interval_written == b.timeout_written) {
    patch_ = {};
    return;
  }
  const bool interval = b.interval_written;
  Step s{at, true, false, false, interval ? "W:interval" : "W:timeout",
         fmt::format("={}", d(interval ? b.interval : b.timeout))};
  for (auto it = torn_.begin(); it != torn_.end(); ++it)
    if (it->wrote_interval != interval) {
      const size_t index = it->window;
      torn_.erase(it);
      add_step(index, std::move(s));
      close(index, at, "");
      closed_ = index;
      closed_at_ = at;
      return;
    }
  if (!(patch_.interval && patch_.timeout)) return;  // a one-field patch: no tear
  Window* w = open_window(Kind::torn, at);
  const size_t index = w ? windows_.size() - 1 : kNone;
  torn_.push_back({index, interval});
  patch_ = {};
  add_step(index, std::move(s));
}

// In a torn window every read is a coordinator step (an interleaved window has its own).
void UpdateWindows::on_read(const ev::ConfigRead& b, sim::Time at) {
  if (interleaved_open_ || torn_.empty()) return;
  const bool tick = b.reader == model::ConfigReader::periodic_trigger;
  Step s{at, false, b.torn, false, tick ? "tick" : fmt::format("create #{}", b.checkpoint_id),
         fmt::format("→{}", d(tick ? b.interval : b.timeout))};
  for (const OpenTorn& t : torn_) add_step(t.window, s);
}

void UpdateWindows::on_event(const model::DomainEvent& e) {
  const sim::Time at = e.at;
  std::visit(
      [&](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, ev::PatchAnswered>) {
          patch_ = {};
          if (b.status != 200) return;
          patch_.at = at;
          for (const auto& f : b.body) {
            patch_.body += (patch_.body.empty() ? "" : " ") + f.key + "=" + f.value;
            patch_.interval |= f.key == "checkpointInterval";
            patch_.timeout |= f.key == "checkpointTimeout";
          }
        } else if constexpr (std::is_same_v<T, ev::StepTaken>) {
          if (!interleaved_open_) {
            interleaved_open_ = true;
            interleaved_ = open_window(Kind::interleaved, at) ? windows_.size() - 1 : kNone;
            patch_ = {};
          }
          std::string value;
          if (b.interval_read >= 0) value = fmt::format("→{}", d(b.interval_read));
          else if (b.timeout_read >= 0) value = fmt::format("→{}", d(b.timeout_read));
          add_step(interleaved_, {at, b.writer, b.torn, b.nested,
                                  b.checkpoint_id >= 0 ? fmt::format("{} #{}", b.label, b.checkpoint_id) : b.label,
                                  std::move(value)});
        } else if constexpr (std::is_same_v<T, ev::WindowClosed>) {
          if (!interleaved_open_) return;
          interleaved_open_ = false;
          if (Window* w = window(interleaved_)) {
            w->close = at - 1;  // the event comes just after the window's last instant
            w->after = fmt::format("after the window: interval {}, timeout {}, next tick {}",
                                   d(b.interval), d(b.timeout), d(b.next_tick));
            for (const auto& [id, deadline] : b.pending) w->after += fmt::format(", #{} due {}", id, d(deadline));
            if (b.writer_steps_left > 0)
              w->note = fmt::format("{} writer steps found no turn in the window and ran at its end",
                                    b.writer_steps_left);
            else if (!b.order_followed)
              w->note = "the steps did not come as `order` said";
          }
        } else if constexpr (std::is_same_v<T, ev::ConfigWritten>) {
          on_written(b, at);
        } else if constexpr (std::is_same_v<T, ev::ConfigRead>) {
          on_read(b, at);
        } else if constexpr (std::is_same_v<T, ev::TriggerRescheduled>) {
          follow_up(at, fmt::format("tick@{}", d(b.next_tick)));
        } else if constexpr (std::is_same_v<T, ev::CheckpointRearmed>) {
          follow_up(at, fmt::format("#{} due {}", b.id, d(b.deadline)));
        } else if constexpr (std::is_same_v<T, ev::CheckpointFailed>) {
          if (b.reason != model::FailureReason::CHECKPOINT_EXPIRED || interleaved_open_) return;
          for (const OpenTorn& t : torn_) add_step(t.window, {at, false, false, false, fmt::format("expire #{}", b.id), ""});
        } else if constexpr (std::is_same_v<T, ev::ConfigReloaded>) {
          // A JobManager failover loses the writes a torn update had still to make.
          for (const OpenTorn& t : torn_) close(t.window, at, "its second write was lost in a JobManager failover");
          torn_.clear();
        }
      },
      e.body);
}

// --- the panels -------------------------------------------------------------------------

namespace {

constexpr double kGlyph = 6;      // half size of a step's glyph
constexpr double kTier = 11;      // label tiers under a glyph
constexpr int kTiers = 3;

std::string glyph(const UpdateWindows::Step& s, double x, double y) {
  if (s.writer)
    return fmt::format("<path d=\"M{0:.1f} {1:.1f} l{2} {2} l-{2} {2} l-{2} -{2} z\" fill=\"{3}\"/>", x,
                       y - kGlyph, kGlyph, kWriterColor);
  const char* fill = s.torn ? kTornColor : kReadColor;
  const char* dash = s.nested ? " stroke=\"#000\" stroke-dasharray=\"1,1\"" : "";
  if (s.label.rfind("expire", 0) == 0)
    return fmt::format("<path d=\"M{0:.1f} {1:.1f} l10 10 m0 -10 l-10 10\" stroke=\"{2}\" stroke-width=\"2.5\"/>",
                       x - 5, y - 5, kExpireColor);
  if (s.label.rfind("tick", 0) == 0)
    return fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"5\" fill=\"{}\"{}/>", x, y, fill, dash);
  return fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"10\" height=\"10\" fill=\"{}\"{}/>", x - 5, y - 5,
                     fill, dash);
}

}  // namespace

double UpdateWindows::write_panels(std::string& shapes, svg::Page& page, double x0, double width,
                                   double y) const {
  const double top = y;
  for (size_t i = 0; i < windows_.size() && i < kMaxPanels; ++i)
    y += write_panel(shapes, page, windows_[i], i + 1, x0, width, y);
  if (count_ > static_cast<int64_t>(kMaxPanels)) {
    page.place({x0, y + 12, fmt::format("{} more update windows, drawn as bands only", count_ - static_cast<int64_t>(kMaxPanels)), 10, svg::Anchor::start, "#444"});
    y += 18;
  }
  return y - top;
}

// One window: a header line, the instants of its steps, the writer's lane, the coordinator's.
double UpdateWindows::write_panel(std::string& shapes, svg::Page& page, const Window& w, size_t number,
                                  double x0, double width, double y) const {
  const bool torn = w.kind == Kind::torn;
  std::string head = fmt::format("window {}: {} update from {} to {}", number, torn ? "torn" : "interleaved",
                                 d(w.open), w.close < 0 ? "the end" : d(w.close));
  if (!w.patch.empty()) head += ", PATCH " + w.patch;
  if (w.torn_reads > 0) head += fmt::format("; {} torn read{} (pink)", w.torn_reads, w.torn_reads == 1 ? "" : "s");
  else head += "; no torn read";
  if (w.steps_total > static_cast<int64_t>(w.steps.size()))
    head += fmt::format("; first {} of {} steps", w.steps.size(), w.steps_total);
  shapes += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"16\" fill=\"{}\" opacity=\"0.15\"/>\n",
                        x0, y, width, torn ? kTornColor : kWriterColor);
  page.place({x0 + 4, y + 12, svg::fit(head, 11, width - 8), 11, svg::Anchor::start, "#222", true});
  const size_t n = std::max<size_t>(1, w.steps.size());
  const double colw = std::min(120.0, width / static_cast<double>(n));
  // The instant of each step that does not share the previous one's, with a separator.
  const double ty = y + 30;
  for (size_t i = 0; i < w.steps.size(); ++i) {
    if (i > 0 && w.steps[i].at == w.steps[i - 1].at) continue;
    const double cx = x0 + colw * static_cast<double>(i);
    if (i > 0)
      shapes += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#bbb\"/>\n", cx,
                            ty - 9, ty + 4);
    page.try_place({cx + 3, ty, d(w.steps[i].at), 9, svg::Anchor::start, "#666"});
  }
  double lane_y = ty + 6;
  lane_y += write_lane(shapes, page, w, true, x0, colw, lane_y);
  lane_y += write_lane(shapes, page, w, false, x0, colw, lane_y);
  for (const std::string* line : {&w.after, &w.note})
    if (!line->empty()) {
      page.place({x0 + 4, lane_y + 11, svg::fit(*line, 10, width - 8), 10, svg::Anchor::start, "#444"});
      lane_y += 15;
    }
  return lane_y - y + 10;
}

// One side's lane: a glyph per step in its column, its label in the first tier where it fits
// (the full one, then the step alone); a label that fits nowhere is left to the tooltip.
double UpdateWindows::write_lane(std::string& shapes, svg::Page& page, const Window& w, bool writer,
                                 double x0, double colw, double y) const {
  page.place({x0 - 8, y + 14, writer ? "writer" : "coordinator", 10, svg::Anchor::end, "#333"});
  const double gy = y + 10;
  int tiers_used = 0;
  if (std::none_of(w.steps.begin(), w.steps.end(), [&](const Step& s) { return s.writer == writer; }))
    page.place({x0 + 4, gy + 4, writer ? "no writer step in the window" : "no coordinator step in the window", 10,
                svg::Anchor::start, "#888"});
  for (size_t i = 0; i < w.steps.size(); ++i) {
    const Step& s = w.steps[i];
    if (s.writer != writer) continue;
    const double cx = x0 + colw * (static_cast<double>(i) + 0.5);
    const std::string full = step_text(s);
    shapes += fmt::format("<g><title>{} at {}{}</title>{}</g>\n", json::xml_escape(full), d(s.at), s.torn ? " (torn: the pair mixed old and new)" : "",
                          glyph(s, cx, gy));
    const char* fill = writer ? kWriterColor : s.torn ? kTornColor : "#333";
    std::vector<svg::Text> candidates;
    for (const std::string* text : {&full, &s.label})
      for (int k = 0; k < kTiers; ++k)
        candidates.push_back({cx, gy + kGlyph + 10 + kTier * k, *text, 9.5, svg::Anchor::middle, fill});
    const int placed = page.place_first(candidates);
    if (placed >= 0) tiers_used = std::max(tiers_used, placed % kTiers + 1);
  }
  return kGlyph * 2 + 8 + kTier * tiers_used + 4;
}

}  // namespace ckptsim::analysis
