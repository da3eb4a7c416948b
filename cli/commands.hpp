// The ckptsim subcommands (docs/cli.md). Each returns the process exit code:
// 0 success, 1 an expectation failed, 2 usage or scenario error.
#pragma once

#include <string>
#include <vector>

namespace ckptsim::cli {

int run_command(const std::vector<std::string>& args);
int validate_command(const std::vector<std::string>& args);
int compare_command(const std::vector<std::string>& args);
// `program` is how ckptsim was invoked (argv[0]): the command a batch file runs.
int sweep_command(const std::vector<std::string>& args, const std::string& program = "ckptsim");
int merge_command(const std::vector<std::string>& args);
int explore_command(const std::vector<std::string>& args);
int calibrate_command(const std::vector<std::string>& args);

}  // namespace ckptsim::cli
