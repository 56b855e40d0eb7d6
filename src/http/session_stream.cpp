// The streaming half of a session (ResponseStream, router.h): after the head,
// the connection's coroutine alternates between writing what the stream has
// and waiting on a timer that a wake (from any thread, posted here) or the
// heartbeat interval ends. A second coroutine reads from the client meanwhile,
// only to notice it leave (or shutdown cancel it) without waiting for the next
// write to fail. Both run on the connection's own thread, so the plain flags
// below need no locks.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <chrono>
#include <cstdio>

#include "http/connection.h"
#include "http/session.h"

namespace opsdeck::http {

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable_t<IoExecutor>{});
// A streaming client has nothing more to say; bytes past this (a pipelined
// request) end the stream instead of piling up unread.
constexpr size_t kMaxClientBytes = 64 * 1024;

using Timer = asio::basic_waitable_timer<std::chrono::steady_clock,
                                         asio::wait_traits<std::chrono::steady_clock>, IoExecutor>;

struct StreamSignal {
  explicit StreamSignal(const IoExecutor& ex) : timer(ex) {}
  Timer timer;
  bool woken = false;        // the stream has something: Pull() before waiting
  bool reader_done = false;  // the client left, sent too much, or shutdown cancelled the read
};

template <typename Stream>
Awaitable<void> WatchClient(Stream& stream, std::shared_ptr<StreamSignal> sig) {
  std::array<char, 1024> sink;
  size_t total = 0;
  for (;;) {
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(sink), kTuple);
    if (ec) break;
    total += n;
    if (total > kMaxClientBytes) break;
  }
  sig->reader_done = true;
  sig->timer.cancel();
}

// One piece of the body: an HTTP/1.1 chunk, or the bytes as they are.
void Frame(std::string& out, const std::string& data, bool chunked) {
  if (data.empty()) return;
  if (!chunked) {
    out += data;
    return;
  }
  char size[24];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  out += size;
  out += data;
  out += "\r\n";
}

}  // namespace

template <typename Stream>
Awaitable<void> SessionRunner::StreamOut(Stream& stream, Response head,
                                         std::unique_ptr<ResponseStream> body) {
  const ServerOptions& opt = server_.options_;
  const bool chunked = head.version() >= 11;
  head.keep_alive(false);
  if (chunked) head.chunked(true);
  out_.clear();
  SerializeResponse(head, out_);

  const IoExecutor ex = conn_->socket.get_executor();
  auto sig = std::make_shared<StreamSignal>(ex);
  body->Start([sig, ex] {
    asio::post(ex, [sig] {
      sig->woken = true;
      sig->timer.cancel();
    });
  });
  asio::co_spawn(ex, WatchClient(stream, sig), asio::detached);

  std::string piece;
  bool heartbeat_due = false;
  for (;;) {
    sig->woken = false;
    piece.clear();
    const bool open = body->Pull(piece);
    if (piece.empty() && heartbeat_due) body->Heartbeat(piece);
    heartbeat_due = false;
    const bool last = !open || sig->reader_done || server_.stopping_.load();
    Frame(out_, piece, chunked);
    if (last && chunked) out_ += "0\r\n\r\n";
    if (!out_.empty()) {
      conn_->ExpiresAfter(opt.write_timeout);
      auto [wec, wn] = co_await asio::async_write(stream, asio::buffer(out_), kTuple);
      (void)wn;
      conn_->NoDeadline();
      out_.clear();
      if (wec) break;
    }
    if (last) break;
    // Anything that happened during the write is handled before waiting
    // (a wake or the reader's end cancels only a timer already waiting).
    if (sig->woken || sig->reader_done || server_.stopping_.load()) continue;
    // Shutdown cancels an idle connection's socket: that ends the reader,
    // whose exit ends this wait.
    conn_->idle = true;
    sig->timer.expires_after(body->heartbeat_interval());
    auto [ec] = co_await sig->timer.async_wait(kTuple);
    conn_->idle = false;
    if (!ec) heartbeat_due = true;
  }
  body.reset();  // unsubscribes before the connection winds down

  // The reader borrows `stream`: it must be gone before the caller closes it.
  if (!sig->reader_done) {
    boost::system::error_code ignored;
    conn_->socket.cancel(ignored);
  }
  for (int tries = 0; !sig->reader_done; ++tries) {
    sig->timer.expires_after(tries == 0 ? 1s : 100ms);
    co_await sig->timer.async_wait(kTuple);
    if (!sig->reader_done) {
      boost::system::error_code ignored;
      conn_->socket.close(ignored);
    }
  }
}

template Awaitable<void> SessionRunner::StreamOut<Socket>(Socket&, Response,
                                                          std::unique_ptr<ResponseStream>);
template Awaitable<void> SessionRunner::StreamOut<TlsStream>(TlsStream&, Response,
                                                             std::unique_ptr<ResponseStream>);

}  // namespace opsdeck::http
