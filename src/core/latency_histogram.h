// A mergeable latency histogram: log-spaced buckets (each 5% wider than the
// last, so a quantile is within 2.5% of the true value), stored sparsely, so a
// minute with six probes costs six pairs. Rollups per minute and hour are
// these, merged; p50/p95/p99 over 30 days merge ~720 hour rollups.
// A plain value; not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/health.h"
#include "core/result.h"

namespace opsdeck::core {

class LatencyHistogram {
 public:
  // Bucket 0 holds 0 µs; bucket b >= 1 holds [kGrowth^(b-1), kGrowth^b) µs.
  static constexpr double kGrowth = 1.05;
  static constexpr uint16_t kMaxBucket = 520;  // from ~27.6 hours (1.05^519 µs) up, all values land here

  void Add(Micros latency, uint64_t count = 1);
  void Merge(const LatencyHistogram& other);
  uint64_t Count() const { return count_; }
  bool Empty() const { return count_ == 0; }
  // The q-quantile (0 < q <= 1; others are clamped) as the bucket's geometric
  // midpoint; nullopt when empty or q is NaN.
  std::optional<Micros> Quantile(double q) const;
  // Compact text for a TEXT column: "bucket:count" pairs joined by ',' in
  // bucket order ("" when empty). Decode rejects anything else.
  std::string Encode() const;
  static Result<LatencyHistogram> Decode(std::string_view text);

  static uint16_t BucketOf(Micros latency);
  const std::vector<std::pair<uint16_t, uint64_t>>& buckets() const { return buckets_; }
  bool operator==(const LatencyHistogram&) const = default;

 private:
  std::vector<std::pair<uint16_t, uint64_t>> buckets_;  // sorted by bucket, counts > 0
  uint64_t count_ = 0;
};

}  // namespace opsdeck::core
