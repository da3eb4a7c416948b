// The terminal summary of a run (`ckptsim run --format table`), and human-readable units.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "analysis/expectations.hpp"
#include "analysis/recorder.hpp"

namespace ckptsim::analysis {

// "0", "850 us", "12.3 ms", "1.50 s", "12.5 min", "3.25 h", "2.10 d": three significant digits.
std::string human_duration(sim::Duration d);
// "0 B", "512 B", "1.50 KB", "25.0 GB" (powers of 1000, as the scenario units).
std::string human_bytes(double bytes);

// A readable block: scenario, seed, fingerprint, counts, key durations (p50/p99/max), metrics,
// patches, torn observations and, when given, the expectation results.
void write_table(std::ostream& out, const Recorder& rec,
                 const std::vector<ExpectationResult>* expectations = nullptr);

}  // namespace ckptsim::analysis
