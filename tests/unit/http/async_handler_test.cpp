// Async route handlers over a real loopback socket: a reply from another
// thread resumes the connection, a dropped reply answers 500 instead of
// hanging, and the connection keeps serving afterwards (keep-alive).
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <chrono>
#include <future>
#include <thread>

#include "http/metrics.h"
#include "http/responses.h"
#include "http/router.h"
#include "http/server.h"
#include "net/io_pool.h"

namespace opsdeck::http {
namespace {

namespace asio = boost::asio;

class AsyncHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add({beast_http::verb::get, "/later", "", Access::Public(), Exec::kInline, nullptr, false,
                 [this](RequestContext& ctx, Reply reply) {
                   const std::string path = ctx.path;
                   // Answer from another thread, after the handler returned.
                   asio::post(workers_, [reply = std::move(reply), path] {
                     std::this_thread::sleep_for(std::chrono::milliseconds(20));
                     reply([path] {
                       Response res{beast_http::status::ok, 11};
                       res.body() = "later:" + path;
                       res.prepare_payload();
                       return res;
                     });
                   });
                 }});
    router_.Add({beast_http::verb::get, "/dropped", "", Access::Public(), Exec::kInline, nullptr, false,
                 [](RequestContext&, Reply) { /* never replies */ }});
    router_.Add({beast_http::verb::get, "/now", "", Access::Public(), Exec::kInline, nullptr, false,
                 [](RequestContext& ctx, Reply reply) {
                   reply([&ctx] { return ErrorResponse(ctx.request, beast_http::status::accepted, "x", "now"); });
                 }});
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
        [](const Route&, RequestContext&) -> std::optional<Response> { return std::nullopt; });
    ASSERT_TRUE(created) << created.error().ToString();
    server_ = std::move(*created);
    server_->Start();
    runner_ = std::thread([this] { io_.Run(); });
  }
  void TearDown() override {
    if (server_) {
      std::promise<void> drained;
      asio::post(io_.Main(), [&] { server_->Shutdown(std::chrono::seconds(2), [&](bool) { drained.set_value(); }); });
      drained.get_future().wait_for(std::chrono::seconds(5));
    }
    io_.Stop();
    if (runner_.joinable()) runner_.join();
    workers_.join();
  }

  net::IoPool io_{1};
  asio::thread_pool workers_{2};
  Router router_;
  std::unique_ptr<HttpMetrics> metrics_;
  std::unique_ptr<Server> server_;
  std::thread runner_;
};

TEST_F(AsyncHandlerTest, RepliesLaterDropsTo500AndKeepsTheConnection) {
  asio::io_context client;
  asio::ip::tcp::socket socket(client);
  socket.connect({asio::ip::make_address("127.0.0.1"), server_->port()});
  boost::beast::flat_buffer buffer;
  auto get = [&](const std::string& target) {
    beast_http::request<beast_http::string_body> req{beast_http::verb::get, target, 11};
    req.set(beast_http::field::host, "127.0.0.1");
    beast_http::write(socket, req);
    beast_http::response<beast_http::string_body> res;
    beast_http::read(socket, buffer, res);
    return res;
  };
  auto a = get("/later");
  EXPECT_EQ(a.result_int(), 200u);
  EXPECT_EQ(a.body(), "later:/later");
  auto b = get("/dropped");
  EXPECT_EQ(b.result_int(), 500u);
  auto c = get("/now");
  EXPECT_EQ(c.result_int(), 202u);
  auto d = get("/later");  // the same connection still serves
  EXPECT_EQ(d.result_int(), 200u);
}

}  // namespace
}  // namespace opsdeck::http
