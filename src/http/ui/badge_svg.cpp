// The flat badge layout of shields.io (https://shields.io/badges: 20 px high,
// 11 px Verdana, 5 px padding each side, rounded 3 px corners, a faint
// gradient and a 1 px text shadow), written out as text. Colours are fixed
// here and not CSS variables: a badge is shown on other sites, outside our
// stylesheet, and must read the same in every README.
#include "http/ui/badge_svg.h"

#include <cstddef>

#include "http/ui/run_pages.h"

namespace opsdeck::http::ui {
namespace {

constexpr std::size_t kMaxText = 48;  // bytes of a label or message (names can be long)
constexpr int kPadding = 10;          // 5 px on each side of a text

std::string_view ColourOf(BadgeTone tone) {
  switch (tone) {
    case BadgeTone::kGood:
      return "#1a7f37";
    case BadgeTone::kWarning:
      return "#9a6700";
    case BadgeTone::kBad:
      return "#cf222e";
    case BadgeTone::kActive:
      return "#2457d6";
    case BadgeTone::kNeutral:
      return "#6e7781";
  }
  return "#6e7781";
}

// Half a width as SVG text: "34.5" or "34".
std::string Half(int width) {
  std::string out = std::to_string(width / 2);
  if (width % 2 != 0) out += ".5";
  return out;
}

void AppendText(std::string& out, int x_center2, const std::string& escaped) {
  // x_center2 is twice the centre, so odd widths keep their half pixel.
  const std::string x = Half(x_center2);
  out +=
      "<text x=\"" + x + "\" y=\"15\" fill=\"#010101\" fill-opacity=\".3\">" + escaped + "</text>";
  out += "<text x=\"" + x + "\" y=\"14\">" + escaped + "</text>";
}

}  // namespace

std::string RenderBadgeSvg(const Badge& badge) {
  const std::string label = internal::Shorten(badge.label, kMaxText);
  const std::string message = internal::Shorten(badge.message, kMaxText);
  const int label_width = internal::BadgeTextWidth(label) + kPadding;
  const int message_width = internal::BadgeTextWidth(message) + kPadding;
  const int width = label_width + message_width;
  const std::string w = std::to_string(width);
  const std::string lw = std::to_string(label_width);
  const std::string label_xml = internal::XmlEscape(label);
  const std::string message_xml = internal::XmlEscape(message);
  const std::string title = label_xml + ": " + message_xml;

  std::string out;
  out.reserve(1200 + 2 * (label_xml.size() + message_xml.size()));
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w +
         "\" height=\"20\" role=\"img\" aria-label=\"" + title + "\">";
  out += "<title>" + title + "</title>";
  out +=
      "<linearGradient id=\"s\" x2=\"0\" y2=\"100%\"><stop offset=\"0\" stop-color=\"#bbb\" "
      "stop-opacity=\".1\"/><stop offset=\"1\" stop-opacity=\".1\"/></linearGradient>";
  out += "<clipPath id=\"r\"><rect width=\"" + w +
         "\" height=\"20\" rx=\"3\" fill=\"#fff\"/></clipPath>";
  out += "<g clip-path=\"url(#r)\"><rect width=\"" + lw + "\" height=\"20\" fill=\"#555\"/>";
  out += "<rect x=\"" + lw + "\" width=\"" + std::to_string(message_width) +
         "\" height=\"20\" fill=\"" + std::string(ColourOf(badge.tone)) + "\"/>";
  out += "<rect width=\"" + w + "\" height=\"20\" fill=\"url(#s)\"/></g>";
  out +=
      "<g fill=\"#fff\" text-anchor=\"middle\" font-family=\"Verdana,Geneva,DejaVu "
      "Sans,sans-serif\" "
      "text-rendering=\"geometricPrecision\" font-size=\"11\">";
  AppendText(out, label_width, label_xml);
  AppendText(out, 2 * label_width + message_width, message_xml);
  out += "</g></svg>";
  return out;
}

namespace internal {

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '\t':
      case '\n':
      case '\r':
        out += ' ';
        break;
      default:
        // C0 controls are not allowed in XML 1.0, not even as references.
        if (static_cast<unsigned char>(c) >= 0x20) out += c;
    }
  }
  return out;
}

int BadgeTextWidth(std::string_view text) {
  constexpr std::string_view kNarrow = "fijlrtI.,:;'!|()[]{} `";
  constexpr std::string_view kWide = "mwMW@%";
  int width = 0;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u & 0xC0) == 0x80) continue;  // a UTF-8 continuation byte: counted with its lead
    if (kNarrow.find(c) != std::string_view::npos) {
      width += 4;
    } else if (kWide.find(c) != std::string_view::npos) {
      width += 11;
    } else if (u >= 'A' && u <= 'Z') {
      width += 8;
    } else {
      width += 7;
    }
  }
  return width;
}

}  // namespace internal
}  // namespace opsdeck::http::ui
