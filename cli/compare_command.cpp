// `ckptsim compare`: the variants of one scenario, same seed, side by side, and the first
// checkpoint whose outcome differs between them.
#include <iostream>
#include <memory>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "analysis/table.hpp"
#include "cli/commands.hpp"
#include "cli/session.hpp"
#include "sim/units.hpp"

namespace po = boost::program_options;

namespace ckptsim::cli {

namespace {

const char* kCompareUsage =
    "usage: ckptsim compare SCENARIO --variant NAME:key=value[,key=value]... --variant ...\n"
    "                       [--seed N] [--set key=value]...\n"
    "example: ckptsim compare scenarios/torn-interval-first.yaml \\\n"
    "           --variant atomic:events.1.patch.apply=atomic --variant torn:events.1.patch.apply=torn\n";

struct Variant {
  std::string name;
  std::vector<std::string> sets;
};

// "NAME:k=v,k=v". A comma starts a new setting only when what follows has its own '=', so
// values may hold commas ("body={checkpointInterval: 1min, checkpointTimeout: 2min}").
std::optional<Variant> parse_variant(const std::string& text, std::string& error) {
  const auto colon = text.find(':');
  if (colon == std::string::npos || colon == 0) {
    error = fmt::format("--variant '{}': expected NAME:key=value[,key=value]...", text);
    return std::nullopt;
  }
  Variant v{text.substr(0, colon), {}};
  std::string rest = text.substr(colon + 1);
  std::string current;
  size_t i = 0;
  while (i <= rest.size()) {
    const size_t comma = rest.find(',', i);
    std::string piece = rest.substr(i, comma == std::string::npos ? std::string::npos : comma - i);
    const bool starts_setting = piece.find('=') != std::string::npos &&
                                piece.find_first_of("{[") > piece.find('=');
    if (current.empty() || starts_setting) {
      if (!current.empty()) v.sets.push_back(current);
      current = piece;
    } else {
      current += "," + piece;
    }
    if (comma == std::string::npos) break;
    i = comma + 1;
  }
  if (!current.empty()) v.sets.push_back(current);
  for (const auto& s : v.sets)
    if (s.find('=') == std::string::npos) {
      error = fmt::format("--variant '{}': '{}' is not key=value", text, s);
      return std::nullopt;
    }
  return v;
}

struct Outcome {
  std::string text;  // "COMPLETED at 1234.5 ms" / "FAILED CHECKPOINT_EXPIRED at ..." / "absent"
  std::string key;   // what must agree: status, reason, rescued
};

Outcome outcome_of(const analysis::Recorder& rec, int64_t id) {
  const analysis::CheckpointRecord* r = rec.checkpoint(id);
  if (!r) return {"not triggered", "absent"};
  std::string status = analysis::to_string(r->status);
  if (r->status == analysis::CheckpointStatus::FAILED) status += std::string(" ") + model::to_string(r->failure_reason);
  if (r->rescued) status += " (rescued)";
  std::string when = r->end_timestamp >= 0 ? fmt::format(" at {} ms", sim::format_ms(r->end_timestamp)) : "";
  return {fmt::format("{} (triggered {} ms){}", status, sim::format_ms(r->trigger_timestamp), when), status};
}

// Every variant loaded before any runs: a bad variant writes nothing.
std::optional<std::vector<LoadedScenario>> load_variants(const std::string& path,
                                                          const std::vector<std::string>& base,
                                                          const std::vector<Variant>& variants,
                                                          std::optional<uint64_t> seed) {
  std::vector<LoadedScenario> loaded;
  for (const Variant& v : variants) {
    std::vector<std::string> sets = base;
    sets.insert(sets.end(), v.sets.begin(), v.sets.end());
    auto l = load_or_report(path, sets, seed);
    if (!l) {
      std::cerr << "ckptsim compare: variant '" << v.name << "' is not a valid scenario\n";
      return std::nullopt;
    }
    loaded.push_back(std::move(*l));
  }
  return loaded;
}

// The metrics side by side, a '*' where the variants differ.
void print_metrics(const std::vector<Variant>& variants,
                   const std::vector<std::unique_ptr<analysis::Recorder>>& recs, size_t width) {
  std::cout << fmt::format("{} (seed {})\n\n", recs[0]->scenario_name(), recs[0]->seed());
  std::cout << fmt::format("{:<40}", "metric");
  for (const Variant& v : variants) std::cout << fmt::format("  {:>{}}", v.name, std::max<size_t>(width, 14));
  std::cout << "\n";
  auto row = [&](const std::string& name, auto value_of) {
    std::cout << fmt::format("{:<40}", name);
    bool differs = false;
    std::string first;
    for (size_t i = 0; i < recs.size(); ++i) {
      std::string v = value_of(*recs[i]);
      if (i == 0) first = v; else differs = differs || v != first;
      std::cout << fmt::format("  {:>{}}", v, std::max<size_t>(width, 14));
    }
    std::cout << (differs ? "  *" : "") << "\n";
  };
  row("fingerprint", [](const analysis::Recorder& r) { return r.fingerprint(); });
  row("checkpoints triggered", [](const analysis::Recorder& r) { return std::to_string(r.counts().total); });
  for (std::string_view m : analysis::metric_names()) {
    row(std::string(m), [m](const analysis::Recorder& r) {
      auto t = r.metric_text(m);
      return t ? *t : std::string("-");
    });
  }
}

void print_first_difference(const std::vector<Variant>& variants,
                            const std::vector<std::unique_ptr<analysis::Recorder>>& recs, size_t width) {
  int64_t last_id = 0;
  for (const auto& r : recs) last_id = std::max<int64_t>(last_id, r->counts().total);
  std::cout << "\n";
  for (int64_t id = 1; id <= last_id; ++id) {
    std::vector<Outcome> outs;
    bool differs = false;
    for (const auto& r : recs) {
      outs.push_back(outcome_of(*r, id));
      differs = differs || outs.back().key != outs.front().key;
    }
    if (!differs) continue;
    std::cout << fmt::format("first checkpoint whose outcome differs: {}\n", id);
    for (size_t i = 0; i < outs.size(); ++i)
      std::cout << fmt::format("  {:<{}}  {}\n", variants[i].name, width, outs[i].text);
    return;
  }
  std::cout << "every checkpoint has the same outcome in all variants\n";
}

}  // namespace

int compare_command(const std::vector<std::string>& args) {
  po::options_description opts("ckptsim compare options");
  opts.add_options()("help,h", "show this help")(
      "variant", po::value<std::vector<std::string>>()->composing(), "NAME:key=value[,key=value]...")(
      "seed", po::value<uint64_t>(), "override the scenario's seed")(
      "set", po::value<std::vector<std::string>>()->composing(), "applied to every variant first");
  po::variables_map vm;
  if (auto rc = parse_scenario_command(args, opts, "ckptsim compare", kCompareUsage, vm)) return *rc;
  if (vm.count("variant") == 0 ||
      vm["variant"].as<std::vector<std::string>>().size() < 2) {
    std::cerr << "ckptsim compare: give at least two --variant\n" << kCompareUsage;
    return 2;
  }
  std::vector<std::string> base;
  if (vm.count("set")) base = vm["set"].as<std::vector<std::string>>();
  std::optional<uint64_t> seed;
  if (vm.count("seed")) seed = vm["seed"].as<uint64_t>();

  std::vector<Variant> variants;
  for (const std::string& text : vm["variant"].as<std::vector<std::string>>()) {
    std::string error;
    auto v = parse_variant(text, error);
    if (!v) {
      std::cerr << "ckptsim compare: " << error << "\n";
      return 2;
    }
    variants.push_back(*v);
  }
  auto loaded = load_variants(vm["scenario"].as<std::string>(), base, variants, seed);
  if (!loaded) return 2;
  std::vector<std::unique_ptr<analysis::Recorder>> recs;
  for (const LoadedScenario& l : *loaded) {
    // The full history: the first checkpoint whose outcome differs may be any of them.
    recs.push_back(std::make_unique<analysis::Recorder>(l.scenario, analysis::History::full));
    model::Fanout fan;
    fan.add(*recs.back());
    simulate(l.scenario, fan, false);
  }
  size_t width = 6;
  for (const Variant& v : variants) width = std::max(width, v.name.size());
  print_metrics(variants, recs, width);
  print_first_difference(variants, recs, width);
  return 0;
}

}  // namespace ckptsim::cli
