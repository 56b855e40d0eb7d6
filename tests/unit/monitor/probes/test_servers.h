// Loopback servers the probe tests talk to, all on the test's io_context
// (the same single thread as the probes): an HTTP(S) server whose status,
// latency, body and headers the test sets; a tiny UDP DNS server; and
// certificates made with the OpenSSL API.
#pragma once

#include <array>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "config/catalog_config.h"
#include "core/clock.h"
#include "monitor/probe.h"
#include "monitor/resolver.h"
#include "monitor/tls_contexts.h"

namespace opsdeck::monitor::testing {

// ---- certificates --------------------------------------------------------

struct KeyAndCert {
  std::string key_pem;
  std::string cert_pem;
};

// A CA (self-signed, CA:TRUE) valid from an hour ago for 30 days.
KeyAndCert MakeCa(const std::string& common_name);
// A leaf for `sans` ("DNS:good.test,IP:127.0.0.1"), valid from `not_before`
// to `not_after` (seconds relative to now), signed by `issuer`, or
// self-signed when `issuer` is null.
KeyAndCert MakeLeaf(const std::string& sans, long not_before, long not_after,
                    const KeyAndCert* issuer);
// Writes `pem` to a new file under the test temp directory; returns its path.
std::string WriteTempFile(const std::string& name, const std::string& pem);

// ---- HTTP(S) -------------------------------------------------------------

struct HttpReply {
  int status = 200;
  std::string body = "ok";
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds delay{0};  // before the status line
  bool chunked = false;
  bool keep_alive = false;  // true: no Connection: close, socket left open
  std::string raw;          // when set: sent as is instead of the above, then close
};

class HttpTestServer {
 public:
  // With `tls` (a server context), it speaks HTTPS.
  explicit HttpTestServer(boost::asio::io_context& io, boost::asio::ssl::context* tls = nullptr);
  ~HttpTestServer();

  uint16_t port() const { return port_; }
  std::string Url(const std::string& path) const;
  // The reply for a path (the request target without the query); others
  // get fallback().
  void Set(const std::string& path, HttpReply reply) { state_->replies[path] = std::move(reply); }
  HttpReply& fallback() { return state_->fallback; }

  // The last request as received (head and body).
  const std::string& last_request() const { return state_->last_request; }
  int requests() const { return state_->requests; }
  int handshakes() const { return state_->handshakes; }

 private:
  struct Session;
  // Shared with sessions, which may outlive the server by a few handlers.
  struct State {
    std::map<std::string, HttpReply> replies;
    HttpReply fallback;
    std::string last_request;
    int requests = 0;
    int handshakes = 0;
  };
  void Accept();

  boost::asio::io_context& io_;
  boost::asio::ssl::context* tls_;
  boost::asio::ip::tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::shared_ptr<State> state_ = std::make_shared<State>();
  std::vector<std::weak_ptr<Session>> sessions_;
};

// A server TLS context with `leaf`'s key and certificate.
std::unique_ptr<boost::asio::ssl::context> ServerContext(const KeyAndCert& leaf);

// ---- DNS -----------------------------------------------------------------

// Answers from a zone: a name with records answers them (NOERROR, possibly
// no answer for the asked type); `servfail` names answer SERVFAIL; `silent`
// names never answer; anything else is NXDOMAIN.
class DnsTestServer {
 public:
  explicit DnsTestServer(boost::asio::io_context& io);
  ~DnsTestServer();

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  void AddA(const std::string& name, const std::string& ipv4, uint32_t ttl = 60);
  void AddTxt(const std::string& name, const std::string& text);
  void AddCname(const std::string& name, const std::string& target);
  void AddMx(const std::string& name, uint16_t preference, const std::string& exchange);
  void SetServfail(const std::string& name) { servfail_.push_back(name); }
  void SetSilent(const std::string& name) { silent_.push_back(name); }
  // Queries seen for `name` (any type).
  int queries(const std::string& name) const;

 private:
  struct Record {
    uint16_t type;
    uint32_t ttl;
    std::string rdata;
  };
  void Receive();
  std::string Answer(const std::string& query);

  boost::asio::ip::udp::socket socket_;
  uint16_t port_ = 0;
  std::map<std::string, std::vector<Record>> zone_;
  std::map<std::string, int> queries_;
  std::vector<std::string> servfail_, silent_;
  std::array<char, 1500> buffer_{};
  boost::asio::ip::udp::endpoint peer_;
};

// ---- probes --------------------------------------------------------------

// Everything a probe needs, around one io_context. `ca_file` is added to the
// verifying TLS context; `nameserver` is the resolver's ("127.0.0.1:PORT").
class ProbeHarness {
 public:
  ProbeHarness(boost::asio::io_context& io, const std::string& nameserver,
               const std::string& ca_file = {});
  ProbeEnv& env() { return *env_; }
  Resolver& resolver() { return *resolver_; }

  // Starts `probe` and runs the loop until it reports or `limit` passes.
  // Fails the test (and returns nullopt) when `done` ran inside Start or
  // never ran.
  std::optional<core::CheckResult> Run(Probe& probe,
                                       std::chrono::milliseconds limit = std::chrono::seconds(5));
  // How long the last Run took until `done`.
  std::chrono::milliseconds last_duration() const { return last_duration_; }

 private:
  boost::asio::io_context& io_;
  std::unique_ptr<Resolver> resolver_;
  std::unique_ptr<TlsContexts> tls_;
  core::ManualClock clock_;
  std::unique_ptr<ProbeEnv> env_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::chrono::milliseconds last_duration_{0};
};

// A check of `type` with the given spec and timeout.
config::CheckConfig Check(config::CheckType type,
                          std::variant<config::HttpCheck, config::TcpCheck, config::TlsCheck,
                                       config::DnsCheck, config::HeartbeatCheck>
                              spec,
                          std::chrono::milliseconds timeout = std::chrono::seconds(2));

// A loopback TCP port that was bound and closed: connecting is refused.
uint16_t ClosedPort();

}  // namespace opsdeck::monitor::testing
