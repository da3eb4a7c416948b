// Pins sim/names.cpp: the one edit distance, the one "did you mean" rule, and enum name lists.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <string_view>
#include <vector>

#include "model/events.hpp"
#include "sim/names.hpp"

using namespace ckptsim;

namespace {

std::string near(std::string_view name, std::vector<std::string_view> known) {
  auto n = sim::nearest_name(name, known);
  return n ? std::string(*n) : std::string("-");
}

}  // namespace

TEST_CASE("edit distance: insertions, deletions, substitutions, adjacent transpositions") {
  CHECK(sim::edit_distance("", "") == 0);
  CHECK(sim::edit_distance("timeout", "timeout") == 0);
  CHECK(sim::edit_distance("timout", "timeout") == 1);     // a deletion
  CHECK(sim::edit_distance("timeoutt", "timeout") == 1);   // an insertion
  CHECK(sim::edit_distance("tineout", "timeout") == 1);    // a substitution
  CHECK(sim::edit_distance("tpye", "type") == 1);          // a transposition is one edit
  CHECK(sim::edit_distance("hsah", "hash") == 1);
  CHECK(sim::edit_distance("abc", "") == 3);
  CHECK(sim::edit_distance("kitten", "sitting") == 3);
  CHECK(sim::edit_distance(std::string(65, 'a'), "a") == 1000);  // too long to be a typo
}

TEST_CASE("nearest name: close enough for the length, never the whole name") {
  const std::vector<std::string_view> keys{"interval", "timeout", "min_pause", "max_concurrent"};
  CHECK(near("timout", keys) == "timeout");
  CHECK(near("intervall", keys) == "interval");
  CHECK(near("max_concurent", keys) == "max_concurrent");
  CHECK(near("zzzzzzzz", keys) == "-");
  // Up to 4 characters, one edit only: "tpe" is 1 from "type", "tp" is 2.
  CHECK(near("tpe", {"type", "none"}) == "type");
  CHECK(near("tp", {"type"}) == "-");
  // Longer names allow length / 3 edits (at least 2).
  CHECK(near("checkpoint_timeout", {"checkpointTimeout"}) == "checkpointTimeout");  // 2 edits
  CHECK(near("chkptTimeout", {"checkpointTimeout"}) == "-");                        // 5 edits
  // A name that differs only in case is the nearest of all, however many letters differ.
  CHECK(near("CHECKPOINTTIMEOUT", {"checkpointInterval", "checkpointTimeout"}) == "checkpointTimeout");
  // Never the whole name: one letter is not a typo of another one-letter name.
  CHECK(near("a", {"b"}) == "-");
  // Ties go to the first known name.
  CHECK(near("ab", {"ac", "ad"}) == "ac");
}

TEST_CASE("enum names come from to_string, in value order, up to its fallback") {
  const auto reasons = sim::enum_names<model::FailureReason>();
  REQUIRE(reasons.size() == 13);
  CHECK(reasons.front() == "CHECKPOINT_EXPIRED");
  CHECK(reasons.back() == "TRIGGER_CHECKPOINT_FAILURE");
  for (size_t i = 0; i < reasons.size(); ++i)
    CHECK(reasons[i] == model::to_string(static_cast<model::FailureReason>(i)));
  CHECK(sim::enum_names<model::JobStatus>() ==
        std::vector<std::string_view>{"RUNNING", "RESTARTING", "FAILED"});
  CHECK(sim::enum_names<model::Partitioning>() ==
        std::vector<std::string_view>{"forward", "rebalance", "hash", "broadcast"});
}
