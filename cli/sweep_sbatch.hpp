// The Slurm batch file of `ckptsim sweep --emit-sbatch FILE --shards N`: a job array of N
// tasks, task I running the sweep's exact command line on shard I/N with --skip-done (so the
// same file can be resubmitted after a failure), and the commands that submit it and merge
// the shards in a dependent job.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/sweep_outputs.hpp"

namespace ckptsim::cli {

// One word for a POSIX shell: as it is when it holds only characters no shell treats
// specially, else in single quotes.
std::string shell_quote(std::string_view word);

struct SbatchSweep {
  std::string program;               // the ckptsim to run, as it was invoked
  std::string scenario;              // the SCENARIO argument
  std::vector<std::string> options;  // --vary, --replications, --seed, --set, as words
  std::string out;                   // the merged OUT.csv; shards are OUT.shard-I.csv
  std::string job_name;
  int64_t shards = 1;                // array tasks
  int64_t cpus_per_task = 1;         // each task's --jobs
  int64_t runs = 0;                  // of the whole sweep (merge --runs)
  PlotOptions plots;                 // drawn by the merge
};

// Why `out` cannot name the shard files of a batch file (it appears in #SBATCH --output, in
// a glob and in double quotes), or empty.
std::optional<std::string> sbatch_out_problem(const std::string& out);

// The batch file; `path` is where it is written (quoted in its submit instructions).
std::string sbatch_script(const SbatchSweep& sweep, const std::string& path);
// The two lines that submit the array and the merge after it (afterok).
std::vector<std::string> sbatch_submit_lines(const SbatchSweep& sweep, const std::string& path);

}  // namespace ckptsim::cli
