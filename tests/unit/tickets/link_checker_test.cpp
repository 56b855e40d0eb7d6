// HttpLinkChecker against a real loopback HTTP server: HEAD first, GET when
// HEAD is refused, 404 and timeouts are broken links, a redirect to plain
// http is refused, each URL is asked once, and at most `concurrency`
// requests are in flight.
#include "tickets/link_checker.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace opsdeck::tickets {
namespace {

using namespace std::chrono_literals;

// Answers one request per connection, by path (query ignored):
//   /ok            200 (HEAD or GET)           /missing   404
//   /no-head       405 to HEAD, 200 to GET     /gone      410 to HEAD, GET never asked
//   /to-http       302 to http://.../ok        /slow      no answer for 3 s
//   /hold          200 after 150 ms (for counting requests in flight)
class LoopbackServer {
 public:
  LoopbackServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(fd_, 64) != 0 || ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ::close(fd_);
      fd_ = -1;
      return;
    }
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { Accept(); });
  }
  ~LoopbackServer() {
    stop_ = true;
    if (acceptor_.joinable()) acceptor_.join();
    for (auto& t : handlers_) t.join();
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return fd_ >= 0; }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  // "HEAD /ok?a" -> times asked.
  std::map<std::string, int> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }
  int max_in_flight() const { return max_in_flight_; }

 private:
  void Accept() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int client = ::accept(fd_, nullptr, nullptr);
      if (client < 0) continue;
      handlers_.emplace_back([this, client] { Handle(client); });
    }
  }

  void Handle(int client) {
    const int now = ++in_flight_;
    for (int seen = max_in_flight_; now > seen && !max_in_flight_.compare_exchange_weak(seen, now);) {
    }
    std::string head;
    char buf[1024];
    while (head.find("\r\n\r\n") == std::string::npos && !stop_) {
      pollfd p{client, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const ssize_t n = ::recv(client, buf, sizeof buf, 0);
      if (n <= 0) break;
      head.append(buf, static_cast<size_t>(n));
    }
    const std::string method = head.substr(0, head.find(' '));
    const size_t start = head.find(' ') + 1;
    const std::string target = head.substr(start, head.find(' ', start) - start);
    const std::string path = target.substr(0, target.find('?'));
    {
      std::lock_guard lock(mu_);
      ++requests_[method + " " + target];
    }
    std::string status = "200 OK", extra;
    if (path == "/missing") status = "404 Not Found";
    if (path == "/gone") status = "410 Gone";
    if (path == "/no-head" && method == "HEAD") status = "405 Method Not Allowed";
    if (path == "/to-http") {
      status = "302 Found";
      extra = "Location: " + Url("/ok") + "\r\n";
    }
    if (path == "/hold") std::this_thread::sleep_for(150ms);
    // Out of flight before the answer leaves: the client may start its next
    // request the moment it reads this one, before this thread runs again.
    --in_flight_;
    if (path == "/slow") {
      for (int i = 0; i < 60 && !stop_; ++i) std::this_thread::sleep_for(50ms);
    } else {
      const std::string body = "hello";
      const std::string response = "HTTP/1.1 " + status + "\r\n" + extra +
                                   "Content-Length: 5\r\nConnection: close\r\n\r\n" +
                                   (method == "HEAD" ? "" : body);
      ::send(client, response.data(), response.size(), MSG_NOSIGNAL);
    }
    ::close(client);
  }

  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::vector<std::thread> handlers_;  // touched by the acceptor thread only, joined after it
  std::mutex mu_;
  std::map<std::string, int> requests_;
  std::atomic<int> in_flight_{0};
  std::atomic<int> max_in_flight_{0};
};

TEST(HttpLinkChecker, JudgesEachAnswerAndAsksEachUrlOnce) {
  LoopbackServer server;
  ASSERT_TRUE(server.ok());
  HttpLinkChecker checker(LinkCheckOptions{.timeout = 2000ms});
  const std::string ok = server.Url("/ok"), missing = server.Url("/missing"),
                    no_head = server.Url("/no-head"), gone = server.Url("/gone");
  const LinkResults results = checker.Check({ok, missing, no_head, gone, ok, ok});
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(results.at(ok), (LinkStatus{true, ""}));
  EXPECT_EQ(results.at(missing), (LinkStatus{false, "HTTP 404"}));
  EXPECT_EQ(results.at(no_head), (LinkStatus{true, ""})) << "GET after the 405";
  EXPECT_EQ(results.at(gone), (LinkStatus{false, "HTTP 410"}));
  const auto asked = server.requests();
  EXPECT_EQ(asked.at("HEAD /ok"), 1) << "asked once however often it is listed";
  EXPECT_EQ(asked.count("GET /ok"), 0u) << "a good HEAD is enough";
  EXPECT_EQ(asked.at("HEAD /no-head"), 1);
  EXPECT_EQ(asked.at("GET /no-head"), 1);
  EXPECT_EQ(asked.count("GET /gone"), 0u) << "only 405/501 fall back to GET";
}

TEST(HttpLinkChecker, RefusesARedirectToPlainHttp) {
  LoopbackServer server;
  ASSERT_TRUE(server.ok());
  HttpLinkChecker checker(LinkCheckOptions{.timeout = 2000ms});
  const std::string url = server.Url("/to-http");
  const LinkResults results = checker.Check({url});
  EXPECT_FALSE(results.at(url).ok);
  EXPECT_NE(results.at(url).problem.find("redirect"), std::string::npos) << results.at(url).problem;
  EXPECT_EQ(server.requests().count("HEAD /ok"), 0u) << "the http target was never asked";
}

TEST(HttpLinkChecker, ATimeoutIsABrokenLinkWithinItsBound) {
  LoopbackServer server;
  ASSERT_TRUE(server.ok());
  HttpLinkChecker checker(LinkCheckOptions{.timeout = 300ms});
  const std::string slow = server.Url("/slow"), ok = server.Url("/ok");
  const auto started = std::chrono::steady_clock::now();
  const LinkResults results = checker.Check({slow, ok});
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_FALSE(results.at(slow).ok);
  EXPECT_NE(results.at(slow).problem.find("timed out after 300 ms"), std::string::npos)
      << results.at(slow).problem;
  EXPECT_TRUE(results.at(ok).ok);
  EXPECT_LT(took, 2s) << "bounded by the timeout, not by the server";
}

TEST(HttpLinkChecker, UnreachableAndNonHttpLinksAreBroken) {
  // A port nothing listens on: bind, read the port, close.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(fd);
  const std::string closed = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/";
  HttpLinkChecker checker(LinkCheckOptions{.timeout = 1000ms});
  const LinkResults results = checker.Check({closed, "ftp://example.com/doc"});
  EXPECT_FALSE(results.at(closed).ok);
  EXPECT_FALSE(results.at(closed).problem.empty());
  EXPECT_EQ(results.at("ftp://example.com/doc"), (LinkStatus{false, "not an http(s) URL"}));
}

TEST(HttpLinkChecker, KeepsAtMostConcurrencyRequestsInFlight) {
  LoopbackServer server;
  ASSERT_TRUE(server.ok());
  std::vector<std::string> urls;
  for (int i = 0; i < 12; ++i) urls.push_back(server.Url("/hold?" + std::to_string(i)));
  HttpLinkChecker checker(LinkCheckOptions{.concurrency = 3, .timeout = 2000ms});
  const LinkResults results = checker.Check(urls);
  EXPECT_EQ(results.size(), 12u);
  for (const auto& [url, status] : results) EXPECT_TRUE(status.ok) << url << " " << status.problem;
  EXPECT_LE(server.max_in_flight(), 3);
  EXPECT_GE(server.max_in_flight(), 2) << "requests do run in parallel";
}

}  // namespace
}  // namespace opsdeck::tickets
