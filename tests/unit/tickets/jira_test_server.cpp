#include "jira_test_server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

namespace opsdeck::tickets::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct JiraTestServer::Impl {
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::thread thread;
  mutable std::mutex mu;
  std::deque<Reply> queue;
  std::function<Reply(const Seen&)> fallback;
  std::vector<Seen> seen;

  Reply Next(const Seen& s) {
    std::lock_guard<std::mutex> lock(mu);
    seen.push_back(s);
    if (!queue.empty()) {
      Reply r = std::move(queue.front());
      queue.pop_front();
      return r;
    }
    if (fallback) return fallback(s);
    return Reply{404, R"({"errorMessages":["no such route in the test server"],"errors":{}})"};
  }

  void Accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec) return;
      std::make_shared<Session>(this, std::move(socket))->Read();
      Accept();
    });
  }

  struct Session : std::enable_shared_from_this<Session> {
    Session(Impl* owner, tcp::socket s)
        : impl(owner), socket(std::move(s)), timer(socket.get_executor()) {}
    Impl* impl;
    tcp::socket socket;
    asio::steady_timer timer;
    beast::flat_buffer buffer;
    http::request<http::string_body> req;
    http::response<http::string_body> res;

    void Read() {
      req = {};
      http::async_read(socket, buffer, req,
                       [self = shared_from_this()](beast::error_code ec, size_t) {
                         if (!ec) self->Answer();
                       });
    }

    void Answer() {
      Seen s;
      s.method = std::string(req.method_string());
      s.target = std::string(req.target());
      if (auto u = boost::urls::parse_origin_form(s.target)) {
        s.path = std::string(u->path());
        for (auto p : u->params()) s.query[std::string(p.key)] = std::string(p.value);
      }
      s.authorization = std::string(req[http::field::authorization]);
      s.content_type = std::string(req[http::field::content_type]);
      s.body = req.body();
      Reply r = impl->Next(s);
      timer.expires_after(r.delay);
      timer.async_wait([self = shared_from_this(), r = std::move(r)](beast::error_code ec) {
        if (ec) return;
        self->Send(r);
      });
    }

    void Send(const Reply& r) {
      if (r.drop) {
        beast::error_code ignored;
        socket.shutdown(tcp::socket::shutdown_both, ignored);
        socket.close(ignored);
        return;
      }
      res = {};
      res.version(11);
      res.result(static_cast<unsigned>(r.status));
      res.set(http::field::content_type, "application/json;charset=UTF-8");
      for (const auto& [k, v] : r.headers) res.set(k, v);
      res.body() = r.body;
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      http::async_write(socket, res, [self = shared_from_this()](beast::error_code ec, size_t) {
        if (!ec && self->res.keep_alive()) self->Read();
      });
    }
  };
};

JiraTestServer::JiraTestServer() : impl_(std::make_unique<Impl>()) {
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor.bind(ep);
  impl_->acceptor.listen();
  port_ = impl_->acceptor.local_endpoint().port();
  impl_->Accept();
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

JiraTestServer::~JiraTestServer() {
  impl_->io.stop();
  impl_->thread.join();
}

void JiraTestServer::Queue(Reply reply) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->queue.push_back(std::move(reply));
}

void JiraTestServer::SetFallback(std::function<Reply(const Seen&)> fallback) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->fallback = std::move(fallback);
}

std::vector<Seen> JiraTestServer::requests() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->seen;
}

}  // namespace opsdeck::tickets::testing
