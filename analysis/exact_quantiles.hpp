// Exact summary statistics of a stream of integer values, in bounded memory: an online fold
// (count, min, max, sum) with an exact value -> count histogram while the values have at most
// distinct_limit distinct values, and past that an exact nearest-rank selection by radix
// (12-bit digits, most significant first) over repeated passes of the values. The Recorder
// keeps one FieldFold per summary field of its COMPLETED checkpoints.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace ckptsim::analysis {

// The percentiles a summary gives besides min, avg and max.
inline constexpr std::array<int, 3> kPercentiles{50, 90, 99};

// {min, avg, p50, p90, p99, max} of a field; quantiles by nearest rank.
struct SummaryStats {
  int64_t count = 0;
  int64_t min = 0, p50 = 0, p90 = 0, p99 = 0, max = 0;
  double avg = 0;
};

// The slot of percentile p (one of kPercentiles) in s.
int64_t& percentile_slot(SummaryStats& s, int p);

// Nearest rank of percentile p among n values: the ceil(p/100 * n)-th smallest (1-based).
uint64_t nearest_rank(int p, int64_t n);

struct Moments {
  int64_t count = 0, min = 0, max = 0;
  __int128 sum = 0;
  void add(int64_t v) {
    if (count == 0 || v < min) min = v;
    if (count == 0 || v > max) max = v;
    sum += v;
    ++count;
  }
  // count, min, max and avg of s.
  void fill(SummaryStats& s) const;
};

// The online fold of one field.
struct FieldFold {
  using Bin = std::pair<int64_t, uint64_t>;  // value, number of times it was added
  Moments moments;
  // Every distinct value with its count, sorted by value, while `exact`. New values wait in the
  // small sorted `fresh` and are merged into `bins` in batches (one O(d) merge per batch, not an
  // O(d) insertion per new value).
  std::vector<Bin> bins, fresh;
  Bin* last = nullptr;  // the bin of the last value added (values mostly repeat), or null
  bool exact = true;

  // Folds v in; false when v made the histogram exceed distinct_limit distinct values (v is in
  // it all the same: the caller then drops it). Inline: values mostly repeat the last one.
  bool add(int64_t v, size_t distinct_limit) {
    moments.add(v);
    if (!exact) return true;
    if (last && last->first == v) {
      ++last->second;
      return true;
    }
    return add_new_bin(v, distinct_limit);
  }
  // add() for a value other than the last one: find or insert its bin.
  bool add_new_bin(int64_t v, size_t distinct_limit);
  void drop_histogram();
  // bins and fresh merged, in value order.
  std::vector<Bin> all_bins() const;
  // The percentiles of an exact histogram into s.
  void histogram_percentiles(SummaryStats& s) const;
};

// Nearest-rank percentiles found by radix selection over repeated passes of the values, for
// several fields at once. Each pass fixes the next 12 bits of every target; keys are offsets from
// the field's minimum, so only the bits up to the field's range are examined.
template <size_t kFields>
class RadixSelection {
 public:
  using Row = std::array<int64_t, kFields>;

  // The percentiles of field f, whose values span [m.min, m.max], into s.
  void add_field(size_t f, const Moments& m, SummaryStats& s);
  bool done() const;
  // One pass: calls for_each_row(fn) with fn taking each Row; repeat while !done().
  template <class ForEachRow>
  void pass(ForEachRow&& for_each_row);
  // Writes the selected values; call when done().
  void finish();

 private:
  static constexpr int kDigit = 12;
  static constexpr size_t kBuckets = size_t{1} << kDigit;
  struct Target {
    size_t field;
    int64_t* out;     // the percentile's slot
    uint64_t base;    // key of the field's minimum
    int shift;        // bit position of the current digit
    uint64_t prefix;  // offset bits above `shift + kDigit` fixed so far
    uint64_t rank;    // 1-based rank among the keys with this prefix
    bool done;
  };
  static uint64_t key_of(int64_t v) { return static_cast<uint64_t>(v) ^ (uint64_t{1} << 63); }
  static int64_t value_of(uint64_t k) { return static_cast<int64_t>(k ^ (uint64_t{1} << 63)); }
  void narrow(const std::vector<uint32_t>& hist);

  std::vector<Target> targets_;
};

// --- RadixSelection ------------------------------------------------------------------------

int radix_top_shift(uint64_t range, int digit);

template <size_t kFields>
void RadixSelection<kFields>::add_field(size_t f, const Moments& m, SummaryStats& s) {
  const uint64_t range = key_of(m.max) - key_of(m.min);
  for (int p : kPercentiles) {
    if (range == 0)
      percentile_slot(s, p) = m.min;
    else
      targets_.push_back({f, &percentile_slot(s, p), key_of(m.min), radix_top_shift(range, kDigit), 0,
                          nearest_rank(p, m.count), false});
  }
}

template <size_t kFields>
bool RadixSelection<kFields>::done() const {
  for (const Target& t : targets_)
    if (!t.done) return false;
  return true;
}

template <size_t kFields>
template <class ForEachRow>
void RadixSelection<kFields>::pass(ForEachRow&& for_each_row) {
  std::vector<uint32_t> hist(targets_.size() * kBuckets, 0u);
  for_each_row([&](const Row& row) {
    for (size_t i = 0; i < targets_.size(); ++i) {
      const Target& t = targets_[i];
      if (t.done) continue;
      const uint64_t off = key_of(row[t.field]) - t.base;
      const int hi = t.shift + kDigit;
      if (hi < 64 && (off >> hi) != t.prefix) continue;
      ++hist[i * kBuckets + ((off >> t.shift) & (kBuckets - 1))];
    }
  });
  narrow(hist);
}

template <size_t kFields>
void RadixSelection<kFields>::narrow(const std::vector<uint32_t>& hist) {
  for (size_t i = 0; i < targets_.size(); ++i) {
    Target& t = targets_[i];
    if (t.done) continue;
    uint64_t seen = 0;
    size_t b = 0;
    for (; b < kBuckets; ++b) {
      const uint32_t c = hist[i * kBuckets + b];
      if (seen + c >= t.rank) break;
      seen += c;
    }
    t.rank -= seen;
    t.prefix = (t.prefix << kDigit) | b;
    if (t.shift == 0) t.done = true;
    else t.shift -= kDigit;
  }
}

template <size_t kFields>
void RadixSelection<kFields>::finish() {
  for (const Target& t : targets_) *t.out = value_of(t.base + t.prefix);
}

}  // namespace ckptsim::analysis
