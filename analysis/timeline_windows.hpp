// The windows of timeline.svg: each torn update (`apply: torn`, its two writes `tear.gap`
// apart) and each interleaved one (`apply: interleaved`, its step-taken events up to
// window-closed), folded from the events into the writer's steps and the coordinator's steps
// in the window, with what each read and whether it was torn. timeline.svg draws each as a
// band over the checkpoints and, below the time axis, as a panel of its own: one column per
// step in order, the writer's row above the coordinator's.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "analysis/svg_text.hpp"
#include "model/events.hpp"

namespace ckptsim::analysis {

class UpdateWindows {
 public:
  static constexpr size_t kMaxPanels = 4;   // windows drawn as panels (the first ones)
  static constexpr size_t kMaxSteps = 40;   // steps kept per panel
  static constexpr size_t kMaxBands = 2000; // windows kept as bands

  enum class Kind : uint8_t { torn, interleaved };
  struct Step {
    sim::Time at = 0;
    bool writer = false;
    bool torn = false;    // it read a half-visible pair
    bool nested = false;  // a coordinator step inside a writer's step
    std::string label;    // "W:interval", "tick", "create #2", "expire #2"
    std::string value;    // "=5min" (written), "→5min" (read), "tick@30min" (a follow-up)
  };
  struct Window {
    Kind kind = Kind::torn;
    sim::Time open = 0, close = -1;  // close -1: still open at the end of the run
    std::string patch;               // the body: "checkpointInterval=5min checkpointTimeout=10min"
    std::vector<Step> steps;         // the first kMaxSteps (panels only)
    int64_t steps_total = 0;
    int64_t torn_reads = 0;
    std::string after;  // interleaved: the coordinator's state once the window closed
    std::string note;   // how it ended when not as planned
  };

  void on_event(const model::DomainEvent& e);

  const std::vector<Window>& windows() const { return windows_; }
  int64_t count() const { return count_; }  // every window of the run
  bool any() const { return count_ > 0; }

  // Draws the panels from `y` (the plot spans [x0, x0 + width]); returns the height used.
  double write_panels(std::string& shapes, svg::Page& page, double x0, double width, double y) const;

 private:
  struct PatchSeen {
    sim::Time at = -1;
    std::string body;
    bool interval = false, timeout = false;
  };
  struct OpenTorn {
    size_t window;     // index in windows_, or kMaxBands when only counted
    bool wrote_interval;
  };
  Window* open_window(Kind k, sim::Time at);
  Window* window(size_t index) { return index < windows_.size() ? &windows_[index] : nullptr; }
  void add_step(size_t index, Step s);
  void on_written(const model::events::ConfigWritten& b, sim::Time at);
  void on_read(const model::events::ConfigRead& b, sim::Time at);
  void follow_up(sim::Time at, const std::string& what);
  void close(size_t index, sim::Time at, std::string note);
  double write_panel(std::string& shapes, svg::Page& page, const Window& w, size_t number,
                     double x0, double width, double y) const;
  double write_lane(std::string& shapes, svg::Page& page, const Window& w, bool writer,
                    double x0, double colw, double y) const;

  std::vector<Window> windows_;
  int64_t count_ = 0;
  PatchSeen patch_;
  std::deque<OpenTorn> torn_;       // torn updates whose second write is still to come
  size_t interleaved_ = SIZE_MAX;   // the open interleaved window's index (SIZE_MAX: none)
  bool interleaved_open_ = false;
  size_t closed_ = SIZE_MAX;  // the torn window the last second write closed, and when
  sim::Time closed_at_ = -1;
};

}  // namespace ckptsim::analysis
