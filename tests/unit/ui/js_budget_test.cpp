// The JavaScript budget of issue 7 (point 3): everything served under
// /static/ as JavaScript, our scripts and the vendor uPlot alike, stays under
// 100 kB gzipped together. Measured over the embedded table the server serves
// from, so a new script counts the moment it is added to web/static/.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstddef>
#include <iostream>
#include <string>
#include <string_view>

#include "http/ui/embedded_files.h"

namespace opsdeck::http::ui {
namespace {

constexpr std::size_t kBudgetBytes = 100 * 1000;  // 100 kB, gzipped, all scripts together

// The size of `data` as gzip (zlib's default level, what servers and
// `gzip` use by default) would send it.
std::size_t GzipSize(std::string_view data) {
  z_stream s{};
  // 15 + 16: a gzip header and trailer around the deflate stream.
  if (deflateInit2(&s, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    ADD_FAILURE() << "deflateInit2 failed";
    return 0;
  }
  std::string out(deflateBound(&s, data.size()), '\0');
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  s.avail_in = static_cast<uInt>(data.size());
  s.next_out = reinterpret_cast<Bytef*>(out.data());
  s.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&s, Z_FINISH);
  const std::size_t size = s.total_out;
  deflateEnd(&s);
  EXPECT_EQ(rc, Z_STREAM_END);
  return size;
}

TEST(JavaScriptBudget, AllScriptsTogetherStayUnder100kBGzipped) {
  std::size_t total = 0;
  std::size_t raw = 0;
  int scripts = 0;
  bool saw_uplot = false;
  for (std::size_t i = 0; i < internal::kEmbeddedFileCount; ++i) {
    const internal::EmbeddedFile& f = internal::kEmbeddedFiles[i];
    if (f.kind != internal::EmbeddedKind::kStatic) continue;
    if (!std::string_view(f.asset.content_type).starts_with("text/javascript") &&
        !std::string_view(f.asset.content_type).starts_with("application/javascript")) {
      continue;
    }
    const std::size_t gz = GzipSize(f.asset.body);
    std::cout << "  " << f.asset.path << ": " << f.asset.body.size() << " B, " << gz
              << " B gzipped\n";
    total += gz;
    raw += f.asset.body.size();
    ++scripts;
    saw_uplot = saw_uplot || std::string_view(f.asset.path).find("uplot") != std::string_view::npos;
  }
  std::cout << "  all " << scripts << " scripts: " << raw << " B, " << total
            << " B gzipped (budget " << kBudgetBytes << " B)\n";
  ::testing::Test::RecordProperty("javascript_gzip_bytes", static_cast<int>(total));
  EXPECT_GE(scripts, 2) << "app.js and the vendor uPlot at least";
  EXPECT_TRUE(saw_uplot) << "the vendor uPlot is served and must count";
  EXPECT_LT(total, kBudgetBytes);
}

}  // namespace
}  // namespace opsdeck::http::ui
