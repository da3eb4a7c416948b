// timeline.svg: a self-contained picture of a run that stays small (<= 2 MB) for any length.
//   - checkpoints as bars from trigger to end on a time axis, coloured by outcome (completed
//     green, expired red, other failures grey, in progress blue), each with its deadline on its
//     own row (a whisker from the bar's end); a moved deadline shows the original one dashed,
//     and a rescued checkpoint's bar is hatched past its original deadline;
//   - past kMaxBars checkpoints, fixed time bins with stacked counts per outcome, and per bin
//     the longest checkpoint against the longest timeout read;
//   - every failure as a tick (at pixel resolution); patches, torn reads, failovers, load and
//     storage changes as markers on their rows, labelled where a label fits (stacked in tiers,
//     then shortened; coincident markers of a kind merged into one with a count);
//   - each torn or interleaved update as a band over the checkpoints and a panel of its steps
//     (timeline_windows.hpp); a legend of what the picture shows.
// Every text goes through one svg::Page, so no two labels overlap.
// It is an Observer keeping compact state: at most kMaxBars bars, then fixed bins, plus
// per-pixel marker flags and the first few labelled markers of each kind.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "analysis/svg_text.hpp"
#include "analysis/timeline_windows.hpp"
#include "model/events.hpp"
#include "model/scenario.hpp"

namespace ckptsim::analysis {

class TimelineSvg : public model::Observer {
 public:
  static constexpr size_t kMaxBars = 400;
  static constexpr int kBins = 220;
  static constexpr int kPlotWidth = 1100;  // pixels of the time axis
  static constexpr size_t kMaxLabels = 40;  // labelled markers per kind

  // The time axis spans [from, to); by default the run, [0, duration).
  TimelineSvg(std::string name, uint64_t seed, sim::Duration duration);
  explicit TimelineSvg(const model::Scenario& s);
  TimelineSvg(const model::Scenario& s, sim::Time from, sim::Time to);

  void on_event(const model::DomainEvent& e) override;
  void write(std::ostream& out) const;

  bool binned() const { return binned_; }

  enum Outcome : uint8_t { completed = 0, expired = 1, other_failure = 2, in_progress = 3 };
  enum MarkerKind : uint8_t {
    patch_ok, patch_rejected, torn_read, failover, jm_failover, load, storage, job_failed,
    kMarkerKinds
  };

  struct Bar {
    int64_t id;
    sim::Time trigger, end;  // end -1: in progress
    sim::Time original_deadline, deadline;
    Outcome outcome;
    bool rescued;
    bool torn;  // its timeout was read from a half-visible pair
    model::FailureReason reason;
  };
  struct Marker {
    sim::Time at;
    std::string label, short_label;
  };
  // A span of the time axis and the x of an instant in it.
  struct Span {
    sim::Time from = 0, to = 1;
    double x(sim::Time t) const;
  };
  // Where the rows go: the lanes of the bars (reserved to each deadline when they fit).
  struct Layout {
    int lanes = 0;
    std::vector<int> lane_of;  // the lane of each bar drawn, in bars_ order (-1: not drawn)
    bool whiskers = true;      // lanes reserved to the deadlines
  };

 private:
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
  struct Canvas;  // the picture being drawn (timeline_layers.cpp)

  Layout layout(const Span& s) const;
  Span detail_span() const;  // binned: the span of the first incident's bars
  // The layers of write(), top to bottom; each advances the canvas' y.
  void write_title(Canvas& c) const;
  void write_bars(Canvas& c, const Span& s) const;
  void write_bar(Canvas& c, const Span& s, const Bar& b, double y, bool whisker) const;
  void write_histogram(Canvas& c, const std::vector<Bin>& bins) const;
  void write_longest(Canvas& c, const std::vector<Bin>& bins) const;
  void write_bands(Canvas& c, const Span& s, double top, double bottom) const;
  void write_failures(Canvas& c, const Span& s, bool from_bars) const;
  void write_markers(Canvas& c, const Span& s, bool overview) const;
  double write_marker_row(Canvas& c, const Span& s, int row, bool overview) const;
  void write_guides(Canvas& c, const Span& s, double top) const;
  void write_axis(Canvas& c, const Span& s) const;
  void write_detail(Canvas& c) const;
  void write_legend(Canvas& c) const;

  int pixel(sim::Time t) const;
  int bin_of(sim::Time t) const;
  void switch_to_bins();
  void add_to_bin(sim::Time trigger, Outcome o, sim::Duration duration, sim::Duration timeout);
  void mark(MarkerKind k, sim::Time at, std::string label, std::string short_label);
  void on_finished(const model::DomainEvent& e);
  void on_config_read(const model::events::ConfigRead& b, sim::Time at);
  void on_marker(const model::DomainEvent& e);
  void on_created(const model::events::CheckpointCreated& b, sim::Time at);
  void notable(sim::Time at);
  void drop_front_bars(size_t n);
  sim::Time begin() const { return from_; }
  sim::Time end() const;

  std::string name_;
  uint64_t seed_;
  sim::Duration duration_;
  sim::Time from_ = 0, to_ = -1;  // to_ -1: the run's end
  sim::Time last_at_ = 0;
  int64_t total_ = 0;
  std::array<int64_t, 4> totals_{};
  int64_t rescued_ = 0;

  bool binned_ = false;
  // The bars drawn: every checkpoint's, or once binned those of the first incident (the
  // detail): from a few before the first notable event (a failure, a rescue, a patch, a
  // failover, a torn read, a load or storage change) up to kMaxBars.
  std::vector<Bar> bars_;
  sim::Time first_notable_ = -1, last_notable_ = -1;  // the latter while the detail grows
  size_t first_notable_bar_ = 0;
  sim::Time detail_full_at_ = -1;  // the first checkpoint the detail had no room for
  std::map<int64_t, Pending> pending_;  // ordered: deterministic
  std::vector<Bin> bins_;

  std::vector<uint8_t> failure_px_;             // per pixel: bit 0 expired, bit 1 other failure
  std::vector<uint16_t> marker_px_;             // per pixel: bit k = MarkerKind k
  std::array<std::vector<Marker>, kMarkerKinds> labels_;
  std::array<int64_t, kMarkerKinds> marker_count_{};
  int64_t torn_id_ = -1;  // the checkpoint whose creation just read a torn pair
  UpdateWindows windows_;
};

inline void write_timeline_svg(std::ostream& out, const TimelineSvg& t) { t.write(out); }

}  // namespace ckptsim::analysis
