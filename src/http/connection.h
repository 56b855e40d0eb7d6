// One accepted client connection, shared between its session coroutine and the
// server's registry (which only holds a weak_ptr, for shutdown). Members are
// touched only on the connection's strand, except the atomics.
#pragma once

#include <boost/beast/core/tcp_stream.hpp>

#include <atomic>
#include <cstdint>
#include <string>

#include "http/server.h"

namespace opsdeck::http {

struct Server::Connection {
  explicit Connection(boost::asio::ip::tcp::socket socket, uint64_t id)
      : stream(std::move(socket)), id(id) {}
  boost::beast::tcp_stream stream;
  uint64_t id;
  std::string remote_address;
  bool remote_is_loopback = false;
  bool idle = false;  // waiting for the first byte of a request (strand only)
};

}  // namespace opsdeck::http
