// One accepted client connection, shared between its session coroutine and the
// server's registry (which holds a weak_ptr, for shutdown and the deadline
// sweep). The socket and the plain members are touched only on the
// connection's own io_context thread; `deadline_ms` is also read by the sweep.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/basic_stream_socket.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "http/server.h"

namespace opsdeck::http {

// Typed executors: no type erasure on the per-request path.
using IoExecutor = boost::asio::io_context::executor_type;
using Socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, IoExecutor>;
// TLS over the connection's socket (by reference: the deadline sweep still
// closes the socket itself).
using TlsStream = boost::asio::ssl::stream<Socket&>;
template <typename T>
using Awaitable = boost::asio::awaitable<T, IoExecutor>;

inline int64_t SteadyNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct Server::Connection {
  Connection(boost::asio::io_context& ctx, uint64_t id) : socket(ctx), id(id) {}

  // Arms the deadline of the current phase (0 disarms). The server's sweep
  // closes the socket once it passes, which ends any pending operation.
  void ExpiresAfter(core::Duration d) {
    deadline_ms.store(SteadyNowMs() + d.count(), std::memory_order_relaxed);
  }
  void NoDeadline() { deadline_ms.store(0, std::memory_order_relaxed); }

  // Called on the connection's thread by the sweep.
  void CloseIfExpired(int64_t now_ms) {
    const int64_t d = deadline_ms.load(std::memory_order_relaxed);
    if (d != 0 && now_ms >= d && socket.is_open()) {
      timed_out = true;
      boost::system::error_code ignored;
      socket.close(ignored);
    }
  }

  Socket socket;
  uint64_t id;
  std::string remote_address;
  bool remote_is_loopback = false;
  bool idle = false;       // waiting for the first byte of a request
  bool timed_out = false;  // the sweep closed the socket
  std::atomic<int64_t> deadline_ms{0};
};

}  // namespace opsdeck::http
