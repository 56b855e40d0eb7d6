// HTTP and process metrics in the Prometheus text format 0.0.4: requests by
// route and status, a latency histogram per route, connections, build info.
// Counters are lock-free atomics sized at start-up from the route table, so
// recording a request never allocates or locks. Thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace opsdeck::http {

struct BuildInfo {
  std::string version;
  std::string commit;
  std::string compiler;
};

class HttpMetrics {
 public:
  // Upper bounds (seconds) of the latency histogram buckets; +Inf is implied.
  static constexpr std::array<double, 14> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                      0.025,  0.05,  0.1,    0.25,  0.5,
                                                      1,      2.5,   5,      10};

  // One slot per route name (index as in the Router), plus "unmatched".
  HttpMetrics(std::vector<std::string> route_names, BuildInfo build);

  size_t unmatched_index() const { return routes_.size() - 1; }
  void RecordRequest(size_t route_index, unsigned status, uint64_t micros);
  void ConnectionOpened() { connections_active_.fetch_add(1, std::memory_order_relaxed); connections_total_.fetch_add(1, std::memory_order_relaxed); }
  void ConnectionClosed() { connections_active_.fetch_sub(1, std::memory_order_relaxed); }
  void ConnectionRefused() { connections_refused_.fetch_add(1, std::memory_order_relaxed); }
  void RequestRejected(unsigned status);  // 413/408/400 before routing
  int64_t connections_active() const { return connections_active_.load(); }

  // Extra text appended by other subsystems (config reloads, store, ...).
  void AddCollector(std::function<void(std::string&)> collector);

  // The whole exposition, "text/plain; version=0.0.4".
  std::string Render() const;

 private:
  static constexpr unsigned kMinStatus = 100;
  static constexpr unsigned kMaxStatus = 599;
  struct RouteSlot {
    std::string name;
    std::array<std::atomic<uint64_t>, kMaxStatus - kMinStatus + 1> by_status{};
    std::array<std::atomic<uint64_t>, kBuckets.size() + 1> buckets{};
    std::atomic<uint64_t> sum_micros{0};
    std::atomic<uint64_t> count{0};
  };
  std::vector<std::unique_ptr<RouteSlot>> routes_;
  BuildInfo build_;
  int64_t start_time_seconds_;
  std::atomic<int64_t> connections_active_{0};
  std::atomic<uint64_t> connections_total_{0};
  std::atomic<uint64_t> connections_refused_{0};
  std::array<std::atomic<uint64_t>, kMaxStatus - kMinStatus + 1> rejected_{};
  std::vector<std::function<void(std::string&)>> collectors_;  // set before serving
};

// Escapes a label value for the exposition format.
std::string EscapeLabel(std::string_view v);

}  // namespace opsdeck::http
