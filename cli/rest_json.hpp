// Reading saved Flink REST responses: a file's text parsed with nlohmann::json, and typed access
// to its fields that names the file and the JSON path of anything that is not as expected
// (`checkpoints.json: history[3].end_to_end_duration: expected a number, got "x"`).
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace ckptsim::cli::rest {

inline constexpr size_t kMaxResponseBytes = size_t{64} << 20;  // 64 MiB

// A response that is not of the expected shape. what() is the whole message.
class RestError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads a whole file (at most kMaxResponseBytes). Throws RestError naming the file.
std::string read_file(const std::string& path);

// Parses `text` as the response of `endpoint` (e.g. "GET /jobs/:jobid/checkpoints"). Not JSON
// (an HTML error page, a truncated download), a Flink error body ({"errors": [...]}) or a
// document that is not an object throw RestError naming the file and what was expected.
nlohmann::json parse_response(const std::string& text, const std::string& file,
                              std::string_view endpoint);

// A JSON value with its path from the document root, for messages.
class Field {
 public:
  Field(const nlohmann::json& value, std::string file, std::string path)
      : v_(&value), file_(std::move(file)), path_(std::move(path)) {}

  const std::string& path() const { return path_; }
  const std::string& file() const { return file_; }
  const nlohmann::json& json() const { return *v_; }

  // The member `key` of this object; a missing or null member is an error.
  Field at(std::string_view key) const;
  // The member `key`, or empty when it is missing or null (a field of newer Flink versions).
  std::optional<Field> find(std::string_view key) const;
  // Element i of this array.
  Field at(size_t i) const;
  size_t size() const;  // of an array (this must be one)

  bool is_object() const { return v_->is_object(); }
  bool is_array() const { return v_->is_array(); }

  // Each throws RestError on a wrong type or an out-of-range value.
  void expect_object() const;
  void expect_array() const;
  // A whole number (Flink's longs and ints). A number with a fraction is an error.
  int64_t integer() const;
  int64_t integer(int64_t min, int64_t max) const;
  // A number, or Flink's "NaN" string for a statistic over nothing: empty then.
  std::optional<double> number_or_nan() const;
  std::string string() const;
  bool boolean() const;

  // "file: path: message"
  [[noreturn]] void fail(std::string_view message) const;

 private:
  const nlohmann::json* v_;
  std::string file_;
  std::string path_;
};

// The document root of a parsed response.
inline Field root(const nlohmann::json& doc, const std::string& file) { return Field(doc, file, ""); }

// A short rendering of a JSON value for messages: strings quoted, long values cut.
std::string describe(const nlohmann::json& v);

}  // namespace ckptsim::cli::rest
