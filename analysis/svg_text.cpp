#include "analysis/svg_text.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "analysis/json_util.hpp"

namespace ckptsim::analysis::svg {

namespace {

// Advance widths of ASCII 32..126 in thousandths of an em, read from DejaVuSans.ttf and
// DejaVuSans-Bold.ttf (hmtx, rounded up).
constexpr uint16_t kBook[95] = {
    318, 401, 460, 838, 637, 951, 780, 275, 391, 391, 500, 838, 318, 361, 318, 337, 637, 637, 637,
    637, 637, 637, 637, 637, 637, 637, 337, 337, 838, 838, 838, 531, 1000, 685, 687, 699, 771, 632,
    576, 775, 752, 295, 295, 656, 558, 863, 749, 788, 604, 788, 695, 635, 611, 732, 685, 989, 686,
    611, 686, 391, 337, 391, 838, 500, 500, 613, 635, 550, 635, 616, 353, 635, 634, 278, 278, 580,
    278, 975, 634, 612, 635, 635, 412, 521, 393, 634, 592, 818, 592, 592, 525, 637, 337, 637, 838};
constexpr uint16_t kBold[95] = {
    349, 457, 521, 838, 696, 1002, 873, 307, 458, 458, 523, 838, 380, 416, 380, 366, 696, 696, 696,
    696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 581, 1000, 774, 763, 734, 831, 684,
    684, 821, 837, 373, 373, 775, 638, 996, 837, 851, 733, 851, 771, 721, 683, 813, 774, 1104, 771,
    725, 726, 458, 366, 458, 838, 500, 500, 675, 716, 593, 716, 679, 436, 716, 712, 343, 343, 666,
    343, 1042, 712, 688, 716, 716, 494, 596, 479, 712, 652, 924, 646, 652, 583, 712, 366, 712, 838};

// The em width of one character starting at s[i]; advances i past it. Beyond ASCII a full em
// (the widest DejaVu glyphs the pictures use, × → … ≤, are at most 1 em).
double char_em(std::string_view s, size_t& i, bool bold) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    ++i;
    if (c < 32 || c > 126) return 0;
    return (bold ? kBold : kBook)[c - 32] / 1000.0;
  }
  ++i;
  while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
  return 1.0;
}

const char* anchor_name(Anchor a) {
  switch (a) {
    case Anchor::start: return "start";
    case Anchor::middle: return "middle";
    case Anchor::end: return "end";
  }
  return "start";
}

}  // namespace

bool Box::overlaps(const Box& o) const {
  constexpr double eps = 0.01;  // boxes that only touch do not overlap
  return x0 < o.x1 - eps && o.x0 < x1 - eps && y0 < o.y1 - eps && o.y0 < y1 - eps;
}

double text_width(std::string_view text, double size, bool bold) {
  double em = 0;
  for (size_t i = 0; i < text.size();) em += char_em(text, i, bold);
  return em * size;
}

Box text_box(const Text& t) {
  const double w = text_width(t.text, t.size, t.bold);
  const double lead = t.anchor == Anchor::start ? 0 : t.anchor == Anchor::middle ? w / 2 : w;
  // Along the text: [-lead, w - lead]; across it: [-0.76 em, 0.24 em] from the baseline.
  const double a0 = -lead, a1 = w - lead, c0 = -0.76 * t.size, c1 = 0.24 * t.size;
  if (!t.vertical) return {t.x + a0, t.y + c0, t.x + a1, t.y + c1};
  // A quarter turn left: the text runs upwards, its ascent points left.
  return {t.x + c0, t.y - a1, t.x + c1, t.y - a0};
}

std::string fit(std::string_view text, double size, double width) {
  if (text_width(text, size) <= width) return std::string(text);
  const double budget = width - text_width("…", size);
  double used = 0;
  size_t i = 0, cut = 0;
  while (i < text.size()) {
    size_t j = i;
    used += char_em(text, j, false) * size;
    if (used > budget) break;
    i = cut = j;
  }
  std::string out;
  if (cut == 0) return out;
  out.assign(text.data(), cut);
  out.append("…");
  return out;
}

bool Page::fits(const Box& b) const {
  if (b.x0 < -0.01 || b.x1 > width_ + 0.01) return false;
  return std::none_of(boxes_.begin(), boxes_.end(), [&](const Box& o) { return o.overlaps(b); });
}

bool Page::try_place(const Text& t) {
  if (t.text.empty() || !fits(text_box(t))) return false;
  place(t);
  return true;
}

int Page::place_first(const std::vector<Text>& candidates) {
  for (size_t i = 0; i < candidates.size(); ++i)
    if (try_place(candidates[i])) return static_cast<int>(i);
  return -1;
}

void Page::place(const Text& t) {
  if (t.text.empty()) return;
  boxes_.push_back(text_box(t));
  svg_ += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"{:g}\"", t.x, t.y, t.size);
  if (t.anchor != Anchor::start) svg_ += fmt::format(" text-anchor=\"{}\"", anchor_name(t.anchor));
  if (t.bold) svg_ += " font-weight=\"bold\"";
  if (!t.fill.empty()) svg_ += fmt::format(" fill=\"{}\"", t.fill);
  if (t.vertical) svg_ += fmt::format(" transform=\"rotate(-90 {:.1f} {:.1f})\"", t.x, t.y);
  svg_ += '>';
  svg_ += json::xml_escape(t.text);
  svg_ += "</text>\n";
}

}  // namespace ckptsim::analysis::svg
