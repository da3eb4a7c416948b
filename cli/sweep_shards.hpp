// Which shards of a sweep a set of runs files holds, and which are missing or given twice:
// what `ckptsim merge` names when its files are not every run exactly once.
//
// A file of `sweep --shard I/N` holds the runs I, I+N, I+2N, ... in order, so the files' runs
// show the shard count N (the step between consecutive runs of any file with two or more)
// and each file's index I (its first run). A missing shard is then named as I/N with the
// `--shard` that reruns it; files of `--run N` (one run each) name the missing runs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ckptsim::cli {

struct ShardFile {
  std::string path;
  std::vector<int64_t> runs;  // in the file's order
};

// The shard count the files agree on, or empty when none holds two runs or they disagree.
std::optional<int64_t> shard_count(const std::vector<ShardFile>& files);

// One line per problem; empty when the files hold runs 0..total-1 exactly once.
std::vector<std::string> shard_problems(const std::vector<ShardFile>& files, int64_t total);

}  // namespace ckptsim::cli
