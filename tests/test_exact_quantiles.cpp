// Pins analysis/exact_quantiles.cpp: nearest-rank percentiles, the online fold with its exact
// histogram (batched merge, distinct limit) and the radix selection, each against a sort.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>
#include <limits>
#include <vector>

#include "analysis/exact_quantiles.hpp"
#include "sim/rng.hpp"

using namespace ckptsim;
using namespace ckptsim::analysis;

namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

// The nearest-rank percentile of `v` by sorting.
int64_t sorted_percentile(std::vector<int64_t> v, int p) {
  std::sort(v.begin(), v.end());
  return v[nearest_rank(p, static_cast<int64_t>(v.size())) - 1];
}

void check_percentiles(const SummaryStats& s, const std::vector<int64_t>& v) {
  CHECK(s.p50 == sorted_percentile(v, 50));
  CHECK(s.p90 == sorted_percentile(v, 90));
  CHECK(s.p99 == sorted_percentile(v, 99));
}

// Percentiles of each field by radix selection, the values given as rows.
template <size_t F>
std::array<SummaryStats, F> radix(const std::vector<std::array<int64_t, F>>& rows) {
  std::array<Moments, F> m{};
  for (const auto& r : rows)
    for (size_t f = 0; f < F; ++f) m[f].add(r[f]);
  std::array<SummaryStats, F> out{};
  RadixSelection<F> sel;
  for (size_t f = 0; f < F; ++f) {
    m[f].fill(out[f]);
    sel.add_field(f, m[f], out[f]);
  }
  int passes = 0;
  while (!sel.done()) {
    sel.pass([&](auto&& fn) {
      for (const auto& r : rows) fn(r);
    });
    ++passes;
  }
  CHECK(passes <= 6);  // 64 bits in 12-bit digits
  sel.finish();
  return out;
}

}  // namespace

TEST_CASE("nearest rank: the ceil(p/100 * n)-th smallest, at least the first") {
  CHECK(nearest_rank(50, 1) == 1);
  CHECK(nearest_rank(50, 2) == 1);
  CHECK(nearest_rank(50, 3) == 2);
  CHECK(nearest_rank(90, 10) == 9);
  CHECK(nearest_rank(90, 11) == 10);
  CHECK(nearest_rank(99, 100) == 99);
  CHECK(nearest_rank(99, 101) == 100);
  CHECK(nearest_rank(99, 0) == 1);
}

TEST_CASE("moments: min, max and an average whose sum cannot overflow") {
  Moments m;
  SummaryStats s;
  m.fill(s);
  CHECK(s.count == 0);
  for (int64_t v : {kMax, kMax, int64_t{-5}}) m.add(v);
  m.fill(s);
  CHECK(s.count == 3);
  CHECK(s.min == -5);
  CHECK(s.max == kMax);
  CHECK(s.avg == doctest::Approx(2.0 * static_cast<double>(kMax) / 3));
}

TEST_CASE("the histogram: exact percentiles across fresh values and merged bins") {
  sim::RandomStream rng(3, 0, "test/histogram");
  for (const int n : {1, 7, 255, 256, 257, 2000}) {
    CAPTURE(n);
    FieldFold f;
    std::vector<int64_t> v;
    for (int i = 0; i < n; ++i) {
      // Repeats (runs of the same value) and new values, in no order.
      const int64_t x = i % 3 == 0 && !v.empty() ? v.back() : rng.uniform_int(-1000, 1000);
      v.push_back(x);
      CHECK(f.add(x, 1u << 16));
    }
    CHECK(f.exact);
    SummaryStats s;
    f.moments.fill(s);
    f.histogram_percentiles(s);
    check_percentiles(s, v);
    std::vector<int64_t> distinct = v;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    const auto bins = f.all_bins();
    REQUIRE(bins.size() == distinct.size());
    uint64_t total = 0;
    for (size_t i = 0; i < bins.size(); ++i) {
      CHECK(bins[i].first == distinct[i]);
      total += bins[i].second;
    }
    CHECK(total == static_cast<uint64_t>(n));
  }
}

TEST_CASE("the histogram: add() says when a value takes it past the distinct limit") {
  FieldFold f;
  CHECK(f.add(1, 3));
  CHECK(f.add(2, 3));
  CHECK(f.add(2, 3));
  CHECK(f.add(3, 3));
  CHECK(f.add(1, 3));      // known values never exceed it
  CHECK_FALSE(f.add(4, 3));  // the fourth distinct value
  f.drop_histogram();
  CHECK_FALSE(f.exact);
  CHECK(f.all_bins().empty());
  CHECK(f.add(5, 3));  // without a histogram, only the moments fold
  CHECK(f.moments.count == 7);
  CHECK(f.moments.max == 5);
}

TEST_CASE("radix selection: exact nearest-rank percentiles of any int64 values, several fields") {
  sim::RandomStream rng(11, 0, "test/radix");
  std::vector<std::array<int64_t, 3>> rows;
  for (int i = 0; i < 5000; ++i)
    rows.push_back({rng.uniform_int(-50, 50),                           // a small range
                    rng.uniform_int(0, 1) ? kMin + i : kMax - 3 * i,  // the whole range
                    42});                                             // no range at all
  const auto got = radix(rows);
  for (size_t f = 0; f < 3; ++f) {
    CAPTURE(f);
    std::vector<int64_t> v;
    for (const auto& r : rows) v.push_back(r[f]);
    check_percentiles(got[f], v);
  }
  CHECK(got[2].p50 == 42);
  CHECK(got[2].p99 == 42);
  // One value.
  const auto one = radix<1>({{kMin}});
  CHECK(one[0].p50 == kMin);
  CHECK(one[0].p99 == kMin);
}
