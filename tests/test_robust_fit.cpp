#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "analysis/robust_fit.hpp"
#include "analysis/upload_jitter_fit.hpp"

using namespace ckptsim::analysis;

namespace {

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

}  // namespace

TEST_CASE("Theil-Sen: points on a line give the line exactly") {
  std::vector<FitPoint> pts;
  for (int64_t x = 0; x < 7; ++x) pts.push_back({x * 1000, 5000 + 3 * x * 1000});
  auto fit = theil_sen(pts);
  REQUIRE(fit);
  CHECK(fit->slope == 3.0);
  CHECK(fit->intercept == 5000.0);
  CHECK(fit->pairs == 21);
  CHECK(fit->slope_q25 == 3.0);
  CHECK(fit->slope_q75 == 3.0);
  for (double r : fit->residuals) CHECK(r == 0.0);
}

TEST_CASE("Theil-Sen: two wild outliers among nine points do not move the line") {
  // y = 100 + 2x on nine points, two of them (x = 3, 7) replaced by far-off values. Least squares
  // would tilt; the median of the 36 pairwise slopes stays 2 (the 15 untouched pairs... and enough
  // of the mixed ones): hand-checked by listing the slopes.
  std::vector<FitPoint> pts;
  for (int64_t x = 0; x < 9; ++x) pts.push_back({x, 100 + 2 * x});
  pts[3].y = 100000;
  pts[7].y = -50000;
  auto fit = theil_sen(pts);
  REQUIRE(fit);
  CHECK(fit->slope == 2.0);
  CHECK(fit->intercept == 100.0);
  CHECK(fit->residuals[0] == 0.0);
  CHECK(fit->residuals[3] == 100000.0 - 106.0);
  // Least squares on the same points is far off (the rule the robust fit exists for).
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const FitPoint& p : pts) {
    sx += static_cast<double>(p.x);
    sy += static_cast<double>(p.y);
    sxx += static_cast<double>(p.x * p.x);
    sxy += static_cast<double>(p.x) * static_cast<double>(p.y);
  }
  const double ols = (9 * sxy - sx * sy) / (9 * sxx - sx * sx);
  CHECK(std::fabs(ols - 2.0) > 1000);
}

TEST_CASE("Theil-Sen: medians of odd and even counts, and points of equal x") {
  // Three points: slopes (0,0)-(1,1) = 1, (0,0)-(2,6) = 3, (1,1)-(2,6) = 5: odd, median 3.
  auto odd = theil_sen({{0, 0}, {1, 1}, {2, 6}});
  REQUIRE(odd);
  CHECK(odd->slope == 3.0);
  // A tie at x = 2: the pair of equal x is left out, five slopes remain: 1, 3, 4, 5, 7.
  auto tie = theil_sen({{0, 0}, {1, 1}, {2, 6}, {2, 8}});
  REQUIRE(tie);
  CHECK(tie->pairs == 5);
  CHECK(tie->slope == 4.0);
  // y = x^2 on x = 0, 1, 2, 4: slopes are x_i + x_j = 1, 2, 4, 3, 5, 6: even, (3 + 4) / 2.
  auto even = theil_sen({{0, 0}, {1, 1}, {2, 4}, {4, 16}});
  REQUIRE(even);
  CHECK(even->slope == 3.5);
  // offsets y - 3.5 x: 0, -2.5, -3, 2 -> median (-2.5 + 0) / 2
  CHECK(even->intercept == -1.25);
  CHECK(even->slope_q25 == 2.0);  // nearest rank: the 2nd of 6
  CHECK(even->slope_q75 == 5.0);  // the 5th of 6
  // Two points: one slope.
  auto two = theil_sen({{0, 10}, {4, 12}});
  REQUIRE(two);
  CHECK(two->slope == 0.5);
  CHECK(two->intercept == 10.0);
}

TEST_CASE("Theil-Sen: equal slopes written as different fractions are one value") {
  // Every pair has slope 1/3 exactly (1/3, 2/6, 3/9, ...): one value, so its quartiles agree.
  auto fit = theil_sen({{0, 0}, {3, 1}, {6, 2}, {9, 3}, {30, 10}});
  REQUIRE(fit);
  CHECK(fit->slope == 1.0 / 3);
  CHECK(fit->slope_q25 == fit->slope_q75);
  CHECK(fit->intercept == doctest::Approx(0.0));
}

TEST_CASE("Theil-Sen: no slope without two distinct x") {
  CHECK_FALSE(theil_sen({}));
  CHECK_FALSE(theil_sen({{5, 1}}));
  CHECK_FALSE(theil_sen({{5, 1}, {5, 9}, {5, 4}}));
  CHECK_THROWS(theil_sen({{int64_t{1} << 62, 0}, {0, 0}}));
}

TEST_CASE("Theil-Sen: the same points in any order give bit-identical fits") {
  std::vector<FitPoint> pts;
  uint64_t s = 12345;
  for (int i = 0; i < 40; ++i) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    const int64_t x = static_cast<int64_t>(s >> 40) % 1000000007;
    pts.push_back({x, 2000000 + x / 7 + static_cast<int64_t>((s >> 20) % 9973)});
  }
  auto a = theil_sen(pts);
  std::reverse(pts.begin(), pts.end());
  std::rotate(pts.begin(), pts.begin() + 13, pts.end());
  auto b = theil_sen(pts);
  REQUIRE(a);
  REQUIRE(b);
  CHECK(same_bits(a->slope, b->slope));
  CHECK(same_bits(a->intercept, b->intercept));
  CHECK(same_bits(a->slope_q25, b->slope_q25));
  CHECK(same_bits(a->slope_q75, b->slope_q75));
}

TEST_CASE("quantiles: type 7 interpolation, nearest rank and the robust stddev") {
  CHECK(quantile({1, 2, 3, 4}, 0.5) == 2.5);
  CHECK(quantile({4, 1, 3, 2}, 0.0) == 1.0);
  CHECK(quantile({4, 1, 3, 2}, 1.0) == 4.0);
  CHECK(quantile({10, 20, 30, 40, 50}, 0.9) == doctest::Approx(46.0));
  CHECK(nearest_rank({5, 1, 4, 2, 3}, 0.5) == 3);
  CHECK(nearest_rank({1, 2, 3, 4}, 0.5) == 2);
  CHECK(nearest_rank({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.9) == 9);
  CHECK(nearest_rank({7}, 0.0) == 7);
  CHECK(robust_stddev({1, 2, 3, 4, 100}) == doctest::Approx(1.4826));
  CHECK(robust_stddev({}) == 0.0);
}

TEST_CASE("upload jitter: one upload's delay is the checkpoint's, so the spread is matched") {
  // Residuals p10/p50/p90 of -50/0/+150 ms: with a single upload E is the jitter itself.
  auto fit = fit_upload_jitter(-50000, 0, 150000, {1000000}, 1.0, 7);
  REQUIRE(fit);
  CHECK(fit->e90_us - fit->e50_us == doctest::Approx(150000).epsilon(0.01));
  CHECK(fit->shift_us == doctest::Approx(-fit->e50_us));
  // The sigma is the grid's best at p10: whatever it is, the p10 error is what it reports.
  CHECK(fit->p10_error_us == doctest::Approx(std::fabs(fit->shift_us + fit->e10_us + 50000)));
  // Deterministic for a seed.
  auto again = fit_upload_jitter(-50000, 0, 150000, {1000000}, 1.0, 7);
  REQUIRE(again);
  CHECK(same_bits(fit->median_us, again->median_us));
  CHECK(fit->sigma == again->sigma);
}

TEST_CASE("upload jitter: many large uploads hide a delay, so each upload needs a larger one") {
  // 16 uploads of 100 MB at 100 MB/s (0.1 byte/us): 16 s of bandwidth. A delayed upload is
  // hidden while the others still have work, so the per-upload jitter that shows a 150 ms spread
  // must be larger than the single-upload one.
  auto one = fit_upload_jitter(-50000, 0, 150000, {100000000}, 100.0, 7);
  auto many = fit_upload_jitter(-50000, 0, 150000, std::vector<int64_t>(16, 100000000), 100.0, 7);
  REQUIRE(one);
  REQUIRE(many);
  CHECK(many->e90_us - many->e50_us == doctest::Approx(150000).epsilon(0.02));
  CHECK(many->median_us > one->median_us);
}

TEST_CASE("upload jitter: no spread above the median, no jitter") {
  CHECK_FALSE(fit_upload_jitter(-10, 0, 0, {1000}, 1.0, 7));
  CHECK_FALSE(fit_upload_jitter(-10, 5, 1, {1000}, 1.0, 7));
  CHECK_FALSE(fit_upload_jitter(-10, 0, 10, {}, 1.0, 7));
}
