// The audit log page and the badge SVG: every field of an entry escaped
// (actor, action, entity, request id, and the before/after JSON shown as
// text), times in <time> with UTC, the changed-keys summary, the filter form
// showing its values, the pager, the empty and error states, the CSP rules;
// and the badge: XML escaping, the state as text, no script, sane widths.
#include "http/ui/audit_log_page.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "html_scan.h"
#include "http/ui/badge_svg.h"
#include "page_checks.h"

namespace opsdeck::http::ui {
namespace {

using html_scan::ScanTags;
using page_checks::ExpectIconsDefinedAndIdsUnique;
using page_checks::ExpectNoInlineScriptOrStyle;
using ::testing::HasSubstr;
using ::testing::Not;

const core::TimePoint kAt = core::FromUnixMillis(1'795'168'800'000);  // 2026-11-20T10:00:00Z

AuditRow Hostile() {
  AuditRow row;
  row.id = 7;
  row.at = kAt;
  row.actor_kind = "user";
  row.actor_name = "<script>alert(1)</script>";
  row.action = "update\"><img src=x onerror=alert(2)>";
  row.entity_type = "pipeline";
  row.entity_id = "<img src=x onerror=alert(3)>";
  row.request_id = "req-'><b>";
  row.before_json = R"({"title":"</pre><img src=x onerror=alert(4)>"})";
  row.after_json = R"({"title":"{{shell_csp}} & <b>bold</b>"})";
  row.changed = {"title"};
  row.actor_href = "/audit?actor=user%3A%3Cscript%3E#log";
  row.entity_href = "/audit?entity_type=pipeline&entity_id=%3Cimg%3E#log";
  return row;
}

AuditLogModel Model() {
  AuditLogModel model;
  model.shell.signed_in = true;
  model.shell.user_name = "alice";
  model.shell.user_role = "viewer";
  model.entries = {Hostile()};
  return model;
}

TEST(RenderAuditLog, EveryFieldOfAnEntryIsText) {
  const std::string html = RenderAuditLog(Model());
  EXPECT_THAT(html, Not(HasSubstr("<script>alert")));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr("<b>")));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_THAT(html, HasSubstr("update&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"));
  EXPECT_THAT(html, HasSubstr("req-&apos;&gt;&lt;b&gt;"));
  // The JSON is shown as it is stored, escaped inside <pre>; mustache in it is not expanded.
  EXPECT_THAT(html,
              HasSubstr("<pre class=\"audit-diff__json\" data-before>{&quot;title&quot;:&quot;"
                        "&lt;/pre&gt;&lt;img src=x onerror=alert(4)&gt;&quot;}</pre>"));
  EXPECT_THAT(html, HasSubstr("{{shell_csp}} &amp; &lt;b&gt;bold&lt;/b&gt;"));
  EXPECT_THAT(html, HasSubstr("Changed: <span data-changed>title</span>"));
  // Exactly one <pre> pair per side: nothing in the data closed one early.
  int pre = 0;
  for (const auto& tag : ScanTags(html)) pre += tag.name == "pre" ? 1 : 0;
  EXPECT_EQ(pre, 2);
  ExpectNoInlineScriptOrStyle(html);
  ExpectIconsDefinedAndIdsUnique(html);
}

TEST(RenderAuditLog, TheTimeIsUtcUntilTheScriptLocalisesIt) {
  const std::string html = RenderAuditLog(Model());
  EXPECT_THAT(html, HasSubstr("<time datetime=\"2026-11-20T10:00:00.000Z\" data-format=\"short\">"
                              "2026-11-20 10:00:00 UTC</time>"));
  EXPECT_THAT(html, HasSubstr("<title>Audit log · opsdeck"));
}

TEST(RenderAuditLog, ACreationShowsOnlyTheAfterSideAndARemovalOnlyTheBefore) {
  AuditLogModel model = Model();
  AuditRow created = Hostile();
  created.before_json = "null";
  created.changed.clear();
  AuditRow removed = Hostile();
  removed.id = 8;
  removed.after_json = "null";
  removed.changed.clear();
  AuditRow reload = Hostile();
  reload.id = 9;
  reload.before_json = "null";
  reload.after_json = "null";
  reload.request_id.clear();
  model.entries = {created, removed, reload};
  const std::string html = RenderAuditLog(model);
  EXPECT_THAT(html, HasSubstr("<summary>After</summary><p class=\"audit-diff__label\">After</p>"));
  EXPECT_THAT(html,
              HasSubstr("<summary>Before</summary><p class=\"audit-diff__label\">Before</p>"));
  EXPECT_THAT(html, Not(HasSubstr(">null<")));
  // No details and no request: a dash, not an empty disclosure.
  EXPECT_THAT(html, HasSubstr("<td data-label=\"Details\" class=\"audit-details\"><span "
                              "class=\"empty\">—</span></td>"));
}

TEST(RenderAuditLog, TheFilterFormShowsItsValuesAndThePagerItsLinks) {
  AuditLogModel model = Model();
  model.filters = {"\"><script>", "tick", "release", "12", "2026-03-10 14:00", "2026-03-11"};
  model.filtered = true;
  model.pager = {"/audit?action=tick#log", "/audit?action=tick&cursor=abc#log"};
  const std::string html = RenderAuditLog(model);
  EXPECT_THAT(html, HasSubstr("name=\"actor\" type=\"text\" value=\"&quot;&gt;&lt;script&gt;\""));
  EXPECT_THAT(html, HasSubstr("name=\"action\" type=\"text\" value=\"tick\""));
  EXPECT_THAT(html, HasSubstr("name=\"from\" type=\"text\" value=\"2026-03-10 14:00\""));
  EXPECT_THAT(html, HasSubstr("<a class=\"filters__clear\" href=\"/audit\">Clear filters</a>"));
  EXPECT_THAT(html,
              HasSubstr("href=\"/audit?action=tick&amp;cursor=abc#log\" rel=\"next\" data-older"));
  EXPECT_THAT(html, HasSubstr(">Newest</a>"));
  for (const char* id : {"filter-actor", "filter-action", "filter-entity-type", "filter-entity-id",
                         "filter-from", "filter-to"}) {
    EXPECT_THAT(html, HasSubstr(std::string("<label class=\"filter__label\" for=\"") + id + "\">"));
  }
}

TEST(RenderAuditLog, EmptyAndErrorStates) {
  AuditLogModel model = Model();
  model.entries.clear();
  EXPECT_THAT(RenderAuditLog(model), HasSubstr("No audit entries yet."));
  model.filtered = true;
  EXPECT_THAT(RenderAuditLog(model), HasSubstr("No audit entries match these filters."));
  model.error = "From must be a UTC time <x>";
  const std::string html = RenderAuditLog(model);
  EXPECT_THAT(html, HasSubstr("role=\"alert\""));
  EXPECT_THAT(html, HasSubstr("From must be a UTC time &lt;x&gt;"));
  EXPECT_THAT(html, Not(HasSubstr("No audit entries match")));
  model.error.clear();
  model.partial_note = "Searched 500 entries for actor bob; Older searches further back.";
  EXPECT_THAT(RenderAuditLog(model), HasSubstr("data-partial-note>Searched 500 entries"));
}

TEST(BadgeSvg, TextIsEscapedForXmlAndControlsAreDropped) {
  EXPECT_EQ(internal::XmlEscape("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&#39;f");
  EXPECT_EQ(internal::XmlEscape(std::string("a\x01"
                                            "b\tc\nd",
                                            7)),
            "ab c d");
  const std::string svg =
      RenderBadgeSvg({"<img src=x onerror=alert(1)>", "fa\"iled", BadgeTone::kBad});
  EXPECT_THAT(svg, Not(HasSubstr("<img")));
  EXPECT_THAT(svg, HasSubstr("<title>&lt;img src=x onerror=alert(1)&gt;: fa&quot;iled</title>"));
  EXPECT_THAT(svg, HasSubstr("aria-label=\"&lt;img src=x onerror=alert(1)&gt;: fa&quot;iled\""));
  EXPECT_THAT(svg, Not(HasSubstr("<script")));
  EXPECT_THAT(svg, Not(HasSubstr("style")));
  EXPECT_THAT(svg, Not(HasSubstr("href")));
}

TEST(BadgeSvg, TheStateIsAWordAndTheWidthFitsTheText) {
  const std::string svg = RenderBadgeSvg({"deploy", "succeeded", BadgeTone::kGood});
  EXPECT_TRUE(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_TRUE(svg.ends_with("</svg>"));
  EXPECT_THAT(svg, HasSubstr(">succeeded</text>"));
  EXPECT_THAT(svg, HasSubstr("fill=\"#1a7f37\""));
  const int label = internal::BadgeTextWidth("deploy") + 10;
  const int message = internal::BadgeTextWidth("succeeded") + 10;
  EXPECT_THAT(svg, HasSubstr("width=\"" + std::to_string(label + message) + "\" height=\"20\""));
  EXPECT_THAT(svg, HasSubstr("<rect x=\"" + std::to_string(label) + "\" width=\"" +
                             std::to_string(message) + "\""));
  // Narrow letters are narrower than wide ones; a multi-byte character counts once.
  EXPECT_LT(internal::BadgeTextWidth("iiii"), internal::BadgeTextWidth("mmmm"));
  EXPECT_EQ(internal::BadgeTextWidth("\u00b7"), internal::BadgeTextWidth("a"));
}

TEST(BadgeSvg, ALongNameIsCutAtACharacterBoundary) {
  const std::string name(200, 'x');
  const std::string svg = RenderBadgeSvg({name, "up", BadgeTone::kGood});
  EXPECT_THAT(svg, Not(HasSubstr(std::string(60, 'x'))));
  EXPECT_THAT(svg, HasSubstr("x\u2026"));
}

}  // namespace
}  // namespace opsdeck::http::ui
