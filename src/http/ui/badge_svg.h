// Status badges for READMEs: a shields.io-style "flat" SVG with a grey label
// on the left and a coloured message on the right. The message is always a
// word ("succeeded", "down"), so the state never rests on colour alone, and
// the SVG carries it in <title> and aria-label for screen readers. All text
// is escaped for XML; the SVG has no script, style element or external
// reference. Thread-safety: pure functions, safe on any thread.
#pragma once

#include <string>
#include <string_view>

namespace opsdeck::http::ui {

// The colour family of a badge's message.
enum class BadgeTone {
  kGood,     // succeeded, up
  kWarning,  // degraded, canceled
  kBad,      // failed, down
  kActive,   // running, queued, maintenance
  kNeutral,  // unknown, no runs yet, superseded
};

struct Badge {
  std::string label;    // "deploy-web" (cut to a readable length)
  std::string message;  // "succeeded", "1.4.0 · failed"
  BadgeTone tone = BadgeTone::kNeutral;
};

// A complete SVG document (UTF-8), 20 px high, as wide as its text.
std::string RenderBadgeSvg(const Badge& badge);

namespace internal {

// & < > " ' as entities; control characters (invalid in XML 1.0) dropped,
// tab and line breaks as spaces.
std::string XmlEscape(std::string_view text);
// The width in pixels of `text` in 11 px Verdana, estimated per character
// class (narrow, wide, capitals, others) as shields.io does with its tables.
int BadgeTextWidth(std::string_view text);

}  // namespace internal
}  // namespace opsdeck::http::ui
