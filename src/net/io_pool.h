// N single-threaded io_contexts, one thread each, handed out round-robin.
// A connection lives its whole life on one of them, so its handlers never run
// concurrently and need no strand: one io_context per thread avoids the
// scheduler lock contention and the strand overhead of N threads sharing one
// io_context (measured: docs/decisions.md, "HTTP server").
// Thread-safety: Next() and Stop() may be called from any thread; Run() once.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <memory>
#include <vector>

namespace opsdeck::net {

class IoPool {
 public:
  explicit IoPool(int threads);
  IoPool(const IoPool&) = delete;
  IoPool& operator=(const IoPool&) = delete;

  // The context for the next connection (round-robin).
  boost::asio::io_context& Next();
  // The first context: acceptor, signals, timers of the server itself.
  boost::asio::io_context& Main() { return *contexts_.front(); }
  size_t size() const { return contexts_.size(); }

  // Runs every context (this thread runs the first) until Stop().
  void Run();
  void Stop();

 private:
  using Guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<Guard> guards_;
  std::atomic<size_t> next_{0};
};

}  // namespace opsdeck::net
