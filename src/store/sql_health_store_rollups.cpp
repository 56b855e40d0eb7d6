// SqlHealthStore: per-minute and per-hour rollups (read-merge-write of
// core::LatencyHistogram under a lock, so a minute written twice adds up),
// the summaries and series read from them, and retention in bounded batches.
#include <map>
#include <utility>

#include "store/sql_health_store.h"
#include "store/sql_health_store_rows.h"

namespace opsdeck::store {
namespace {

using namespace health_sql;

// Rows one PruneHealth transaction deletes: short enough not to hold the
// SQLite writer (or PostgreSQL row locks) for long.
constexpr int64_t kPruneBatch = 5000;
// Result blocks one transaction deletes (up to six results each, usually).
constexpr int64_t kPruneBlockBatch = 1000;

// (target id, bucket start ms) -> merged counts.
using Buckets = std::map<std::pair<int64_t, int64_t>, RollupSummary>;

void MergeInto(RollupSummary& into, const RollupSummary& from) {
  into.count += from.count;
  into.failures += from.failures;
  into.latency.Merge(from.latency);
}

core::Result<RollupSummary> SummaryFromColumns(const Value& count, const Value& failures,
                                               const Value& histogram) {
  auto latency = core::LatencyHistogram::Decode(TextOr(histogram));
  if (!latency) {
    return core::Error::Internal("stored rollup histogram is malformed: " +
                                 latency.error().message);
  }
  RollupSummary s;
  s.count = static_cast<uint64_t>(IntOr(count, 0));
  s.failures = static_cast<uint64_t>(IntOr(failures, 0));
  s.latency = std::move(*latency);
  return s;
}

// Adds the stored rows of `table` to `buckets` (in place), then writes the
// sums back. The caller holds the rollups lock, so nothing changes between.
core::Result<void> MergeAndWrite(Tx& tx, std::string_view table, Buckets buckets) {
  std::map<int64_t, std::vector<int64_t>> targets_by_bucket;
  for (const auto& [key, s] : buckets) targets_by_bucket[key.second].push_back(key.first);
  for (const auto& [bucket, ids] : targets_by_bucket) {
    size_t next = 0;
    for (const size_t n : ChunkSizes(ids.size())) {
      Params p{bucket};
      for (size_t i = 0; i < n; ++i) p.emplace_back(ids[next++]);
      auto rows = tx.Query("SELECT target_id, count, failures, histogram FROM " +
                               std::string(table) + " WHERE bucket = ? AND target_id IN (" +
                               Placeholders(n) + ")",
                           p);
      if (!rows) return rows.error();
      for (const Row& r : *rows) {
        auto stored = SummaryFromColumns(r[1], r[2], r[3]);
        if (!stored) return stored.error();
        MergeInto(buckets[{IntOr(r[0], 0), bucket}], *stored);
      }
    }
  }
  auto it = buckets.begin();
  for (const size_t n : ChunkSizes(buckets.size())) {
    Params p;
    p.reserve(n * 5);
    for (size_t i = 0; i < n; ++i, ++it) {
      p.emplace_back(it->first.first);
      p.emplace_back(it->first.second);
      p.emplace_back(static_cast<int64_t>(it->second.count));
      p.emplace_back(static_cast<int64_t>(it->second.failures));
      p.emplace_back(it->second.latency.Encode());
    }
    auto r = tx.Exec("INSERT INTO " + std::string(table) +
                         " (target_id, bucket, count, failures, histogram) VALUES " +
                         ValuesList(n, 5) +
                         " ON CONFLICT (target_id, bucket) DO UPDATE SET count = excluded.count, "
                         "failures = excluded.failures, histogram = excluded.histogram",
                     p);
    if (!r) return r.error();
  }
  return core::Ok();
}

// The target filter of Summaries: the named targets, or every active one.
std::string TargetFilter(size_t named) {
  return named == 0 ? "t.retired_at IS NULL" : "t.name IN (" + Placeholders(named) + ")";
}

}  // namespace

core::Result<void> SqlHealthStore::AddRollups(const std::vector<RollupDelta>& deltas) {
  std::vector<std::string_view> names;
  for (const RollupDelta& d : deltas) {
    if (d.failures > d.count) {
      return core::Error::InvalidArgument("rollup of '" + d.target + "' has more failures (" +
                                          std::to_string(d.failures) + ") than results (" +
                                          std::to_string(d.count) + ")");
    }
    if (d.count > 0) names.push_back(d.target);
  }
  if (names.empty()) return core::Ok();
  auto ids = TargetIds(names);
  if (!ids) return ids.error();
  Buckets minutes;
  Buckets hours;
  for (const RollupDelta& d : deltas) {
    if (d.count == 0) continue;
    const int64_t id = ids->at(d.target);
    const int64_t ms = core::ToUnixMillis(d.minute);
    const RollupSummary s{d.count, d.failures, d.latency};
    MergeInto(minutes[{id, FloorTo(ms, kMinuteMs)}], s);
    MergeInto(hours[{id, FloorTo(ms, kHourMs)}], s);
  }
  return db_.Write([&](Tx& tx) -> core::Result<void> {
    if (auto r = LockForWrite(tx, "opsdeck.rollups"); !r) return r.error();
    if (auto r = MergeAndWrite(tx, "rollups_minute", minutes); !r) return r;
    return MergeAndWrite(tx, "rollups_hour", hours);
  });
}

core::Result<std::map<std::string, RollupSummary>> SqlHealthStore::Summaries(
    const std::vector<std::string>& targets, core::TimePoint from, core::TimePoint to) {
  const int64_t from_ms = core::ToUnixMillis(from);
  const int64_t to_ms = core::ToUnixMillis(to);
  // Whole hours inside [from, to) from hour rows; the minutes before the
  // first and after the last whole hour from minute rows. A minute counts
  // when it starts inside the range.
  int64_t hour_from = CeilTo(from_ms, kHourMs);
  int64_t hour_to = FloorTo(to_ms, kHourMs);
  Params ranges;
  if (hour_from < hour_to) {
    ranges = {hour_from, hour_to, from_ms, hour_from, hour_to, to_ms};
  } else {
    hour_from = hour_to = 0;
    ranges = {hour_from, hour_to, from_ms, to_ms, int64_t{0}, int64_t{0}};
  }
  const std::string filter = TargetFilter(targets.size());
  const std::string sql =
      "SELECT t.name, h.count, h.failures, h.histogram FROM rollups_hour h JOIN targets t ON "
      "t.id = h.target_id WHERE " +
      filter +
      " AND h.bucket >= ? AND h.bucket < ? UNION ALL "
      "SELECT t.name, m.count, m.failures, m.histogram FROM rollups_minute m JOIN targets t ON "
      "t.id = m.target_id WHERE " +
      filter + " AND ((m.bucket >= ? AND m.bucket < ?) OR (m.bucket >= ? AND m.bucket < ?))";
  Params params;
  for (const std::string& t : targets) params.emplace_back(t);
  params.insert(params.end(), ranges.begin(), ranges.begin() + 2);
  for (const std::string& t : targets) params.emplace_back(t);
  params.insert(params.end(), ranges.begin() + 2, ranges.end());

  using Out = std::map<std::string, RollupSummary>;
  return ReadValue<Out>(db_, [&](Tx& tx) -> core::Result<Out> {
    Out out;
    // Every asked-for target has an entry, empty when it has no rollups.
    if (targets.empty()) {
      auto active = tx.Query("SELECT name FROM targets WHERE retired_at IS NULL");
      if (!active) return active.error();
      for (const Row& r : *active) out[TextOr(r[0])];
    } else {
      for (const std::string& t : targets) out[t];
    }
    if (from_ms >= to_ms) return out;
    auto rows = tx.Query(sql, params);
    if (!rows) return rows.error();
    for (const Row& r : *rows) {
      auto s = SummaryFromColumns(r[1], r[2], r[3]);
      if (!s) return s.error();
      MergeInto(out[TextOr(r[0])], *s);
    }
    return out;
  });
}

core::Result<std::vector<RollupPoint>> SqlHealthStore::Series(std::string_view target,
                                                              core::TimePoint from,
                                                              core::TimePoint to,
                                                              Resolution resolution) {
  const bool minutes = resolution == Resolution::kMinute;
  const int64_t step = minutes ? kMinuteMs : kHourMs;
  const std::string sql = std::string("SELECT x.bucket, x.count, x.failures, x.histogram FROM ") +
                          (minutes ? "rollups_minute" : "rollups_hour") +
                          " x JOIN targets t ON t.id = x.target_id WHERE t.name = ? AND "
                          "x.bucket >= ? AND x.bucket < ? ORDER BY x.bucket";
  const Params params{std::string(target), FloorTo(core::ToUnixMillis(from), step),
                      core::ToUnixMillis(to)};
  return ReadValue<std::vector<RollupPoint>>(
      db_, [&](Tx& tx) -> core::Result<std::vector<RollupPoint>> {
        auto rows = tx.Query(sql, params);
        if (!rows) return rows.error();
        std::vector<RollupPoint> out;
        out.reserve(rows->size());
        for (const Row& r : *rows) {
          auto s = SummaryFromColumns(r[1], r[2], r[3]);
          if (!s) return s.error();
          out.push_back(RollupPoint{TimeOf(r[0]), std::move(*s)});
        }
        return out;
      });
}

core::Result<HealthPruneReport> SqlHealthStore::PruneHealth(core::TimePoint raw_before,
                                                            core::TimePoint minute_before,
                                                            core::TimePoint hour_before) {
  // Each batch is its own transaction, so retention never holds the writer
  // for long however much history piled up.
  const auto prune = [&](const std::string& sql, core::TimePoint before) -> core::Result<int64_t> {
    int64_t total = 0;
    while (true) {
      auto n = WriteValue<int64_t>(db_, [&](Tx& tx) {
        return tx.Exec(sql, {core::ToUnixMillis(before), kPruneBatch});
      });
      if (!n) return n.error();
      total += *n;
      if (*n < kPruneBatch) return total;
    }
  };
  HealthPruneReport report;
  // Whole blocks whose newest result is older than the cut (a block
  // straddling it stays until its last result is old too); the count is of
  // the results they held.
  const int64_t cut = core::ToUnixMillis(raw_before);
  while (true) {
    auto batch = WriteValue<std::pair<int64_t, int64_t>>(
        db_, [&](Tx& tx) -> core::Result<std::pair<int64_t, int64_t>> {
          auto rows = tx.Query(
              "DELETE FROM check_result_blocks WHERE id IN (SELECT id FROM check_result_blocks "
              "WHERE last_at < ? LIMIT ?) RETURNING count",
              {cut, kPruneBlockBatch});
          if (!rows) return rows.error();
          int64_t results = 0;
          for (const Row& r : *rows) results += IntOr(r[0], 0);
          return std::pair{static_cast<int64_t>(rows->size()), results};
        });
    if (!batch) return batch.error();
    report.results += batch->second;
    if (batch->first < kPruneBlockBatch) break;
  }
  // Rows a previous release wrote during a rolling upgrade (010).
  auto legacy = prune(
      "DELETE FROM check_results WHERE id IN (SELECT id FROM check_results WHERE at < ? LIMIT ?)",
      raw_before);
  if (!legacy) return legacy.error();
  report.results += *legacy;
  for (const auto& [table, before, count] :
       {std::tuple{"rollups_minute", minute_before, &report.minute_rollups},
        std::tuple{"rollups_hour", hour_before, &report.hour_rollups}}) {
    auto n = prune(std::string("DELETE FROM ") + table +
                       " WHERE (target_id, bucket) IN (SELECT target_id, bucket FROM " + table +
                       " WHERE bucket < ? LIMIT ?)",
                   before);
    if (!n) return n.error();
    *count = *n;
  }
  return report;
}

}  // namespace opsdeck::store
