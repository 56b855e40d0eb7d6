// Rendered pages: escaping of hostile names, promotion order, the protected
// marker, and the CSP rules (no inline script, no style attributes).
#include "http/ui/pages.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "html_scan.h"
#include "page_checks.h"
#include "http/ui/assets.h"

namespace opsdeck::http::ui {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using html_scan::ScanTags;
using html_scan::Tag;
using page_checks::ExpectIconsDefinedAndIdsUnique;
using page_checks::ExpectNoInlineScriptOrStyle;

OverviewModel Model(std::vector<EnvironmentCard> environments) {
  OverviewModel model;
  model.shell.product_version = "0.1.0";
  model.shell.storage_backend = "sqlite";
  model.now_rfc3339 = "2026-03-10T14:02:11.123Z";
  model.environments = std::move(environments);
  return model;
}

OverviewModel FourEnvironments() {
  return Model({{"development", false, 0},
                {"staging", false, 1},
                {"qa-2", false, 2},
                {"production", true, 3}});
}

// The data-environment attribute values, in document order.
std::vector<std::string> EnvironmentsInOrder(const std::string& html) {
  std::vector<std::string> names;
  for (const Tag& tag : ScanTags(html)) {
    if (tag.name == "article" && tag.Has("data-environment")) {
      names.push_back(tag.Get("data-environment"));
    }
  }
  return names;
}

TEST(RenderOverview, IsACompleteDocument) {
  const std::string html = RenderOverview(FourEnvironments());
  EXPECT_TRUE(html.starts_with("<!doctype html>\n<html lang=\"en\">"));
  EXPECT_THAT(html, HasSubstr("<title>Overview · opsdeck</title>"));
  EXPECT_THAT(html, HasSubstr("</html>"));
  EXPECT_THAT(html, HasSubstr("v0.1.0"));
  EXPECT_THAT(html, HasSubstr("sqlite"));
}

TEST(RenderOverview, ShowsEnvironmentsInTheGivenOrder) {
  const std::string html = RenderOverview(FourEnvironments());
  EXPECT_THAT(EnvironmentsInOrder(html),
              ::testing::ElementsAre("development", "staging", "qa-2", "production"));
  // The arrows name the next step.
  EXPECT_THAT(html, HasSubstr("development promotes to staging"));
  EXPECT_THAT(html, HasSubstr("qa-2 promotes to production"));
  EXPECT_THAT(html, Not(HasSubstr("production promotes to")));
}

TEST(RenderOverview, SortsByPositionKeepingTiesInGivenOrder) {
  const std::string sorted = RenderOverview(
      Model({{"production", true, 2}, {"development", false, 0}, {"staging", false, 1}}));
  EXPECT_THAT(EnvironmentsInOrder(sorted),
              ::testing::ElementsAre("development", "staging", "production"));
  const std::string ties = RenderOverview(Model({{"b", false, 0}, {"a", false, 0}}));
  EXPECT_THAT(EnvironmentsInOrder(ties), ::testing::ElementsAre("b", "a"));
}

TEST(RenderOverview, MarksOnlyTheProtectedEnvironment) {
  const std::string html = RenderOverview(FourEnvironments());
  const std::size_t production = html.find("data-environment=\"production\"");
  const std::size_t qa = html.find("data-environment=\"qa-2\"");
  ASSERT_NE(production, std::string::npos);
  const std::size_t marker = html.find("data-protected");
  EXPECT_GT(marker, production);
  EXPECT_EQ(html.find("data-protected", marker + 1), std::string::npos);
  EXPECT_GT(marker, qa);
  EXPECT_THAT(html.substr(marker, 400), HasSubstr("#i-lock"));
  EXPECT_THAT(html.substr(marker, 400), HasSubstr(">protected</span>"));
}

TEST(RenderOverview, SaysWhatIsEmptyInEachBlock) {
  const std::string html = RenderOverview(FourEnvironments());
  EXPECT_THAT(html, HasSubstr("Live version"));
  EXPECT_THAT(html, HasSubstr("none reported yet"));
  EXPECT_THAT(html, HasSubstr("no targets in the catalog"));
  EXPECT_THAT(html, HasSubstr("none open"));
  EXPECT_THAT(html, HasSubstr("to <strong>staging</strong>: nothing waiting"));
  EXPECT_THAT(html, HasSubstr("release windows are not available"));
  EXPECT_THAT(html, HasSubstr("no release planned or in progress"));
  EXPECT_THAT(html, HasSubstr("not audited yet"));
}

TEST(RenderOverview, LegendNamesEveryStateInWordsAndIcons) {
  const std::string html = RenderOverview(FourEnvironments());
  for (const char* state : {"up", "degraded", "down", "unknown", "maintenance"}) {
    EXPECT_THAT(html, HasSubstr(std::string("status--") + state));
    EXPECT_THAT(html, HasSubstr(std::string("<use href=\"#i-") + state + "\">"));
  }
  for (const char* word : {">Up<", ">Degraded<", ">Down<", ">Unknown<", ">Maintenance<"}) {
    EXPECT_THAT(html, HasSubstr(word));
  }
}

TEST(RenderOverview, EscapesHostileEnvironmentNames) {
  const std::string script = "<script>alert(1)</script>";
  const std::string attribute = "\"><img src=x onerror=1>";
  const std::string single = "' onmouseover='alert(1)";
  const std::string mustache = "{{shell_title}}{{> shell_icons}}";
  const std::string html = RenderOverview(
      Model({{script, false, 0}, {attribute, false, 1}, {single, false, 2}, {mustache, true, 3}}));

  EXPECT_THAT(html, Not(HasSubstr(script)));
  EXPECT_THAT(html, Not(HasSubstr(attribute)));
  EXPECT_THAT(html, Not(HasSubstr(single)));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_THAT(html, HasSubstr("&quot;&gt;&lt;img src=x onerror=1&gt;"));
  EXPECT_THAT(html, HasSubstr("&apos; onmouseover=&apos;alert(1)"));
  // Outside text is never rendered as a template.
  EXPECT_THAT(html, HasSubstr(">{{shell_title}}{{&gt; shell_icons}}</h3>"));
  EXPECT_THAT(EnvironmentsInOrder(html),
              ::testing::ElementsAre("&lt;script&gt;alert(1)&lt;/script&gt;",
                                     "&quot;&gt;&lt;img src=x onerror=1&gt;",
                                     "&apos; onmouseover=&apos;alert(1)",
                                     "{{shell_title}}{{&gt; shell_icons}}"));
  ExpectNoInlineScriptOrStyle(html);
}

TEST(RenderOverview, NeedsNoInlineScriptOrStyle) {
  ExpectNoInlineScriptOrStyle(RenderOverview(FourEnvironments()));
  ExpectNoInlineScriptOrStyle(RenderOverview(Model({})));
}

TEST(RenderOverview, CarriesTheCspAsAMetaBackstop) {
  const std::string html = RenderOverview(FourEnvironments());
  std::string meta;
  for (const Tag& tag : ScanTags(html)) {
    if (tag.name == "meta" && tag.Has("http-equiv")) meta = tag.Get("content");
  }
  EXPECT_THAT(meta, HasSubstr("script-src &apos;self&apos;"));
  EXPECT_THAT(meta, HasSubstr("default-src &apos;none&apos;"));
  EXPECT_THAT(meta, Not(HasSubstr("frame-ancestors")));  // ignored in <meta>, with an error
  EXPECT_THAT(meta, Not(HasSubstr("unsafe")));
  EXPECT_THAT(std::string(kContentSecurityPolicy), HasSubstr("frame-ancestors 'none'"));
}

TEST(RenderOverview, LinksFingerprintedAssetsThatExist) {
  const std::string html = RenderOverview(FourEnvironments());
  int linked = 0;
  for (const Tag& tag : ScanTags(html)) {
    std::string url = tag.name == "script" ? tag.Get("src") : tag.Get("href");
    if ((tag.name == "script" || tag.name == "link") && url.starts_with("/static/")) {
      ++linked;
      const Asset* asset = FindStatic(url);
      ASSERT_NE(asset, nullptr) << url;
      EXPECT_EQ(asset->url, url);
    }
  }
  EXPECT_EQ(linked, 3);  // stylesheet, script, favicon
}

TEST(RenderOverview, EveryIconUsedIsDefinedAndIdsAreUnique) {
  ExpectIconsDefinedAndIdsUnique(
      RenderOverview(Model({{"a", false, 0}, {"a", true, 1}, {"\"x\"", false, 2}})));
}

TEST(RenderOverview, ShowsTheTimeInUtcUntilTheScriptLocalizesIt) {
  const std::string html = RenderOverview(FourEnvironments());
  EXPECT_THAT(html,
              HasSubstr("<time datetime=\"2026-03-10T14:02:11.123Z\">2026-03-10 14:02:11 UTC</time>"));
}

TEST(RenderOverview, NavigationMarksTheCurrentPageAndLinksEveryPage) {
  const std::string html = RenderOverview(FourEnvironments());
  EXPECT_THAT(html, HasSubstr("href=\"/\" aria-current=\"page\""));
  for (const char* built : {"/pipelines", "/deployments", "/unmatched", "/releases", "/windows",
                            "/rollbacks", "/docs-audit", "/audit"}) {
    EXPECT_THAT(html, HasSubstr(std::string("href=\"") + built + "\"")) << built;
  }
  EXPECT_THAT(html, Not(HasSubstr("coming soon")));  // every page is built now
  for (const char* label : {"Overview", "Pipelines", "Deployments", "Unmatched", "Releases",
                            "Windows", "Rollbacks", "Services &amp; servers", "Incidents",
                            "Docs audit", "Audit log"}) {
    EXPECT_THAT(html, HasSubstr(std::string(">") + label + "</span>")) << label;
  }
}

TEST(RenderOverview, LiveUpdatesOnlyWhenAStreamIsGiven) {
  OverviewModel model = FourEnvironments();
  EXPECT_THAT(RenderOverview(model), Not(HasSubstr("data-stream")));
  model.shell.stream_url = "/api/v1/stream";
  EXPECT_THAT(RenderOverview(model), HasSubstr("<body data-stream=\"/api/v1/stream\">"));
}

TEST(RenderOverview, SaysSoWhenThereAreNoEnvironments) {
  const std::string html = RenderOverview(Model({}));
  EXPECT_THAT(html, HasSubstr("No environments configured"));
  EXPECT_THAT(html, HasSubstr("0 environments"));
  EXPECT_THAT(EnvironmentsInOrder(html), ::testing::IsEmpty());
}

TEST(RenderNotFound, EscapesAndShortensThePath) {
  const std::string html = RenderNotFound("/x/<script>alert(1)</script>");
  EXPECT_THAT(html, HasSubstr("<title>Not found · opsdeck</title>"));
  EXPECT_THAT(html, HasSubstr("/x/&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_THAT(html, Not(HasSubstr("aria-current")));
  ExpectNoInlineScriptOrStyle(html);

  const std::string long_path = "/" + std::string(5000, 'a');
  const std::string shortened = RenderNotFound(long_path);
  EXPECT_THAT(shortened, Not(HasSubstr(std::string(201, 'a'))));
  EXPECT_THAT(shortened, HasSubstr(std::string(199, 'a') + "…"));
  // A multi-byte character is never cut in half.
  std::string two_byte = "/";
  for (int i = 0; i < 150; ++i) two_byte += "é";
  const std::string cut = RenderNotFound(two_byte);
  EXPECT_THAT(cut, HasSubstr(std::string("é…")));
}

TEST(RenderNotFound, ShowsTheShell) {
  ShellModel shell;
  shell.product_version = "1.2.3";
  const std::string html = RenderNotFound("/nope", shell);
  EXPECT_THAT(html, HasSubstr("opsdeck 1.2.3"));
  EXPECT_THAT(html, HasSubstr("Page not found"));
}

TEST(EnvironmentCards, CopiesTheConfigEnvironments) {
  const std::vector<EnvironmentCard> cards =
      EnvironmentCards({{"development", false, 0}, {"production", true, 1}});
  ASSERT_EQ(cards.size(), 2u);
  EXPECT_EQ(cards[1].name, "production");
  EXPECT_TRUE(cards[1].is_protected);
  EXPECT_EQ(cards[1].position, 1);
}

}  // namespace
}  // namespace opsdeck::http::ui
