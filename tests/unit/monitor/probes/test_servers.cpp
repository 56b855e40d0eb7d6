// The loopback HTTP(S) and DNS servers and the probe harness (see header).
#include "test_servers.h"

#include <gtest/gtest.h>

#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <sstream>

namespace opsdeck::monitor::testing {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;
using asio::ip::udp;

// ---- HTTP(S) -------------------------------------------------------------

struct HttpTestServer::Session : std::enable_shared_from_this<Session> {
  Session(asio::io_context& io, tcp::socket s, std::shared_ptr<State> st)
      : socket(std::move(s)), state(std::move(st)), timer(io) {}

  template <typename F>
  void WithStream(F&& f) {
    if (tls) {
      f(*tls);
    } else {
      f(socket);
    }
  }

  void Start(asio::ssl::context* ctx) {
    if (!ctx) return Read();
    tls.emplace(socket, *ctx);
    tls->async_handshake(asio::ssl::stream_base::server,
                         [self = shared_from_this()](const boost::system::error_code& ec) {
                           if (ec) return self->Close();
                           ++self->state->handshakes;
                           self->Read();
                         });
  }

  void Read() {
    parser.emplace();
    WithStream([&](auto& stream) {
      http::async_read(stream, buffer, *parser,
                       [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
                         if (ec) return self->Close();
                         self->Respond();
                       });
    });
  }

  void Respond() {
    const auto& request = parser->get();
    std::ostringstream raw;
    raw << request;
    state->last_request = raw.str();
    ++state->requests;
    std::string path(request.target());
    path = path.substr(0, path.find('?'));
    auto it = state->replies.find(path);
    reply = it == state->replies.end() ? state->fallback : it->second;
    out = "HTTP/1.1 " + std::to_string(reply.status) + " Test\r\n";
    for (const auto& [name, value] : reply.headers) out += name + ": " + value + "\r\n";
    if (!reply.keep_alive) out += "Connection: close\r\n";
    if (reply.chunked) {
      const size_t half = reply.body.size() / 2;
      auto chunk = [](std::string_view data) {
        std::ostringstream hex;
        hex << std::hex << data.size();
        return hex.str() + "\r\n" + std::string(data) + "\r\n";
      };
      out += "Transfer-Encoding: chunked\r\n\r\n" + chunk(reply.body.substr(0, half)) +
             chunk(std::string_view(reply.body).substr(half)) + "0\r\n\r\n";
    } else {
      out += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n\r\n";
      if (request.method() != http::verb::head) out += reply.body;
    }
    if (!reply.raw.empty()) {
      out = reply.raw;
      reply.keep_alive = false;
    }
    timer.expires_after(reply.delay);
    timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec) return;
      self->WithStream([&](auto& stream) {
        asio::async_write(stream, asio::buffer(self->out),
                          [self](const boost::system::error_code& ec2, size_t) {
                            if (ec2 || !self->reply.keep_alive) return self->Close();
                            self->Read();
                          });
      });
    });
  }

  void Close() {
    boost::system::error_code ignored;
    timer.cancel();
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  }

  tcp::socket socket;
  std::optional<asio::ssl::stream<tcp::socket&>> tls;
  std::shared_ptr<State> state;
  asio::steady_timer timer;
  boost::beast::flat_buffer buffer;
  std::optional<http::request_parser<http::string_body>> parser;
  HttpReply reply;
  std::string out;
};

HttpTestServer::HttpTestServer(asio::io_context& io, asio::ssl::context* tls)
    : io_(io), tls_(tls), acceptor_(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
  port_ = acceptor_.local_endpoint().port();
  Accept();
}

HttpTestServer::~HttpTestServer() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  for (auto& weak : sessions_) {
    if (auto session = weak.lock()) session->Close();
  }
}

std::string HttpTestServer::Url(const std::string& path) const {
  return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) + path;
}

void HttpTestServer::Accept() {
  acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
    if (ec) return;  // closed: the server is gone
    auto session = std::make_shared<Session>(io_, std::move(socket), state_);
    sessions_.push_back(session);
    session->Start(tls_);
    Accept();
  });
}

std::unique_ptr<asio::ssl::context> ServerContext(const KeyAndCert& leaf) {
  auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  ctx->use_certificate_chain(asio::buffer(leaf.cert_pem));
  ctx->use_private_key(asio::buffer(leaf.key_pem), asio::ssl::context::pem);
  return ctx;
}

// ---- DNS -----------------------------------------------------------------

namespace {

constexpr uint16_t kA = 1, kCname = 5, kMx = 15, kTxt = 16;

std::string EncodeName(const std::string& name) {
  std::string out;
  size_t start = 0;
  while (start < name.size()) {
    size_t dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    out += static_cast<char>(dot - start);
    out += name.substr(start, dot - start);
    start = dot + 1;
  }
  return out + '\0';
}

std::string U16(uint16_t v) { return {static_cast<char>(v >> 8), static_cast<char>(v & 0xff)}; }
std::string U32(uint32_t v) { return U16(static_cast<uint16_t>(v >> 16)) + U16(v & 0xffff); }

}  // namespace

DnsTestServer::DnsTestServer(asio::io_context& io)
    : socket_(io, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
  port_ = socket_.local_endpoint().port();
  Receive();
}

DnsTestServer::~DnsTestServer() {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

void DnsTestServer::AddA(const std::string& name, const std::string& ipv4, uint32_t ttl) {
  auto bytes = asio::ip::make_address_v4(ipv4).to_bytes();
  zone_[name].push_back({kA, ttl, std::string(bytes.begin(), bytes.end())});
}

void DnsTestServer::AddTxt(const std::string& name, const std::string& text) {
  zone_[name].push_back({kTxt, 60, static_cast<char>(text.size()) + text});
}

void DnsTestServer::AddCname(const std::string& name, const std::string& target) {
  zone_[name].push_back({kCname, 60, EncodeName(target)});
}

void DnsTestServer::AddMx(const std::string& name, uint16_t preference,
                          const std::string& exchange) {
  zone_[name].push_back({kMx, 60, U16(preference) + EncodeName(exchange)});
}

int DnsTestServer::queries(const std::string& name) const {
  auto it = queries_.find(name);
  return it == queries_.end() ? 0 : it->second;
}

void DnsTestServer::Receive() {
  socket_.async_receive_from(asio::buffer(buffer_), peer_,
                             [this](const boost::system::error_code& ec, size_t n) {
                               if (ec) return;  // closed
                               std::string reply = Answer(std::string(buffer_.data(), n));
                               if (!reply.empty()) {
                                 boost::system::error_code ignored;
                                 socket_.send_to(asio::buffer(reply), peer_, 0, ignored);
                               }
                               Receive();
                             });
}

// Parses the single question and builds the reply, by hand (test only).
std::string DnsTestServer::Answer(const std::string& q) {
  if (q.size() < 12) return {};
  std::string name;
  size_t at = 12;
  while (at < q.size() && q[at] != 0) {
    const size_t len = static_cast<unsigned char>(q[at]);
    if (!name.empty()) name += '.';
    for (size_t i = 1; i <= len && at + i < q.size(); ++i) {
      name += static_cast<char>(std::tolower(static_cast<unsigned char>(q[at + i])));
    }
    at += len + 1;
  }
  at += 1;  // the root label
  if (at + 4 > q.size()) return {};
  const uint16_t qtype = static_cast<uint16_t>(static_cast<unsigned char>(q[at]) << 8 |
                                               static_cast<unsigned char>(q[at + 1]));
  const std::string question = q.substr(12, at + 4 - 12);
  ++queries_[name];
  if (std::find(silent_.begin(), silent_.end(), name) != silent_.end()) return {};

  uint16_t rcode = 0;
  std::string answers;
  uint16_t count = 0;
  if (std::find(servfail_.begin(), servfail_.end(), name) != servfail_.end()) {
    rcode = 2;
  } else if (auto it = zone_.find(name); it == zone_.end()) {
    rcode = 3;  // NXDOMAIN
  } else {
    for (const Record& r : it->second) {
      if (r.type != qtype) continue;
      // 0xC00C: a pointer to the name in the question.
      answers += U16(0xC00C) + U16(r.type) + U16(1) + U32(r.ttl) +
                 U16(static_cast<uint16_t>(r.rdata.size())) + r.rdata;
      ++count;
    }
  }
  const uint16_t flags = static_cast<uint16_t>(0x8180 | rcode);  // QR, RD, RA
  return q.substr(0, 2) + U16(flags) + U16(1) + U16(count) + U16(0) + U16(0) + question + answers;
}

// ---- probes --------------------------------------------------------------

ProbeHarness::ProbeHarness(asio::io_context& io, const std::string& nameserver,
                           const std::string& ca_file)
    : io_(io),
      clock_(std::chrono::time_point_cast<core::Duration>(std::chrono::system_clock::now())) {
  Resolver::Options options;
  options.nameservers = nameserver;
  options.attempt_timeout = std::chrono::milliseconds(500);
  options.tries = 1;
  auto resolver = Resolver::Create(io, options);
  if (!resolver) throw std::runtime_error(resolver.error().message);
  resolver_ = std::move(*resolver);
  auto tls = TlsContexts::Create({true, ca_file});
  if (!tls) throw std::runtime_error(tls.error().message);
  tls_ = std::move(*tls);
  env_ = std::make_unique<ProbeEnv>(ProbeEnv{io, *resolver_, *tls_, clock_, "opsdeck-test/1"});
  work_.emplace(io.get_executor());
}

std::optional<core::CheckResult> ProbeHarness::Run(Probe& probe, std::chrono::milliseconds limit) {
  struct Outcome {
    std::optional<core::CheckResult> result;
    bool in_start = true;
    bool inline_done = false;
    std::chrono::steady_clock::time_point done_at;
  };
  auto outcome = std::make_shared<Outcome>();
  const auto start = std::chrono::steady_clock::now();
  probe.Start(*env_, [outcome](core::CheckResult r) {
    EXPECT_FALSE(outcome->result.has_value()) << "done called twice";
    if (outcome->in_start) outcome->inline_done = true;
    outcome->result = std::move(r);
    outcome->done_at = std::chrono::steady_clock::now();
  });
  outcome->in_start = false;
  EXPECT_FALSE(outcome->inline_done) << "done ran inside Start";
  while (!outcome->result && std::chrono::steady_clock::now() - start < limit) {
    io_.run_one_for(std::chrono::milliseconds(20));
  }
  io_.poll();  // let the run close what it opened
  EXPECT_TRUE(outcome->result.has_value()) << "no result within " << limit.count() << "ms";
  if (outcome->result) {
    last_duration_ =
        std::chrono::duration_cast<std::chrono::milliseconds>(outcome->done_at - start);
  }
  return outcome->result;
}

config::CheckConfig Check(config::CheckType type,
                          std::variant<config::HttpCheck, config::TcpCheck, config::TlsCheck,
                                       config::DnsCheck, config::HeartbeatCheck>
                              spec,
                          std::chrono::milliseconds timeout) {
  config::CheckConfig check;
  check.type = type;
  check.timeout = timeout;
  check.interval = std::max<core::Duration>(timeout, std::chrono::seconds(10));
  check.failure_threshold = 1;
  check.success_threshold = 1;
  check.spec = std::move(spec);
  return check;
}

uint16_t ClosedPort() {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const uint16_t port = acceptor.local_endpoint().port();
  acceptor.close();
  return port;
}

}  // namespace opsdeck::monitor::testing
