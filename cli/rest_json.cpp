#include "cli/rest_json.hpp"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>

#include <fmt/format.h>

namespace ckptsim::cli::rest {

using nlohmann::json;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw RestError(fmt::format("{}: cannot read: {}", path, std::strerror(errno)));
  std::string text;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxResponseBytes)
      throw RestError(fmt::format("{}: larger than {} MiB: not a saved REST response", path,
                                  kMaxResponseBytes >> 20));
  }
  if (in.bad()) throw RestError(fmt::format("{}: cannot read: {}", path, std::strerror(errno)));
  return text;
}

namespace {

// 1-based line and column of byte offset `at` in `text`.
std::pair<size_t, size_t> line_column(const std::string& text, size_t at) {
  size_t line = 1, column = 1;
  for (size_t i = 0; i < at && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

std::string excerpt(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (out.size() >= 40) {
      out += "...";
      break;
    }
    out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  }
  return out;
}

}  // namespace

json parse_response(const std::string& text, const std::string& file, std::string_view endpoint) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos)
    throw RestError(fmt::format("{}: empty; expected the JSON response of {}", file, endpoint));
  if (text[first] == '<')
    throw RestError(fmt::format(
        "{}: not a JSON response (it starts like an HTML page: '{}'); expected the JSON of {}",
        file, excerpt(std::string_view(text).substr(first)), endpoint));
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    const auto [line, column] = line_column(text, e.byte == 0 ? 0 : e.byte - 1);
    // nlohmann's message starts "[json.exception.parse_error.101] parse error at line ...";
    // keep only what it says is wrong.
    std::string what = e.what();
    const auto colon = what.find(": ", what.find("parse error"));
    if (colon != std::string::npos) what = what.substr(colon + 2);
    throw RestError(fmt::format("{}:{}:{}: not valid JSON ({}); expected the JSON of {}", file,
                                line, column, what, endpoint));
  }
  if (!doc.is_object())
    throw RestError(fmt::format("{}: expected a JSON object (the response of {}), got {}", file,
                                endpoint, describe(doc)));
  // Flink answers an error (unknown job, checkpointing disabled) with {"errors": [...]}.
  if (doc.size() == 1 && doc.contains("errors")) {
    std::string msg = "no message";
    if (doc["errors"].is_array() && !doc["errors"].empty() && doc["errors"][0].is_string())
      msg = excerpt(doc["errors"][0].get<std::string>());
    throw RestError(fmt::format("{}: Flink answered with an error ('{}'), not the response of {}",
                                file, msg, endpoint));
  }
  return doc;
}

std::string describe(const json& v) {
  if (v.is_null()) return "null";
  if (v.is_object()) return "an object";
  if (v.is_array()) return "a list";
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  std::string s = v.dump();
  if (s.size() > 40) s = s.substr(0, 40) + "...";
  return s;
}

void Field::fail(std::string_view message) const {
  if (path_.empty()) throw RestError(fmt::format("{}: {}", file_, message));
  throw RestError(fmt::format("{}: {}: {}", file_, path_, message));
}

Field Field::at(std::string_view key) const {
  expect_object();
  const std::string path = path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  auto it = v_->find(key);
  if (it == v_->end() || it->is_null()) {
    Field missing(*v_, file_, path);
    missing.fail("missing");
  }
  return Field(*it, file_, path);
}

std::optional<Field> Field::find(std::string_view key) const {
  expect_object();
  auto it = v_->find(key);
  if (it == v_->end() || it->is_null()) return std::nullopt;
  return Field(*it, file_, path_.empty() ? std::string(key) : path_ + "." + std::string(key));
}

Field Field::at(size_t i) const {
  expect_array();
  return Field((*v_)[i], file_, fmt::format("{}[{}]", path_, i));
}

size_t Field::size() const {
  expect_array();
  return v_->size();
}

void Field::expect_object() const {
  if (!v_->is_object()) fail(fmt::format("expected an object, got {}", describe(*v_)));
}

void Field::expect_array() const {
  if (!v_->is_array()) fail(fmt::format("expected a list, got {}", describe(*v_)));
}

int64_t Field::integer() const {
  return integer(std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
}

int64_t Field::integer(int64_t min, int64_t max) const {
  int64_t v = 0;
  if (v_->is_number_integer()) {
    if (v_->is_number_unsigned() && v_->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))
      fail(fmt::format("expected a number up to {}, got {}", max, describe(*v_)));
    v = v_->get<int64_t>();
  } else if (v_->is_number_float()) {
    const double d = v_->get<double>();
    // Jackson writes longs as integers; accept an integral float (another tool's re-encoding).
    if (!(std::floor(d) == d) || !(std::fabs(d) < 9.2e18))
      fail(fmt::format("expected a whole number, got {}", describe(*v_)));
    v = static_cast<int64_t>(d);
  } else {
    fail(fmt::format("expected a number, got {}", describe(*v_)));
  }
  if (v < min || v > max) {
    if (max == std::numeric_limits<int64_t>::max())
      fail(fmt::format("expected a number >= {}, got {}", min, v));
    fail(fmt::format("expected a number from {} to {}, got {}", min, max, v));
  }
  return v;
}

std::optional<double> Field::number_or_nan() const {
  if (v_->is_number()) return v_->get<double>();
  if (v_->is_string() && v_->get<std::string>() == "NaN") return std::nullopt;
  fail(fmt::format("expected a number or \"NaN\", got {}", describe(*v_)));
}

std::string Field::string() const {
  if (!v_->is_string()) fail(fmt::format("expected a string, got {}", describe(*v_)));
  return v_->get<std::string>();
}

bool Field::boolean() const {
  if (!v_->is_boolean()) fail(fmt::format("expected true or false, got {}", describe(*v_)));
  return v_->get<bool>();
}

}  // namespace ckptsim::cli::rest
