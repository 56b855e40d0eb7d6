// A deliberately small HTML tag scanner for tests: enough to list the tags and
// attributes our own templates emit (outside text is escaped, so every '<' in a
// rendered page starts a real tag). Not a general HTML parser.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace opsdeck::http::ui::html_scan {

struct Tag {
  std::string name;  // lower case; "/div" for an end tag
  std::vector<std::pair<std::string, std::string>> attributes;  // raw (still escaped) values
  std::size_t begin = 0;  // offset of '<'
  std::size_t end = 0;    // offset one past '>'

  bool Has(std::string_view attribute) const;
  std::string Get(std::string_view attribute) const;  // empty when absent
};

std::vector<Tag> ScanTags(std::string_view html);

// The text between the end of `open` and the next "</name" tag.
std::string_view Body(std::string_view html, const Tag& open);

}  // namespace opsdeck::http::ui::html_scan
