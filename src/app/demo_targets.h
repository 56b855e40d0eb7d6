// The demo's local targets: one small loopback HTTP server on its own thread
// that answers the catalog's probes as the demo timeline says (up, slow,
// down), and accepts the demo notification channel's webhooks at /sink/.
// Thread-safe: Start and Stop from one thread; the answer function is called
// on the server's thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "app/demo_timeline.h"
#include "core/result.h"

namespace opsdeck::app::demo {

class TargetsServer {
 public:
  using AnswerFn = std::function<Answer(std::string_view path)>;
  // Binds host:port (loopback, checked by the config) and starts serving.
  static core::Result<std::unique_ptr<TargetsServer>> Start(const std::string& host, uint16_t port,
                                                           AnswerFn answer);
  ~TargetsServer();
  TargetsServer(const TargetsServer&) = delete;
  TargetsServer& operator=(const TargetsServer&) = delete;
  // Closes the listener and every connection and joins the thread. Idempotent.
  void Stop();
  uint16_t port() const { return port_; }
  // Webhook deliveries received at /sink/ (the demo's notification channel).
  int64_t sink_deliveries() const { return sink_deliveries_.load(); }

 private:
  struct Impl;
  explicit TargetsServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::thread thread_;
  uint16_t port_ = 0;
  std::atomic<int64_t> sink_deliveries_{0};
};

}  // namespace opsdeck::app::demo
