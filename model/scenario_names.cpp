#include "model/scenario.hpp"

namespace ckptsim::model {

const char* to_string(ConfigField f) {
  switch (f) {
    case ConfigField::interval: return "checkpointInterval";
    case ConfigField::timeout: return "checkpointTimeout";
  }
  return "unknown";
}

const char* to_string(IntervalPolicy p) {
  switch (p) {
    case IntervalPolicy::earlier_only: return "earlier_only";
    case IntervalPolicy::next_cycle: return "next_cycle";
    case IntervalPolicy::immediate: return "immediate";
  }
  return "unknown";
}

}  // namespace ckptsim::model
