// The files of `ckptsim sweep` and `ckptsim merge`.
//
// OUT.csv (one row per run, in run order):
//   run,point,replication,seed,<each --vary key>,fingerprint,job_status,<metrics>,checkpoints,
//   in_progress,e2e_duration_avg,e2e_duration_p99,lag_fraction
// where <metrics> are the numeric keys of summary.json's "metrics" in their order (times in ms,
// printed exactly), and the derived columns are: checkpoints triggered, checkpoints still in
// progress at the end, the mean and p99 (nearest rank) end-to-end duration of COMPLETED
// checkpoints in ms (empty when none completed), and final_lag / duration (the share of the
// run's input still unprocessed at its end: with no capacity headroom, the waste fraction).
//
// OUT.points.csv (one row per grid point, in point order):
//   point,<each --vary key>,runs,<c>_mean,<c>_stddev,<c>_ci95_low,<c>_ci95_high for every
//   numeric column c of OUT.csv after job_status
// Empty cells are missing values (no completed checkpoint; stddev and CI with fewer than 2).
// The points file is computed from the run rows' text alone, so merge recomputes it exactly.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "analysis/recorder.hpp"
#include "cli/sweep_grid.hpp"

namespace ckptsim::cli {

std::string csv_field(std::string_view s);
std::string csv_line(const std::vector<std::string>& fields);
// One CSV line (RFC 4180 quoting, no line breaks inside fields).
std::variant<std::vector<std::string>, std::string> parse_csv_line(std::string_view line);

struct RunTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // in run order

  // Columns of the --vary keys: [first_key, fingerprint).
  size_t first_key() const { return 4; }
  size_t fingerprint_column() const;
  size_t first_numeric() const { return fingerprint_column() + 2; }
};

std::vector<std::string> run_header(const std::vector<Axis>& axes);
// The leading fields of a run's row: run, point, replication, seed, then the --vary values.
std::vector<std::string> run_identity(const RunId& id, uint64_t seed, const std::vector<std::string>& values);
std::vector<std::string> run_row(const RunId& id, uint64_t seed, const std::vector<std::string>& values,
                                 const analysis::Recorder& recorder);

void write_runs(std::ostream& out, const RunTable& table);
void write_points(std::ostream& out, const RunTable& table);
// Reads a runs file written by write_runs. Error messages name the file and line.
std::variant<RunTable, std::string> read_runs(const std::string& path);

// "study.csv" -> "study.points.csv"; "study" -> "study.points.csv".
std::string sibling_path(const std::string& out, const std::string& suffix);

// A plot of one column of the points (means with 95% CI bars) against the first --vary key,
// one line per combination of the other keys. `marks` are "VALUE=LABEL" vertical lines at x
// values written like the first key's values.
void write_plot(std::ostream& out, const RunTable& table, const std::string& column,
                const std::string& title, const std::vector<std::string>& marks);
bool is_numeric_column(const RunTable& table, const std::string& column);

}  // namespace ckptsim::cli
