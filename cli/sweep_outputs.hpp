// The files `ckptsim sweep` and `ckptsim merge` write, each written whole or not at all, and
// the check behind `sweep --skip-done`: is an existing runs file a complete output of a shard?
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <variant>
#include <vector>

#include "cli/sweep_table.hpp"

namespace ckptsim::cli {

// Writes `path` through `write` into PATH.partial-PID, then renames it to PATH: a process
// killed part-way (a Slurm task past its time limit) leaves no truncated file under the final
// name. Throws std::runtime_error naming the file on an I/O error (and removes the partial).
void write_file_whole(const std::string& path, const std::function<void(std::ostream&)>& write);

// The options that shape the plots of a sweep or merge.
struct PlotOptions {
  std::vector<std::string> columns;  // --plot
  std::vector<std::string> marks;    // --plot-mark VALUE=LABEL
  std::string title;                 // --plot-title (empty: "COLUMN against KEY")
};

// Writes OUT.csv, and for a complete table OUT.points.csv and OUT.COLUMN.svg per plot; returns
// the exit code (2 on an I/O error, printed after `who`).
int write_sweep_outputs(const std::string& out_path, const RunTable& table, bool complete,
                        const PlotOptions& plots, const char* who);
// Checks --plot columns and --plot-mark values (prints the error); false when one is bad.
bool check_plot_options(const RunTable& header_only, const PlotOptions& plots, const char* who);

// A runs file is a complete output of a set of runs when its bytes are exactly what
// write_runs writes for `header` and one row per expected run, in order, each row starting with
// that run's identity (run, point, replication, seed, --vary values) and holding a field per
// column. A file cut anywhere (mid-line or at a line end), padded, or written by another grid
// or seed is not. `identities` holds each expected row's leading fields.
// Returns the file's table when it is complete, else why not.
std::variant<RunTable, std::string> read_complete_runs(const std::string& path,
                                                       const std::vector<std::string>& header,
                                                       const std::vector<std::vector<std::string>>& identities);

}  // namespace ckptsim::cli
