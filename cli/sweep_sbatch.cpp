#include "cli/sweep_sbatch.hpp"

#include <fmt/format.h>

#include "cli/sweep_table.hpp"

namespace ckptsim::cli {

namespace {

// Characters no POSIX shell expands, splits on or quotes in the middle of a word.
bool shell_plain(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("_-.,/:=+@%").find(c) != std::string_view::npos;
}

// OUT.shard-<index>.csv and friends, with `index` spelled as the caller needs it.
std::string shard_file(const std::string& out, std::string_view index, std::string_view ext) {
  return sibling_path(out, fmt::format(".shard-{}{}", index, ext));
}

std::string merge_line(const SbatchSweep& s) {
  std::vector<std::string> words{s.program, "merge", s.out, shard_file(s.out, "*", ".csv"), "--runs",
                                 fmt::format("{}", s.runs)};
  for (const auto& c : s.plots.columns) words.insert(words.end(), {"--plot", c});
  for (const auto& m : s.plots.marks) words.insert(words.end(), {"--plot-mark", m});
  if (!s.plots.title.empty()) words.insert(words.end(), {"--plot-title", s.plots.title});
  std::string line;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i) line += ' ';
    // The glob is left to the merge job's shell: the shards do not exist at submission.
    line += i == 3 ? words[i] : shell_quote(words[i]);
  }
  return line;
}

}  // namespace

std::string shell_quote(std::string_view word) {
  bool plain = !word.empty();
  for (char c : word) plain = plain && shell_plain(c);
  if (plain) return std::string(word);
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::optional<std::string> sbatch_out_problem(const std::string& out) {
  for (char c : out)
    if (!shell_plain(c) || c == '%')
      return fmt::format("--out '{}': for --emit-sbatch, the path may hold only letters, digits and _-.,/:=+@ "
                         "(it names the shards in #SBATCH --output, a glob and the task's command line)",
                         out);
  return std::nullopt;
}

std::vector<std::string> sbatch_submit_lines(const SbatchSweep& s, const std::string& path) {
  return {fmt::format("jid=$(sbatch --parsable {})", shell_quote(path)),
          fmt::format("sbatch --dependency=afterok:$jid --output={} --wrap {}", sibling_path(s.out, ".merge.log"),
                      shell_quote(merge_line(s)))};
}

std::string sbatch_script(const SbatchSweep& s, const std::string& path) {
  std::string text = "#!/bin/bash\n";
  text += fmt::format(
      "# ckptsim sweep as a Slurm job array: task I runs shard I/{} of the {} runs into\n"
      "# {}. Written by `ckptsim sweep --emit-sbatch`; paths are relative to the\n"
      "# directory sbatch is run from. A task whose shard file is complete does not run it again\n"
      "# (--skip-done): after a failure, submit the same file again. Submit, then merge:\n",
      s.shards, s.runs, shard_file(s.out, "I", ".csv"));
  for (const std::string& line : sbatch_submit_lines(s, path)) text += "#   " + line + "\n";
  text += fmt::format("#SBATCH --job-name={}\n", s.job_name);
  text += fmt::format("#SBATCH --array=0-{}\n", s.shards - 1);
  text += fmt::format("#SBATCH --cpus-per-task={}\n", s.cpus_per_task);
  text += fmt::format("#SBATCH --output={}\n", shard_file(s.out, "%a", ".log"));
  text += ": \"${SLURM_ARRAY_TASK_ID:?this file is a Slurm job array: submit it with sbatch}\"\n";
  text += fmt::format("exec {} sweep {}", shell_quote(s.program), shell_quote(s.scenario));
  // One option and its value per line.
  for (size_t i = 0; i < s.options.size(); ++i)
    text += (s.options[i].rfind("--", 0) == 0 ? " \\\n  " : " ") + shell_quote(s.options[i]);
  text += " \\\n  --jobs \"$SLURM_CPUS_PER_TASK\" --skip-done --progress";
  text += fmt::format(" \\\n  --shard \"$SLURM_ARRAY_TASK_ID/{}\" --out \"{}\"\n", s.shards,
                      shard_file(s.out, "$SLURM_ARRAY_TASK_ID", ".csv"));
  return text;
}

}  // namespace ckptsim::cli
