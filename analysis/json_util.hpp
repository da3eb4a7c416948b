// Small helpers to write JSON (and CSV) text deterministically with fmt. No JSON library.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <vector>

#include "model/scenario.hpp"
#include "sim/time.hpp"

namespace ckptsim::analysis::json {

// A JSON string literal, quotes included; control characters, quotes and backslashes escaped,
// other bytes (UTF-8) passed through.
std::string quote(std::string_view s);
// Appends quote(s) to out.
void append_quoted(std::string& out, std::string_view s);
// A double as a JSON number: shortest round-trip form; null when not finite.
std::string number(double v);
// A fraction in [0, 1] with fixed precision (6 decimals, trailing zeros trimmed, at least one
// decimal): "1.0", "0.5", "0.333333". Negative means unknown: null.
std::string fraction(double v);
// A PATCH body as a JSON object of its raw fields: {"checkpointTimeout": "30min"}.
std::string patch_body(const std::vector<model::PatchField>& body);
// Text for SVG/XML content and attributes: & < > " escaped, control characters dropped.
std::string xml_escape(std::string_view s);
// Milliseconds printed exactly from microseconds; null for kNever.
std::string ms(sim::Time t);

}  // namespace ckptsim::analysis::json
