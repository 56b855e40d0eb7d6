// A scripted HTTP/1.1 server on 127.0.0.1 for the Jira client tests: it
// answers each request with the next queued Reply (or the fallback once the
// queue is empty) and records every request. Runs its own io_context thread;
// the destructor stops it. Thread-safety: the accessors lock; safe to call
// while the client is talking to it.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace opsdeck::tickets::testing {

struct Reply {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // beside Content-Type/Length
  std::chrono::milliseconds delay{0};                        // before answering (timeouts)
  bool drop = false;  // close the connection without answering
};

struct Seen {
  std::string method;
  std::string target;                        // path and query, as sent
  std::string path;                          // decoded path
  std::map<std::string, std::string> query;  // decoded
  std::string authorization;
  std::string content_type;
  std::string body;
};

class JiraTestServer {
 public:
  JiraTestServer();
  ~JiraTestServer();
  JiraTestServer(const JiraTestServer&) = delete;
  JiraTestServer& operator=(const JiraTestServer&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void Queue(Reply reply);
  // Answers requests once the queue is empty (default: 404).
  void SetFallback(std::function<Reply(const Seen&)> fallback);
  std::vector<Seen> requests() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace opsdeck::tickets::testing
