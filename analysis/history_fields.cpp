#include "analysis/history_fields.hpp"

#include <algorithm>

#include "sim/names.hpp"

namespace ckptsim::analysis::history {

size_t max_name_chars() {
  static const size_t n = [] {
    size_t m = 0;
    for (auto names : {sim::enum_names<CheckpointStatus>(), sim::enum_names<model::CheckpointType>(),
                       sim::enum_names<model::FailureReason>()})
      for (std::string_view s : names) m = std::max(m, s.size());
    return m;
  }();
  return n;
}

}  // namespace ckptsim::analysis::history
