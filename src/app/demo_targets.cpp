#include "app/demo_targets.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace opsdeck::app::demo {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

// A probe sends a small GET and a notification a JSON body; anything larger
// is not from opsdeck.
constexpr uint64_t kBodyLimit = 256 * 1024;

}  // namespace

struct TargetsServer::Impl {
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  AnswerFn answer;
  std::atomic<int64_t>* sink = nullptr;

  asio::awaitable<void> Serve(tcp::socket socket) {
    boost::beast::flat_buffer buffer;
    asio::steady_timer delay(socket.get_executor());
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(kBodyLimit);
      auto [ec, n] = co_await http::async_read(socket, buffer, parser,
                                               asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;
      const auto& req = parser.get();
      std::string_view target(req.target().data(), req.target().size());
      if (auto q = target.find('?'); q != std::string_view::npos) target = target.substr(0, q);
      http::response<http::string_body> res;
      res.version(req.version());
      res.keep_alive(req.keep_alive());
      res.set(http::field::server, "opsdeck-demo");
      if (target.starts_with("/sink/") && req.method() == http::verb::post) {
        sink->fetch_add(1);
        res.result(http::status::no_content);
      } else {
        Answer a = answer(target);
        if (a.delay.count() > 0) {
          delay.expires_after(a.delay);
          auto [wec] = co_await delay.async_wait(asio::as_tuple(asio::use_awaitable));
          if (wec) co_return;
        }
        res.result(static_cast<unsigned>(a.status));
        res.set(http::field::content_type, "application/json");
        res.body() = std::move(a.body);
      }
      res.prepare_payload();
      auto [wec, wn] = co_await http::async_write(socket, res, asio::as_tuple(asio::use_awaitable));
      if (wec || !res.keep_alive()) co_return;
    }
  }

  asio::awaitable<void> Accept() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec) {
        if (!acceptor.is_open()) co_return;
        continue;
      }
      asio::co_spawn(io, Serve(std::move(socket)), asio::detached);
    }
  }
};

TargetsServer::TargetsServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

core::Result<std::unique_ptr<TargetsServer>> TargetsServer::Start(const std::string& host, uint16_t port,
                                                                 AnswerFn answer) {
  auto impl = std::make_unique<Impl>();
  impl->answer = std::move(answer);
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec) return core::Error::InvalidArgument("demo targets: bad address " + host);
  tcp::endpoint endpoint(address, port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return core::Error::Unavailable("demo targets cannot listen on " + host + ":" + std::to_string(port) +
                                    ": " + ec.message());
  }
  std::unique_ptr<TargetsServer> server(new TargetsServer(std::move(impl)));
  server->impl_->sink = &server->sink_deliveries_;
  server->port_ = server->impl_->acceptor.local_endpoint().port();
  asio::co_spawn(server->impl_->io, server->impl_->Accept(), asio::detached);
  server->thread_ = std::thread([s = server.get()] { s->impl_->io.run(); });
  return server;
}

TargetsServer::~TargetsServer() { Stop(); }

void TargetsServer::Stop() {
  if (!thread_.joinable()) return;
  // Stopping the loop destroys the pending coroutines (and their sockets)
  // when the io_context goes; no connection outlives the demo.
  asio::post(impl_->io, [this] {
    boost::system::error_code ignored;
    impl_->acceptor.close(ignored);
    impl_->io.stop();
  });
  thread_.join();
}

}  // namespace opsdeck::app::demo
