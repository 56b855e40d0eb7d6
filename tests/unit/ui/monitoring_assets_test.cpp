// The monitoring pages' assets: uPlot (pinned in package.json) is embedded
// from node_modules byte for byte under /static/vendor/, with content types
// and fingerprinted URLs like every other asset, and the page script too.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "http/ui/assets.h"

namespace opsdeck::http::ui {
namespace {

std::string ReadSourceFile(const std::string& relative) {
  std::ifstream in(std::string(OPSDECK_SOURCE_DIR) + "/" + relative, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(MonitoringAssets, UplotIsEmbeddedFromNodeModules) {
  const Asset* js = FindStatic("/static/vendor/uplot.min.js");
  ASSERT_NE(js, nullptr);
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  const std::string want = ReadSourceFile("node_modules/uplot/dist/uPlot.iife.min.js");
  ASSERT_FALSE(want.empty());
  EXPECT_EQ(js->body, want);
  EXPECT_TRUE(js->body.starts_with("/*! https://github.com/leeoniya/uPlot (v1.6.32) */"))
      << "package.json pins uplot 1.6.32";

  const Asset* css = FindStatic("/static/vendor/uplot.min.css");
  ASSERT_NE(css, nullptr);
  EXPECT_EQ(css->content_type, "text/css; charset=utf-8");
  EXPECT_EQ(css->body, ReadSourceFile("node_modules/uplot/dist/uPlot.min.css"));
}

TEST(MonitoringAssets, VendorAssetsHaveFingerprintedImmutableUrls) {
  const Asset* js = FindStatic("/static/vendor/uplot.min.js");
  ASSERT_NE(js, nullptr);
  const std::string hash(js->etag.substr(1, 16));
  EXPECT_EQ(js->url, "/static/vendor/uplot.min." + hash + ".js");
  EXPECT_EQ(FindStatic(js->url), js);
  EXPECT_EQ(StaticCacheControl(*js, js->url), kImmutableCacheControl);
  EXPECT_EQ(FindStatic("/static/vendor/../app.css"), nullptr);
}

TEST(MonitoringAssets, PageScriptIsEmbedded) {
  const Asset* js = FindStatic("/static/monitoring.js");
  ASSERT_NE(js, nullptr);
  EXPECT_EQ(js->body, ReadSourceFile("web/static/monitoring.js"));
}

}  // namespace
}  // namespace opsdeck::http::ui
