// The per-connection request loop (a coroutine on the connection's strand) and
// the dispatch of one request through the route table. Internal to http/.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <memory>

#include "http/server.h"

namespace opsdeck::http {

class SessionRunner {
 public:
  SessionRunner(Server& server, std::shared_ptr<Server::Connection> conn)
      : server_(server), conn_(std::move(conn)) {}
  // Serves requests until the client leaves, a limit is hit, or shutdown.
  // Static and by value: the coroutine frame owns the runner (and through it
  // the connection) for as long as the session lives.
  static boost::asio::awaitable<void> Run(SessionRunner self);

 private:
  boost::asio::awaitable<void> Serve();
  boost::asio::awaitable<Response> Dispatch(Request& req);
  Server& server_;
  std::shared_ptr<Server::Connection> conn_;
};

// Answers 503 and closes: the connection cap was reached.
boost::asio::awaitable<void> RefuseConnection(std::shared_ptr<Server::Connection> conn);

// A request id: the client's X-Request-Id when it is short and plain, else a
// fresh random one.
std::string MakeRequestId(std::string_view incoming);

}  // namespace opsdeck::http
