#include "tickets/jira_wire.h"

#include <algorithm>
#include <boost/json.hpp>
#include <boost/url/url.hpp>
#include <optional>

namespace opsdeck::tickets::jira {
namespace {

namespace json = boost::json;

constexpr std::string_view kEllipsis = "\xE2\x80\xA6";     // U+2026
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
// DescribeErrors keeps a line an operator can read in a terminal.
constexpr size_t kMaxErrorChars = 600;

// Length of the well-formed UTF-8 sequence at s[i], or 0 (RFC 3629: no
// overlongs, surrogates or values past U+10FFFF).
size_t SequenceLength(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const auto cont = [&](size_t k) { return i + k < s.size() && (b(k) & 0xC0) == 0x80; };
  const unsigned char c = b(0);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && b(1) < 0xA0) return 0;
    if (c == 0xED && b(1) > 0x9F) return 0;
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && b(1) < 0x90) return 0;
    if (c == 0xF4 && b(1) > 0x8F) return 0;
    return 4;
  }
  return 0;
}

// Well-formed UTF-8 cut to `max_chars` code points; with `one_line`, every
// CR, LF and tab becomes a space and runs of spaces collapse.
std::string Clean(std::string_view text, size_t max_chars, bool one_line) {
  std::string out;
  out.reserve(std::min(text.size(), max_chars * 4));
  size_t chars = 0;
  for (size_t i = 0; i < text.size();) {
    const size_t n = SequenceLength(text, i);
    std::string_view piece = n == 0 ? kReplacement : text.substr(i, n);
    i += n == 0 ? 1 : n;
    if (one_line && (piece == "\n" || piece == "\r" || piece == "\t")) piece = " ";
    if (one_line && piece == " " && (out.empty() || out.back() == ' ')) continue;
    if (chars == max_chars) {
      // Replace the last character by the ellipsis so the result keeps the limit.
      while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80)
        out.pop_back();
      if (!out.empty()) out.pop_back();
      out += kEllipsis;
      return out;
    }
    out += piece;
    ++chars;
  }
  if (one_line && !out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

bool Blank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

json::value AdfValue(std::string_view text) {
  json::array paragraphs;
  json::array lines;  // the paragraph being built: text nodes and hardBreaks
  const auto end_paragraph = [&] {
    if (lines.empty()) return;
    paragraphs.push_back(json::object{{"type", "paragraph"}, {"content", std::move(lines)}});
    lines = json::array();
  };
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (Blank(line)) {
      end_paragraph();
    } else {
      if (!lines.empty()) lines.push_back(json::object{{"type", "hardBreak"}});
      lines.push_back(json::object{{"type", "text"}, {"text", line}});
    }
    start = end + 1;
  }
  end_paragraph();
  return json::object{{"type", "doc"}, {"version", 1}, {"content", std::move(paragraphs)}};
}

json::value TextValue(int api_version, std::string_view text) {
  const std::string cut = CutChars(text, kMaxTextChars);
  if (api_version >= 3) return AdfValue(cut);
  return json::string(cut);
}

std::string JqlQuote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string ApiBase(int api_version) { return "/rest/api/" + std::to_string(api_version); }

std::optional<json::value> ParseJson(std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) return std::nullopt;
  return v;
}

}  // namespace

std::string OneLine(std::string_view text, size_t max_chars) {
  return Clean(text, max_chars, true);
}
std::string CutChars(std::string_view text, size_t max_chars) {
  return Clean(text, max_chars, false);
}

std::string LabelJql(std::string_view project, std::string_view label) {
  return "project = " + JqlQuote(project) + " AND labels = " + JqlQuote(label) +
         " ORDER BY created ASC";
}

std::string SearchTarget(int api_version, std::string_view jql) {
  boost::urls::url u;
  u.set_path(api_version >= 3 ? "/rest/api/3/search/jql" : "/rest/api/2/search");
  auto params = u.params();
  params.append({"jql", jql});
  params.append({"fields", "key"});
  params.append({"maxResults", std::to_string(kSearchMaxResults)});
  return std::string(u.buffer());
}

std::string CreateIssuePath(int api_version) { return ApiBase(api_version) + "/issue"; }

std::string CommentPath(int api_version, std::string_view issue_key) {
  boost::urls::url u;
  u.segments().assign(
      {"rest", "api", std::to_string(api_version), "issue", std::string(issue_key), "comment"});
  u.set_path_absolute(true);
  return std::string(u.buffer());
}

std::string CreateIssueBody(int api_version, const IssueFields& f) {
  json::array labels;
  for (const std::string& l : f.labels) labels.emplace_back(l);
  json::object fields{
      {"project", json::object{{"key", f.project}}},
      {"issuetype", json::object{{"name", f.issue_type}}},
      {"summary", OneLine(f.summary, kMaxSummaryChars)},
      {"description", TextValue(api_version, f.description)},
      {"labels", std::move(labels)},
  };
  return json::serialize(json::object{{"fields", std::move(fields)}});
}

std::string CommentBody(int api_version, std::string_view text) {
  return json::serialize(json::object{{"body", TextValue(api_version, text)}});
}

std::string AdfDocument(std::string_view text) { return json::serialize(AdfValue(text)); }

core::Result<std::vector<std::string>> ParseSearchKeys(std::string_view body) {
  auto v = ParseJson(body);
  const json::object* obj = v ? v->if_object() : nullptr;
  const json::value* issues = obj ? obj->if_contains("issues") : nullptr;
  if (issues == nullptr || !issues->is_array()) {
    return core::Error::Internal("Jira's search answer has no issues list");
  }
  std::vector<std::string> keys;
  for (const json::value& issue : issues->get_array()) {
    const json::object* o = issue.if_object();
    if (o == nullptr) continue;
    if (const json::value* key = o->if_contains("key"); key && key->is_string()) {
      keys.emplace_back(key->get_string());
    } else if (const json::value* id = o->if_contains("id"); id && id->is_string()) {
      keys.emplace_back(id->get_string());
    }
  }
  return keys;
}

core::Result<std::string> ParseCreatedKey(std::string_view body) {
  auto v = ParseJson(body);
  const json::object* obj = v ? v->if_object() : nullptr;
  const json::value* key = obj ? obj->if_contains("key") : nullptr;
  if (key == nullptr || !key->is_string() || key->get_string().empty()) {
    return core::Error::Internal("Jira's create-issue answer has no issue key");
  }
  return std::string(key->get_string());
}

std::string DescribeErrors(std::string_view body) {
  auto v = ParseJson(body);
  const json::object* obj = v ? v->if_object() : nullptr;
  if (obj == nullptr) return {};
  std::string out;
  const auto add = [&](std::string_view part) {
    if (part.empty()) return;
    if (!out.empty()) out += "; ";
    out += part;
  };
  if (const json::value* messages = obj->if_contains("errorMessages");
      messages && messages->is_array()) {
    for (const json::value& m : messages->get_array()) {
      if (m.is_string()) add(m.get_string());
    }
  }
  if (const json::value* errors = obj->if_contains("errors"); errors && errors->is_object()) {
    for (const auto& [field, message] : errors->get_object()) {
      if (message.is_string()) add(std::string(field) + ": " + std::string(message.get_string()));
    }
  }
  return OneLine(out, kMaxErrorChars);
}

}  // namespace opsdeck::tickets::jira
