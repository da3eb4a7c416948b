// The Recorder's spill file: an anonymous temporary file (std::tmpfile, gone when closed) of
// fixed-size records, appended at the end and read back by position. It is where a long run's
// finished checkpoints go, so that memory stays flat in simulated time.
#pragma once

#include <cstddef>
#include <cstdio>
#include <memory>
#include <type_traits>

namespace ckptsim::analysis {

class SpillFile {
 public:
  // Opens the file on first use; false when no temporary file can be made (asked once: the
  // caller then keeps everything in memory).
  bool ready();
  bool failed() const { return failed_; }

  // Appends bytes; throws std::runtime_error on a write error.
  void append(const void* data, size_t bytes);
  // Reads `bytes` bytes at `offset`; false on a read error.
  bool read(size_t offset, size_t bytes, void* out) const;

  // Records of one trivially copyable type T, numbered from 0 in the order appended.
  template <class T>
  void append_records(const T* records, size_t n) {
    static_assert(std::is_trivially_copyable_v<T>);
    append(records, n * sizeof(T));
  }
  template <class T>
  bool read_records(size_t first, size_t n, T* out) const {
    static_assert(std::is_trivially_copyable_v<T>);
    return read(first * sizeof(T), n * sizeof(T), out);
  }

 private:
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, Closer> file_;
  bool failed_ = false;
};

}  // namespace ckptsim::analysis
