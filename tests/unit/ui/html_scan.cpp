// The tag scanner behind pages_test.cpp (see html_scan.h).
#include "html_scan.h"

#include <cctype>

namespace opsdeck::http::ui::html_scan {
namespace {

bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':' ||
         c == '.' || c == '/' || c == '!';
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

bool Tag::Has(std::string_view attribute) const {
  for (const auto& [key, value] : attributes) {
    if (key == attribute) return true;
  }
  return false;
}

std::string Tag::Get(std::string_view attribute) const {
  for (const auto& [key, value] : attributes) {
    if (key == attribute) return value;
  }
  return {};
}

std::vector<Tag> ScanTags(std::string_view html) {
  std::vector<Tag> tags;
  std::size_t i = 0;
  while ((i = html.find('<', i)) != std::string_view::npos) {
    Tag tag;
    tag.begin = i++;
    std::size_t start = i;
    while (i < html.size() && IsNameChar(html[i])) ++i;
    tag.name = Lower(html.substr(start, i - start));
    while (i < html.size() && html[i] != '>') {
      if (std::isspace(static_cast<unsigned char>(html[i])) || html[i] == '/') {
        ++i;
        continue;
      }
      start = i;
      while (i < html.size() && !std::isspace(static_cast<unsigned char>(html[i])) &&
             html[i] != '=' && html[i] != '>') {
        ++i;
      }
      std::string key = Lower(html.substr(start, i - start));
      std::string value;
      if (i < html.size() && html[i] == '=') {
        ++i;
        if (i < html.size() && (html[i] == '"' || html[i] == '\'')) {
          const char quote = html[i++];
          const std::size_t close = html.find(quote, i);
          value = std::string(html.substr(i, close - i));
          i = close == std::string_view::npos ? html.size() : close + 1;
        } else {
          start = i;
          while (i < html.size() && !std::isspace(static_cast<unsigned char>(html[i])) &&
                 html[i] != '>') {
            ++i;
          }
          value = std::string(html.substr(start, i - start));
        }
      }
      tag.attributes.emplace_back(std::move(key), std::move(value));
    }
    tag.end = i < html.size() ? i + 1 : html.size();
    i = tag.end;
    tags.push_back(std::move(tag));
  }
  return tags;
}

std::string_view Body(std::string_view html, const Tag& open) {
  const std::size_t close = html.find("</" + open.name, open.end);
  if (close == std::string_view::npos) return html.substr(open.end);
  return html.substr(open.end, close - open.end);
}

}  // namespace opsdeck::http::ui::html_scan
