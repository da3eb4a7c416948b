// timeline.svg: a self-contained picture of a run that stays small (<= 2 MB) for any length.
//   - checkpoints as bars from trigger to end on a time axis, coloured by outcome (completed
//     green, expired red, other failures grey, in progress blue), with their deadline ticks
//     (the original deadline dashed when a patch moved it);
//   - past kMaxBars checkpoints, fixed time bins over [0, duration) with stacked counts per
//     outcome, and per bin the longest checkpoint against the longest timeout read;
//   - every failure as a tick (at pixel resolution), every patch, failover, load and storage
//     change as a marker; a legend.
// It is an Observer keeping compact state: at most kMaxBars bars, then fixed bins, plus
// per-pixel marker flags and the first few labelled markers of each kind.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "model/events.hpp"
#include "model/scenario.hpp"

namespace ckptsim::analysis {

class TimelineSvg : public model::Observer {
 public:
  static constexpr size_t kMaxBars = 400;
  static constexpr int kBins = 220;
  static constexpr int kPlotWidth = 1100;  // pixels of the time axis
  static constexpr size_t kMaxLabels = 40;  // labelled markers per kind

  TimelineSvg(std::string name, uint64_t seed, sim::Duration duration);
  explicit TimelineSvg(const model::Scenario& s);

  void on_event(const model::DomainEvent& e) override;
  void write(std::ostream& out) const;

  bool binned() const { return binned_; }

  enum Outcome : uint8_t { completed = 0, expired = 1, other_failure = 2, in_progress = 3 };
  enum MarkerKind : uint8_t {
    patch_ok, patch_rejected, failover, jm_failover, load, storage, job_failed, kMarkerKinds
  };

 private:
  struct Bar {
    int64_t id;
    sim::Time trigger, end;  // end -1: in progress
    sim::Time original_deadline, deadline;
    Outcome outcome;
    bool rescued;
    model::FailureReason reason;
  };
  struct Pending {
    sim::Time trigger;
    sim::Duration timeout;
    size_t bar;  // index in bars_ (bars mode)
  };
  struct Bin {
    std::array<int64_t, 4> count{};
    sim::Duration max_duration = 0;  // longest finished checkpoint triggered in the bin
    sim::Duration max_timeout = 0;   // longest timeout read by one of them
  };
  struct Marker {
    sim::Time at;
    std::string label;
  };

  // Where the rows go: the lanes of the bars, then the y of each row below the panel.
  struct Layout {
    int lanes = 0;
    std::vector<int> lane_of;  // the lane of each bar
    double fail_y = 0, marker_y = 0, axis_y = 0, legend_y = 0, height = 0;
  };
  Layout layout() const;
  double x_of(sim::Time t) const;  // the x of an instant on the time axis
  // The layers of write(), from back to front.
  void write_title(std::string& o, const Layout& l) const;
  void write_guides(std::string& o, const Layout& l) const;
  void write_bars(std::string& o, const Layout& l) const;
  void write_histogram(std::string& o, const std::vector<Bin>& bins) const;
  void write_longest(std::string& o, const std::vector<Bin>& bins) const;
  void write_failures(std::string& o, const Layout& l) const;
  void write_markers(std::string& o, const Layout& l) const;
  void write_axis(std::string& o, const Layout& l) const;
  void write_legend(std::string& o, const Layout& l) const;

  int pixel(sim::Time t) const;
  int bin_of(sim::Time t) const;
  void switch_to_bins();
  void add_to_bin(sim::Time trigger, Outcome o, sim::Duration duration, sim::Duration timeout);
  void mark(MarkerKind k, sim::Time at, std::string label);
  sim::Time end() const;

  std::string name_;
  uint64_t seed_;
  sim::Duration duration_;
  sim::Time last_at_ = 0;
  int64_t total_ = 0;
  std::array<int64_t, 4> totals_{};
  int64_t rescued_ = 0;

  bool binned_ = false;
  std::vector<Bar> bars_;
  std::map<int64_t, Pending> pending_;  // ordered: deterministic
  std::vector<Bin> bins_;

  std::vector<uint8_t> failure_px_;             // per pixel: bit 0 expired, bit 1 other failure
  std::vector<uint8_t> marker_px_;              // per pixel: bit k = MarkerKind k
  std::array<std::vector<Marker>, kMarkerKinds> labels_;
  std::array<int64_t, kMarkerKinds> marker_count_{};
};

inline void write_timeline_svg(std::ostream& out, const TimelineSvg& t) { t.write(out); }

}  // namespace ckptsim::analysis
