#include "cli/sweep_table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <ostream>

#include <fmt/format.h>

#include "analysis/plot_svg.hpp"
#include "analysis/stats.hpp"
#include "sim/units.hpp"

namespace ckptsim::cli {

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string csv_line(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    out += csv_field(fields[i]);
  }
  return out;
}

std::variant<std::vector<std::string>, std::string> parse_csv_line(std::string_view line) {
  std::vector<std::string> out;
  std::string cur;
  size_t i = 0;
  while (true) {
    cur.clear();
    if (i < line.size() && line[i] == '"') {
      ++i;
      while (true) {
        if (i >= line.size()) return std::string("unterminated quoted field");
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            cur += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        cur += line[i++];
      }
      if (i < line.size() && line[i] != ',') return std::string("text after a quoted field");
    } else {
      while (i < line.size() && line[i] != ',') {
        if (line[i] == '"') return std::string("a quote inside an unquoted field");
        cur += line[i++];
      }
    }
    out.push_back(cur);
    if (i >= line.size()) break;
    ++i;  // the comma
  }
  return out;
}

size_t RunTable::fingerprint_column() const {
  for (size_t i = first_key(); i < header.size(); ++i)
    if (header[i] == "fingerprint") return i;
  return header.size();
}

namespace {

// The columns after the metrics, and what their values are (for the plots' axes).
struct DerivedColumn {
  const char* name;
  analysis::PlotUnit unit;
};
constexpr DerivedColumn kDerived[] = {{"checkpoints", analysis::PlotUnit::count},
                                      {"in_progress", analysis::PlotUnit::count},
                                      {"e2e_duration_avg", analysis::PlotUnit::milliseconds},
                                      {"e2e_duration_p99", analysis::PlotUnit::milliseconds},
                                      {"lag_fraction", analysis::PlotUnit::fraction}};

std::string fmt_double(double v) { return fmt::format("{:.12g}", v); }

}  // namespace

std::vector<std::string> run_header(const std::vector<Axis>& axes) {
  std::vector<std::string> h{"run", "point", "replication", "seed"};
  for (const Axis& a : axes) h.push_back(a.key);
  h.push_back("fingerprint");
  // The job status first, after the fingerprint; then the numeric metrics.
  for (std::string_view m : analysis::metric_names())
    if (analysis::metric_is_status(m)) h.emplace_back(m);
  for (std::string_view m : analysis::metric_names())
    if (!analysis::metric_is_status(m)) h.emplace_back(m);
  for (const auto& d : kDerived) h.emplace_back(d.name);
  return h;
}

std::vector<std::string> run_identity(const RunId& id, uint64_t seed, const std::vector<std::string>& values) {
  std::vector<std::string> r{fmt::format("{}", id.run), fmt::format("{}", id.point),
                             fmt::format("{}", id.replication), fmt::format("{}", seed)};
  for (const auto& v : values) r.push_back(v);
  return r;
}

std::vector<std::string> run_row(const RunId& id, uint64_t seed, const std::vector<std::string>& values,
                                 const analysis::Recorder& rec) {
  std::vector<std::string> r = run_identity(id, seed, values);
  r.push_back(rec.fingerprint());
  r.push_back(rec.job_status());
  for (std::string_view m : analysis::metric_names())
    if (!analysis::metric_is_status(m)) r.push_back(rec.metric_text(m).value_or(""));
  const analysis::Counts c = rec.counts();
  r.push_back(fmt::format("{}", c.total));
  r.push_back(fmt::format("{}", c.in_progress));
  const analysis::SummaryStats e2e = rec.summary(analysis::Recorder::Field::end_to_end_duration);
  r.push_back(e2e.count ? fmt_double(e2e.avg / 1000.0) : "");
  r.push_back(e2e.count ? sim::format_ms(e2e.p99) : "");
  const analysis::Metrics m = rec.metrics();
  r.push_back(rec.duration() > 0
                  ? fmt_double(static_cast<double>(m.final_lag) / static_cast<double>(rec.duration()))
                  : "");
  return r;
}

void write_runs(std::ostream& out, const RunTable& t) {
  out << csv_line(t.header) << "\n";
  for (const auto& r : t.rows) out << csv_line(r) << "\n";
}

namespace {

struct PointSummary {
  int64_t point = 0;
  std::vector<std::string> values;
  int64_t runs = 0;
  std::vector<analysis::SampleStats> stats;  // per numeric column
};

std::vector<PointSummary> summarize(const RunTable& t) {
  std::vector<PointSummary> out;
  const size_t k0 = t.first_key(), k1 = t.fingerprint_column(), n0 = t.first_numeric();
  std::map<int64_t, std::vector<const std::vector<std::string>*>> by_point;
  for (const auto& r : t.rows) by_point[std::strtoll(r[1].c_str(), nullptr, 10)].push_back(&r);
  for (const auto& [point, rows] : by_point) {
    PointSummary s;
    s.point = point;
    s.values.assign(rows.front()->begin() + static_cast<std::ptrdiff_t>(k0),
                    rows.front()->begin() + static_cast<std::ptrdiff_t>(k1));
    s.runs = static_cast<int64_t>(rows.size());
    for (size_t c = n0; c < t.header.size(); ++c) {
      std::vector<double> v;
      for (const auto* r : rows)
        if (!(*r)[c].empty()) v.push_back(std::strtod((*r)[c].c_str(), nullptr));
      s.stats.push_back(analysis::sample_stats(v));
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::string opt(const std::optional<double>& v) { return v ? fmt_double(*v) : ""; }

}  // namespace

void write_points(std::ostream& out, const RunTable& t) {
  const size_t k0 = t.first_key(), k1 = t.fingerprint_column(), n0 = t.first_numeric();
  std::vector<std::string> h{"point"};
  for (size_t k = k0; k < k1; ++k) h.push_back(t.header[k]);
  h.push_back("runs");
  for (size_t c = n0; c < t.header.size(); ++c)
    for (const char* s : {"_mean", "_stddev", "_ci95_low", "_ci95_high"}) h.push_back(t.header[c] + s);
  out << csv_line(h) << "\n";
  for (const PointSummary& p : summarize(t)) {
    std::vector<std::string> r{fmt::format("{}", p.point)};
    for (const auto& v : p.values) r.push_back(v);
    r.push_back(fmt::format("{}", p.runs));
    for (const auto& s : p.stats) {
      r.push_back(s.n ? fmt_double(s.mean) : "");
      r.push_back(opt(s.stddev));
      r.push_back(opt(s.ci95_low));
      r.push_back(opt(s.ci95_high));
    }
    out << csv_line(r) << "\n";
  }
}

std::variant<RunTable, std::string> read_runs(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fmt::format("{}: cannot read", path);
  RunTable t;
  std::string line;
  int64_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    auto parsed = parse_csv_line(line);
    if (auto* e = std::get_if<std::string>(&parsed)) return fmt::format("{}:{}: {}", path, line_no, *e);
    auto& fields = std::get<std::vector<std::string>>(parsed);
    if (t.header.empty()) {
      t.header = std::move(fields);
      if (t.header.size() < 6 || t.header[0] != "run" || t.header[1] != "point" ||
          t.header[2] != "replication" || t.header[3] != "seed" ||
          t.fingerprint_column() >= t.header.size() || t.header[t.fingerprint_column() + 1] != "job_status")
        return fmt::format("{}:1: not a ckptsim sweep runs file (header run,point,replication,seed,...)", path);
      continue;
    }
    if (fields.size() != t.header.size())
      return fmt::format("{}:{}: {} fields, the header has {}", path, line_no, fields.size(), t.header.size());
    for (size_t c = 0; c < 4; ++c) {
      const auto& f = fields[c];
      if (f.empty() || f.find_first_not_of("0123456789") != std::string::npos)
        return fmt::format("{}:{}: {} '{}' is not a non-negative integer", path, line_no, t.header[c], f);
    }
    t.rows.push_back(std::move(fields));
  }
  if (t.header.empty()) return fmt::format("{}: empty file", path);
  return t;
}

std::string sibling_path(const std::string& out, const std::string& suffix) {
  std::string stem = out;
  if (stem.size() > 4 && stem.compare(stem.size() - 4, 4, ".csv") == 0) stem.resize(stem.size() - 4);
  return stem + suffix;
}

bool is_numeric_column(const RunTable& t, const std::string& column) {
  for (size_t c = t.first_numeric(); c < t.header.size(); ++c)
    if (t.header[c] == column) return true;
  return false;
}

namespace {

// The unit of a runs-file column, and the range of its values: every metric and derived column
// is a count, a time (ms), a size or a fraction, none negative.
void set_y_unit(analysis::Plot& plot, const std::string& column) {
  plot.y_unit = analysis::PlotUnit::number;
  if (const analysis::MetricSpec* m = analysis::find_metric(column)) {
    switch (m->unit) {
      case analysis::MetricUnit::count: plot.y_unit = analysis::PlotUnit::count; break;
      case analysis::MetricUnit::time: plot.y_unit = analysis::PlotUnit::milliseconds; break;
      case analysis::MetricUnit::bytes: plot.y_unit = analysis::PlotUnit::bytes; break;
      case analysis::MetricUnit::status: break;
    }
  }
  for (const DerivedColumn& d : kDerived)
    if (column == d.name) plot.y_unit = d.unit;
  plot.y_floor = 0;
  if (plot.y_unit == analysis::PlotUnit::fraction) plot.y_ceiling = 1;
}

// "job.operators.1.capacity" -> "capacity", unless another key ends the same way.
std::string key_name(const RunTable& t, size_t column) {
  const std::string& key = t.header[column];
  const std::string last = key.substr(key.rfind('.') == std::string::npos ? 0 : key.rfind('.') + 1);
  for (size_t c = t.first_key(); c < t.fingerprint_column(); ++c)
    if (c != column && t.header[c].size() >= last.size() &&
        t.header[c].compare(t.header[c].size() - last.size(), last.size(), last) == 0)
      return key;
  std::string name = last;
  std::replace(name.begin(), name.end(), '_', ' ');
  return name;
}

}  // namespace

void write_plot(std::ostream& out, const RunTable& t, const std::string& column, const std::string& title,
                const std::vector<std::string>& marks) {
  const size_t k0 = t.first_key(), k1 = t.fingerprint_column();
  size_t col = 0;
  for (size_t c = t.first_numeric(); c < t.header.size(); ++c)
    if (t.header[c] == column) col = c - t.first_numeric();
  analysis::Plot plot;
  plot.title = title;
  plot.y_label = column;
  std::replace(plot.y_label.begin(), plot.y_label.end(), '_', ' ');
  set_y_unit(plot, column);
  plot.x_label = "point";
  if (k1 > k0) plot.x_label = key_name(t, k0) == t.header[k0] ? t.header[k0] : fmt::format("{} ({})", key_name(t, k0), t.header[k0]);
  const auto points = summarize(t);
  std::map<std::string, size_t> series_of;  // label of the other keys -> series index
  std::map<double, std::string> ticks;
  bool all_positive = true;
  double xmin = 0, xmax = 0;
  bool first = true;
  for (const PointSummary& p : points) {
    std::string xtext = p.values.empty() ? fmt::format("{}", p.point) : p.values.front();
    const double x = p.values.empty() ? static_cast<double>(p.point) : value_number(xtext).value_or(static_cast<double>(p.point));
    std::string label;
    for (size_t k = 1; k < p.values.size(); ++k) {
      if (!label.empty()) label += ", ";
      label += key_name(t, k0 + k) + " " + human_value(p.values[k]);
    }
    auto [it, inserted] = series_of.emplace(label, plot.series.size());
    if (inserted) plot.series.push_back({label, {}});
    const auto& s = p.stats[col];
    if (s.n == 0) continue;
    plot.series[it->second].points.push_back({x, s.mean, s.ci95_low, s.ci95_high});
    ticks.emplace(x, human_value(xtext));
    all_positive = all_positive && x > 0;
    xmin = first ? x : std::min(xmin, x);
    xmax = first ? x : std::max(xmax, x);
    first = false;
  }
  for (auto& s : plot.series)
    std::stable_sort(s.points.begin(), s.points.end(),
                     [](const analysis::PlotPoint& a, const analysis::PlotPoint& b) { return a.x < b.x; });
  // A log axis when the values span more than a factor 20 (typically a geometric range).
  plot.log_x = all_positive && !first && xmax / xmin > 20;
  for (const auto& [x, text] : ticks) plot.x_ticks.emplace_back(x, text);
  for (const std::string& m : marks) {
    const size_t eq = m.find('=');
    const std::string v = m.substr(0, eq);
    if (auto x = value_number(v)) plot.marks.push_back({*x, eq == std::string::npos ? v : m.substr(eq + 1)});
  }
  analysis::write_plot_svg(out, plot);
}

}  // namespace ckptsim::cli
