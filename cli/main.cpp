// ckptsim: a deterministic discrete-event simulator of Apache Flink checkpointing.
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.hpp"

#ifndef CKPTSIM_VERSION
#define CKPTSIM_VERSION "dev"
#endif

namespace {

const char* kUsage =
    "ckptsim " CKPTSIM_VERSION " - a deterministic simulator of Apache Flink checkpointing\n"
    "\n"
    "usage:\n"
    "  ckptsim run SCENARIO [--seed N] [--set k=v]... [--out DIR] [--events] [--trace]\n"
    "                       [--format table|json] [--progress]\n"
    "  ckptsim validate SCENARIO...\n"
    "  ckptsim compare SCENARIO --variant NAME:k=v[,k=v]... --variant ... [--seed N] [--set k=v]...\n"
    "  ckptsim sweep SCENARIO --vary k=v1,v2,... [--vary ...] [--replications R] [--jobs N]\n"
    "                       [--shard I/N] [--list-runs] [--run N] [--skip-done] --out FILE.csv\n"
    "                       [--emit-sbatch FILE --shards N]\n"
    "  ckptsim merge OUT.csv SHARD.csv... [--runs N]\n"
    "  ckptsim explore SCENARIO [--patch N] [--window D] [--design NAME]... [--format table|json]\n"
    "                       [--trace] [--emit DIR]\n"
    "  ckptsim calibrate --checkpoints FILE [--config FILE] [--job FILE] [--subtasks [VERTEX=]FILE]...\n"
    "                       --out SCENARIO.yaml [--seed N]\n"
    "  ckptsim --help | --version\n"
    "\n"
    "exit codes: 0 ok, 1 an expectation failed, 2 usage or scenario error\n"
    "`ckptsim COMMAND --help` describes each command's options.\n";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string command = args.front();
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << kUsage;
    return 0;
  }
  if (command == "--version" || command == "-V") {
    std::cout << "ckptsim " CKPTSIM_VERSION "\n";
    return 0;
  }
  if (command == "run") return ckptsim::cli::run_command(rest);
  if (command == "validate") return ckptsim::cli::validate_command(rest);
  if (command == "compare") return ckptsim::cli::compare_command(rest);
  if (command == "sweep") return ckptsim::cli::sweep_command(rest, argv[0]);
  if (command == "merge") return ckptsim::cli::merge_command(rest);
  if (command == "explore") return ckptsim::cli::explore_command(rest);
  if (command == "calibrate") return ckptsim::cli::calibrate_command(rest);
  std::cerr << "ckptsim: unknown command '" << command << "'\n\n" << kUsage;
  return 2;
}
