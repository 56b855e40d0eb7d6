// The shared page checks (see page_checks.h).
#include "page_checks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "html_scan.h"

namespace opsdeck::http::ui::page_checks {

using ::testing::HasSubstr;
using ::testing::Not;
using html_scan::ScanTags;
using html_scan::Tag;

void ExpectNoInlineScriptOrStyle(const std::string& html) {
  const std::vector<Tag> tags = ScanTags(html);
  ASSERT_GT(tags.size(), 50u);
  int scripts = 0;
  for (const Tag& tag : tags) {
    EXPECT_NE(tag.name, "style") << "a <style> element";
    EXPECT_FALSE(tag.Has("style")) << "style= on <" << tag.name << ">";
    for (const auto& [key, value] : tag.attributes) {
      EXPECT_FALSE(key.starts_with("on")) << key << "= on <" << tag.name << ">";
      EXPECT_THAT(value, Not(HasSubstr("javascript:")));
    }
    if (tag.name == "script") {
      ++scripts;
      EXPECT_TRUE(tag.Get("src").starts_with("/static/")) << "script without a /static/ src";
      EXPECT_TRUE(html_scan::Body(html, tag).empty()) << "inline script content";
    }
    if (tag.name == "link" && tag.Get("rel") == "stylesheet") {
      EXPECT_TRUE(tag.Get("href").starts_with("/static/"));
    }
  }
  EXPECT_EQ(scripts, 1);
}

void ExpectIconsDefinedAndIdsUnique(const std::string& html) {
  std::set<std::string> ids;
  std::set<std::string> used;
  for (const Tag& tag : ScanTags(html)) {
    if (tag.Has("id")) {
      EXPECT_TRUE(ids.insert(tag.Get("id")).second) << tag.Get("id");
    }
    if (tag.name == "use") used.insert(tag.Get("href"));
  }
  ASSERT_FALSE(used.empty());
  for (const std::string& href : used) {
    ASSERT_TRUE(href.starts_with("#")) << href;
    EXPECT_TRUE(ids.contains(href.substr(1))) << href;
  }
}

}  // namespace opsdeck::http::ui::page_checks
