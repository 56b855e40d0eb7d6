// The tcp probe against an open and a closed loopback port, the dns probe
// and the resolver cache against a tiny UDP DNS server the test runs.
#include <ares.h>
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <future>
#include <thread>
#include <utility>
#include <vector>

#include "monitor/dns_answers.h"
#include "monitor/probe.h"
#include "monitor/resolver.h"
#include "test_servers.h"

namespace opsdeck::monitor {
namespace {

using namespace std::chrono_literals;
using testing::Check;

class NetProbeTest : public ::testing::Test {
 protected:
  NetProbeTest() : dns_(io_), harness_(io_, dns_.address()) {
    dns_.AddA("api.test", "192.0.2.10");
    dns_.AddA("api.test", "192.0.2.11");
    dns_.AddTxt("api.test", "v=spf1 -all");
    dns_.AddCname("www.test", "api.test");
    dns_.AddMx("mail.test", 10, "mx1.mail.test");
    dns_.SetServfail("broken.test");
    dns_.SetSilent("silent.test");
  }

  core::CheckResult Dns(const std::string& name, const std::string& record,
                        std::vector<std::string> expect = {},
                        std::chrono::milliseconds timeout = 2s) {
    config::DnsCheck dns;
    dns.name = name;
    dns.record = record;
    dns.expect = std::move(expect);
    auto probe = MakeProbe(Check(config::CheckType::kDns, dns, timeout));
    EXPECT_TRUE(probe.has_value());
    EXPECT_EQ((*probe)->Summary(), "dns " + record + " " + name);
    auto result = harness_.Run(**probe);
    return result.value_or(core::CheckResult{});
  }

  core::CheckResult Tcp(const std::string& host, uint16_t port) {
    config::TcpCheck tcp;
    tcp.host = host;
    tcp.port = port;
    auto probe = MakeProbe(Check(config::CheckType::kTcp, tcp));
    EXPECT_TRUE(probe.has_value());
    auto result = harness_.Run(**probe);
    return result.value_or(core::CheckResult{});
  }

  boost::asio::io_context io_;
  testing::DnsTestServer dns_;
  testing::ProbeHarness harness_;
};

TEST_F(NetProbeTest, TcpOpenPortIsUp) {
  testing::HttpTestServer server(io_);
  auto result = Tcp("127.0.0.1", server.port());
  EXPECT_TRUE(result.ok) << result.error;
  EXPECT_TRUE(result.timings.connect.has_value());
  EXPECT_FALSE(result.timings.dns.has_value());
}

// A listening socket on 127.0.0.1, an ephemeral port (into *port).
int ListenOnLoopback(int backlog, uint16_t* port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(fd, backlog) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ADD_FAILURE() << "listen: " << std::strerror(errno);
  }
  *port = ntohs(addr.sin_port);
  return fd;
}

// What a server reads after a probe is done with it: after a whole HTTP
// answer the probe resets the connection (as HAProxy's checks do: no
// TIME_WAIT on either end), so a server that keeps it alive reads
// ECONNRESET; a tcp probe closes gracefully, and the server reads EOF.
class RawServer {
 public:
  // `answer` is written once the first bytes arrive (none: nothing is read).
  explicit RawServer(std::string answer) : answer_(std::move(answer)) {
    fd_ = ListenOnLoopback(4, &port_);
    thread_ = std::thread([this] { Serve(); });
  }
  ~RawServer() {
    if (thread_.joinable()) thread_.join();
    ::close(fd_);
  }
  uint16_t port() const { return port_; }
  // recv's result after the probe ended, and its errno.
  std::pair<ssize_t, int> Last() {
    thread_.join();
    return last_;
  }

 private:
  void Serve() {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 5000) != 1) return;
    const int conn = ::accept(fd_, nullptr, nullptr);
    char buf[4096];
    if (!answer_.empty()) {
      pollfd q{conn, POLLIN, 0};
      (void)::poll(&q, 1, 5000);
      (void)::recv(conn, buf, sizeof buf, 0);
      (void)::send(conn, answer_.data(), answer_.size(), MSG_NOSIGNAL);
    }
    pollfd q{conn, POLLIN, 0};
    (void)::poll(&q, 1, 5000);  // until the probe's close arrives
    const ssize_t n = ::recv(conn, buf, sizeof buf, 0);
    last_ = {n, n < 0 ? errno : 0};
    ::close(conn);
  }

  std::string answer_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::pair<ssize_t, int> last_{-2, 0};
  std::thread thread_;
};

TEST_F(NetProbeTest, AnHttpProbeResetsTheConnectionAfterTheAnswer) {
  RawServer server("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");  // and keeps it alive
  config::HttpCheck http;
  http.url = "http://127.0.0.1:" + std::to_string(server.port()) + "/health";
  auto probe = MakeProbe(Check(config::CheckType::kHttp, http));
  ASSERT_TRUE(probe.has_value());
  auto result = harness_.Run(**probe);
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(result->ok) << result->error;
  const auto [n, err] = server.Last();
  EXPECT_EQ(n, -1) << "a graceful close (EOF) instead of a reset";
  EXPECT_EQ(err, ECONNRESET);
}

TEST_F(NetProbeTest, ATcpProbeClosesGracefully) {
  RawServer server("");
  auto result = Tcp("127.0.0.1", server.port());
  EXPECT_TRUE(result.ok) << result.error;
  EXPECT_EQ(server.Last(), (std::pair<ssize_t, int>{0, 0}));
}

// A listener whose accept queue is full drops SYNs: the probe's connect(2)
// returns with the handshake not done (SYN_SENT), so the probe waits for
// writability rather than finding the socket established (loopback's
// usual case). Its SYN is retransmitted after ~1 s.
class FullListener {
 public:
  FullListener() {
    fd_ = ListenOnLoopback(0, &port_);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port_);
    // Backlog 0 queues one connection: this one fills the queue.
    filler_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (::connect(filler_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ADD_FAILURE() << "filler connect: " << std::strerror(errno);
    }
  }
  ~FullListener() {
    if (thread_.joinable()) thread_.join();
    for (int fd : accepted_) ::close(fd);
    ::close(filler_);
    ::close(fd_);
  }
  uint16_t port() const { return port_; }
  // From `after` on, accepts whatever arrives for 3 s.
  void AcceptAfter(std::chrono::milliseconds after) {
    thread_ = std::thread([this, after] {
      std::this_thread::sleep_for(after);
      const auto end = std::chrono::steady_clock::now() + 3s;
      while (std::chrono::steady_clock::now() < end) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, 50) == 1) accepted_.push_back(::accept(fd_, nullptr, nullptr));
        if (accepted_.size() >= 2) return;  // the filler and the probe
      }
    });
  }

 private:
  int fd_ = -1;
  int filler_ = -1;
  uint16_t port_ = 0;
  std::vector<int> accepted_;
  std::thread thread_;
};

TEST_F(NetProbeTest, AConnectStillInProgressCompletesWhenWritable) {
  FullListener listener;
  listener.AcceptAfter(200ms);  // the queue has room again before the SYN's retransmission
  config::TcpCheck tcp{"127.0.0.1", listener.port()};
  auto probe = MakeProbe(Check(config::CheckType::kTcp, tcp, 4s));
  ASSERT_TRUE(probe.has_value());
  auto result = harness_.Run(**probe);
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(result->ok) << result->error;
  ASSERT_TRUE(result->timings.connect.has_value());
  EXPECT_GE(*result->timings.connect, 500ms) << "connected before the retransmitted SYN";
}

TEST_F(NetProbeTest, AConnectStillInProgressTimesOutInTheConnectPhase) {
  FullListener listener;  // never accepts: every SYN is dropped
  config::TcpCheck tcp{"127.0.0.1", listener.port()};
  auto probe = MakeProbe(Check(config::CheckType::kTcp, tcp, 400ms));
  ASSERT_TRUE(probe.has_value());
  auto result = harness_.Run(**probe);
  ASSERT_TRUE(result.has_value());
  EXPECT_FALSE(result->ok);
  EXPECT_EQ(result->error, "timeout after 400ms (connect)");
}

TEST_F(NetProbeTest, TcpClosedPortIsConnectionRefused) {
  auto result = Tcp("127.0.0.1", testing::ClosedPort());
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.error, "connect: connection refused");
}

TEST_F(NetProbeTest, TcpNameGoesThroughDns) {
  dns_.AddA("db.test", "127.0.0.1");
  auto result = Tcp("db.test", testing::ClosedPort());
  EXPECT_EQ(result.error, "connect: connection refused");
  EXPECT_TRUE(result.timings.dns.has_value());
  EXPECT_EQ(Tcp("gone.test", 5432).error, "dns: NXDOMAIN");
}

TEST_F(NetProbeTest, TcpSummaryAndHost) {
  config::TcpCheck tcp{"::1", 22};
  auto probe = MakeProbe(Check(config::CheckType::kTcp, tcp));
  ASSERT_TRUE(probe.has_value());
  EXPECT_EQ((*probe)->Summary(), "tcp [::1]:22");
  EXPECT_EQ((*probe)->Host(), "::1");
}

TEST_F(NetProbeTest, DnsARecordsWithExpect) {
  auto any = Dns("api.test", "A");
  EXPECT_TRUE(any.ok) << any.error;
  EXPECT_TRUE(any.timings.dns.has_value());
  EXPECT_TRUE(Dns("api.test", "A", {"192.0.2.11"}).ok);
  EXPECT_TRUE(Dns("API.test", "A", {"192.0.2.10", "192.0.2.11"}).ok);
  auto wrong = Dns("api.test", "A", {"192.0.2.10", "192.0.2.99"});
  EXPECT_FALSE(wrong.ok);
  EXPECT_EQ(wrong.error, "expected 192.0.2.99 not among the answers: 192.0.2.10, 192.0.2.11");
}

TEST_F(NetProbeTest, DnsTxtCnameMx) {
  EXPECT_TRUE(Dns("api.test", "TXT", {"v=spf1 -all"}).ok);
  EXPECT_EQ(Dns("api.test", "TXT", {"v=spf1"}).error,
            "expected v=spf1 not among the answers: v=spf1 -all");
  auto cname = Dns("www.test", "CNAME", {"API.test."});
  EXPECT_TRUE(cname.ok) << cname.error;
  EXPECT_TRUE(Dns("mail.test", "MX", {"mx1.mail.test"}).ok);
  EXPECT_TRUE(Dns("mail.test", "MX", {"10 mx1.mail.test"}).ok);
  EXPECT_EQ(Dns("mail.test", "MX", {"20 mx1.mail.test"}).error,
            "expected 20 mx1.mail.test not among the answers: 10 mx1.mail.test");
}

TEST_F(NetProbeTest, DnsErrorsNameTheRcode) {
  EXPECT_EQ(Dns("missing.test", "A").error, "dns: NXDOMAIN");
  EXPECT_EQ(Dns("broken.test", "A").error, "dns: SERVFAIL");
  EXPECT_EQ(Dns("api.test", "AAAA").error, "dns: no AAAA records");
}

TEST_F(NetProbeTest, DnsTimeoutIsTheProbesOwn) {
  auto result = Dns("silent.test", "A", {}, 300ms);
  EXPECT_EQ(result.error, "timeout after 300ms (dns)");
  EXPECT_LT(harness_.last_duration(), 1000ms);
  // c-ares gives up on its own later; that late failure reports nothing.
  io_.run_for(700ms);
}

TEST_F(NetProbeTest, DnsBadRecordTypeIsRejected) {
  config::DnsCheck dns;
  dns.name = "api.test";
  dns.record = "PTR";
  auto probe = MakeProbe(Check(config::CheckType::kDns, dns));
  ASSERT_FALSE(probe.has_value());
  EXPECT_EQ(probe.error().ToString(), "record: record must be A, AAAA, CNAME, MX, TXT, NS or SRV");
}

// Runs the loop until `pending` reaches zero or a second passes.
void RunUntil(boost::asio::io_context& io, const int& pending) {
  const auto start = std::chrono::steady_clock::now();
  while (pending > 0 && std::chrono::steady_clock::now() - start < 1s) {
    io.run_one_for(20ms);
  }
}

TEST_F(NetProbeTest, ResolverJoinsConcurrentLookupsAndCachesAnswers) {
  Resolver& resolver = harness_.resolver();
  EXPECT_EQ(resolver.Cached("api.test"), nullptr);
  int pending = 3;
  std::vector<Resolver::AnswerPtr> answers;
  for (int i = 0; i < 3; ++i) {
    resolver.Resolve("api.test", [&](Resolver::AnswerPtr a) {
      answers.push_back(a);
      --pending;
    });
  }
  EXPECT_EQ(pending, 3) << "never inline";
  RunUntil(io_, pending);
  ASSERT_EQ(answers.size(), 3u);
  EXPECT_EQ(answers[0], answers[2]) << "one answer shared by all waiters";
  ASSERT_EQ(answers[0]->addresses.size(), 2u);
  EXPECT_EQ(answers[0]->addresses[0].to_string(), "192.0.2.10");
  EXPECT_EQ(resolver.lookups_started(), 1u);
  EXPECT_EQ(dns_.queries("api.test"), 2);  // A and AAAA, once
  auto cached = resolver.Cached("api.test");
  ASSERT_NE(cached, nullptr);
  EXPECT_EQ(cached->error, "");
}

TEST_F(NetProbeTest, ResolverCachesFailuresBriefly) {
  Resolver& resolver = harness_.resolver();
  int pending = 1;
  resolver.Resolve("missing.test", [&](Resolver::AnswerPtr a) {
    EXPECT_EQ(a->error, "NXDOMAIN");
    --pending;
  });
  RunUntil(io_, pending);
  ASSERT_EQ(pending, 0);
  auto cached = resolver.Cached("missing.test");
  ASSERT_NE(cached, nullptr);
  EXPECT_EQ(cached->error, "NXDOMAIN");
}

TEST_F(NetProbeTest, ResolverTtlIsClampedAndExpires) {
  Resolver::Options options;
  options.nameservers = dns_.address();
  options.min_ttl = 1s;
  options.max_ttl = 1s;  // the record says 60 s
  auto resolver = Resolver::Create(io_, options);
  ASSERT_TRUE(resolver.has_value());
  int pending = 1;
  (*resolver)->Resolve("api.test", [&](Resolver::AnswerPtr) { --pending; });
  RunUntil(io_, pending);
  ASSERT_NE((*resolver)->Cached("api.test"), nullptr);
  io_.run_for(1100ms);
  EXPECT_EQ((*resolver)->Cached("api.test"), nullptr);
}

TEST_F(NetProbeTest, ResolverRejectsABadNameserver) {
  Resolver::Options options;
  options.nameservers = "not an address";
  auto resolver = Resolver::Create(io_, options);
  ASSERT_FALSE(resolver.has_value());
  EXPECT_EQ(resolver.error().code, core::ErrorCode::kInvalidArgument);
}

TEST(DnsAnswersTest, Matching) {
  EXPECT_TRUE(DnsAnswerMatches(28, "2001:db8::1", "2001:db8:0:0::1"));
  EXPECT_FALSE(DnsAnswerMatches(1, "192.0.2.1", "192.0.2.2"));
  EXPECT_TRUE(DnsAnswerMatches(5, "Target.Example.", "target.example"));
  EXPECT_TRUE(DnsAnswerMatches(33, "sip.example.com", "10 5 5060 sip.example.com"));
  EXPECT_FALSE(DnsAnswerMatches(16, "V=spf1", "v=spf1"));
  EXPECT_EQ(DnsRecordType("SRV"), 33);
  EXPECT_EQ(DnsRecordType("srv"), std::nullopt);
}

}  // namespace
}  // namespace opsdeck::monitor
