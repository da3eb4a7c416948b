#include "analysis/json_util.hpp"

#include <cmath>

#include <fmt/format.h>

#include "sim/units.hpp"

namespace ckptsim::analysis::json {

void append_quoted(std::string& out, std::string_view s) {
  out += '"';
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20 || c == 0x7f) out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        else out += ch;
    }
  }
  out += '"';
}

std::string quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  append_quoted(out, s);
  return out;
}

std::string number(double v) {
  if (!std::isfinite(v)) return "null";
  if (v == 0) return "0";  // no "-0"
  return fmt::format("{}", v);
}

std::string fraction(double v) {
  if (!(v >= 0) || !std::isfinite(v)) return "null";
  std::string s = fmt::format("{:.6f}", v);
  while (s.size() > 1 && s.back() == '0' && s[s.size() - 2] != '.') s.pop_back();
  return s;
}

std::string ms(sim::Time t) {
  if (t == sim::kNever) return "null";
  return sim::format_ms(t);
}

std::string patch_body(const std::vector<model::PatchField>& body) {
  std::string out = "{";
  for (size_t k = 0; k < body.size(); ++k) {
    if (k) out += ", ";
    append_quoted(out, body[k].key);
    out += ": ";
    append_quoted(out, body[k].value);
  }
  out += "}";
  return out;
}

std::string xml_escape(std::string_view s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default:
        if (static_cast<unsigned char>(c) >= 0x20) o += c;
    }
  }
  return o;
}

}  // namespace ckptsim::analysis::json
