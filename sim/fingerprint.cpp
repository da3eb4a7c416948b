#include "sim/fingerprint.hpp"

#include <fmt/format.h>

namespace ckptsim::sim {

std::string Fingerprint::hex() const { return fmt::format("{:016x}", h_); }

}  // namespace ckptsim::sim
