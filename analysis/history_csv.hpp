// history.csv: one row per checkpoint with the scalar fields of summary.json's history[].
#pragma once

#include <ostream>
#include <string>

#include "analysis/recorder.hpp"

namespace ckptsim::analysis {

// The header row (no newline).
const std::string& history_csv_header();
// Header and every checkpoint, oldest first, each line ending in '\n', in the header's column
// order; unknown values are empty cells.
void write_history_csv(std::ostream& out, const Recorder& rec);

}  // namespace ckptsim::analysis
