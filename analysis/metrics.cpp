#include "analysis/metrics.hpp"

namespace ckptsim::analysis {

const MetricSpec* find_metric(std::string_view name) {
  for (const MetricSpec& m : kMetrics)
    if (m.name == name) return &m;
  return nullptr;
}

const std::vector<std::string_view>& metric_names() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> n;
    for (const MetricSpec& m : kMetrics) n.push_back(m.name);
    return n;
  }();
  return names;
}

bool metric_is_time(std::string_view name) {
  const MetricSpec* m = find_metric(name);
  return m && m->unit == MetricUnit::time;
}

bool metric_is_status(std::string_view name) {
  const MetricSpec* m = find_metric(name);
  return m && m->unit == MetricUnit::status;
}

}  // namespace ckptsim::analysis
