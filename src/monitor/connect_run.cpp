// Resolve -> connect (each address in turn) -> TLS handshake, under one timer.
#include "monitor/connect_run.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <boost/asio/post.hpp>
#include <cctype>
#include <cerrno>

#include "config/internal/formats.h"
#include "monitor/tls_peer.h"

namespace opsdeck::monitor {

namespace asio = boost::asio;

ProbeTarget MakeProbeTarget(std::string host, uint16_t port) {
  ProbeTarget target;
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (!ec) target.literal = address;
  target.host = std::move(host);
  target.port = port;
  return target;
}

std::string HostPort(const ProbeTarget& target) {
  const bool v6 = target.literal && target.literal->is_v6();
  return (v6 ? "[" + target.host + "]" : target.host) + ":" + std::to_string(target.port);
}

std::string LowerFirst(std::string text) {
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

namespace {

boost::system::error_code SystemError(int err) {
  return boost::system::error_code(err, boost::system::system_category());
}

// SO_ERROR: the pending error of a socket (a failed connect's), or errno
// when it cannot be read.
int SocketError(int fd) {
  int err = 0;
  socklen_t len = sizeof err;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return errno;
  return err;
}

// The TCP state (TCP_ESTABLISHED, TCP_SYN_SENT, ...), or -1 when unknown.
int TcpState(int fd) {
  tcp_info info{};
  socklen_t len = sizeof info;
  if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0 || len < sizeof info.tcpi_state) {
    return -1;
  }
  return info.tcpi_state;
}

}  // namespace

ConnectRun::ConnectRun(ProbeEnv& env, core::Duration timeout, ProbeDone done)
    : env_(&env), timeout_(timeout), done_(std::move(done)), timer_(env.io), socket_(env.io) {}

void ConnectRun::Begin(const ProbeTarget& target, asio::ssl::context* tls) {
  in_begin_ = true;
  start_ = phase_start_ = Clock::now();
  result_.at = env_->clock.Now();
  target_ = &target;
  tls_context_ = tls;
  timer_.expires_after(timeout_);
  timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec) self->OnTimeout();
  });
  if (target.literal) {
    auto answer = std::make_shared<Resolver::Answer>();
    answer->addresses.push_back(*target.literal);
    answer_ = std::move(answer);
    phase_ = "connect";
    ConnectNext();
  } else if (auto cached = env_->resolver.Cached(target.host)) {
    OnResolved(cached);
  } else {
    env_->resolver.Resolve(target.host, [self = shared_from_this()](Resolver::AnswerPtr answer) {
      self->OnResolved(answer);
    });
  }
  in_begin_ = false;
}

void ConnectRun::OnResolved(const Resolver::AnswerPtr& answer) {
  if (reported_) return;
  result_.timings.dns = Since(phase_start_);
  if (!answer->error.empty()) return Finish(false, "dns: " + answer->error);
  answer_ = answer;
  phase_ = "connect";
  phase_start_ = Clock::now();
  ConnectNext();
}

void ConnectRun::ConnectNext() {
  if (next_address_ >= answer_->addresses.size()) {
    return Finish(false, "connect: " + connect_error_);
  }
  tcp::endpoint endpoint(answer_->addresses[next_address_++], target_->port);
  boost::system::error_code ec;
  socket_.close(ec);
  // connect(2) by hand and a wait for writability: asio's async_connect
  // asks the kernel twice (poll, then SO_ERROR) once the socket is writable;
  // SO_ERROR alone answers.
  if (socket_.open(endpoint.protocol(), ec); !ec) socket_.non_blocking(true, ec);
  if (ec) return ConnectFailed(ec);
  const int fd = socket_.native_handle();
  const bool done = ::connect(fd, endpoint.data(), endpoint.size()) == 0;
  if (!done && errno != EINPROGRESS) return ConnectFailed(SystemError(errno));
  // Where the whole handshake ran inside connect(2) (loopback, a local
  // network namespace), the socket is already established or refused: one
  // look at the TCP state saves registering for writability and a trip
  // through the event loop.
  switch (done ? TCP_ESTABLISHED : TcpState(fd)) {
    case TCP_ESTABLISHED:
      return Connected();
    case TCP_CLOSE:
      if (const int err = SocketError(fd); err != 0) {
        return ConnectFailed(SystemError(err));
      }
      break;
    default:
      break;
  }
  socket_.async_wait(tcp::socket::wait_write,
                     [self = shared_from_this()](const boost::system::error_code& wait_ec) {
                       if (self->reported_) return;
                       if (wait_ec) return self->ConnectFailed(wait_ec);
                       const int err = SocketError(self->socket_.native_handle());
                       if (err != 0) return self->ConnectFailed(SystemError(err));
                       self->Connected();
                     });
}

void ConnectRun::ConnectFailed(const boost::system::error_code& ec) {
  connect_error_ = LowerFirst(ec.message());
  ConnectNext();
}

void ConnectRun::Connected() {
  result_.timings.connect = Since(phase_start_);
  if (tls_context_) return Handshake();
  OnReady();
}

void ConnectRun::Handshake() {
  phase_ = "tls";
  phase_start_ = Clock::now();
  tls_.emplace(socket_, *tls_context_);
  if (!PrepareClientSsl(tls_->native_handle(), target_->host, target_->literal.has_value())) {
    return Finish(false, "tls: cannot set the host name to verify");
  }
  TrackLeafExpiry(tls_->native_handle(), &leaf_not_after_);
  tls_->async_handshake(asio::ssl::stream_base::client,
                        [self = shared_from_this()](const boost::system::error_code& ec) {
                          if (self->reported_) return;
                          SSL* ssl = self->tls_->native_handle();
                          const core::TimePoint now = self->env_->clock.Now();
                          self->result_.certificate_days =
                              self->leaf_not_after_ ? DaysUntil(*self->leaf_not_after_, now)
                                                    : CertificateDays(ssl, now);
                          if (ec) return self->Finish(false, DescribeHandshakeError(ssl, ec));
                          self->result_.timings.tls = Since(self->phase_start_);
                          self->OnReady();
                        });
}

void ConnectRun::OnTimeout() {
  if (reported_) return Close(true);  // was draining the peer's close
  Finish(false,
         "timeout after " + config::internal::FormatDuration(timeout_) + " (" + phase_ + ")");
}

void ConnectRun::Report(bool ok, std::string error) {
  if (reported_) return;
  reported_ = true;
  result_.ok = ok;
  result_.error = std::move(error);
  result_.timings.total = Elapsed();
  env_ = nullptr;
  if (in_begin_) {
    asio::post(timer_.get_executor(),
               [done = std::move(done_), result = std::move(result_)]() { done(result); });
  } else {
    ProbeDone done = std::move(done_);
    done(std::move(result_));
  }
}

void ConnectRun::Close(bool abortive) {
  if (closed_) return;
  closed_ = true;
  timer_.cancel();
  boost::system::error_code ignored;
  // Abortive (SO_LINGER 0: a RST, not a FIN) after a whole HTTP answer, as
  // HAProxy ends its checks: the server has answered (and normally closed
  // already), and neither end keeps the connection in TIME_WAIT. A server
  // that keeps it alive would otherwise leave the TIME_WAIT here, 60 s per
  // probe: at 1,000 probes a second to one server, more than the ephemeral
  // ports. On loopback it also saves ~10 us of CPU per probe. tcp and tls
  // probes and failed runs close gracefully: a RST right after a handshake
  // can reach the server before the handshake's last bytes, which it would
  // then log as a failed handshake (docs/decisions.md).
  if (abortive && socket_.is_open()) {
    socket_.set_option(boost::asio::socket_base::linger(true, 0), ignored);
  }
  socket_.close(ignored);
}

}  // namespace opsdeck::monitor
