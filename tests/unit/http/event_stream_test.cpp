// GET /api/v1/stream over a real loopback socket: the head, the preamble,
// events as they are published, heartbeats, the end when the client leaves,
// and a clean end at shutdown. Plus the stream's framing without a socket.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>

#include <chrono>
#include <future>
#include <thread>

#include "http/api/api_routes.h"
#include "http/metrics.h"
#include "http/responses.h"
#include "http/router.h"
#include "http/server.h"
#include "net/event_bus.h"
#include "net/io_pool.h"

namespace opsdeck::http {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

class EventStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add({beast_http::verb::get, "/plain", "", Access::AnyRole(), Exec::kDatabase,
                 [](RequestContext& ctx) {
                   return MakeResponse(ctx.request, beast_http::status::ok, "plain", "text/plain");
                 }});
    Route stream{beast_http::verb::get, "/api/v1/stream", "", Access::AnyRole(), Exec::kDatabase};
    stream.stream_handler = [this](RequestContext& ctx) {
      return OpenEventStream(ctx, &bus_, 200ms);
    };
    router_.Add(std::move(stream));
    // The same with a heartbeat too far away to notice a departed client by.
    Route slow{beast_http::verb::get, "/slow-stream", "", Access::AnyRole(), Exec::kDatabase};
    slow.stream_handler = [this](RequestContext& ctx) { return OpenEventStream(ctx, &bus_, 60s); };
    router_.Add(std::move(slow));
    std::vector<std::string> names;
    for (const auto& r : router_.routes()) names.push_back(r.name);
    metrics_ = std::make_unique<HttpMetrics>(names, BuildInfo{});
    ServerOptions options;
    options.port = 0;
    auto created = Server::Create(
        io_, workers_.get_executor(), options, router_, *metrics_,
        [](RequestContext& ctx, const std::string&) {
          return ErrorResponse(ctx.request, beast_http::status::not_found, "not_found", "no");
        },
        // The gate: a bearer header is enough here; none is 401.
        [](const Route&, RequestContext& ctx) -> std::optional<Response> {
          if (ctx.request[beast_http::field::authorization].empty()) {
            return ErrorResponse(ctx.request, beast_http::status::unauthorized, "unauthenticated",
                                 "authentication required");
          }
          ctx.principal.kind = core::Principal::Kind::kToken;
          ctx.principal.role = core::Role::kViewer;
          return std::nullopt;
        });
    ASSERT_TRUE(created) << created.error().ToString();
    server_ = std::move(*created);
    server_->Start();
    runner_ = std::thread([this] { io_.Run(); });
  }
  void TearDown() override {
    if (server_ && !shut_down_) Shutdown();
    io_.Stop();
    if (runner_.joinable()) runner_.join();
    workers_.join();
  }
  bool Shutdown() {
    shut_down_ = true;
    std::promise<bool> drained;
    asio::post(io_.Main(), [&] {
      server_->Shutdown(std::chrono::seconds(5), [&](bool clean) { drained.set_value(clean); });
    });
    auto f = drained.get_future();
    if (f.wait_for(std::chrono::seconds(8)) != std::future_status::ready) return false;
    return f.get();
  }

  // A raw client: the stream's bytes are read as they come.
  struct Client {
    asio::io_context ctx;
    asio::ip::tcp::socket socket{ctx};
    std::string got;
    void Send(const std::string& text) { asio::write(socket, asio::buffer(text)); }
    // Reads until `needle` shows up after `from`, or `limit` passes.
    bool ReadUntil(const std::string& needle, std::chrono::milliseconds limit = 3000ms,
                   size_t from = 0) {
      const auto deadline = std::chrono::steady_clock::now() + limit;
      while (got.find(needle, from) == std::string::npos) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        if (socket.available() == 0) {
          std::this_thread::sleep_for(5ms);
          boost::system::error_code ec;
          // A closed peer shows as readable with 0 bytes: detect it.
          socket.non_blocking(true);
          char c;
          const size_t n = socket.read_some(asio::buffer(&c, 1), ec);
          socket.non_blocking(false);
          if (ec == asio::error::would_block) continue;
          if (ec) return got.find(needle, from) != std::string::npos;
          got.append(&c, n);
          continue;
        }
        std::array<char, 4096> buf;
        const size_t n = socket.read_some(asio::buffer(buf));
        got.append(buf.data(), n);
      }
      return true;
    }
  };
  std::unique_ptr<Client> Connect() {
    auto c = std::make_unique<Client>();
    c->socket.connect({asio::ip::make_address("127.0.0.1"), server_->port()});
    return c;
  }
  bool WaitSubscribers(size_t n) {
    for (int i = 0; i < 300; ++i) {
      if (bus_.Subscribers() == n) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }

  net::EventBus bus_{4};
  net::IoPool io_{1};
  asio::thread_pool workers_{2};
  Router router_;
  std::unique_ptr<HttpMetrics> metrics_;
  std::unique_ptr<Server> server_;
  std::thread runner_;
  bool shut_down_ = false;
};

const char* kStreamRequest =
    "GET /api/v1/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n"
    "Accept: text/event-stream\r\nLast-Event-ID: 41\r\n\r\n";

TEST_F(EventStreamTest, StreamsEventsAndHeartbeatsAfterAPlainRequest) {
  auto c = Connect();
  // A normal request first, on the same keep-alive connection.
  c->Send("GET /plain HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n\r\n");
  ASSERT_TRUE(c->ReadUntil("\r\n\r\nplain"));
  EXPECT_NE(c->got.find("Content-Length: 5"), std::string::npos);
  const size_t start = c->got.size();
  c->Send(kStreamRequest);
  ASSERT_TRUE(c->ReadUntil("retry: 3000", 3000ms, start)) << c->got;
  const std::string head = c->got.substr(start);
  EXPECT_NE(head.find("HTTP/1.1 200"), std::string::npos);
  EXPECT_NE(head.find("Content-Type: text/event-stream"), std::string::npos);
  EXPECT_NE(head.find("Transfer-Encoding: chunked"), std::string::npos);
  EXPECT_NE(head.find("Cache-Control: no-store"), std::string::npos);
  EXPECT_EQ(head.find("Content-Length"), std::string::npos);
  ASSERT_TRUE(c->ReadUntil("event: resync", 3000ms, start));
  ASSERT_TRUE(WaitSubscribers(1));
  bus_.Publish("target.state", R"({"target":"dashboard-api","state":"down"})");
  ASSERT_TRUE(c->ReadUntil("data: {\"target\":\"dashboard-api\",\"state\":\"down\"}\n\n", 3000ms, start))
      << c->got;
  EXPECT_NE(c->got.find("id: 1\nevent: target.state\n"), std::string::npos);
  const size_t before = c->got.size();
  ASSERT_TRUE(c->ReadUntil(": keep-alive\n\n", 3000ms, before)) << "no heartbeat";
  // The client leaves: the server notices without waiting for a write.
  c->socket.close();
  EXPECT_TRUE(WaitSubscribers(0)) << "the stream did not end when the client left";
  bus_.Publish("target.state", "{}");  // nobody listens; nothing breaks
}

TEST_F(EventStreamTest, ALeavingClientIsNoticedWithoutAWrite) {
  auto c = Connect();
  c->Send("GET /slow-stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n\r\n");
  ASSERT_TRUE(c->ReadUntil("retry:"));
  ASSERT_TRUE(WaitSubscribers(1));
  c->socket.close();
  EXPECT_TRUE(WaitSubscribers(0)) << "the stream outlived its client";
}

TEST_F(EventStreamTest, UnauthenticatedIsAPlainAnswer) {
  auto c = Connect();
  c->Send("GET /api/v1/stream HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(c->ReadUntil("}\n"));
  EXPECT_NE(c->got.find("HTTP/1.1 401"), std::string::npos);
  EXPECT_NE(c->got.find("Content-Length:"), std::string::npos);
  EXPECT_EQ(bus_.Subscribers(), 0u);
}

TEST_F(EventStreamTest, ShutdownEndsStreamsCleanlyAndQuickly) {
  auto c = Connect();
  c->Send(kStreamRequest);
  ASSERT_TRUE(c->ReadUntil("retry:"));
  ASSERT_TRUE(WaitSubscribers(1));
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(Shutdown()) << "shutdown had to cut the stream";
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  EXPECT_TRUE(c->ReadUntil("0\r\n\r\n")) << "no last chunk: " << c->got;
  EXPECT_EQ(bus_.Subscribers(), 0u);
}

TEST_F(EventStreamTest, HeadRequestGetsTheHeadOnly) {
  auto c = Connect();
  c->Send("HEAD /api/v1/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n\r\n");
  ASSERT_TRUE(c->ReadUntil("\r\n\r\n"));
  EXPECT_NE(c->got.find("HTTP/1.1 200"), std::string::npos);
  EXPECT_EQ(bus_.Subscribers(), 0u);
}

// Without a socket: framing, the dropped count, and multi-line data.
TEST(EventStreamFramingTest, DroppedEventsAreReportedAndLinesSplit) {
  net::EventBus bus(4);
  Request req{beast_http::verb::get, "/api/v1/stream", 11};
  RequestContext ctx{req, "r"};
  StreamStart s = OpenEventStream(ctx, &bus, 15s);
  ASSERT_TRUE(s.body);
  EXPECT_EQ(s.body->heartbeat_interval(), 15s);
  int wakes = 0;
  s.body->Start([&wakes] { ++wakes; });
  std::string out;
  ASSERT_TRUE(s.body->Pull(out));
  EXPECT_EQ(out, ": opsdeck event stream (no replay)\nretry: 3000\n\n") << "no resync without Last-Event-ID";
  for (int i = 0; i < 10; ++i) bus.Publish("run.updated", "{\"n\":" + std::to_string(i) + "}");
  EXPECT_EQ(wakes, 1) << "woken once, when the queue became non-empty";
  out.clear();
  ASSERT_TRUE(s.body->Pull(out));
  EXPECT_TRUE(out.starts_with("event: dropped\ndata: {\"dropped\":6}\n\n")) << out;
  EXPECT_NE(out.find("id: 10\nevent: run.updated\ndata: {\"n\":9}\n\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("{\"n\":5}"), std::string::npos);
  bus.Publish("x", "a\nb");
  out.clear();
  s.body->Pull(out);
  EXPECT_NE(out.find("data: a\ndata: b\n\n"), std::string::npos) << out;
}

TEST(EventStreamFramingTest, NoBusIs503) {
  Request req{beast_http::verb::get, "/api/v1/stream", 11};
  RequestContext ctx{req, "r"};
  StreamStart s = OpenEventStream(ctx, nullptr, 15s);
  EXPECT_FALSE(s.body);
  EXPECT_EQ(s.head.result_int(), 503u);
}

}  // namespace
}  // namespace opsdeck::http
