// Text on the SVG pictures and the room it takes: an advance-width estimate, the box of a text
// element, and a page of placed labels that refuses a label whose box overlaps one already
// placed. timeline.svg and the sweep plots put every <text> through one Page, so no two texts
// of a picture overlap (tests/test_pictures.cpp checks the written SVG).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ckptsim::analysis::svg {

// The font list the pictures name. The width estimate uses DejaVu Sans' metrics, the widest of
// them, so a box holds in Helvetica and Arial as well.
inline constexpr const char* kFontFamily = "Helvetica, Arial, DejaVu Sans, sans-serif";

enum class Anchor : uint8_t { start, middle, end };

struct Box {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool overlaps(const Box& o) const;
};

// The advance width of a UTF-8 text at `size` px (DejaVu Sans, or DejaVu Sans Bold).
double text_width(std::string_view text, double size, bool bold = false);

// One <text> element: its anchor point (x, baseline y), size, anchor and look. `vertical`
// turns it a quarter left around its anchor (a y axis title).
struct Text {
  double x = 0, y = 0;
  std::string text = {};
  double size = 11;
  Anchor anchor = Anchor::start;
  std::string fill = {};  // empty: black
  bool bold = false;
  bool vertical = false;
};

// The box a text takes: from its ascent (0.76 em above the baseline) to its descent (0.24 em).
Box text_box(const Text& t);

// "Helvetica" -> "Helv…": the longest prefix (at character boundaries) that fits `width` px
// with an ellipsis; empty when not even one character fits.
std::string fit(std::string_view text, double size, double width);

class Page {
 public:
  explicit Page(double width) : width_(width) {}
  // Places the text when its box overlaps no placed box and lies within the page's width.
  bool try_place(const Text& t);
  // Places the first candidate that fits; returns its index, or -1 when none did.
  int place_first(const std::vector<Text>& candidates);
  // Places a text whose room the caller's layout guarantees (titles, axis ticks, row names).
  void place(const Text& t);
  // Reserves a box no label may cover (a glyph, a bar carrying its id).
  void reserve(const Box& b) { boxes_.push_back(b); }
  bool fits(const Box& b) const;
  // The placed texts as SVG elements, in placement order.
  const std::string& svg() const { return svg_; }

 private:
  double width_;
  std::vector<Box> boxes_;
  std::string svg_;
};

}  // namespace ckptsim::analysis::svg
