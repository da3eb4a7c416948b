#include "analysis/exact_quantiles.hpp"

#include <algorithm>
#include <bit>
#include <iterator>

namespace ckptsim::analysis {

namespace {
// New distinct values buffered before a merge into a histogram's sorted bins.
constexpr size_t kFreshMax = 256;

bool by_value(const FieldFold::Bin& a, const FieldFold::Bin& b) { return a.first < b.first; }
}  // namespace

int64_t& percentile_slot(SummaryStats& s, int p) { return p == 50 ? s.p50 : p == 90 ? s.p90 : s.p99; }

uint64_t nearest_rank(int p, int64_t n) {
  const uint64_t k = (static_cast<uint64_t>(p) * static_cast<uint64_t>(n) + 99) / 100;
  return std::max<uint64_t>(k, 1);
}

void Moments::fill(SummaryStats& s) const {
  s.count = count;
  if (count == 0) return;
  s.min = min;
  s.max = max;
  s.avg = static_cast<double>(sum) / static_cast<double>(count);
}

bool FieldFold::add_new_bin(int64_t v, size_t distinct_limit) {
  auto below = [](const Bin& b, int64_t x) { return b.first < x; };
  auto it = std::lower_bound(bins.begin(), bins.end(), v, below);
  if (it != bins.end() && it->first == v) {
    last = &*it;
    ++it->second;
    return true;
  }
  auto jt = std::lower_bound(fresh.begin(), fresh.end(), v, below);
  if (jt != fresh.end() && jt->first == v) {
    last = &*jt;
    ++jt->second;
    return true;
  }
  const bool within = bins.size() + fresh.size() < distinct_limit;
  last = &*fresh.insert(jt, {v, 1});  // (the insertion may move every bin of fresh)
  if (fresh.size() < kFreshMax) return within;
  last = nullptr;  // the merge moves every bin
  bins = all_bins();
  fresh.clear();
  return within;
}

void FieldFold::drop_histogram() {
  exact = false;
  last = nullptr;
  std::vector<Bin>().swap(bins);  // give the memory back
  std::vector<Bin>().swap(fresh);
}

std::vector<FieldFold::Bin> FieldFold::all_bins() const {
  std::vector<Bin> merged;
  merged.reserve(bins.size() + fresh.size());
  std::merge(bins.begin(), bins.end(), fresh.begin(), fresh.end(), std::back_inserter(merged), by_value);
  return merged;
}

// Walks the bins and the unmerged fresh values together, in value order (they hold disjoint
// values); the ranks ascend with p.
void FieldFold::histogram_percentiles(SummaryStats& s) const {
  if (moments.count == 0) return;
  size_t i = 0, j = 0, k = 0;
  uint64_t seen = 0;
  while (k < kPercentiles.size()) {
    const bool from_bins = j == fresh.size() || (i < bins.size() && bins[i].first < fresh[j].first);
    const Bin& b = from_bins ? bins[i++] : fresh[j++];
    seen += b.second;
    for (; k < kPercentiles.size() && seen >= nearest_rank(kPercentiles[k], moments.count); ++k)
      percentile_slot(s, kPercentiles[k]) = b.first;
  }
}

// The bit position of the first digit: the top digit that can be non-zero for offsets up to
// `range`.
int radix_top_shift(uint64_t range, int digit) {
  const int bits = std::max(1, static_cast<int>(std::bit_width(range)));
  return (bits + digit - 1) / digit * digit - digit;
}

}  // namespace ckptsim::analysis
