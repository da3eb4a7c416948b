// Pins analysis/svg_text.cpp: the text widths and the page that refuses overlapping labels.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <string>

#include "analysis/svg_text.hpp"
#include "svg_fixture.hpp"

using namespace ckptsim;
using ckptsim::testing::first_overlap;
namespace svg = analysis::svg;

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
