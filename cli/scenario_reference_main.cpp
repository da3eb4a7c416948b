// ckptsim-reference: writes docs/scenario-reference.md from the schema (to the file given, or to
// stdout). The build's `scenario-reference` target runs it; a test compares the checked-in file.
#include <fstream>
#include <iostream>

#include "cli/scenario_reference.hpp"

int main(int argc, char** argv) {
  const std::string text = ckptsim::cli::scenario_reference_markdown();
  if (argc < 2) {
    std::cout << text;
    return 0;
  }
  std::ofstream out(argv[1], std::ios::binary);
  out << text;
  out.close();
  if (!out) {
    std::cerr << "ckptsim-reference: cannot write " << argv[1] << "\n";
    return 2;
  }
  return 0;
}
