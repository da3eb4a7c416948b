// Pins analysis/svg_text.cpp (the text widths and the page that refuses overlapping labels)
// and plot_svg.cpp with cli/sweep_table.cpp's write_plot (the y axis in the metric's unit,
// confidence intervals clipped to its range, legends humanised).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/plot_svg.hpp"
#include "analysis/svg_text.hpp"
#include "cli/sweep_table.hpp"
#include "svg_fixture.hpp"

using namespace ckptsim;
using ckptsim::testing::first_overlap;
using ckptsim::testing::texts_named;
namespace svg = analysis::svg;

namespace {
bool has(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }
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
