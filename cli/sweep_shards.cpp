#include "cli/sweep_shards.hpp"

#include <map>
#include <set>

#include <fmt/format.h>

namespace ckptsim::cli {

namespace {

// "run 3" / "runs 3, 11, 19" / "runs 3, 11, ... and 40 more".
std::string runs_text(const std::vector<int64_t>& runs) {
  constexpr size_t kShown = 8;
  std::string out = runs.size() == 1 ? "run " : "runs ";
  for (size_t i = 0; i < runs.size() && i < kShown; ++i) out += fmt::format("{}{}", i ? ", " : "", runs[i]);
  if (runs.size() > kShown) out += fmt::format(" and {} more", runs.size() - kShown);
  return out;
}

std::vector<std::string> beyond_total(const std::vector<ShardFile>& files, int64_t total) {
  std::vector<std::string> out;
  for (const ShardFile& f : files) {
    std::vector<int64_t> beyond;
    for (int64_t r : f.runs)
      if (r >= total) beyond.push_back(r);
    if (!beyond.empty())
      out.push_back(fmt::format("{} holds {}, past the sweep's {} runs (0..{})", f.path, runs_text(beyond), total, total - 1));
  }
  return out;
}

std::vector<std::string> given_twice(const std::vector<ShardFile>& files) {
  std::map<int64_t, size_t> owner;
  std::map<std::pair<size_t, size_t>, std::vector<int64_t>> twice;  // (first file, other file) -> runs
  for (size_t j = 0; j < files.size(); ++j)
    for (int64_t r : files[j].runs) {
      auto [it, inserted] = owner.emplace(r, j);
      if (!inserted) twice[{it->second, j}].push_back(r);
    }
  std::vector<std::string> out;
  for (const auto& [pair, runs] : twice) {
    const ShardFile &a = files[pair.first], &b = files[pair.second];
    if (pair.first == pair.second)
      out.push_back(fmt::format("{} holds {} twice", a.path, runs_text(runs)));
    else if (a.path == b.path)
      out.push_back(fmt::format("{} is given twice", a.path));
    else if (a.runs == b.runs)
      out.push_back(fmt::format("{} and {} are the same shard ({}): give it once", a.path, b.path, runs_text(runs)));
    else
      out.push_back(fmt::format("{} and {} both hold {}", a.path, b.path, runs_text(runs)));
  }
  return out;
}

// With the shard count known: each shard I/N with no file, or whose file lacks runs.
std::vector<std::string> missing_shards(const std::vector<ShardFile>& files, const std::set<int64_t>& present,
                                        int64_t total, int64_t n) {
  std::vector<std::string> out;
  for (int64_t i = 0; i < n; ++i) {
    std::vector<int64_t> want, lost;
    for (int64_t r = i; r < total; r += n) (present.count(r) ? want : lost).push_back(r);
    if (lost.empty()) continue;
    const ShardFile* file = nullptr;
    for (const ShardFile& f : files)
      if (!f.runs.empty() && f.runs.front() == i) file = &f;
    if (!file)
      out.push_back(fmt::format("shard {}/{} is missing: no file holds its {} (rerun it with --shard {}/{})", i, n,
                                runs_text(lost), i, n));
    else
      out.push_back(fmt::format("{} holds {} of the {} runs of shard {}/{}: {} missing (rerun it with --shard {}/{})",
                                file->path, want.size(), want.size() + lost.size(), i, n, runs_text(lost), i, n));
  }
  return out;
}

}  // namespace

std::optional<int64_t> shard_count(const std::vector<ShardFile>& files) {
  std::optional<int64_t> n;
  for (const ShardFile& f : files) {
    if (f.runs.size() < 2) continue;
    const int64_t step = f.runs[1] - f.runs[0];
    if (step <= 0 || f.runs[0] >= step || (n && *n != step)) return std::nullopt;
    for (size_t k = 1; k < f.runs.size(); ++k)
      if (f.runs[k] - f.runs[k - 1] != step) return std::nullopt;
    n = step;
  }
  if (!n) return std::nullopt;
  for (const ShardFile& f : files)
    if (f.runs.size() == 1 && f.runs[0] >= *n) return std::nullopt;
  return n;
}

std::vector<std::string> shard_problems(const std::vector<ShardFile>& files, int64_t total) {
  std::vector<std::string> out = beyond_total(files, total);
  for (std::string& line : given_twice(files)) out.push_back(std::move(line));
  std::set<int64_t> present;
  for (const ShardFile& f : files) present.insert(f.runs.begin(), f.runs.end());
  std::vector<int64_t> lost;
  for (int64_t r = 0; r < total; ++r)
    if (!present.count(r)) lost.push_back(r);
  if (lost.empty()) return out;
  if (std::optional<int64_t> n = shard_count(files)) {
    for (std::string& line : missing_shards(files, present, total, *n)) out.push_back(std::move(line));
  } else {
    out.push_back(fmt::format("{} of the {} runs {} missing: {}", lost.size(), total, lost.size() == 1 ? "is" : "are",
                              runs_text(lost)));
  }
  return out;
}

}  // namespace ckptsim::cli
