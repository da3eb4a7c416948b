#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cctype>
#include <cstdint>
#include <set>
#include <string>

#include "sim/fingerprint.hpp"

using ckptsim::sim::Fingerprint;

TEST_CASE("equal streams give equal fingerprints") {
  Fingerprint a, b;
  CHECK(a.value() == b.value());
  for (int i = 0; i < 1000; ++i) {
    a.add(i * 1000, static_cast<uint32_t>(i % 7), i / 3);
    b.add(i * 1000, static_cast<uint32_t>(i % 7), i / 3);
  }
  CHECK(a.value() == b.value());
  CHECK(a.hex() == b.hex());
}

TEST_CASE("the fingerprint is sensitive to order, to each field and to length") {
  Fingerprint ab, ba;
  ab.add(1, 2, 3);
  ab.add(4, 5, 6);
  ba.add(4, 5, 6);
  ba.add(1, 2, 3);
  CHECK(ab.value() != ba.value());

  // The fields of one triple are not interchangeable.
  Fingerprint f123, f321, f213, f132;
  f123.add(1, 2, 3);
  f321.add(3, 2, 1);
  f213.add(2, 1, 3);
  f132.add(1, 3, 2);
  std::set<uint64_t> distinct{f123.value(), f321.value(), f213.value(), f132.value()};
  CHECK(distinct.size() == 4);

  // Adding anything changes it, even an all-zero triple.
  Fingerprint empty, zero;
  zero.add(0, 0, 0);
  CHECK(empty.value() != zero.value());
  Fingerprint zero2 = zero;
  zero2.add(0, 0, 0);
  CHECK(zero2.value() != zero.value());

  // Single-bit changes in any field give distinct values.
  std::set<uint64_t> seen;
  for (int bit = 0; bit < 64; ++bit) {
    Fingerprint t, s;
    t.add(static_cast<int64_t>(uint64_t{1} << bit), 0, 0);
    s.add(0, 0, static_cast<int64_t>(uint64_t{1} << bit));
    seen.insert(t.value());
    seen.insert(s.value());
  }
  for (int bit = 0; bit < 32; ++bit) {
    Fingerprint k;
    k.add(0, uint32_t{1} << bit, 0);
    seen.insert(k.value());
  }
  CHECK(seen.size() == 64 + 64 + 32);
}

TEST_CASE("hex is 16 lowercase hex digits of value(), and the values are frozen") {
  Fingerprint f;
  CHECK(f.hex() == "6a09e667f3bcc909");
  f.add(1, 2, 3);
  f.add(1000000, 7, -1);
  // Frozen: a change here changes every printed fingerprint.
  CHECK(f.value() == 0xd053a486a5d34916ULL);
  CHECK(f.hex() == "d053a486a5d34916");
  for (int i = 0; i < 200; ++i) {
    f.add(i, 1, i);
    const std::string h = f.hex();
    REQUIRE(h.size() == 16);
    for (char c : h) CHECK((std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f')));
    CHECK(std::stoull(h, nullptr, 16) == f.value());
  }
}
