// Test support for the pictures: the <text> elements of a written SVG with the boxes they take
// (analysis/svg_text.hpp's estimate), the first pair that overlaps, and attribute reading.
#pragma once

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "analysis/svg_text.hpp"

namespace ckptsim::testing {

// The value of attribute `name` in the tag text `tag` ("x=\"1.5\" y=..."), if present.
inline std::optional<std::string> attribute(const std::string& tag, const std::string& name) {
  const std::string key = " " + name + "=\"";
  const size_t at = tag.find(key);
  if (at == std::string::npos) return std::nullopt;
  const size_t from = at + key.size(), to = tag.find('"', from);
  return tag.substr(from, to - from);
}

inline double number_attribute(const std::string& tag, const std::string& name, double fallback = 0) {
  const auto v = attribute(tag, name);
  return v ? std::strtod(v->c_str(), nullptr) : fallback;
}

inline std::string unescape(std::string s) {
  const std::pair<const char*, const char*> entities[] = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}};
  for (const auto& [from, to] : entities)
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + 1)) s.replace(at, std::string(from).size(), to);
  return s;
}

// Every <text> of the document, as the svg::Text that would write it.
inline std::vector<analysis::svg::Text> svg_texts(const std::string& svg) {
  const size_t root_end = svg.find('>');
  const double root_size = number_attribute(svg.substr(0, root_end), "font-size", 16);
  std::vector<analysis::svg::Text> out;
  for (size_t at = svg.find("<text "); at != std::string::npos; at = svg.find("<text ", at + 1)) {
    const size_t tag_end = svg.find('>', at), close = svg.find("</text>", tag_end);
    const std::string tag = svg.substr(at + 5, tag_end - at - 5);
    analysis::svg::Text t;
    t.x = number_attribute(tag, "x");
    t.y = number_attribute(tag, "y");
    t.size = number_attribute(tag, "font-size", root_size);
    const std::string anchor = attribute(tag, "text-anchor").value_or("start");
    t.anchor = anchor == "middle" ? analysis::svg::Anchor::middle
               : anchor == "end"  ? analysis::svg::Anchor::end
                                  : analysis::svg::Anchor::start;
    t.bold = attribute(tag, "font-weight").value_or("") == "bold";
    t.vertical = attribute(tag, "transform").value_or("").rfind("rotate(-90", 0) == 0;
    t.text = unescape(svg.substr(tag_end + 1, close - tag_end - 1));
    out.push_back(std::move(t));
  }
  return out;
}

// The first two texts whose boxes overlap, or "" when none do.
inline std::string first_overlap(const std::string& svg) {
  const auto texts = svg_texts(svg);
  std::vector<analysis::svg::Box> boxes;
  for (const auto& t : texts) boxes.push_back(analysis::svg::text_box(t));
  for (size_t i = 0; i < boxes.size(); ++i)
    for (size_t j = i + 1; j < boxes.size(); ++j)
      if (boxes[i].overlaps(boxes[j]))
        return fmt::format("'{}' at ({:.1f}, {:.1f}) and '{}' at ({:.1f}, {:.1f})", texts[i].text, texts[i].x,
                           texts[i].y, texts[j].text, texts[j].x, texts[j].y);
  return "";
}

// The texts whose content is exactly `text`.
inline std::vector<analysis::svg::Text> texts_named(const std::string& svg, const std::string& text) {
  std::vector<analysis::svg::Text> out;
  for (auto& t : svg_texts(svg))
    if (t.text == text) out.push_back(t);
  return out;
}

}  // namespace ckptsim::testing
