// libFuzzer entry point for the scenario loader (see README.md in this folder).
// Leading lines "#set path=value" (YAML comments, so the text stays valid YAML) are also passed
// as --set overrides, so that the fuzzer exercises cli/overrides.cpp too.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cli/loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> overrides;
  size_t pos = 0;
  while (overrides.size() < 8 && text.compare(pos, 5, "#set ") == 0) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    overrides.push_back(text.substr(pos + 5, end - pos - 5));
    pos = end < text.size() ? end + 1 : end;
  }
  auto result = ckptsim::cli::load_scenario_text(text, "fuzz.yaml", overrides);
  if (auto* errors = std::get_if<std::vector<ckptsim::cli::ScenarioError>>(&result)) {
    if (errors->empty()) __builtin_trap();  // a failure always says why
    for (const auto& e : *errors) (void)e.format();
  }
  return 0;
}
