#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "sim/rng.hpp"
#include "sim/units.hpp"

using namespace ckptsim::sim;

namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

// The parse succeeds with exactly `want`.
template <class T>
void ok(const Parsed<T>& p, T want) {
  INFO("error: ", p.error);
  REQUIRE(p);
  CHECK(*p == want);
  CHECK(p.error.empty());
}

// The parse fails, and the message contains every piece of `parts`.
template <class T>
void fails(const Parsed<T>& p, std::vector<std::string> parts) {
  REQUIRE_FALSE(p);
  CHECK_FALSE(p.value.has_value());
  for (const auto& part : parts) {
    INFO("message: ", p.error, "\nexpected to contain: ", part);
    CHECK(p.error.find(part) != std::string::npos);
  }
}

}  // namespace

TEST_CASE("durations: every unit, bare milliseconds, compounds, decimals") {
  ok(parse_duration("7us"), int64_t{7});
  ok(parse_duration("250ms"), 250 * kMillisecond);
  ok(parse_duration("3s"), 3 * kSecond);
  ok(parse_duration("10min"), 10 * kMinute);
  ok(parse_duration("2h"), 2 * kHour);
  ok(parse_duration("1d"), kDay);
  ok(parse_duration("1500"), 1500 * kMillisecond);  // bare = ms
  ok(parse_duration("0"), int64_t{0});
  ok(parse_duration("1h30min"), 90 * kMinute);
  ok(parse_duration("1s500ms"), 1500 * kMillisecond);
  ok(parse_duration("1d2h3min4s5ms6us"),
     kDay + 2 * kHour + 3 * kMinute + 4 * kSecond + 5 * kMillisecond + 6);
  ok(parse_duration("1.5s"), int64_t{1500000});
  ok(parse_duration("0.001ms"), int64_t{1});
  ok(parse_duration(".5s"), int64_t{500000});
  ok(parse_duration("1.5"), int64_t{1500});  // bare decimal = ms
  ok(parse_duration("1.000000000000000000000000000000s"), kSecond);  // trailing zeros are whole
  ok(parse_duration("  20min "), 20 * kMinute);
  ok(parse_duration("1h 30min"), 90 * kMinute);
  ok(parse_duration("5 s"), 5 * kSecond);
  ok(parse_duration("-5s"), -5 * kSecond);
  ok(parse_duration("+5s"), 5 * kSecond);
}

TEST_CASE("durations: the int64 limits") {
  ok(parse_duration("9223372036854775807us"), kMax);
  ok(parse_duration("-9223372036854775808us"), kMin);
  ok(parse_duration("106751991d4h54s775ms807us"), kMax);
  fails(parse_duration("9223372036854775808us"), {"too large", "microseconds"});
  fails(parse_duration("106751991d4h54s775ms808us"), {"too large"});
  fails(parse_duration("-9223372036854775809us"), {"too large"});
}

TEST_CASE("sizes: decimal and binary units, bare bytes, decimals") {
  ok(parse_size("1234"), int64_t{1234});
  ok(parse_size("17B"), int64_t{17});
  ok(parse_size("2KB"), int64_t{2000});
  ok(parse_size("3MB"), int64_t{3000000});
  ok(parse_size("25GB"), int64_t{25000000000});
  ok(parse_size("1TB"), int64_t{1000000000000});
  ok(parse_size("128KiB"), int64_t{128 * 1024});
  ok(parse_size("1MiB"), int64_t{1} << 20);
  ok(parse_size("1GiB"), int64_t{1} << 30);
  ok(parse_size("2TiB"), int64_t{1} << 41);
  ok(parse_size("0.5KiB"), int64_t{512});
  ok(parse_size("0.5GB"), int64_t{500000000});
  ok(parse_size("1.5KB"), int64_t{1500});
  ok(parse_size("8388607TiB"), (int64_t{8388607}) << 40);
  ok(parse_size("-8388608TiB"), kMin);
  ok(parse_size("9223372TB"), int64_t{9223372} * 1000000000000);
}

TEST_CASE("rates: a size per second") {
  ok(parse_rate("20MB/s"), int64_t{20000000});
  ok(parse_rate("1KiB/s"), int64_t{1024});
  ok(parse_rate("100/s"), int64_t{100});
  ok(parse_rate("1.5MB/s"), int64_t{1500000});
  ok(parse_rate(" 5GB/s "), int64_t{5000000000});
}

TEST_CASE("errors: empty values") {
  fails(parse_duration(""), {"expected a duration", "empty"});
  fails(parse_duration("   "), {"expected a duration", "empty"});
  fails(parse_size(""), {"expected a size", "empty"});
  fails(parse_rate(""), {"expected a rate", "'20MB/s'"});
  fails(parse_rate("/s"), {"expected a rate", "empty"});
}

TEST_CASE("errors: garbage") {
  fails(parse_duration("abc"), {"expected a duration such as", "'abc'"});
  fails(parse_duration("-"), {"expected a duration", "'-'"});
  fails(parse_duration("+"), {"expected a duration", "'+'"});
  fails(parse_duration("."), {"expected a duration", "'.'"});
  fails(parse_duration("5$"), {"expected a duration", "'5$'"});
  fails(parse_duration("1..5s"), {"expected a duration", "'1..5s'"});
  fails(parse_duration("--5s"), {"expected a duration", "'--5s'"});
  fails(parse_duration("1s-2s"), {"expected a duration", "'1s-2s'"});
  fails(parse_size("ten"), {"expected a size such as", "'ten'"});
  fails(parse_size("1KB2KB"), {"expected a size", "'1KB2KB'"});  // sizes are not compound
  fails(parse_size("5KB x"), {"expected a size", "'5KB x'"});
  fails(parse_rate("fast/s"), {"expected a rate", "'fast/s'"});
}

TEST_CASE("errors: unknown units name the unit and list the valid ones") {
  fails(parse_duration("5 parsecs"), {"unknown unit 'parsecs'", "'5 parsecs'", "us, ms, s, min, h, d"});
  fails(parse_duration("5sec"), {"unknown unit 'sec'"});
  fails(parse_duration("5m"), {"unknown unit 'm'"});  // minutes are "min"
  fails(parse_duration("5MS"), {"unknown unit 'MS'"});
  fails(parse_duration("1h30parsecs"), {"unknown unit 'parsecs'"});
  fails(parse_size("5kb"), {"unknown unit 'kb'", "B, KB, MB, GB, TB, KiB, MiB, GiB, TiB"});
  fails(parse_size("5s"), {"unknown unit 's'"});
  fails(parse_rate("20XB/s"), {"unknown unit 'XB'", "'20XB/s'"});
}

TEST_CASE("errors: a missing unit after a compound piece") {
  fails(parse_duration("1h30"), {"expected a unit after the number", "'1h30'", "us, ms, s"});
  fails(parse_duration("1s 5"), {"expected a unit after the number"});
}

TEST_CASE("errors: overflow is reported, never wrapped") {
  fails(parse_duration("9999999999999999999"), {"too large", "'9999999999999999999'"});
  fails(parse_duration("99999999999999999999999999999999999999999999ms"), {"too large"});
  fails(parse_duration("1000000000d"), {"too large", "'1000000000d'"});
  fails(parse_duration("106751992d"), {"too large"});
  ok(parse_duration("106751991d"), 106751991 * kDay);
  ok(parse_duration("10000000d"), 10000000 * kDay);  // 8.64e17 us: fits
  fails(parse_duration("5000000000000000000us5000000000000000000us"), {"too large"});
  fails(parse_size("9223373TB"), {"too large", "bytes"});
  fails(parse_size("10000000TB"), {"too large"});
  fails(parse_size("8388608TiB"), {"too large"});  // 2^63
  fails(parse_rate("9999999999999999999/s"), {"too large", "bytes per second", "/s'"});
}

TEST_CASE("errors: fractions of a microsecond or a byte") {
  fails(parse_duration("1.0000001ms"), {"not a whole number of microseconds", "'1.0000001ms'"});
  fails(parse_duration("0.5us"), {"not a whole number of microseconds"});
  fails(parse_duration("1.0001"), {"not a whole number of microseconds"});  // bare ms
  fails(parse_duration("0.0000000000000000000000000001s"), {"not a whole number"});
  fails(parse_size("1.5B"), {"not a whole number of bytes", "'1.5B'"});
  fails(parse_size("0.1"), {"not a whole number of bytes"});
  fails(parse_size("0.0001KB"), {"not a whole number of bytes"});
  fails(parse_rate("0.5B/s"), {"not a whole number of bytes per second"});
}

TEST_CASE("errors: a rate without /s") {
  fails(parse_rate("20MB"), {"expected a rate such as '20MB/s'", "per second", "'20MB'"});
  fails(parse_rate("20MB/min"), {"expected a rate", "'20MB/min'"});
  fails(parse_rate("20MB/S"), {"expected a rate"});
}

TEST_CASE("format_duration: compound form") {
  CHECK(format_duration(0) == "0ms");
  CHECK(format_duration(1) == "1us");
  CHECK(format_duration(250 * kMillisecond) == "250ms");
  CHECK(format_duration(90 * kMinute) == "1h30min");
  CHECK(format_duration(1500 * kMillisecond) == "1s500ms");
  CHECK(format_duration(kDay + 1) == "1d1us");
  CHECK(format_duration(-90 * kMinute) == "-1h30min");
  CHECK(format_duration(kMax) == "106751991d4h54s775ms807us");
}

TEST_CASE("format_size and format_rate: the largest exact unit") {
  CHECK(format_size(0) == "0B");
  CHECK(format_size(1234) == "1234B");
  CHECK(format_size(25000000000) == "25GB");
  CHECK(format_size(128 * 1024) == "128KiB");
  CHECK(format_size(1536) == "1536B");  // not whole in KB nor KiB... 1.5KiB
  CHECK(format_size(1500) == "1500B");
  CHECK(format_size(2000) == "2KB");
  CHECK(format_size(1024000) == "1000KiB");
  CHECK(format_size(1000001) == "1000001B");
  CHECK(format_size(-2048) == "-2KiB");
  CHECK(format_rate(20000000) == "20MB/s");
  CHECK(format_rate(1024) == "1KiB/s");
}

TEST_CASE("round trips: parse(format(x)) == x") {
  std::vector<int64_t> values = {0, 1, -1, 999, 1000, 1001, 1500, 1024, 1536, 1000000,
                                 kSecond + 1, 90 * kMinute, kDay, 7 * kDay + 3 * kHour + 17,
                                 int64_t{1} << 40, int64_t{1000000000000}, kMax, kMin, kMax - 1,
                                 kMin + 1};
  RandomStream rng(1, 0, "units/roundtrip");
  for (int i = 0; i < 20000; ++i) {
    values.push_back(rng.uniform_int(-1000000000000, 1000000000000));
    values.push_back(rng.uniform_int(kMin, kMax));
    values.push_back(rng.uniform_int(0, 1000) * (int64_t{1} << rng.uniform_int(0, 50)));
    values.push_back(rng.uniform_int(0, 1000) * kHour + rng.uniform_int(0, 59) * kMinute);
  }
  for (int64_t v : values) {
    INFO("value: ", v);
    auto d = parse_duration(format_duration(v));
    REQUIRE(d);
    CHECK(*d == v);
    auto s = parse_size(format_size(v));
    REQUIRE(s);
    CHECK(*s == v);
    auto r = parse_rate(format_rate(v));
    REQUIRE(r);
    CHECK(*r == v);
  }
}

TEST_CASE("format_ms prints microseconds as exact milliseconds") {
  CHECK(format_ms(1234567) == "1234.567");
  CHECK(format_ms(1000) == "1");
  CHECK(format_ms(1500) == "1.5");
  CHECK(format_ms(1230) == "1.23");
  CHECK(format_ms(1) == "0.001");
  CHECK(format_ms(0) == "0");
  CHECK(format_ms(-500) == "-0.5");
  CHECK(format_ms(-1000) == "-1");
  CHECK(format_ms(-1234567) == "-1234.567");
  CHECK(format_ms(10800000000) == "10800000");
  CHECK(format_ms(kMax) == "9223372036854775.807");
  CHECK(format_ms(kMin) == "-9223372036854775.808");
}
