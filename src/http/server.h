// The HTTP/1.1 server: one acceptor, one coroutine per connection on its own
// strand, keep-alive, and the limits that keep slow or hostile clients from
// holding it: a head deadline from the first byte, a body deadline, an idle
// deadline between requests, a body limit (413), a connection cap.
// Graceful shutdown stops accepting, lets in-flight requests finish (their
// responses go out whole, with `Connection: close`), closes idle connections,
// and forces the rest closed after a bounded time.
// Threads: each connection lives on one io_context of the IoPool (one thread
// each, so no strands); the acceptor and drain timer on IoPool::Main().
// Start/Shutdown may be called from any thread; handlers run on the I/O
// threads (Exec::kInline) or on the database executor (Exec::kDatabase).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "http/metrics.h"
#include "http/router.h"
#include "net/io_pool.h"

namespace opsdeck::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0 picks a free port (tests)
  uint64_t body_limit = 1024 * 1024;
  uint32_t header_limit = 16 * 1024;  // bytes of request line + headers
  core::Duration header_timeout{10000};
  core::Duration body_timeout{30000};
  core::Duration idle_timeout{60000};
  core::Duration write_timeout{30000};
  int max_connections = 4096;
  // Set: the listener speaks HTTPS only (server.tls). Shared, read-only after start.
  std::shared_ptr<boost::asio::ssl::context> tls;
  // Where Exec::kIntake handlers run; empty: the database executor.
  boost::asio::any_io_executor intake_executor;
};

// The fallback for requests that match no route (404) or only by path (405).
using NotFoundHandler = std::function<Response(RequestContext&, const std::string& allow)>;
// The authorization gate (http/authorize.h): a refusal, or nullopt to proceed.
// Called on the database executor for every route that is not public.
using AuthorizeFn = std::function<std::optional<Response>(const Route&, RequestContext&)>;

class Server {
 public:
  // Binds and listens (so a busy port fails here, with a clear error).
  static core::Result<std::unique_ptr<Server>> Create(net::IoPool& io,
                                                      boost::asio::any_io_executor db_executor,
                                                      ServerOptions options, const Router& router,
                                                      HttpMetrics& metrics,
                                                      NotFoundHandler not_found,
                                                      AuthorizeFn authorize);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void Start();
  // Stops accepting and drains. `done(clean)` runs once every connection is
  // closed (clean=true) or `timeout` passed and the rest were cut (false).
  void Shutdown(core::Duration timeout, std::function<void(bool clean)> done);

  uint16_t port() const { return port_; }
  // Reloadable limit (server.body_limit).
  void SetBodyLimit(uint64_t limit) { body_limit_.store(limit); }

  struct Connection;  // defined in server.cpp

 private:
  Server(net::IoPool& io, boost::asio::any_io_executor db_executor,
         ServerOptions options, const Router& router, HttpMetrics& metrics,
         NotFoundHandler not_found, AuthorizeFn authorize);

  // How often phase deadlines are checked: a timeout fires within this much
  // of its configured value.
  static constexpr std::chrono::milliseconds kSweepInterval{100};

  void AcceptLoopStart();
  void SweepDeadlines();
  void StopSweep();
  void Register(const std::shared_ptr<Connection>& c);
  std::vector<std::shared_ptr<Connection>> LiveConnections();
  void Unregister(uint64_t id);
  void WaitDrained(std::shared_ptr<struct DrainState> st);

  net::IoPool& io_;
  boost::asio::any_io_executor db_executor_;
  ServerOptions options_;
  const Router& router_;
  HttpMetrics& metrics_;
  NotFoundHandler not_found_;
  AuthorizeFn authorize_;
  boost::asio::ssl::context* tls_ = nullptr;  // options_.tls.get()
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer sweep_timer_;
  std::atomic<bool> sweep_stopped_{false};
  uint16_t port_ = 0;
  std::atomic<uint64_t> body_limit_;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> next_id_{1};

  std::mutex mu_;
  std::unordered_map<uint64_t, std::weak_ptr<Connection>> connections_;  // GUARDED_BY(mu_)

  friend class SessionRunner;
  friend boost::asio::awaitable<void, boost::asio::io_context::executor_type> RefuseConnection(
      Server& server, std::shared_ptr<Connection> conn);
};

}  // namespace opsdeck::http
