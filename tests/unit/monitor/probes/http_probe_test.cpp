// The http probe against a real loopback HTTP server whose status, latency,
// body and headers each test controls; names resolve through a test DNS
// server. Every test is bounded by the harness's limit.
#include "monitor/http_probe.h"

#include <gtest/gtest.h>

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <ostream>
#include <string_view>
#include <thread>

#include "test_servers.h"

namespace opsdeck::monitor {
namespace {

using namespace std::chrono_literals;
using testing::Check;
using testing::HttpReply;

class HttpProbeTest : public ::testing::Test {
 protected:
  HttpProbeTest() : dns_(io_), server_(io_), harness_(io_, dns_.address()) {
    dns_.AddA("app.test", "127.0.0.1");
  }

  std::unique_ptr<Probe> Make(const std::string& url, std::vector<std::string> conditions = {},
                              std::chrono::milliseconds timeout = 2s) {
    config::HttpCheck http;
    http.url = url;
    http.conditions = std::move(conditions);
    auto probe = MakeProbe(Check(config::CheckType::kHttp, http, timeout));
    EXPECT_TRUE(probe.has_value()) << (probe ? "" : probe.error().ToString());
    return probe ? std::move(*probe) : nullptr;
  }

  core::CheckResult Get(const std::string& path, std::vector<std::string> conditions = {},
                        std::chrono::milliseconds timeout = 2s) {
    auto probe = Make(server_.Url(path), std::move(conditions), timeout);
    auto result = harness_.Run(*probe);
    return result.value_or(core::CheckResult{});
  }

  boost::asio::io_context io_;
  testing::DnsTestServer dns_;
  testing::HttpTestServer server_;
  testing::ProbeHarness harness_;
};

TEST_F(HttpProbeTest, OkResponseFillsStatusAndTimings) {
  auto result = Get("/health");
  EXPECT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.error, "");
  EXPECT_EQ(result.http_status, 200);
  EXPECT_FALSE(result.timings.dns.has_value()) << "an IP literal needs no DNS";
  ASSERT_TRUE(result.timings.connect.has_value());
  ASSERT_TRUE(result.timings.first_byte.has_value());
  EXPECT_FALSE(result.timings.tls.has_value());
  EXPECT_GT(result.timings.total.count(), 0);
  EXPECT_GE(result.timings.total, *result.timings.connect + *result.timings.first_byte);
  EXPECT_NE(result.at, core::TimePoint{});
}

TEST_F(HttpProbeTest, RequestIsWhatANewClientSends) {
  config::HttpCheck http;
  http.url = server_.Url("/hook?token=abc");
  http.method = "POST";
  http.body = R"({"ping":1})";
  http.headers.push_back({"X-Trace", core::SecretString("t-1")});
  auto probe = MakeProbe(Check(config::CheckType::kHttp, http));
  ASSERT_TRUE(probe.has_value());
  EXPECT_EQ((*probe)->Summary(),
            "POST http://127.0.0.1:" + std::to_string(server_.port()) + "/hook");
  EXPECT_EQ((*probe)->Host(), "127.0.0.1");
  ASSERT_TRUE(harness_.Run(**probe).has_value());
  const std::string& request = server_.last_request();
  EXPECT_EQ(request.rfind("POST /hook?token=abc HTTP/1.1\r\n", 0), 0u) << request;
  EXPECT_NE(request.find("Host: 127.0.0.1:" + std::to_string(server_.port()) + "\r\n"),
            std::string::npos);
  EXPECT_NE(request.find("User-Agent: opsdeck-test/1\r\n"), std::string::npos);
  EXPECT_NE(request.find("X-Trace: t-1\r\n"), std::string::npos);
  EXPECT_NE(request.find("Connection: close\r\n"), std::string::npos);
  EXPECT_NE(request.find("Content-Length: 10\r\n"), std::string::npos);
  EXPECT_NE(request.find("\r\n\r\n{\"ping\":1}"), std::string::npos);

  // A User-Agent of the check's own replaces the probe's.
  http.headers.push_back({"user-agent", core::SecretString("custom/2")});
  auto own = MakeProbe(Check(config::CheckType::kHttp, http));
  ASSERT_TRUE(own.has_value());
  ASSERT_TRUE(harness_.Run(**own).has_value());
  EXPECT_NE(server_.last_request().find("user-agent: custom/2\r\n"), std::string::npos);
  EXPECT_EQ(server_.last_request().find("opsdeck-test"), std::string::npos);
}

TEST_F(HttpProbeTest, ErrorStatusFailsTheDefaultCondition) {
  server_.Set("/down", HttpReply{.status = 503, .body = "maintenance"});
  auto result = Get("/down");
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.http_status, 503);
  EXPECT_EQ(result.error, "status < 400 failed: got 503");
}

TEST_F(HttpProbeTest, RedirectIsAStatusNotFollowed) {
  server_.Set("/old", HttpReply{.status = 302, .body = "", .headers = {{"Location", "/new"}}});
  auto result = Get("/old", {"status == 302", "header.Location == \"/new\""});
  EXPECT_TRUE(result.ok) << result.error;
  EXPECT_EQ(server_.requests(), 1);
}

TEST_F(HttpProbeTest, BodyJsonAndHeaderConditions) {
  server_.Set("/status", HttpReply{.body = R"({"status":"ok","items":[{"id":3}],"db":"up"})",
                                   .headers = {{"Content-Type", "application/json"}}});
  auto pass = Get("/status", {"status == 200", "body contains \"db\"", "json.status == \"ok\"",
                              "json.items[0].id == 3", "header.Content-Type contains \"json\"",
                              "body matches \"\\\"db\\\":\\\\s*\\\"up\\\"\""});
  EXPECT_TRUE(pass.ok) << pass.error;

  auto fail = Get("/status", {"json.status == \"degraded\"", "header.content-type contains \"xml\"",
                              "body contains \"cache\""});
  EXPECT_FALSE(fail.ok);
  EXPECT_EQ(fail.error,
            "json.status == \"degraded\" failed: got \"ok\"; header.content-type contains \"xml\" "
            "failed: got \"application/json\"; body contains \"cache\" failed: got "
            "\"{\\\"status\\\":\\\"ok\\\",\\\"items\\\":[{\\\"id\\\":3}],\\\"db\\\":\\\"up\\\"}\"");
}

TEST_F(HttpProbeTest, ChunkedBodyIsReassembled) {
  server_.Set("/chunked", HttpReply{.body = "alpha-beta-gamma", .chunked = true});
  auto result = Get("/chunked", {"body == \"alpha-beta-gamma\""});
  EXPECT_TRUE(result.ok) << result.error;
}

TEST_F(HttpProbeTest, BodyIsReadUpToTheCap) {
  std::string big = "start" + std::string(100 * 1024, '.') + "END";
  server_.Set("/big", HttpReply{.body = big});
  EXPECT_TRUE(Get("/big", {"body contains \"start\""}).ok);
  auto result = Get("/big", {"body contains \"END\""});
  EXPECT_FALSE(result.ok);
  EXPECT_NE(result.error.find("(65536 bytes)"), std::string::npos) << result.error;
}

TEST_F(HttpProbeTest, HeadRequestHasNoBody) {
  config::HttpCheck http;
  http.url = server_.Url("/");
  http.method = "HEAD";
  auto probe = MakeProbe(Check(config::CheckType::kHttp, http));
  ASSERT_TRUE(probe.has_value());
  auto result = harness_.Run(**probe);
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(result->ok) << result->error;
  EXPECT_LT(harness_.last_duration(), 1000ms);
}

TEST_F(HttpProbeTest, ResponseTimeCondition) {
  server_.Set("/slowish", HttpReply{.delay = 150ms});
  auto fast = Get("/slowish", {"response_time < 2s"});
  EXPECT_TRUE(fast.ok) << fast.error;
  auto slow = Get("/slowish", {"response_time < 100ms"});
  EXPECT_FALSE(slow.ok);
  EXPECT_EQ(slow.error.rfind("response_time < 100ms failed: got 1", 0), 0u) << slow.error;
  EXPECT_GE(*slow.timings.first_byte, 150ms);
}

TEST_F(HttpProbeTest, SlowServerTimesOutNamingThePhase) {
  server_.Set("/slow", HttpReply{.delay = 1500ms});
  auto result = Get("/slow", {}, 300ms);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.error, "timeout after 300ms (response)");
  EXPECT_GE(harness_.last_duration(), 290ms);
  EXPECT_LT(harness_.last_duration(), 1000ms);
  // The server answers later, into a closed connection: nothing else reports.
  io_.run_for(1500ms);
  EXPECT_EQ(server_.requests(), 1);
}

TEST_F(HttpProbeTest, ClosedPortIsConnectionRefused) {
  auto probe = Make("http://127.0.0.1:" + std::to_string(testing::ClosedPort()) + "/");
  auto result = harness_.Run(*probe);
  ASSERT_TRUE(result.has_value());
  EXPECT_FALSE(result->ok);
  EXPECT_EQ(result->error, "connect: connection refused");
  EXPECT_EQ(result->http_status, 0);
}

TEST_F(HttpProbeTest, NamesResolveThroughTheResolverAndAreCached) {
  auto probe = Make("http://app.test:" + std::to_string(server_.port()) + "/");
  auto first = harness_.Run(*probe);
  ASSERT_TRUE(first.has_value());
  EXPECT_TRUE(first->ok) << first->error;
  ASSERT_TRUE(first->timings.dns.has_value());
  auto second = harness_.Run(*probe);
  ASSERT_TRUE(second.has_value());
  EXPECT_TRUE(second->ok);
  EXPECT_TRUE(second->timings.dns.has_value());
  // One A (and one AAAA) query for both probes: the second came from the cache.
  EXPECT_EQ(dns_.queries("app.test"), 2);
  EXPECT_NE(server_.last_request().find("Host: app.test:"), std::string::npos);
}

TEST_F(HttpProbeTest, UnknownNameIsNxdomain) {
  auto probe = Make("http://nowhere.test/");
  auto result = harness_.Run(*probe);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->error, "dns: NXDOMAIN");
  EXPECT_TRUE(result->timings.dns.has_value());
  EXPECT_FALSE(result->timings.connect.has_value());
  // The failure is cached: the second probe fails the same way without a
  // query (and still reports after Start returned: the harness checks).
  const int queries = dns_.queries("nowhere.test");
  auto again = harness_.Run(*probe);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->error, "dns: NXDOMAIN");
  EXPECT_EQ(dns_.queries("nowhere.test"), queries);
}

TEST_F(HttpProbeTest, ServerClosingEarlyIsAnError) {
  server_.Set("/cut", HttpReply{.raw = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort"});
  auto result = Get("/cut");
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.error, "response: connection closed before the response was complete");
}

TEST_F(HttpProbeTest, MalformedResponseIsAnError) {
  server_.Set("/bad", HttpReply{.raw = "HTTP/1.1 OK\r\n\r\n"});
  auto result = Get("/bad");
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.error, "response: bad status");
}

TEST_F(HttpProbeTest, BodyUntilCloseIsRead) {
  server_.Set("/eof", HttpReply{.raw = "HTTP/1.0 200 OK\r\n\r\nuntil-close"});
  auto result = Get("/eof", {"body == \"until-close\""});
  EXPECT_TRUE(result.ok) << result.error;
}

// A request bigger than the socket takes at once: the probe's write goes
// out in several sends, interleaved with the server (on this thread)
// reading, and the server gets every byte.
TEST_F(HttpProbeTest, RequestLargerThanOneSendArrivesWhole) {
  config::HttpCheck http;
  http.url = server_.Url("/upload");
  http.method = "POST";
  http.body = std::string(900'000, 'b');
  auto probe = MakeProbe(Check(config::CheckType::kHttp, http));
  ASSERT_TRUE(probe.has_value());
  auto result = harness_.Run(**probe);
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(result->ok) << result->error;
  const std::string& request = server_.last_request();
  EXPECT_NE(request.find("Content-Length: 900000\r\n"), std::string::npos);
  const size_t body = request.find("\r\n\r\n");
  ASSERT_NE(body, std::string::npos);
  EXPECT_EQ(request.size() - body - 4, 900'000u);
  EXPECT_EQ(request.find_first_not_of('b', body + 4), std::string::npos);
}

// A server on its own thread, as a real one, answers while the probe's
// loop is still busy with its own calls (the servers above share the
// probe's thread, so their answers always come on a later turn): every
// probe of a run of twenty reads the whole answer.
TEST_F(HttpProbeTest, ServerOnAnotherThreadIsReadEitherWay) {
  using boost::asio::ip::tcp;
  boost::asio::io_context server_io;
  tcp::acceptor acceptor(server_io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  const uint16_t port = acceptor.local_endpoint().port();
  constexpr int kProbes = 20;
  std::thread server([&] {
    for (int i = 0; i < kProbes; ++i) {
      boost::system::error_code ec;
      tcp::socket s = acceptor.accept(ec);
      if (ec) return;
      std::string request;
      std::array<char, 1024> buf;
      while (request.find("\r\n\r\n") == std::string::npos) {
        const size_t n = s.read_some(boost::asio::buffer(buf), ec);
        if (ec) break;
        request.append(buf.data(), n);
      }
      boost::asio::write(s, boost::asio::buffer(std::string_view(
                                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello")),
                         ec);
      s.close(ec);
    }
  });
  auto probe = Make("http://127.0.0.1:" + std::to_string(port) + "/", {"body == \"hello\""});
  int ok = 0;
  for (int i = 0; i < kProbes; ++i) {
    auto result = harness_.Run(*probe);
    ASSERT_TRUE(result.has_value());
    EXPECT_TRUE(result->ok) << result->error;
    EXPECT_EQ(result->http_status, 200);
    EXPECT_TRUE(result->timings.first_byte.has_value());
    ok += result->ok ? 1 : 0;
  }
  server.join();
  EXPECT_EQ(ok, kProbes);
}

struct BadSpec {
  std::string url;
  std::vector<std::string> conditions;
  std::string error;
  friend void PrintTo(const BadSpec& s, std::ostream* os) { *os << s.error; }
};

class HttpProbeConfigTest : public ::testing::TestWithParam<BadSpec> {};

TEST_P(HttpProbeConfigTest, IsRejectedWhenBuilt) {
  config::HttpCheck http;
  http.url = GetParam().url;
  http.conditions = GetParam().conditions;
  auto probe = MakeProbe(Check(config::CheckType::kHttp, http));
  ASSERT_FALSE(probe.has_value());
  EXPECT_EQ(probe.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(probe.error().ToString(), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Errors, HttpProbeConfigTest,
    ::testing::Values(
        BadSpec{"ftp://example.com/", {}, "url: url must be http:// or https://"},
        BadSpec{"example.com/health", {}, "url: url is not an absolute URL"},
        BadSpec{"https://user:pw@example.com/",
                {},
                "url: url must not carry credentials: send them in headers (Authorization)"},
        BadSpec{"http://example.com/",
                {"status == 200", "status >> 200"},
                "conditions[1]: bad condition \"status >> 200\": expected a number at column 9"},
        BadSpec{"http://example.com/",
                {"certificate_days > 14"},
                "conditions: certificate_days needs an https:// url"}));

TEST(HttpProbeBuildTest, HeaderWithLineBreakIsRejected) {
  config::HttpCheck http;
  http.url = "http://example.com/";
  http.headers.push_back({"X-A", core::SecretString("a\r\nX-Injected: 1")});
  auto probe = MakeProbe(Check(config::CheckType::kHttp, http));
  ASSERT_FALSE(probe.has_value());
  EXPECT_EQ(probe.error().message, "header \"X-A\" has a line break");
}

TEST(HttpProbeBuildTest, HeartbeatIsNotAProbe) {
  auto probe = MakeProbe(Check(config::CheckType::kHeartbeat, config::HeartbeatCheck{}));
  ASSERT_FALSE(probe.has_value());
  EXPECT_EQ(probe.error().message, "no probe for check type heartbeat");
}

}  // namespace
}  // namespace opsdeck::monitor
