// LatencyHistogram: bucket edges, quantile accuracy (within 2.5%), merging
// equals adding, and the text encoding's round trip and rejections.
#include "core/latency_histogram.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

namespace opsdeck::core {
namespace {

TEST(LatencyHistogramTest, BucketsGrowByFivePercent) {
  EXPECT_EQ(LatencyHistogram::BucketOf(Micros(0)), 0);
  EXPECT_EQ(LatencyHistogram::BucketOf(Micros(-5)), 0);
  EXPECT_EQ(LatencyHistogram::BucketOf(Micros(1)), 1);
  EXPECT_EQ(LatencyHistogram::BucketOf(Micros(2)), 15);  // 1.05^14 = 1.98, 1.05^15 = 2.08
  EXPECT_LT(LatencyHistogram::BucketOf(Micros(1000)), LatencyHistogram::BucketOf(Micros(1051)));
  EXPECT_EQ(LatencyHistogram::BucketOf(Micros(std::numeric_limits<int64_t>::max())),
            LatencyHistogram::kMaxBucket);
  // The last bucket starts beyond a day: nothing a probe reports is clamped.
  EXPECT_LT(LatencyHistogram::BucketOf(std::chrono::hours(24)), LatencyHistogram::kMaxBucket);
}

TEST(LatencyHistogramTest, EmptyHasNoQuantile) {
  const LatencyHistogram h;
  EXPECT_TRUE(h.Empty());
  EXPECT_FALSE(h.Quantile(0.5).has_value());
  EXPECT_EQ(h.Encode(), "");
}

TEST(LatencyHistogramTest, QuantilesAreWithinTwoAndAHalfPercent) {
  LatencyHistogram h;
  std::vector<int64_t> values;
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> dist(std::log(20'000.0), 1.0);  // ~20 ms median
  for (int i = 0; i < 10'000; ++i) {
    const auto v = static_cast<int64_t>(dist(rng)) + 1;
    values.push_back(v);
    h.Add(Micros(v));
  }
  std::sort(values.begin(), values.end());
  EXPECT_EQ(h.Count(), 10'000u);
  for (const double q : {0.01, 0.5, 0.95, 0.99, 1.0}) {
    const auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(values.size())));
    const double truth = static_cast<double>(values[rank - 1]);
    const auto got = h.Quantile(q);
    ASSERT_TRUE(got.has_value());
    EXPECT_NEAR(static_cast<double>(got->count()), truth, truth * 0.025 + 1) << q;
  }
}

TEST(LatencyHistogramTest, QuantileOfFewValuesAndOutOfRangeQ) {
  LatencyHistogram h;
  h.Add(Micros(0), 3);
  h.Add(Micros(100'000));
  EXPECT_EQ(h.Quantile(0.5), Micros(0));
  EXPECT_EQ(h.Quantile(0.75), Micros(0));
  EXPECT_NEAR(static_cast<double>(h.Quantile(0.76)->count()), 100'000, 2'500);
  EXPECT_EQ(h.Quantile(-1), Micros(0));  // clamped to the smallest
  EXPECT_EQ(h.Quantile(7), h.Quantile(1));
  EXPECT_FALSE(h.Quantile(std::nan("")).has_value());  // not a quantile
  h.Add(Micros(5), 0);  // adding nothing changes nothing
  EXPECT_EQ(h.Count(), 4u);
}

TEST(LatencyHistogramTest, MergeEqualsAddingEverything) {
  LatencyHistogram a;
  LatencyHistogram b;
  LatencyHistogram all;
  for (int i = 0; i < 500; ++i) {
    const Micros v(i * 137 % 50'000);
    (i % 3 == 0 ? a : b).Add(v);
    all.Add(v);
  }
  LatencyHistogram merged = a;
  merged.Merge(b);
  EXPECT_EQ(merged, all);
  LatencyHistogram empty;
  empty.Merge(all);
  EXPECT_EQ(empty, all);
  merged.Merge(LatencyHistogram{});
  EXPECT_EQ(merged, all);
  // Sparse and sorted.
  for (size_t i = 1; i < all.buckets().size(); ++i) {
    EXPECT_LT(all.buckets()[i - 1].first, all.buckets()[i].first);
  }
}

TEST(LatencyHistogramTest, EncodeDecodeRoundTrip) {
  LatencyHistogram h;
  h.Add(Micros(0), 2);
  h.Add(Micros(1));
  h.Add(Micros(2'000), 5);
  EXPECT_EQ(h.Encode(), "0:2,1:1," + std::to_string(LatencyHistogram::BucketOf(Micros(2'000))) + ":5");
  const auto back = LatencyHistogram::Decode(h.Encode());
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, h);
  EXPECT_EQ(back->Count(), 8u);
  EXPECT_TRUE(LatencyHistogram::Decode("")->Empty());
}

TEST(LatencyHistogramTest, DecodeRejectsMalformedText) {
  for (const char* bad : {",", "1:2,", ":2", "1:", "1", "1:0", "2:1,1:1", "1:1,1:1", "521:1", "a:1",
                          "1:b", "-1:1", "1:2,,3:4", " 1:2", "1:2 "}) {
    const auto r = LatencyHistogram::Decode(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace opsdeck::core
