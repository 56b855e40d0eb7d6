// One run of a connection-based probe (http, tcp, tls) up to a ready
// connection: the whole-probe timeout, name resolution through the cache,
// connecting to each address in turn, the TLS handshake when asked, and the
// timing of each phase. Kinds derive and continue in OnReady().
// Thread-safety: none; a run lives on the monitor's io_context thread. It is
// owned by shared_ptr from its pending handlers, so it may outlive its Probe.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "monitor/probe.h"
#include "monitor/resolver.h"

namespace opsdeck::monitor {

// Where a probe connects. `literal` is set when `host` is an IP address,
// which skips DNS.
struct ProbeTarget {
  std::string host;  // no brackets around IPv6
  std::optional<boost::asio::ip::address> literal;
  uint16_t port = 0;
};
ProbeTarget MakeProbeTarget(std::string host, uint16_t port);
// "example.com:443", "[::1]:22".
std::string HostPort(const ProbeTarget& target);

class ConnectRun : public std::enable_shared_from_this<ConnectRun> {
 public:
  ConnectRun(const ConnectRun&) = delete;
  ConnectRun& operator=(const ConnectRun&) = delete;
  virtual ~ConnectRun() = default;

 protected:
  using tcp = boost::asio::ip::tcp;
  using Clock = std::chrono::steady_clock;

  ConnectRun(ProbeEnv& env, core::Duration timeout, ProbeDone done);

  // Arms the timeout, resolves, connects and (with `tls`) handshakes, then
  // calls OnReady(). Call once, from Probe::Start; `target` must outlive the run.
  void Begin(const ProbeTarget& target, boost::asio::ssl::context* tls);
  virtual void OnReady() = 0;

  // Reports the result (at most once; later calls are ignored). The
  // connection stays open: call Close(), or keep reading until the peer
  // closes (bounded by the timeout, which then closes it).
  void Report(bool ok, std::string error);
  void Finish(bool ok, std::string error) {
    Report(ok, std::move(error));
    Close();
  }
  // Ends the connection: with a FIN, or `abortive`ly with a RST (SO_LINGER
  // 0) once a whole answer is in (connect_run.cpp says why).
  void Close(bool abortive = false);
  bool reported() const { return reported_; }
  bool closed() const { return closed_; }
  void SetPhase(const char* phase) { phase_ = phase; }
  core::Micros Elapsed() const { return Since(start_); }
  static core::Micros Since(Clock::time_point t) {
    return std::chrono::duration_cast<core::Micros>(Clock::now() - t);
  }
  // Calls f with the stream to read and write: the TLS stream or the socket.
  template <typename F>
  void WithStream(F&& f) {
    if (tls_) {
      f(*tls_);
    } else {
      f(socket_);
    }
  }

  core::CheckResult result_;

 private:
  void OnResolved(const Resolver::AnswerPtr& answer);
  void ConnectNext();
  void ConnectFailed(const boost::system::error_code& ec);
  void Connected();
  void Handshake();
  void OnTimeout();

  ProbeEnv* env_;  // until Report: afterwards the monitor may be going away
  core::Duration timeout_;
  ProbeDone done_;
  Clock::time_point start_;
  Clock::time_point phase_start_;
  boost::asio::steady_timer timer_;
  tcp::socket socket_;
  std::optional<boost::asio::ssl::stream<tcp::socket&>> tls_;
  boost::asio::ssl::context* tls_context_ = nullptr;
  std::optional<int64_t> leaf_not_after_;  // seen during verification
  const ProbeTarget* target_ = nullptr;
  Resolver::AnswerPtr answer_;  // the addresses being tried
  size_t next_address_ = 0;
  std::string connect_error_;
  const char* phase_ = "dns";
  bool reported_ = false;
  bool closed_ = false;
  bool in_begin_ = false;  // Report must not call done_ inside Probe::Start
};

// "Connection refused" -> "connection refused".
std::string LowerFirst(std::string text);

}  // namespace opsdeck::monitor
