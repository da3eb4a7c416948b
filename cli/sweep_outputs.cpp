#include "cli/sweep_outputs.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "cli/sweep_grid.hpp"

namespace ckptsim::cli {

void write_file_whole(const std::string& path, const std::function<void(std::ostream&)>& write) {
  const std::string partial = fmt::format("{}.partial-{}", path, getpid());
  {
    std::ofstream f(partial, std::ios::binary);
    if (f) write(f);
    f.close();
    if (!f) {
      std::remove(partial.c_str());
      throw std::runtime_error(fmt::format("cannot write {}", path));
    }
  }
  if (std::rename(partial.c_str(), path.c_str()) != 0) {
    std::remove(partial.c_str());
    throw std::runtime_error(fmt::format("cannot write {}", path));
  }
}

int write_sweep_outputs(const std::string& out_path, const RunTable& table, bool complete,
                        const PlotOptions& plots, const char* who) {
  try {
    write_file_whole(out_path, [&](std::ostream& f) { write_runs(f, table); });
    if (complete) {
      write_file_whole(sibling_path(out_path, ".points.csv"), [&](std::ostream& f) { write_points(f, table); });
      const std::string x = table.fingerprint_column() > table.first_key() ? table.header[table.first_key()] : "point";
      for (const std::string& column : plots.columns) {
        const std::string title = plots.title.empty() ? fmt::format("{} against {}", column, x) : plots.title;
        write_file_whole(sibling_path(out_path, "." + column + ".svg"),
                         [&](std::ostream& f) { write_plot(f, table, column, title, plots.marks); });
      }
    }
  } catch (const std::exception& e) {
    std::cerr << who << ": " << e.what() << "\n";
    return 2;
  }
  return 0;
}

bool check_plot_options(const RunTable& header_only, const PlotOptions& plots, const char* who) {
  for (const std::string& c : plots.columns)
    if (!is_numeric_column(header_only, c)) {
      std::cerr << fmt::format("{}: --plot {}: not a numeric column; one of:", who, c);
      for (size_t i = header_only.first_numeric(); i < header_only.header.size(); ++i)
        std::cerr << " " << header_only.header[i];
      std::cerr << "\n";
      return false;
    }
  for (const std::string& m : plots.marks)
    if (m.find('=') == std::string::npos || !value_number(m.substr(0, m.find('=')))) {
      std::cerr << fmt::format("{}: --plot-mark '{}': expected VALUE=LABEL with a number, duration, size or rate\n",
                               who, m);
      return false;
    }
  return true;
}

std::variant<RunTable, std::string> read_complete_runs(const std::string& path,
                                                       const std::vector<std::string>& header,
                                                       const std::vector<std::vector<std::string>>& identities) {
  auto read = read_runs(path);
  if (auto* e = std::get_if<std::string>(&read)) return *e;
  RunTable& t = std::get<RunTable>(read);
  if (t.header != header) return fmt::format("{}: the columns are not this sweep's", path);
  for (size_t i = 0; i < t.rows.size() && i < identities.size(); ++i) {
    const auto& id = identities[i];
    for (size_t c = 0; c < id.size(); ++c)
      if (c >= t.rows[i].size() || t.rows[i][c] != id[c])
        return fmt::format("{}: row {} is {} {}, this sweep's is {}", path, i + 1, t.header[c], t.rows[i][c], id[c]);
  }
  if (t.rows.size() != identities.size())
    return fmt::format("{}: {} of the {} runs", path, t.rows.size(), identities.size());
  // Byte for byte what write_runs would write: catches a cut exactly at a line end, blank or
  // CR-terminated lines, and a last line without its newline.
  std::ostringstream expected;
  write_runs(expected, t);
  std::ifstream in(path, std::ios::binary);
  std::ostringstream actual;
  actual << in.rdbuf();
  if (actual.str() != expected.str()) return fmt::format("{}: not in the form sweep writes", path);
  return std::move(t);
}

}  // namespace ckptsim::cli
