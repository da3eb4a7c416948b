#include "analysis/spill_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <stdexcept>

namespace ckptsim::analysis {

bool SpillFile::ready() {
  if (file_) return true;
  if (failed_) return false;
  file_.reset(std::tmpfile());
  failed_ = !file_;
  return !failed_;
}

// Straight to the descriptor, not through stdio: no copy into its buffer, and read()'s pread
// sees every byte without a flush.
void SpillFile::append(const void* data, size_t bytes) {
  const auto* src = static_cast<const char*>(data);
  for (size_t put = 0; put < bytes;) {
    const ssize_t k = ::write(fileno(file_.get()), src + put, bytes - put);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) throw std::runtime_error("cannot write the recorder's spill file");
    put += static_cast<size_t>(k);
  }
}

bool SpillFile::read(size_t offset, size_t bytes, void* out) const {
  if (bytes == 0) return true;
  if (!file_) return false;
  auto* dst = static_cast<char*>(out);
  const auto off = static_cast<off_t>(offset);
  size_t got = 0;
  while (got < bytes) {
    const ssize_t k = ::pread(fileno(file_.get()), dst + got, bytes - got, off + static_cast<off_t>(got));
    if (k <= 0) return false;
    got += static_cast<size_t>(k);
  }
  return true;
}

}  // namespace ckptsim::analysis
