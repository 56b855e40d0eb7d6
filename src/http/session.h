// The per-connection request loop (a coroutine on the connection's own
// io_context thread) and the dispatch of one request through the route table.
// Internal to http/.
#pragma once

#include <memory>
#include <string>

#include "http/connection.h"
#include "http/server.h"

namespace opsdeck::http {

class SessionRunner {
 public:
  SessionRunner(Server& server, std::shared_ptr<Server::Connection> conn)
      : server_(server), conn_(std::move(conn)) {}
  // Serves requests until the client leaves, a limit is hit, or shutdown.
  // Static and by value: the coroutine frame owns the runner (and through it
  // the connection) for as long as the session lives.
  static Awaitable<void> Run(SessionRunner self);

  // Sends `res` with `Connection: close`, then drains what the client still
  // sends (bounded), so it reads the answer instead of a reset.
  template <typename Stream>
  Awaitable<void> AnswerAndClose(Stream& stream, Response res);

 private:
  friend Awaitable<void> RefuseConnection(Server&, std::shared_ptr<Server::Connection>);
  // The request loop over a plain socket or a TLS stream on it.
  template <typename Stream>
  Awaitable<void> Serve(Stream& stream);
  // `stream` receives the body of a streaming route (see ResponseStream).
  Awaitable<Response> Dispatch(Request& req, std::unique_ptr<ResponseStream>* stream);
  // Writes `head`, then the stream until it ends (session_stream.cpp).
  template <typename Stream>
  Awaitable<void> StreamOut(Stream& stream, Response head, std::unique_ptr<ResponseStream> body);

  Server& server_;
  std::shared_ptr<Server::Connection> conn_;
  std::string out_;  // serialised response, reused across requests
};

// Answers 503 and closes: the connection cap was reached.
Awaitable<void> RefuseConnection(Server& server, std::shared_ptr<Server::Connection> conn);

// A request id: the client's X-Request-Id when it is short and plain, else a
// fresh random one.
std::string MakeRequestId(std::string_view incoming);

// Appends the whole response (status line, fields, blank line, body) to `out`.
void SerializeResponse(const Response& res, std::string& out);

}  // namespace opsdeck::http
