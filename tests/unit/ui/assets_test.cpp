// Embedded assets: lookup, refusal of anything but an exact name, ETags and the
// caching rules, and that the embedded bytes are the files in web/.
#include "http/ui/assets.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "http/ui/embedded_files.h"

namespace opsdeck::http::ui {
namespace {

std::string ReadSourceFile(const std::string& relative) {
  std::ifstream in(std::string(OPSDECK_SOURCE_DIR) + "/" + relative, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(FindStatic, FindsTheStylesheetWithTypeAndEtag) {
  const Asset* css = FindStatic("/static/app.css");
  ASSERT_NE(css, nullptr);
  EXPECT_EQ(css->path, "/static/app.css");
  EXPECT_EQ(css->content_type, "text/css; charset=utf-8");
  EXPECT_NE(css->body.find(":root"), std::string_view::npos);
  // Strong, quoted, 16 hex digits of the SHA-256 of the body.
  ASSERT_EQ(css->etag.size(), 18u);
  EXPECT_EQ(css->etag.front(), '"');
  EXPECT_EQ(css->etag.back(), '"');
  EXPECT_FALSE(css->etag.starts_with("W/"));
}

TEST(FindStatic, KnowsTheContentTypeOfEachShippedKind) {
  ASSERT_NE(FindStatic("/static/app.js"), nullptr);
  EXPECT_EQ(FindStatic("/static/app.js")->content_type, "text/javascript; charset=utf-8");
  ASSERT_NE(FindStatic("/static/favicon.svg"), nullptr);
  EXPECT_EQ(FindStatic("/static/favicon.svg")->content_type, "image/svg+xml");
}

TEST(FindStatic, EmbeddedBytesAreTheFilesInWeb) {
  for (const char* name : {"app.css", "app.js", "favicon.svg"}) {
    const Asset* asset = FindStatic(std::string("/static/") + name);
    ASSERT_NE(asset, nullptr) << name;
    EXPECT_EQ(asset->body, ReadSourceFile(std::string("web/static/") + name)) << name;
  }
  EXPECT_EQ(Template("layout"), ReadSourceFile("web/templates/layout.mustache"));
}

TEST(FindStatic, EtagsDifferWhenContentDiffers) {
  EXPECT_NE(FindStatic("/static/app.css")->etag, FindStatic("/static/app.js")->etag);
}

TEST(FindStatic, FingerprintedUrlFindsTheSameAsset) {
  const Asset* css = FindStatic("/static/app.css");
  ASSERT_NE(css, nullptr);
  const std::string hash(css->etag.substr(1, 16));
  EXPECT_EQ(css->url, "/static/app." + hash + ".css");
  EXPECT_EQ(FindStatic(css->url), css);
  EXPECT_EQ(StaticUrl("/static/app.css"), css->url);
  EXPECT_EQ(StaticUrl("/static/none.css"), "/static/none.css");
}

TEST(FindStatic, StaleFingerprintFindsTheCurrentAssetButIsNotImmutable) {
  const Asset* css = FindStatic("/static/app.css");
  const Asset* stale = FindStatic("/static/app.0123456789abcdef.css");
  ASSERT_EQ(stale, css);
  EXPECT_EQ(StaticCacheControl(*stale, "/static/app.0123456789abcdef.css"), kRevalidateCacheControl);
  EXPECT_EQ(StaticCacheControl(*css, css->url), kImmutableCacheControl);
  EXPECT_EQ(StaticCacheControl(*css, "/static/app.css"), kRevalidateCacheControl);
  // Not a fingerprint: wrong length or not lower-case hex.
  EXPECT_EQ(FindStatic("/static/app.0123456789abcde.css"), nullptr);
  EXPECT_EQ(FindStatic("/static/app.0123456789ABCDEF.css"), nullptr);
  EXPECT_EQ(FindStatic("/static/.0123456789abcdef.css"), nullptr);
}

TEST(FindStatic, RefusesUnknownNamesAndTraversal) {
  for (const char* path : {
           "", "/", "/static", "/static/", "/static/nope.css", "/app.css", "/STATIC/app.css",
           "/static/APP.CSS", "/static/../x", "/static/../static/app.css", "/static/./app.css",
           "/static//app.css", "/static/%2e%2e/x", "/static/app%2ecss", "/static/app.css?v=1",
           "/static/app.css#x", "/static\\app.css", "/static/app.css/..", "/static/app.css/",
           "/static/../templates/layout.mustache", "/templates/layout.mustache",
           "/static/layout", "/static/app.css.", "static/app.css"}) {
    EXPECT_EQ(FindStatic(path), nullptr) << path;
  }
  EXPECT_EQ(FindStatic(std::string_view("/static/app.css\0", 16)), nullptr);
}

TEST(Template, ReturnsTemplatesByNameAndNothingElse) {
  EXPECT_TRUE(Template("layout").starts_with("<!doctype html>"));
  EXPECT_FALSE(Template("overview").empty());
  EXPECT_FALSE(Template("not_found").empty());
  EXPECT_TRUE(Template("nope").empty());
  EXPECT_TRUE(Template("app").empty());  // a static file is not a template
  EXPECT_TRUE(Template("/static/app.css").empty());
}

// Escaping by default only holds while no template opts out of it.
TEST(Template, NoTemplateUsesUnescapedOutput) {
  for (std::size_t i = 0; i < internal::kEmbeddedFileCount; ++i) {
    const internal::EmbeddedFile& file = internal::kEmbeddedFiles[i];
    if (file.kind != internal::EmbeddedKind::kTemplate) continue;
    EXPECT_EQ(file.asset.body.find("{{{"), std::string_view::npos) << file.asset.path;
    EXPECT_EQ(file.asset.body.find("{{&"), std::string_view::npos) << file.asset.path;
    EXPECT_EQ(file.asset.body.find("{{="), std::string_view::npos) << file.asset.path;
  }
}

TEST(IfNoneMatchHits, FollowsRfc9110WeakComparison) {
  const std::string_view etag = "\"abc\"";
  EXPECT_TRUE(IfNoneMatchHits("\"abc\"", etag));
  EXPECT_TRUE(IfNoneMatchHits("W/\"abc\"", etag));
  EXPECT_TRUE(IfNoneMatchHits(" \"x\", W/\"abc\" ", etag));
  EXPECT_TRUE(IfNoneMatchHits("*", etag));
  EXPECT_FALSE(IfNoneMatchHits("", etag));
  EXPECT_FALSE(IfNoneMatchHits("\"abcd\"", etag));
  EXPECT_FALSE(IfNoneMatchHits("abc", etag));
  EXPECT_FALSE(IfNoneMatchHits("\"x\",\"y\"", etag));
}

TEST(ServeStatic, AnswersOk304Or404) {
  const Asset* css = FindStatic("/static/app.css");
  StaticReply ok = ServeStatic(css->url, "");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.asset, css);
  EXPECT_EQ(ok.cache_control, kImmutableCacheControl);

  StaticReply not_modified = ServeStatic("/static/app.css", css->etag);
  EXPECT_EQ(not_modified.status, 304);
  EXPECT_EQ(not_modified.cache_control, kRevalidateCacheControl);

  EXPECT_EQ(ServeStatic("/static/app.css", "\"other\"").status, 200);
  StaticReply missing = ServeStatic("/static/../etc/passwd", "*");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.asset, nullptr);
}

}  // namespace
}  // namespace opsdeck::http::ui
