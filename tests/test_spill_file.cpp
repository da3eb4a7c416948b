// Pins analysis/spill_file.cpp: records appended to an anonymous temporary file and read back by
// position, exactly; a read past the end fails instead of inventing bytes.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <vector>

#include "analysis/spill_file.hpp"

using namespace ckptsim::analysis;

TEST_CASE("records come back as written, by position, across appends") {
  SpillFile f;
  CHECK(!f.failed());
  std::array<int64_t, 4> none{};
  CHECK(f.read_records(0, 0, &none));  // nothing to read: nothing can fail
  REQUIRE(f.ready());
  std::vector<std::array<int64_t, 4>> rows;
  for (int64_t i = 0; i < 10000; ++i) rows.push_back({i, -i, i * i, int64_t{1} << (i % 63)});
  f.append_records(rows.data(), 6000);
  f.append_records(rows.data() + 6000, rows.size() - 6000);
  std::vector<std::array<int64_t, 4>> back(rows.size());
  REQUIRE(f.read_records(0, back.size(), back.data()));
  CHECK(back == rows);
  std::array<int64_t, 4> one{};
  REQUIRE(f.read_records(7777, 1, &one));
  CHECK(one == rows[7777]);
  CHECK_FALSE(f.read_records(9999, 2, back.data()));  // the second record is past the end
  CHECK(f.ready());  // opened once, stays open
}

TEST_CASE("an unopened file reads nothing") {
  const SpillFile f;
  int64_t x = 0;
  CHECK_FALSE(f.read_records(0, 1, &x));
}
