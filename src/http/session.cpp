#include "http/session.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>

#include <chrono>
#include <cstdio>
#include <optional>
#include <random>

#include "http/connection.h"
#include "http/responses.h"
#include "net/log.h"

namespace opsdeck::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using namespace std::chrono_literals;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable_t<IoExecutor>{});
// After an error response with `Connection: close`, unread request bytes are
// drained for at most this long, so the client reads our answer instead of a
// reset (nginx's lingering close).
constexpr auto kLingerTime = 2s;
constexpr size_t kLingerMaxBytes = 4 * 1024 * 1024;

bool PlainId(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// A protocol error from Beast's parser (bad method, bad header, ...), as
// opposed to a transport error or the client going away.
bool IsHttpParseError(const boost::system::error_code& ec) {
  return ec.category() ==
         boost::beast::http::make_error_code(beast_http::error::end_of_stream).category();
}

Response Invoke(const Route& route, RequestContext& ctx, std::unique_ptr<ResponseStream>* stream) {
  try {
    if (route.stream_handler) {
      StreamStart start = route.stream_handler(ctx);
      *stream = std::move(start.body);
      return std::move(start.head);
    }
    return route.handler(ctx);
  } catch (const std::exception& e) {
    net::LogError("handler threw", {{"route", route.name}, {"error", e.what()},
                                    {"request_id", ctx.request_id}});
  } catch (...) {
    net::LogError("handler threw", {{"route", route.name}, {"request_id", ctx.request_id}});
  }
  return ErrorResponse(ctx.request, beast_http::status::internal_server_error, "internal",
                       "internal error");
}

// Runs an async handler and resumes on the connection's executor with its
// response. A handler that throws, or drops `reply` without calling it,
// answers 500 rather than leaving the connection hanging.
Awaitable<Response> InvokeAsync(const Route& route, RequestContext& ctx) {
  co_return co_await asio::async_initiate<const asio::use_awaitable_t<IoExecutor>&, void(Response)>(
      [&route, &ctx](auto handler) {
        using H = decltype(handler);
        struct Once {
          explicit Once(H h) : handler(std::move(h)) {}
          ~Once() {
            if (done) return;
            const Request* req = request;
            Finish([req] {
              return ErrorResponse(*req, beast_http::status::internal_server_error, "internal",
                                   "internal error");
            });
          }
          void Finish(const std::function<Response()>& make) {
            done = true;
            auto ex = asio::get_associated_executor(handler);
            asio::post(ex, [h = std::move(handler), make]() mutable { std::move(h)(make()); });
          }
          H handler;
          const Request* request = nullptr;
          bool done = false;
        };
        auto once = std::make_shared<Once>(std::move(handler));
        once->request = &ctx.request;
        Reply reply = [once](std::function<Response()> make) {
          if (!once->done) once->Finish(make);
        };
        try {
          route.async_handler(ctx, std::move(reply));
        } catch (const std::exception& e) {
          net::LogError("handler threw", {{"route", route.name}, {"error", e.what()},
                                          {"request_id", ctx.request_id}});
        }
      },
      asio::use_awaitable_t<IoExecutor>{});
}

// On every response. Pages set their own, stricter-for-them CSP (ui/pages.h);
// everything else may load nothing and be framed by nobody.
void AddSecurityHeaders(Response& res, bool authenticated) {
  res.set("X-Content-Type-Options", "nosniff");
  if (res.find("Content-Security-Policy") == res.end()) {
    res.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
  }
  if (res.find("Referrer-Policy") == res.end()) res.set("Referrer-Policy", "same-origin");
  if (res.find("X-Frame-Options") == res.end()) res.set("X-Frame-Options", "DENY");
  // Answers for a signed-in principal are never kept by shared caches.
  if (authenticated && res.find(beast_http::field::cache_control) == res.end()) {
    res.set(beast_http::field::cache_control, "no-store");
  }
}

Response SimpleError(unsigned version, beast_http::status status, std::string_view code,
                     std::string_view message) {
  Request dummy{beast_http::verb::get, "/", version};
  dummy.keep_alive(false);
  Response res = ErrorResponse(dummy, status, code, message);
  res.keep_alive(false);
  return res;
}

}  // namespace

std::string MakeRequestId(std::string_view incoming) {
  if (PlainId(incoming)) return std::string(incoming);
  thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

Awaitable<void> RefuseConnection(Server& server, std::shared_ptr<Server::Connection> conn) {
  SessionRunner runner(server, std::move(conn));
  co_await runner.AnswerAndClose(runner.conn_->socket,
                                 SimpleError(11, beast_http::status::service_unavailable,
                                             "unavailable", "too many connections"));
  server.Unregister(runner.conn_->id);
}

void SerializeResponse(const Response& res, std::string& out) {
  out += res.version() == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  out += std::to_string(res.result_int());
  out.push_back(' ');
  const auto reason = res.reason();
  out += reason.empty() ? beast_http::obsolete_reason(res.result()) : reason;
  out += "\r\n";
  for (const auto& field : res) {
    out += field.name_string();
    out += ": ";
    out += field.value();
    out += "\r\n";
  }
  out += "\r\n";
  out += res.body();
}

// Ends the sending side: a TCP half-close, or a TLS close_notify (bounded by
// the connection's deadline).
Awaitable<void> ShutdownSend(Socket& socket) {
  boost::system::error_code ignored;
  socket.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  co_return;
}
Awaitable<void> ShutdownSend(TlsStream& tls) {
  auto [ec] = co_await tls.async_shutdown(kTuple);
  (void)ec;
}

template <typename Stream>
Awaitable<void> SessionRunner::AnswerAndClose(Stream& stream, Response res) {
  res.keep_alive(false);
  out_.clear();
  SerializeResponse(res, out_);
  conn_->ExpiresAfter(std::chrono::duration_cast<core::Duration>(5s));
  auto [ec, n] = co_await asio::async_write(stream, asio::buffer(out_), kTuple);
  (void)n;
  if (!ec) {
    co_await ShutdownSend(stream);
    std::array<char, 8192> sink;
    size_t drained = 0;
    conn_->ExpiresAfter(std::chrono::duration_cast<core::Duration>(kLingerTime));
    while (drained < kLingerMaxBytes) {
      auto [rec, got] = co_await stream.async_read_some(asio::buffer(sink), kTuple);
      if (rec) break;
      drained += got;
    }
  }
  conn_->NoDeadline();
  boost::system::error_code ignored;
  conn_->socket.close(ignored);
}

Awaitable<void> SessionRunner::Run(SessionRunner self) {
  if (self.server_.tls_ == nullptr) {
    co_await self.Serve(self.conn_->socket);
  } else {
    TlsStream tls(self.conn_->socket, *self.server_.tls_);
    self.conn_->ExpiresAfter(self.server_.options_.header_timeout);
    auto [ec] = co_await tls.async_handshake(asio::ssl::stream_base::server, kTuple);
    self.conn_->NoDeadline();
    if (!ec) {
      co_await self.Serve(tls);
    } else {
      net::LogDebug("TLS handshake failed", {{"remote", self.conn_->remote_address},
                                             {"error", ec.message()}});
      boost::system::error_code ignored;
      self.conn_->socket.close(ignored);
    }
  }
  self.server_.Unregister(self.conn_->id);
  self.server_.metrics_.ConnectionClosed();
}

template <typename Stream>
Awaitable<void> SessionRunner::Serve(Stream& stream) {
  Socket& socket = conn_->socket;
  const ServerOptions& opt = server_.options_;
  beast::flat_buffer buffer;
  bool first = true;
  for (;;) {
    // 1. Wait for the first byte: idle deadline between requests; a new
    //    connection that sends nothing gets the head deadline.
    if (buffer.size() == 0) {
      conn_->idle = true;
      if (server_.stopping_.load()) break;
      conn_->ExpiresAfter(first ? opt.header_timeout : opt.idle_timeout);
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), kTuple);
      conn_->idle = false;
      if (ec) break;  // closed by the client, idle timeout, or shutdown
      buffer.commit(n);
    }
    first = false;

    // 2. The head must be complete within header_timeout of its first byte.
    beast_http::request_parser<beast_http::string_body> parser;
    parser.header_limit(opt.header_limit);
    const uint64_t body_limit = server_.body_limit_.load();
    parser.body_limit(body_limit);
    conn_->ExpiresAfter(opt.header_timeout);
    auto [hec, hn] = co_await beast_http::async_read_header(stream, buffer, parser, kTuple);
    (void)hn;
    if (hec) {
      if (conn_->timed_out) {
        // The sweep closed the socket: count it and go (nginx does the same).
        server_.metrics_.RequestRejected(408);
        net::LogInfo("request head timed out; connection closed",
                     {{"remote", conn_->remote_address}});
      } else if (hec == beast_http::error::body_limit) {
        // Beast checks a declared Content-Length against the limit in the head.
        server_.metrics_.RequestRejected(413);
        co_await AnswerAndClose(stream, SimpleError(parser.get().version(),
                                            beast_http::status::payload_too_large,
                                            "payload_too_large",
                                            "request body exceeds server.body_limit (" +
                                                std::to_string(body_limit) + " bytes)"));
      } else if (hec == beast_http::error::header_limit) {
        server_.metrics_.RequestRejected(431);
        co_await AnswerAndClose(stream, SimpleError(11, beast_http::status::request_header_fields_too_large,
                                            "invalid_argument", "request head too large"));
      } else if (IsHttpParseError(hec) && hec != beast_http::error::end_of_stream) {
        server_.metrics_.RequestRejected(400);
        co_await AnswerAndClose(stream, SimpleError(11, beast_http::status::bad_request,
                                            "invalid_argument",
                                            "malformed request: " + hec.message()));
      }
      break;
    }

    const unsigned version = parser.get().version();
    // 3. Refuse a declared body over the limit before reading it.
    if (auto cl = parser.content_length(); cl && *cl > body_limit) {
      server_.metrics_.RequestRejected(413);
      co_await AnswerAndClose(stream, SimpleError(version, beast_http::status::payload_too_large,
                                          "payload_too_large",
                                          "request body exceeds server.body_limit (" +
                                              std::to_string(body_limit) + " bytes)"));
      break;
    }
    if (!parser.is_done()) {
      const auto expect = parser.get()[beast_http::field::expect];
      if (!expect.empty() && beast::iequals(expect, "100-continue")) {
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        conn_->ExpiresAfter(opt.write_timeout);
        auto [wec, wn] = co_await asio::async_write(stream, asio::buffer(kContinue), kTuple);
        (void)wn;
        if (wec) break;
      }
      conn_->ExpiresAfter(opt.body_timeout);
      auto [bec, bn] = co_await beast_http::async_read(stream, buffer, parser, kTuple);
      (void)bn;
      if (bec) {
        if (conn_->timed_out) {
          server_.metrics_.RequestRejected(408);  // the socket is already closed
          net::LogInfo("request body timed out; connection closed",
                       {{"remote", conn_->remote_address}});
        } else if (bec == beast_http::error::body_limit) {
          server_.metrics_.RequestRejected(413);
          co_await AnswerAndClose(stream, SimpleError(version, beast_http::status::payload_too_large,
                                              "payload_too_large",
                                              "request body exceeds server.body_limit"));
        } else if (IsHttpParseError(bec) && bec != beast_http::error::end_of_stream &&
                   bec != beast_http::error::partial_message) {
          server_.metrics_.RequestRejected(400);
          co_await AnswerAndClose(stream, SimpleError(version, beast_http::status::bad_request,
                                              "invalid_argument",
                                              "malformed request body: " + bec.message()));
        }
        break;
      }
    }
    conn_->NoDeadline();

    // 4. Handle, then write the whole response in one buffer.
    Request req = parser.release();
    std::unique_ptr<ResponseStream> body;
    Response res = co_await Dispatch(req, &body);
    if (body) {
      co_await StreamOut(stream, std::move(res), std::move(body));
      break;
    }
    const bool keep = res.keep_alive() && !server_.stopping_.load();
    res.keep_alive(keep);
    out_.clear();
    SerializeResponse(res, out_);
    conn_->ExpiresAfter(opt.write_timeout);
    auto [wec, wn] = co_await asio::async_write(stream, asio::buffer(out_), kTuple);
    (void)wn;
    if (wec) break;
    if (!keep) break;
  }
  if (socket.is_open()) {
    conn_->ExpiresAfter(std::chrono::duration_cast<core::Duration>(2s));
    co_await ShutdownSend(stream);
  }
  conn_->NoDeadline();
  boost::system::error_code ignored;
  socket.close(ignored);
}

Awaitable<Response> SessionRunner::Dispatch(Request& req, std::unique_ptr<ResponseStream>* stream) {
  const auto start = std::chrono::steady_clock::now();
  RequestContext ctx{req, MakeRequestId(req["X-Request-Id"])};
  ctx.remote_address = conn_->remote_address;
  ctx.remote_is_loopback = conn_->remote_is_loopback;
  const auto [path, query] = SplitTarget(req.target());
  ctx.path = std::string(path);
  ctx.query = std::string(query);

  const RouteMatch match = server_.router_.Match(req.method(), path, ctx);
  Response res;
  size_t route_index = server_.metrics_.unmatched_index();
  if (match.route == nullptr) {
    res = server_.not_found_(ctx, match.allow);
  } else {
    route_index = server_.router_.IndexOf(match.route);
    ctx.route = match.route->name;
    const Route& route = *match.route;
    const bool gated = route.access.kind == Access::Kind::kRoles;
    if (!gated && route.async_handler) {
      res = co_await InvokeAsync(route, ctx);
    } else if (!gated && route.exec == Exec::kInline) {
      res = Invoke(route, ctx, stream);
    } else {
      // Authentication and blocking handlers run on the database executor;
      // this coroutine resumes on the connection's thread afterwards.
      std::optional<Response> out;
      const bool intake = route.exec == Exec::kIntake && server_.options_.intake_executor;
      co_await asio::co_spawn(
          intake ? server_.options_.intake_executor : server_.db_executor_,
          [&]() -> asio::awaitable<void> {
            if (gated) {
              if (auto refusal = server_.authorize_(route, ctx)) {
                out.emplace(std::move(*refusal));
                co_return;
              }
            }
            out.emplace(Invoke(route, ctx, stream));
            co_return;
          },
          asio::use_awaitable_t<IoExecutor>{});
      res = std::move(*out);
    }
  }
  res.set(beast_http::field::server, "opsdeck");
  res.set("X-Request-Id", ctx.request_id);
  AddSecurityHeaders(res, ctx.principal.authenticated());
  // A HEAD of a stream gets its head only.
  if (*stream && req.method() == beast_http::verb::head) stream->reset();
  // Every answer is delimited by its length (a redirect has no body, and
  // without the header a keep-alive client would wait for the close); a
  // stream is delimited by its chunks or the close (StreamOut).
  if (!*stream && res.find(beast_http::field::content_length) == res.end() && !res.chunked()) {
    res.content_length(res.body().size());
  }
  if (req.method() == beast_http::verb::head) {
    const auto len = res.body().size();
    res.body().clear();
    res.content_length(len);
  }
  const auto micros = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start)
          .count());
  const unsigned status = res.result_int();
  server_.metrics_.RecordRequest(route_index, status, micros);
  if (net::LogEnabled(net::LogLevel::kInfo)) {
    const bool secret = match.route != nullptr && match.route->path_is_secret;
    net::LogInfo("request", {{"id", ctx.request_id},
                             {"method", std::string(req.method_string())},
                             {"path", secret ? match.route->pattern : ctx.path},
                             {"status", status},
                             {"bytes", static_cast<unsigned long>(res.body().size())},
                             {"duration_ms", static_cast<double>(micros) / 1000.0},
                             {"remote", conn_->remote_address},
                             {"actor", ctx.principal.ToActor().ToString()}});
  }
  co_return res;
}

}  // namespace opsdeck::http
