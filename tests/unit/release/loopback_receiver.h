// A tiny HTTP/1.1 receiver on 127.0.0.1 for rollback action tests: records
// each request (method, target, headers, body) and answers with a fixed
// status. Plain sockets and one thread; every wait is bounded by a poll
// timeout, and the destructor stops and joins it.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace opsdeck::release::testing {

struct ReceivedRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

class LoopbackReceiver {
 public:
  explicit LoopbackReceiver(int status = 204) : status_(status) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 16);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Loop(); });
  }
  ~LoopbackReceiver() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  LoopbackReceiver(const LoopbackReceiver&) = delete;
  LoopbackReceiver& operator=(const LoopbackReceiver&) = delete;

  int port() const { return port_; }
  void set_status(int status) { status_ = status; }
  // A delay before answering (to test timeouts).
  void set_delay(std::chrono::milliseconds d) { delay_ms_ = static_cast<int>(d.count()); }

  std::vector<ReceivedRequest> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }
  // Waits up to `timeout` for at least `n` requests.
  bool WaitFor(size_t n, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
  }

 private:
  void Loop() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      int conn = ::accept(fd_, nullptr, nullptr);
      if (conn < 0) continue;
      Serve(conn);
      ::close(conn);
    }
  }

  // Reads until the head and Content-Length bytes of body are in, or 5 s.
  void Serve(int conn) {
    std::string data;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    size_t head_end = std::string::npos;
    size_t want = 0;
    while (std::chrono::steady_clock::now() < deadline && !stop_) {
      if (head_end != std::string::npos && data.size() >= head_end + 4 + want) break;
      pollfd p{conn, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      char buf[4096];
      ssize_t n = ::read(conn, buf, sizeof buf);
      if (n <= 0) break;
      data.append(buf, static_cast<size_t>(n));
      if (head_end == std::string::npos &&
          (head_end = data.find("\r\n\r\n")) != std::string::npos) {
        want = ContentLength(data.substr(0, head_end));
      }
    }
    if (head_end == std::string::npos) return;
    ReceivedRequest req = Parse(data.substr(0, head_end));
    req.body = data.substr(head_end + 4, want);
    {
      std::lock_guard lock(mu_);
      requests_.push_back(std::move(req));
    }
    cv_.notify_all();
    for (int waited = 0; waited < delay_ms_ && !stop_; waited += 10) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    const std::string answer = "HTTP/1.1 " + std::to_string(status_.load()) +
                               " X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    (void)!::write(conn, answer.data(), answer.size());
  }

  static std::string Lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
  }

  static size_t ContentLength(const std::string& head) {
    auto parsed = Parse(head);
    auto it = parsed.headers.find("content-length");
    return it == parsed.headers.end() ? 0 : std::stoul(it->second);
  }

  static ReceivedRequest Parse(const std::string& head) {
    ReceivedRequest req;
    size_t line_end = head.find("\r\n");
    std::string first = head.substr(0, line_end);
    size_t sp1 = first.find(' '), sp2 = first.rfind(' ');
    req.method = first.substr(0, sp1);
    req.target = first.substr(sp1 + 1, sp2 - sp1 - 1);
    size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      size_t end = head.find("\r\n", pos);
      if (end == std::string::npos) end = head.size();
      std::string line = head.substr(pos, end - pos);
      size_t colon = line.find(':');
      if (colon != std::string::npos) {
        size_t v = line.find_first_not_of(' ', colon + 1);
        req.headers[Lower(line.substr(0, colon))] = v == std::string::npos ? "" : line.substr(v);
      }
      pos = end + 2;
    }
    return req;
  }

  std::atomic<int> status_;
  std::atomic<int> delay_ms_{0};
  std::atomic<bool> stop_{false};
  int fd_ = -1;
  int port_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<ReceivedRequest> requests_;
  std::thread thread_;
};

}  // namespace opsdeck::release::testing
