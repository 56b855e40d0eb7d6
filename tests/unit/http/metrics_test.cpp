#include "http/metrics.h"

#include <gtest/gtest.h>

#include <regex>
#include <sstream>

namespace opsdeck::http {
namespace {

TEST(HttpMetricsTest, CountsByRouteAndStatus) {
  HttpMetrics m({"/healthz", "/readyz"}, {"1.2.3", "abc", "GNU 12"});
  m.RecordRequest(0, 200, 100);
  m.RecordRequest(0, 200, 3000);
  m.RecordRequest(1, 503, 20000000);  // 20 s: only in +Inf
  m.RecordRequest(m.unmatched_index(), 404, 50);
  const std::string text = m.Render();
  EXPECT_NE(text.find("opsdeck_build_info{version=\"1.2.3\",commit=\"abc\",compiler=\"GNU 12\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("opsdeck_http_requests_total{route=\"/healthz\",code=\"200\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("opsdeck_http_requests_total{route=\"unmatched\",code=\"404\"} 1\n"),
            std::string::npos);
  // 100 us falls in le=0.0005, 3 ms in le=0.005; buckets are cumulative.
  EXPECT_NE(text.find("opsdeck_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.0005\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("opsdeck_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.005\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("opsdeck_http_request_duration_seconds_bucket{route=\"/readyz\",le=\"10\"} 0\n"),
            std::string::npos);
  EXPECT_NE(text.find("opsdeck_http_request_duration_seconds_bucket{route=\"/readyz\",le=\"+Inf\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("opsdeck_http_request_duration_seconds_count{route=\"/readyz\"} 1\n"),
            std::string::npos);
}

TEST(HttpMetricsTest, ExpositionIsWellFormed) {
  HttpMetrics m({"/a\"b"}, {"v", "c", "x"});
  m.RecordRequest(0, 200, 10);
  m.ConnectionOpened();
  m.AddCollector([](std::string& out) { out += "# TYPE extra gauge\nextra 1\n"; });
  const std::string text = m.Render();
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  EXPECT_NE(text.find("route=\"/a\\\"b\""), std::string::npos) << "label values are escaped";
  const std::regex sample(R"(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? [-+0-9.eE]+(Inf)?$)");
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    EXPECT_TRUE(std::regex_match(line, sample)) << line;
  }
  EXPECT_NE(text.find("opsdeck_http_connections_active 1\n"), std::string::npos);
  EXPECT_NE(text.find("extra 1\n"), std::string::npos);
}

}  // namespace
}  // namespace opsdeck::http
