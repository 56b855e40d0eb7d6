#include "core/latency_histogram.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace opsdeck::core {

namespace {
const double kLogGrowth = std::log(LatencyHistogram::kGrowth);
}  // namespace

uint16_t LatencyHistogram::BucketOf(Micros latency) {
  const int64_t us = latency.count();
  if (us <= 0) return 0;
  const double b = std::floor(std::log(static_cast<double>(us)) / kLogGrowth) + 1.0;
  if (b >= kMaxBucket) return kMaxBucket;
  return static_cast<uint16_t>(b);
}

void LatencyHistogram::Add(Micros latency, uint64_t count) {
  if (count == 0) return;
  const uint16_t b = BucketOf(latency);
  auto it = std::lower_bound(buckets_.begin(), buckets_.end(), b,
                             [](const auto& p, uint16_t key) { return p.first < key; });
  if (it != buckets_.end() && it->first == b) {
    it->second += count;
  } else {
    buckets_.insert(it, {b, count});
  }
  count_ += count;
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  if (other.Empty()) return;
  if (Empty()) {
    *this = other;
    return;
  }
  std::vector<std::pair<uint16_t, uint64_t>> out;
  out.reserve(buckets_.size() + other.buckets_.size());
  auto a = buckets_.begin();
  auto b = other.buckets_.begin();
  while (a != buckets_.end() || b != other.buckets_.end()) {
    if (b == other.buckets_.end() || (a != buckets_.end() && a->first < b->first)) {
      out.push_back(*a++);
    } else if (a == buckets_.end() || b->first < a->first) {
      out.push_back(*b++);
    } else {
      out.emplace_back(a->first, a->second + b->second);
      ++a;
      ++b;
    }
  }
  buckets_ = std::move(out);
  count_ += other.count_;
}

std::optional<Micros> LatencyHistogram::Quantile(double q) const {
  // NaN would survive the clamp and make the rank conversion undefined.
  if (Empty() || std::isnan(q)) return std::nullopt;
  q = std::clamp(q, 0.0, 1.0);
  // The smallest bucket whose cumulative count reaches ceil(q * n) (n >= 1).
  const auto rank = std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_))));
  uint64_t seen = 0;
  for (const auto& [bucket, n] : buckets_) {
    seen += n;
    if (seen >= rank) {
      if (bucket == 0) return Micros(0);
      // Geometric midpoint of [g^(b-1), g^b).
      const double mid = std::exp((static_cast<double>(bucket) - 0.5) * kLogGrowth);
      return Micros(static_cast<int64_t>(std::llround(mid)));
    }
  }
  return Micros(0);  // unreachable: counts sum to count_
}

std::string LatencyHistogram::Encode() const {
  std::string out;
  out.reserve(buckets_.size() * 8);
  for (const auto& [bucket, n] : buckets_) {
    if (!out.empty()) out += ',';
    out += std::to_string(bucket);
    out += ':';
    out += std::to_string(n);
  }
  return out;
}

Result<LatencyHistogram> LatencyHistogram::Decode(std::string_view text) {
  LatencyHistogram h;
  const auto bad = [&] { return Error::InvalidArgument("latency histogram: malformed text"); };
  size_t pos = 0;
  int last = -1;
  while (pos < text.size()) {
    size_t end = text.find(',', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view pair = text.substr(pos, end - pos);
    const size_t colon = pair.find(':');
    if (colon == std::string_view::npos) return bad();
    unsigned bucket = 0;
    uint64_t n = 0;
    auto [p1, e1] = std::from_chars(pair.data(), pair.data() + colon, bucket);
    auto [p2, e2] = std::from_chars(pair.data() + colon + 1, pair.data() + pair.size(), n);
    if (e1 != std::errc() || p1 != pair.data() + colon || e2 != std::errc() ||
        p2 != pair.data() + pair.size() || colon == 0 || colon + 1 == pair.size()) {
      return bad();
    }
    if (bucket > kMaxBucket || static_cast<int>(bucket) <= last || n == 0) return bad();
    last = static_cast<int>(bucket);
    h.buckets_.emplace_back(static_cast<uint16_t>(bucket), n);
    h.count_ += n;
    pos = end + 1;
    if (end == text.size() - 1) return bad();  // trailing comma
  }
  return h;
}

}  // namespace opsdeck::core
