// net::FetchUrl over real loopback sockets: a tiny plain-HTTP server answers
// by path, and a TLS server with a self-signed certificate proves that
// verification is on.
#include "net/http_fetch.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>

namespace opsdeck::net {
namespace {

using std::chrono::milliseconds;

// A listening socket on 127.0.0.1 with an ephemeral port.
int ListenLoopback(int* port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 16) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return -1;
  }
  *port = ntohs(addr.sin_port);
  return fd;
}

bool WaitReadable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, timeout_ms) > 0;
}

void SendAll(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    const ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return;
    off += static_cast<size_t>(n);
  }
}

// Answers one request per connection, by path:
//   /ok        200 "hello"             /missing   404
//   /redirect  302 to /ok              /big       200, Content-Length 4096
//   /stream    200, 4096 bytes, no Content-Length (connection close)
//   /slow      waits 2 s before answering
class TestServer {
 public:
  TestServer() {
    fd_ = ListenLoopback(&port_);
    thread_ = std::thread([this] { Run(); });
  }
  ~TestServer() {
    stop_ = true;
    thread_.join();
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return fd_ >= 0; }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::string last_request() {
    std::lock_guard<std::mutex> lock(mu_);
    return last_request_;
  }

 private:
  void Run() {
    while (!stop_) {
      if (!WaitReadable(fd_, 20)) continue;
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      Serve(c);
      ::close(c);
    }
  }

  void Serve(int c) {
    std::string req;
    char buf[1024];
    while (req.find("\r\n\r\n") == std::string::npos && WaitReadable(c, 1000)) {
      const ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) break;
      req.append(buf, static_cast<size_t>(n));
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      last_request_ = req;
    }
    const size_t sp = req.find(' ');
    const std::string path = req.substr(sp + 1, req.find(' ', sp + 1) - sp - 1);
    if (path == "/ok") {
      SendAll(c, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");
    } else if (path == "/redirect") {
      SendAll(c, "HTTP/1.1 302 Found\r\nLocation: " + Url("/ok") +
                     "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    } else if (path == "/big") {
      SendAll(c, "HTTP/1.1 200 OK\r\nContent-Length: 4096\r\nConnection: close\r\n\r\n" +
                     std::string(4096, 'x'));
    } else if (path == "/stream") {
      SendAll(c, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + std::string(4096, 'x'));
    } else if (path == "/slow") {
      for (int i = 0; i < 100 && !stop_; ++i) std::this_thread::sleep_for(milliseconds(20));
      SendAll(c, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\nlate");
    } else {
      SendAll(c, "HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\nConnection: close\r\n\r\nnope");
    }
  }

  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  std::string last_request_;
};

TEST(HttpFetchTest, GetsBodyAndStatus) {
  TestServer server;
  ASSERT_TRUE(server.ok());
  const auto r = FetchUrl(server.Url("/ok"));
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello");
  const std::string req = server.last_request();
  EXPECT_EQ(req.rfind("GET /ok HTTP/1.1\r\n", 0), 0u) << req;
  EXPECT_NE(req.find("User-Agent: opsdeck\r\n"), std::string::npos) << req;
}

TEST(HttpFetchTest, NonSuccessStatusIsAResponseNotAnError) {
  TestServer server;
  ASSERT_TRUE(server.ok());
  const auto r = FetchUrl(server.Url("/missing"));
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->body, "nope");
}

TEST(HttpFetchTest, DoesNotFollowRedirectsByDefault) {
  TestServer server;
  ASSERT_TRUE(server.ok());
  const auto r = FetchUrl(server.Url("/redirect"));
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->status, 302);
}

TEST(HttpFetchTest, FollowsRedirectsOnlyToHttps) {
  TestServer server;
  ASSERT_TRUE(server.ok());
  FetchOptions opts;
  opts.follow_redirects = true;
  // The Location is plain http, which redirects may not use.
  const auto r = FetchUrl(server.Url("/redirect"), opts);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::kUnavailable) << r.error().ToString();
  EXPECT_NE(r.error().message.find("redirect"), std::string::npos) << r.error().message;
}

TEST(HttpFetchTest, AnnouncedBodyOverTheLimitIsTooLarge) {
  TestServer server;
  ASSERT_TRUE(server.ok());
  FetchOptions opts;
  opts.max_bytes = 1000;
  const auto r = FetchUrl(server.Url("/big"), opts);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::kPayloadTooLarge) << r.error().ToString();
}

TEST(HttpFetchTest, StreamedBodyOverTheLimitIsTooLarge) {
  TestServer server;
  ASSERT_TRUE(server.ok());
  FetchOptions opts;
  opts.max_bytes = 1000;
  const auto r = FetchUrl(server.Url("/stream"), opts);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::kPayloadTooLarge) << r.error().ToString();
}

TEST(HttpFetchTest, BodyAtTheLimitIsFine) {
  TestServer server;
  ASSERT_TRUE(server.ok());
  FetchOptions opts;
  opts.max_bytes = 4096;
  const auto r = FetchUrl(server.Url("/stream"), opts);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->body.size(), 4096u);
}

TEST(HttpFetchTest, TimeoutIsUnavailable) {
  TestServer server;
  ASSERT_TRUE(server.ok());
  FetchOptions opts;
  opts.timeout = milliseconds(200);
  const auto start = std::chrono::steady_clock::now();
  const auto r = FetchUrl(server.Url("/slow"), opts);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::kUnavailable);
  EXPECT_NE(r.error().message.find("timed out"), std::string::npos) << r.error().message;
  EXPECT_LT(took, milliseconds(1500));
}

TEST(HttpFetchTest, RefusedConnectionIsUnavailable) {
  int port = 0;
  const int fd = ListenLoopback(&port);
  ASSERT_GE(fd, 0);
  ::close(fd);  // nothing listens there any more
  const auto r = FetchUrl("http://127.0.0.1:" + std::to_string(port) + "/");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::kUnavailable) << r.error().ToString();
}

TEST(HttpFetchTest, OnlyHttpSchemes) {
  for (const char* url :
       {"ftp://127.0.0.1/x", "file:///etc/passwd", "gopher://127.0.0.1/", "127.0.0.1/ok", ""}) {
    const auto r = FetchUrl(url);
    ASSERT_FALSE(r) << url;
    EXPECT_EQ(r.error().code, core::ErrorCode::kInvalidArgument) << url;
  }
}

TEST(HttpFetchTest, ErrorsNeverShowQueryOrUserinfo) {
  int port = 0;
  const int fd = ListenLoopback(&port);
  ASSERT_GE(fd, 0);
  ::close(fd);
  const auto r =
      FetchUrl("http://user:pw@127.0.0.1:" + std::to_string(port) + "/confirm?Token=s3cret#frag");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().where, "http://127.0.0.1:" + std::to_string(port) + "/confirm");
  EXPECT_EQ(r.error().ToString().find("s3cret"), std::string::npos);
  EXPECT_EQ(r.error().ToString().find("pw"), std::string::npos);
}

TEST(HttpFetchTest, RedactUrl) {
  EXPECT_EQ(RedactUrl("https://sns.eu-central-1.amazonaws.com/?Action=ConfirmSubscription&Token=x"),
            "https://sns.eu-central-1.amazonaws.com/");
  EXPECT_EQ(RedactUrl("https://a:b@host:8443/p/q.pem#f"), "https://host:8443/p/q.pem");
  EXPECT_EQ(RedactUrl("not a url"), "<unparsable URL>");
}

// A TLS server whose certificate nobody trusts: the fetch must fail in the
// handshake instead of reading the body.
class UntrustedTlsServer {
 public:
  UntrustedTlsServer() {
    EVP_PKEY* key = EVP_RSA_gen(2048);
    X509* cert = X509_new();
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    X509_sign(cert, key, EVP_sha256());
    ctx_ = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate(ctx_, cert);
    SSL_CTX_use_PrivateKey(ctx_, key);
    X509_free(cert);
    EVP_PKEY_free(key);
    fd_ = ListenLoopback(&port_);
    thread_ = std::thread([this] { Run(); });
  }
  ~UntrustedTlsServer() {
    stop_ = true;
    thread_.join();
    if (fd_ >= 0) ::close(fd_);
    SSL_CTX_free(ctx_);
  }
  bool ok() const { return fd_ >= 0 && ctx_ != nullptr; }
  std::string Url() const { return "https://127.0.0.1:" + std::to_string(port_) + "/"; }
  bool served_body() const { return served_body_; }

 private:
  void Run() {
    while (!stop_) {
      if (!WaitReadable(fd_, 20)) continue;
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      SSL* ssl = SSL_new(ctx_);
      SSL_set_fd(ssl, c);
      if (SSL_accept(ssl) == 1) {
        const std::string resp = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        if (SSL_write(ssl, resp.data(), static_cast<int>(resp.size())) > 0) served_body_ = true;
        SSL_shutdown(ssl);
      }
      SSL_free(ssl);
      ::close(c);
    }
  }

  SSL_CTX* ctx_ = nullptr;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<bool> served_body_{false};
  std::thread thread_;
};

TEST(HttpFetchTest, UntrustedCertificateIsRejected) {
  UntrustedTlsServer server;
  ASSERT_TRUE(server.ok());
  const auto r = FetchUrl(server.Url());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::kUnavailable);
  EXPECT_NE(r.error().message.find("certificate"), std::string::npos) << r.error().message;
  EXPECT_FALSE(server.served_body());
}

TEST(HttpFetchTest, HttpsToAPlainServerFails) {
  TestServer server;
  ASSERT_TRUE(server.ok());
  std::string url = server.Url("/ok");
  url.replace(0, 4, "https");
  FetchOptions opts;
  opts.timeout = milliseconds(2000);
  const auto r = FetchUrl(url, opts);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::kUnavailable) << r.error().ToString();
}

}  // namespace
}  // namespace opsdeck::net
