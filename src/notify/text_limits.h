// Text helpers shared by the channel kinds: UTF-8 repair, length counting and
// truncation that keep a vendor's character limits by construction, and the
// few readings of an HTTP answer (headers, wait times, error snippets) every
// channel classifies with. Pure functions; any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "notify/channel.h"

namespace opsdeck::notify {

// The ellipsis that ends every truncated text (U+2026: one code point, one
// UTF-16 unit).
inline constexpr std::string_view kEllipsis = "\xE2\x80\xA6";

// Services may count UTF-16 units or code points (Discord: unconfirmed):
// TextLength counts the larger, and every budget keeps this margin on top of
// it under the documented limit.
inline constexpr size_t kSafetyMargin = 8;
constexpr size_t Budget(size_t limit) { return limit - kSafetyMargin; }

// `text` with every invalid UTF-8 sequence (stray continuation byte, overlong
// form, surrogate, beyond U+10FFFF, cut-off sequence) replaced by U+FFFD.
std::string ValidUtf8(std::string_view text);
bool IsValidUtf8(std::string_view text);

// Counts of valid UTF-8 text.
size_t CountCodePoints(std::string_view utf8);
// UTF-16 code units: one per code point, two beyond U+FFFF. Never less than
// the code point count, so a text within a limit by this count is within it
// whichever of the two the far side counts (Discord's is unconfirmed,
// CONTRACTS.md §1).
size_t TextLength(std::string_view utf8);

// Without leading and trailing ASCII whitespace (what vendors trim before
// counting; trimming less than they do only over-counts).
std::string_view TrimSpace(std::string_view text);

// `raw` made valid UTF-8 and trimmed; when its TextLength is still above
// `max_length`, cut at a code point boundary and ended with kEllipsis so that
// the result's TextLength is at most `max_length`. `max_length` 0 gives "".
std::string FitText(std::string_view raw, size_t max_length);

// Each non-empty needle in `text` replaced by "<redacted>" (longest first, so
// a URL goes before its token).
std::string Redact(std::string text, const std::vector<std::string>& needles);

// What of `url` may be a credential, for Redact: the URL itself, its
// userinfo, its path and query, each query value and each long path segment
// (a token). Short parts ("/", "in") are left out: they are no credential
// and would blank half of any message.
std::vector<std::string> UrlSecrets(std::string_view url);

// At most `max_length` characters of an answer body for an error message:
// valid UTF-8, control characters and runs of whitespace as one space.
std::string PrintableSnippet(std::string_view body, size_t max_length);

// The first header called `name`, compared case-insensitively.
std::optional<std::string_view> FindHeader(const HeaderList& headers, std::string_view name);

// A non-negative number of seconds, integer or decimal ("1", "0.25",
// " 2.5 "), rounded up to whole milliseconds and capped at one day. nullopt
// for anything else (an HTTP-date, a negative or non-finite number).
std::optional<std::chrono::milliseconds> ParseSeconds(std::string_view text);

// A 429: kRateLimited for the answer's `Retry-After` seconds, else
// `fallback`, and never less than 1 ms.
SendResult RateLimited(const HttpResponse& response, std::chrono::milliseconds fallback,
                       std::string error);
// What any other failed answer means: 5xx and 408 are retried, the rest
// (4xx) are final.
SendStatus FailureStatus(long http_status);
// The same for a number already parsed (a JSON `retry_after`).
std::optional<std::chrono::milliseconds> SecondsToMillis(double seconds);

}  // namespace opsdeck::notify
