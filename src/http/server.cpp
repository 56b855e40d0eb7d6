#include "http/server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/write.hpp>

#include <chrono>

#include "http/connection.h"
#include "http/session.h"
#include "net/log.h"

namespace opsdeck::http {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct DrainState {
  std::function<void(bool)> done;
  std::chrono::steady_clock::time_point deadline;
  std::unique_ptr<asio::steady_timer> timer;
};

Server::Server(net::IoPool& io, asio::any_io_executor db_executor, ServerOptions options,
               const Router& router, HttpMetrics& metrics, NotFoundHandler not_found,
               AuthorizeFn authorize)
    : io_(io),
      db_executor_(std::move(db_executor)),
      options_(std::move(options)),
      router_(router),
      metrics_(metrics),
      not_found_(std::move(not_found)),
      authorize_(std::move(authorize)),
      tls_(options_.tls.get()),
      acceptor_(io.Main()),
      sweep_timer_(io.Main()),
      body_limit_(options_.body_limit) {}

Server::~Server() = default;

void Server::StopSweep() {
  sweep_stopped_ = true;
  asio::post(io_.Main(), [this] { sweep_timer_.cancel(); });
}

core::Result<std::unique_ptr<Server>> Server::Create(net::IoPool& io,
                                                     asio::any_io_executor db_executor,
                                                     ServerOptions options, const Router& router,
                                                     HttpMetrics& metrics,
                                                     NotFoundHandler not_found,
                                                     AuthorizeFn authorize) {
  std::unique_ptr<Server> s(new Server(io, std::move(db_executor), std::move(options), router,
                                       metrics, std::move(not_found), std::move(authorize)));
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(s->options_.host, ec);
  if (ec) {
    return core::Error::InvalidArgument("server.listen: not an IP address: " + s->options_.host);
  }
  const tcp::endpoint endpoint(address, s->options_.port);
  const std::string where = endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
  if (s->acceptor_.open(endpoint.protocol(), ec); ec) {
    return core::Error::Unavailable("cannot open socket for " + where + ": " + ec.message());
  }
  s->acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (s->acceptor_.bind(endpoint, ec); ec) {
    return core::Error::Unavailable("cannot listen on " + where + ": " + ec.message());
  }
  if (s->acceptor_.listen(asio::socket_base::max_listen_connections, ec); ec) {
    return core::Error::Unavailable("cannot listen on " + where + ": " + ec.message());
  }
  s->port_ = s->acceptor_.local_endpoint().port();
  return s;
}

void Server::Start() {
  AcceptLoopStart();
  SweepDeadlines();
}

void Server::AcceptLoopStart() {
  asio::co_spawn(
      acceptor_.get_executor(),
      [this]() -> asio::awaitable<void> {
        while (!stopping_.load()) {
          auto conn = std::make_shared<Connection>(io_.Next(), next_id_.fetch_add(1));
          auto [ec] =
              co_await acceptor_.async_accept(conn->socket, asio::as_tuple(asio::use_awaitable));
          if (ec) {
            if (ec == asio::error::operation_aborted || stopping_.load()) break;
            // EMFILE and friends: back off instead of spinning.
            net::LogWarn("accept failed", {{"error", ec.message()}});
            asio::steady_timer t(acceptor_.get_executor(), std::chrono::milliseconds(50));
            co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
            continue;
          }
          conn->socket.set_option(tcp::no_delay(true), ec);
          if (auto ep = conn->socket.remote_endpoint(ec); !ec) {
            conn->remote_address = ep.address().to_string();
            conn->remote_is_loopback = ep.address().is_loopback();
          }
          const IoExecutor ex = conn->socket.get_executor();
          if (metrics_.connections_active() >= options_.max_connections) {
            metrics_.ConnectionRefused();
            Register(conn);  // so the sweep bounds the lingering close
            asio::co_spawn(ex, RefuseConnection(*this, conn), asio::detached);
            continue;
          }
          metrics_.ConnectionOpened();
          Register(conn);
          asio::co_spawn(ex, SessionRunner::Run(SessionRunner{*this, conn}), asio::detached);
        }
      },
      asio::detached);
}

void Server::SweepDeadlines() {
  // One coarse timer instead of a timer per socket operation: every tick, each
  // connection whose phase deadline has passed is closed on its own thread.
  sweep_timer_.expires_after(kSweepInterval);
  sweep_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    const int64_t now = SteadyNowMs();
    std::vector<std::shared_ptr<Connection>> expired;
    {
      std::lock_guard lock(mu_);
      for (auto& [id, weak] : connections_) {
        auto c = weak.lock();
        if (!c) continue;
        const int64_t d = c->deadline_ms.load(std::memory_order_relaxed);
        if (d != 0 && now >= d) expired.push_back(std::move(c));
      }
    }
    for (auto& c : expired) {
      asio::post(c->socket.get_executor(), [c, now] { c->CloseIfExpired(now); });
    }
    if (!sweep_stopped_.load()) SweepDeadlines();
  });
}

std::vector<std::shared_ptr<Server::Connection>> Server::LiveConnections() {
  std::vector<std::shared_ptr<Connection>> live;
  std::lock_guard lock(mu_);
  live.reserve(connections_.size());
  for (auto& [id, weak] : connections_) {
    if (auto c = weak.lock()) live.push_back(std::move(c));
  }
  return live;
}

void Server::Register(const std::shared_ptr<Connection>& c) {
  std::lock_guard lock(mu_);
  connections_[c->id] = c;
}

void Server::Unregister(uint64_t id) {
  std::lock_guard lock(mu_);
  connections_.erase(id);
}

void Server::Shutdown(core::Duration timeout, std::function<void(bool clean)> done) {
  if (stopping_.exchange(true)) return;
  asio::post(acceptor_.get_executor(), [this] {
    boost::system::error_code ec;
    acceptor_.close(ec);
  });
  // Idle connections close now; busy ones finish their request first.
  for (auto& c : LiveConnections()) {
    asio::post(c->socket.get_executor(), [c] {
      boost::system::error_code ignored;
      if (c->idle) c->socket.cancel(ignored);
    });
  }
  auto st = std::make_shared<DrainState>();
  st->done = std::move(done);
  st->deadline = std::chrono::steady_clock::now() + timeout;
  st->timer = std::make_unique<asio::steady_timer>(io_.Main());
  WaitDrained(std::move(st));
}

void Server::WaitDrained(std::shared_ptr<DrainState> st) {
  size_t open = 0;
  {
    std::lock_guard lock(mu_);
    open = connections_.size();
  }
  if (open == 0) {
    StopSweep();
    st->done(true);
    return;
  }
  if (std::chrono::steady_clock::now() >= st->deadline) {
    net::LogWarn("shutdown timeout: closing connections still open", {{"connections", open}});
    for (auto& c : LiveConnections()) {
      asio::post(c->socket.get_executor(), [c] {
        boost::system::error_code ignored;
        c->socket.close(ignored);
      });
    }
    StopSweep();
    st->done(false);
    return;
  }
  st->timer->expires_after(std::chrono::milliseconds(20));
  st->timer->async_wait([this, st](const boost::system::error_code&) { WaitDrained(st); });
}

}  // namespace opsdeck::http
