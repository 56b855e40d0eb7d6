#include "http/metrics.h"

#include <chrono>
#include <cstdio>

#include "net/prom_text.h"

namespace opsdeck::http {

std::string EscapeLabel(std::string_view v) { return net::EscapeLabelValue(v); }

HttpMetrics::HttpMetrics(std::vector<std::string> route_names, BuildInfo build)
    : build_(std::move(build)),
      start_time_seconds_(std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count()) {
  route_names.emplace_back("unmatched");
  for (auto& n : route_names) {
    auto slot = std::make_unique<RouteSlot>();
    slot->name = std::move(n);
    routes_.push_back(std::move(slot));
  }
}

void HttpMetrics::RecordRequest(size_t route_index, unsigned status, uint64_t micros) {
  if (route_index >= routes_.size()) route_index = unmatched_index();
  RouteSlot& r = *routes_[route_index];
  if (status >= kMinStatus && status <= kMaxStatus) {
    r.by_status[status - kMinStatus].fetch_add(1, std::memory_order_relaxed);
  }
  const double secs = static_cast<double>(micros) / 1e6;
  size_t b = 0;
  while (b < kBuckets.size() && secs > kBuckets[b]) ++b;
  r.buckets[b].fetch_add(1, std::memory_order_relaxed);
  r.sum_micros.fetch_add(micros, std::memory_order_relaxed);
  r.count.fetch_add(1, std::memory_order_relaxed);
}

void HttpMetrics::RequestRejected(unsigned status) {
  if (status >= kMinStatus && status <= kMaxStatus) {
    rejected_[status - kMinStatus].fetch_add(1, std::memory_order_relaxed);
  }
}

void HttpMetrics::AddCollector(std::function<void(std::string&)> collector) {
  collectors_.push_back(std::move(collector));
}

std::string HttpMetrics::Render() const {
  std::string out;
  out.reserve(8192);
  char buf[256];
  out +=
      "# HELP opsdeck_build_info Build information; always 1.\n"
      "# TYPE opsdeck_build_info gauge\n";
  out += "opsdeck_build_info{version=\"" + EscapeLabel(build_.version) + "\",commit=\"" +
         EscapeLabel(build_.commit) + "\",compiler=\"" + EscapeLabel(build_.compiler) + "\"} 1\n";
  out +=
      "# HELP opsdeck_process_start_time_seconds Start time of the process since the Unix epoch.\n"
      "# TYPE opsdeck_process_start_time_seconds gauge\n";
  out += "opsdeck_process_start_time_seconds " + std::to_string(start_time_seconds_) + "\n";

  out +=
      "# HELP opsdeck_http_requests_total HTTP requests answered, by route and status code.\n"
      "# TYPE opsdeck_http_requests_total counter\n";
  for (const auto& r : routes_) {
    for (unsigned s = kMinStatus; s <= kMaxStatus; ++s) {
      const uint64_t n = r->by_status[s - kMinStatus].load(std::memory_order_relaxed);
      if (n == 0) continue;
      out += "opsdeck_http_requests_total{route=\"" + EscapeLabel(r->name) + "\",code=\"" +
             std::to_string(s) + "\"} " + std::to_string(n) + "\n";
    }
  }
  out +=
      "# HELP opsdeck_http_requests_rejected_total Requests refused before routing (too large, "
      "timed out, malformed), by status code.\n"
      "# TYPE opsdeck_http_requests_rejected_total counter\n";
  for (unsigned s = kMinStatus; s <= kMaxStatus; ++s) {
    const uint64_t n = rejected_[s - kMinStatus].load(std::memory_order_relaxed);
    if (n == 0) continue;
    out += "opsdeck_http_requests_rejected_total{code=\"" + std::to_string(s) + "\"} " +
           std::to_string(n) + "\n";
  }

  out +=
      "# HELP opsdeck_http_request_duration_seconds Time from a complete request head to the "
      "response, by route.\n"
      "# TYPE opsdeck_http_request_duration_seconds histogram\n";
  for (const auto& r : routes_) {
    const uint64_t count = r->count.load(std::memory_order_relaxed);
    if (count == 0) continue;
    const std::string label = "route=\"" + EscapeLabel(r->name) + "\"";
    uint64_t cumulative = 0;
    for (size_t b = 0; b < kBuckets.size(); ++b) {
      cumulative += r->buckets[b].load(std::memory_order_relaxed);
      std::snprintf(buf, sizeof buf, "opsdeck_http_request_duration_seconds_bucket{%s,le=\"%g\"} %llu\n",
                    label.c_str(), kBuckets[b], static_cast<unsigned long long>(cumulative));
      out += buf;
    }
    cumulative += r->buckets[kBuckets.size()].load(std::memory_order_relaxed);
    // +Inf must equal _count; read both from the same snapshot of buckets.
    std::snprintf(buf, sizeof buf,
                  "opsdeck_http_request_duration_seconds_bucket{%s,le=\"+Inf\"} %llu\n",
                  label.c_str(), static_cast<unsigned long long>(cumulative));
    out += buf;
    std::snprintf(buf, sizeof buf, "opsdeck_http_request_duration_seconds_sum{%s} %.6f\n",
                  label.c_str(), static_cast<double>(r->sum_micros.load()) / 1e6);
    out += buf;
    std::snprintf(buf, sizeof buf, "opsdeck_http_request_duration_seconds_count{%s} %llu\n",
                  label.c_str(), static_cast<unsigned long long>(cumulative));
    out += buf;
  }

  out +=
      "# HELP opsdeck_http_connections_active Open client connections.\n"
      "# TYPE opsdeck_http_connections_active gauge\n"
      "opsdeck_http_connections_active " + std::to_string(connections_active_.load()) + "\n" +
      "# HELP opsdeck_http_connections_total Client connections accepted.\n"
      "# TYPE opsdeck_http_connections_total counter\n"
      "opsdeck_http_connections_total " + std::to_string(connections_total_.load()) + "\n" +
      "# HELP opsdeck_http_connections_refused_total Connections closed at once because "
      "server.max_connections was reached.\n"
      "# TYPE opsdeck_http_connections_refused_total counter\n"
      "opsdeck_http_connections_refused_total " + std::to_string(connections_refused_.load()) + "\n";
  for (const auto& c : collectors_) c(out);
  return out;
}

}  // namespace opsdeck::http
