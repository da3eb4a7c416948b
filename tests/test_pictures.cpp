// Pins the pictures' structure: analysis/svg_text.cpp (widths and the label page),
// timeline_svg.cpp, timeline_layers.cpp and timeline_windows.cpp (no two texts overlap in any
// library scenario's timeline; a torn and an interleaved update drawn as their windows with
// every step; deadlines on their own checkpoint's row; a rescued checkpoint's original
// deadline; the binned view's detail of the first incident; the 2 MB bound), and
// plot_svg.cpp with cli/sweep_table.cpp's write_plot (the y axis in the metric's unit,
// confidence intervals clipped to its range, legends humanised).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "analysis/plot_svg.hpp"
#include "analysis/recorder.hpp"
#include "analysis/svg_text.hpp"
#include "analysis/timeline_svg.hpp"
#include "cli/loader.hpp"
#include "cli/session.hpp"
#include "cli/sweep_table.hpp"
#include "svg_fixture.hpp"

using namespace ckptsim;
using ckptsim::testing::first_overlap;
using ckptsim::testing::texts_named;
namespace ev = model::events;
namespace svg = analysis::svg;
using sim::kMinute;
using sim::kSecond;

namespace {

const std::string kSource = CKPTSIM_SOURCE_DIR;
constexpr double kX0 = 90, kPlot = analysis::TimelineSvg::kPlotWidth;

std::string timeline_of(const model::Scenario& s) {
  analysis::Recorder rec(s);
  analysis::TimelineSvg svg(s);
  model::Fanout fan;
  fan.add(rec);
  fan.add(svg);
  cli::simulate(s, fan, false);
  std::ostringstream out;
  svg.write(out);
  return out.str();
}

std::string timeline_of(const std::string& path, const std::vector<std::string>& sets = {}) {
  auto loaded = cli::load_or_report(path, sets, std::nullopt);
  REQUIRE(loaded);
  return timeline_of(loaded->scenario);
}

bool has(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }

// The bars of a timeline: each checkpoint's group, its rect and its deadline tick.
struct BarSeen {
  int64_t id;
  double x, y, w;
  std::optional<double> deadline_x, deadline_y0, deadline_y1;
  std::string group;
};

std::vector<BarSeen> bars_of(const std::string& svg) {
  std::vector<BarSeen> out;
  const std::regex group(R"re(<g><title>checkpoint (\d+):[^<]*</title>(.*?)</g>)re");
  const std::regex rect(R"re(<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)")re");
  const std::regex tick(R"re(<line x1="([\d.]+)" y1="([\d.]+)" x2="[\d.]+" y2="([\d.]+)" stroke="#111" stroke-width="1.5"/>)re");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), group); it != std::sregex_iterator(); ++it) {
    BarSeen b{std::stoll((*it)[1]), 0, 0, 0, {}, {}, {}, (*it)[2]};
    std::smatch m;
    if (std::regex_search(b.group, m, rect)) b.x = std::stod(m[1]), b.y = std::stod(m[2]), b.w = std::stod(m[3]);
    if (std::regex_search(b.group, m, tick))
      b.deadline_x = std::stod(m[1]), b.deadline_y0 = std::stod(m[2]), b.deadline_y1 = std::stod(m[3]);
    out.push_back(b);
  }
  return out;
}

}  // namespace

TEST_CASE("text widths are DejaVu Sans' advance widths; fit() shortens with an ellipsis") {
  // P A T C H space 2 0 0: 604 685 611 699 752 318 637 637 637 thousandths of an em.
  CHECK(svg::text_width("PATCH 200", 10) == doctest::Approx(55.8));
  CHECK(svg::text_width("PATCH 200", 10, true) > svg::text_width("PATCH 200", 10));
  CHECK(svg::text_width("→", 10) == doctest::Approx(10));  // beyond ASCII: one em
  CHECK(svg::fit("checkpointTimeout", 10, 1000) == "checkpointTimeout");
  const std::string cut = svg::fit("checkpointTimeout", 10, 40);
  CHECK(cut == "check…");
  CHECK(svg::text_width(cut, 10) <= 40);
  CHECK(svg::fit("checkpointTimeout", 10, 5) == "");
}

TEST_CASE("the page refuses a label whose box overlaps a placed one") {
  svg::Page page(200);
  CHECK(page.try_place({10, 20, "first", 10}));
  CHECK_FALSE(page.try_place({20, 22, "second", 10}));           // over "first"
  CHECK(page.place_first({{20, 22, "second", 10}, {20, 40, "second", 10}}) == 1);
  CHECK_FALSE(page.try_place({190, 60, "past the right edge", 10}));
  const svg::Box b = svg::text_box({100, 100, "up", 10, svg::Anchor::middle, "", false, true});
  CHECK(b.x0 == doctest::Approx(92.4));  // a vertical text's ascent points left
  CHECK(b.y1 - b.y0 == doctest::Approx(svg::text_width("up", 10)));
  CHECK(first_overlap(page.svg()).empty());
}

TEST_CASE("no two texts overlap in the timeline of any library scenario, each under 2 MB") {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(kSource + "/scenarios"))
    if (e.path().extension() == ".yaml") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 15);
  for (const std::string& f : files) {
    INFO(f);
    const std::string s = timeline_of(f);
    CHECK(first_overlap(s) == "");
    CHECK(s.size() < 2'000'000);
  }
  for (const auto& [file, sets] : std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"bench/scenarios/chain.yaml", {"duration=10d"}}, {"bench/scenarios/p128.yaml", {}}}) {
    INFO(file);
    const std::string s = timeline_of(kSource + "/" + file, sets);
    CHECK(first_overlap(s) == "");
    CHECK(s.size() < 2'000'000);
  }
}

TEST_CASE("a torn update is drawn as its window: both writes and each torn observation") {
  // torn-interval-first.yaml: the interval is written at 25 min, the timeout 12 min later;
  // the tick at 30 min and checkpoint 2 read the mixed pair, and 2 expires at 33 min.
  const std::string s = timeline_of(kSource + "/scenarios/torn-interval-first.yaml");
  CHECK(first_overlap(s) == "");
  CHECK(has(s, ">window 1: torn update from 25min to 37min, PATCH checkpointInterval=5min "
               "checkpointTimeout=10min; 4 torn reads (pink)</text>"));
  // The writer's lane: both writes with their follow-ups; the coordinator's: each read.
  CHECK(texts_named(s, "W:interval=5min, tick@30min").size() == 1);
  CHECK(texts_named(s, "W:timeout=10min, #3 due 44min10s").size() == 1);
  CHECK(texts_named(s, "create #2→3min").size() == 1);
  CHECK_FALSE(has(s, "no coordinator step in the window"));
  CHECK(texts_named(s, "expire #2").size() == 1);
  CHECK(texts_named(s, "tick→5min").size() == 2);
  CHECK(has(s, "<title>tick→5min at 30min (torn: the pair mixed old and new)</title>"));
  // The band over the checkpoints from 25 to 37 min, and the torn reads' markers.
  CHECK(has(s, fmt::format("<rect x=\"{:.1f}\" y=", kX0 + kPlot * 25 / 120)));
  CHECK(has(s, "torn: tick read interval 5min with timeout 3min at 30.0 min"));
  CHECK(has(s, "torn: checkpoint 2 read interval 5min with timeout 3min at 30.0 min"));
  // Checkpoint 2's bar carries the torn mark.
  for (const auto& b : bars_of(s))
    if (b.id == 2) CHECK(has(b.group, "fill=\"#e7298a\""));
}

TEST_CASE("an interleaved update: the window and each step, writer against coordinator") {
  auto loaded = cli::load_scenario_file(kSource + "/scenarios/explore/flip-review.yaml", {});
  REQUIRE(std::holds_alternative<cli::LoadedScenario>(loaded));
  model::Scenario sc = std::get<cli::LoadedScenario>(loaded).scenario;
  auto& patch = std::get<model::PatchRequest>(sc.events.at(1).what);
  // `ckptsim explore --window 30min --emit` wrote this interleaving of the volatile design:
  // the interval and the timeout written at once, their follow-ups 30 min later.
  patch.apply = model::PatchApply::interleaved;
  patch.design = "volatile";
  patch.steps = model::find_design("volatile", {})->steps;
  for (const char* step : {"tick", "W:interval", "W:timeout", "create", "tick", "L:rearm+reschedule", "create"})
    patch.order.push_back(*model::parse_step_label(step));
  patch.window = 30 * kMinute;
  const std::string s = timeline_of(sc);
  CHECK(first_overlap(s) == "");
  CHECK(has(s, ">window 1: interleaved update from 31min to 1h1min, PATCH checkpointInterval=5min "
               "checkpointTimeout=10min; 1 torn read (pink)</text>"));
  for (const char* writer : {"W:interval=5min", "W:timeout=10min", "L:rearm+reschedule"})
    CHECK(texts_named(s, writer).size() == 1);
  CHECK(texts_named(s, "tick→30min").size() == 1);
  CHECK(texts_named(s, "create #2→10min").size() == 1);
  CHECK(texts_named(s, "tick→5min").size() == 1);
  CHECK(texts_named(s, "create #3→10min").size() == 1);
  CHECK(has(s, ">after the window: interval 5min, timeout 10min, next tick 1h6min, #3 due 1h11min</text>"));
  // Writer glyphs sit on the writer's row, above the coordinator's.
  const auto w = texts_named(s, "writer"), c = texts_named(s, "coordinator");
  REQUIRE(w.size() == 1);
  REQUIRE(c.size() == 1);
  CHECK(w[0].y < c[0].y);
  CHECK(texts_named(s, "W:interval=5min")[0].y < c[0].y);
  CHECK(texts_named(s, "tick→30min")[0].y > c[0].y);
}

TEST_CASE("each deadline is drawn on its own checkpoint's row; a rescued one shows the original") {
  for (const char* f : {"rescue-near-complete.yaml", "failure-loop-patched.yaml", "jobmanager-failover-lost.yaml"}) {
    INFO(f);
    const std::string s = timeline_of(kSource + "/scenarios/" + f);
    const auto bars = bars_of(s);
    REQUIRE(bars.size() > 10);
    CHECK_FALSE(has(s, "deadlines not drawn"));  // every lane held to its bars' deadlines
    for (const BarSeen& b : bars) {
      if (!b.deadline_x) continue;
      INFO("checkpoint " << b.id);
      CHECK(*b.deadline_y0 == doctest::Approx(b.y - 2));   // the tick spans the bar's own row
      CHECK(*b.deadline_y1 == doctest::Approx(b.y + 13));
      for (const BarSeen& o : bars)  // and no other bar of that row starts before it
        if (o.id != b.id && o.y == b.y) CHECK_FALSE((o.x > b.x + b.w && o.x < *b.deadline_x));
    }
  }
  // rescue-near-complete: checkpoint 7 (trigger 31 min) would have expired at 41 min; the
  // patch at 40 min moved its deadline to 61 min, and it completed just after 41 min.
  const std::string s = timeline_of(kSource + "/scenarios/rescue-near-complete.yaml");
  bool seen = false;
  for (const BarSeen& b : bars_of(s))
    if (b.id == 7) {
      seen = true;
      const double x41 = kX0 + kPlot * 41 / 180, x61 = kX0 + kPlot * 61 / 180;
      CHECK(has(b.group, fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\"", x41, b.y - 3)));
      CHECK(has(b.group, "stroke=\"#b35806\""));         // the original deadline, dashed
      CHECK(has(b.group, "fill=\"url(#rescued)\""));     // the bar past it, hatched
      CHECK(*b.deadline_x == doctest::Approx(x61).epsilon(0.001));
    }
  CHECK(seen);
  CHECK(texts_named(s, "rescued: past its original deadline").size() == 1);
}

TEST_CASE("a binned 30-day view spreads the first incident over its own axis") {
  const std::string s = timeline_of(kSource + "/scenarios/failure-loop-patched.yaml", {"duration=30d"});
  CHECK(first_overlap(s) == "");
  CHECK(has(s, "binned by trigger time, 3.27 h per bin"));
  CHECK(has(s, ">detail: the first incident, 0 to "));
  // The patch at 2 h: at x 90 + 1100 × 2h / 30d (the left edge) on the overview, and past the
  // detail's middle (its span ends a little after the failovers and the rescue).
  const auto patch = texts_named(s, "PATCH 200 checkpointTimeout=20min");
  REQUIRE(patch.size() == 2);
  CHECK(patch[0].x < kX0 + 10);
  CHECK(patch[1].x > kX0 + kPlot / 2);
  CHECK(has(s, "<title>checkpoint 12: COMPLETED (rescued)"));
  CHECK(texts_named(s, "failover (checkpoint-failures)").size() == 1);  // said once, not per marker
}

TEST_CASE("a timeline of a span of the run: the axis and the bars over [from, to)") {
  model::Scenario sc;
  sc.name = "span";
  sc.duration = 3 * sim::kHour;
  analysis::TimelineSvg t(sc, sim::kHour, 2 * sim::kHour);
  t.on_event({90 * kMinute, ev::CheckpointCreated{5, 10 * kMinute, 100 * kMinute}});
  ev::CheckpointCompleted c{};
  c.id = 5;
  c.deadline = c.original_deadline = 100 * kMinute;
  t.on_event({96 * kMinute, c});
  std::ostringstream out;
  t.write(out);
  const std::string s = out.str();
  CHECK(has(s, "shown: 1.00 h to 2.00 h"));
  CHECK(texts_named(s, "60").size() == 1);   // the first tick, in minutes
  CHECK(texts_named(s, "120").size() == 1);
  const auto bars = bars_of(s);
  REQUIRE(bars.size() == 1);
  CHECK(bars[0].x == doctest::Approx(kX0 + kPlot / 2));
  CHECK(*bars[0].deadline_x == doctest::Approx(kX0 + kPlot * 40 / 60).epsilon(0.001));
}

TEST_CASE("timeline.svg stays under 2 MB with 10^5 checkpoints and a torn update every hour") {
  model::Scenario sc;
  sc.name = "large";
  sc.duration = 100000 * 30 * kSecond;
  analysis::TimelineSvg t(sc);
  auto send = [&](sim::Time at, model::EventBody b) { t.on_event({at, std::move(b)}); };
  for (int64_t id = 1; id <= 100000; ++id) {
    const sim::Time at = (id - 1) * 30 * kSecond;
    if (id % 120 == 1) {  // a torn patch, its first write, a torn read, its second write
      send(at, ev::PatchAnswered{200, "", {{"checkpointInterval", "30s", true}, {"checkpointTimeout", "20s", true}},
                                 30 * kSecond, 20 * kSecond});
      send(at, ev::ConfigWritten{true, false, 30 * kSecond, 15 * kSecond});
      send(at, ev::ConfigRead{model::ConfigReader::pending_checkpoint, 30 * kSecond, 15 * kSecond, true, id});
    }
    send(at, ev::CheckpointCreated{id, 15 * kSecond, at + 15 * kSecond});
    if (id % 120 == 1) send(at + kSecond, ev::ConfigWritten{false, true, 30 * kSecond, 20 * kSecond});
    if (id % 7 == 0) {
      ev::CheckpointFailed f{};
      f.id = id;
      f.reason = model::FailureReason::CHECKPOINT_EXPIRED;
      send(at + 15 * kSecond, f);
      send(at + 15 * kSecond, ev::FailoverStarted{model::FailoverCause::checkpoint_failures, kSecond, id - 1, true});
    } else {
      ev::CheckpointCompleted c{};
      c.id = id;
      c.deadline = at + 15 * kSecond;
      c.original_deadline = c.deadline;
      send(at + 10 * kSecond, c);
    }
  }
  std::ostringstream out;
  t.write(out);
  const std::string s = out.str();
  CHECK(t.binned());
  CHECK(s.size() < 2'000'000);
  CHECK(first_overlap(s) == "");
  CHECK(has(s, "834 update windows (torn or interleaved)"));
  CHECK(has(s, ">830 more update windows, drawn as bands only</text>"));
}

TEST_CASE("plot: the y axis in the unit, intervals clipped to the range, uncapped where clipped") {
  analysis::Plot p;
  p.title = "t";
  p.x_label = "x";
  p.y_label = "final lag";
  p.y_unit = analysis::PlotUnit::milliseconds;
  p.y_floor = 0;
  p.series.push_back({"", {{1, 60000, -30000, 150000}, {2, 120000, 90000, 150000}}});
  std::ostringstream out;
  analysis::write_plot_svg(out, p);
  const std::string s = out.str();
  CHECK(first_overlap(s) == "");
  CHECK(texts_named(s, "final lag (min)").size() == 1);
  CHECK(texts_named(s, "2.5").size() == 1);  // 150000 ms on a minute scale
  const auto zero = texts_named(s, "0");     // the axis starts at the floor, not below it
  REQUIRE(zero.size() == 1);
  CHECK(zero[0].y == doctest::Approx(484));
  // No mark goes below the axis' 0 (y 480): the first bar ends there, without its cap.
  const std::regex ys(R"re((?:cy|y1|y2)="([\d.]+)"|[ML][\d.]+,([\d.]+))re");
  for (auto it = std::sregex_iterator(s.begin(), s.end(), ys); it != std::sregex_iterator(); ++it)
    CHECK(std::stod((*it)[1].matched ? (*it)[1].str() : (*it)[2].str()) <= 480.0 + 1e-9);
  CHECK(has(s, "L"));
  CHECK(has(s, "clipped to the quantity's range (uncapped ends)"));
  std::smatch m;
  REQUIRE(std::regex_search(s, m, std::regex(R"re(<path d="(M[\d.]+,480.0 L[^"]*)" stroke=)re")));
  const std::string bar = m[1].str();
  CHECK(std::count(bar.begin(), bar.end(), 'M') == 2);  // the line and the top cap
}

TEST_CASE("sweep plot: humanised legend and ticks, the metric's unit on the y axis") {
  cli::RunTable t;
  t.header = cli::run_header({{"duration", {"1h", "1h2min"}}, {"job.operators.1.capacity", {"10500000B/s", "20MB/s"}}});
  const size_t lag = std::find(t.header.begin(), t.header.end(), "final_lag") - t.header.begin();
  int64_t run = 0;
  for (int point = 0; point < 4; ++point)
    for (int r = 0; r < 3; ++r) {
      std::vector<std::string> row(t.header.size(), "0");
      row[0] = std::to_string(run++), row[1] = std::to_string(point), row[2] = std::to_string(r);
      row[4] = point < 2 ? "1h" : "1h2min";
      row[5] = point % 2 ? "20MB/s" : "10500000B/s";
      row[t.fingerprint_column()] = "0123456789abcdef";
      row[t.fingerprint_column() + 1] = "RUNNING";
      row[lag] = r == 2 ? "120000" : "0";  // a mean of 40 s whose interval reaches below 0
      t.rows.push_back(row);
    }
  std::ostringstream out;
  cli::write_plot(out, t, "final_lag", "lag", {});
  const std::string s = out.str();
  CHECK(first_overlap(s) == "");
  CHECK(texts_named(s, "capacity 10.5 MB/s").size() == 1);
  CHECK(texts_named(s, "capacity 20 MB/s").size() == 1);
  CHECK(texts_named(s, "1h2min").size() == 1);
  CHECK(texts_named(s, "duration").size() == 1);
  CHECK(texts_named(s, "final lag (min)").size() == 1);
  CHECK(has(s, "clipped to the quantity's range"));
}
