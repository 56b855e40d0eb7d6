// SqlHealthStore: raw check results, stored in blocks (result_block.h,
// migration 010). RecordResults is the monitor's hot path (~1,000 results a
// second at 10,000 targets, arriving in groups of one target's results):
// ids from the name cache, one block per run of a check's results, one
// transaction of multi-row INSERTs of fixed shapes. The reads walk a check's
// blocks newest first through check_result_blocks_check and decode them.
#include <algorithm>
#include <numeric>

#include "store/result_block.h"
#include "store/sql_health_store.h"
#include "store/sql_health_store_rows.h"

namespace opsdeck::store {
namespace {

using namespace health_sql;

constexpr std::string_view kResultCursor = "result";
// An error is the probe's explanation, not a response body.
constexpr size_t kMaxErrorBytes = 1000;
constexpr size_t kBlockColumns = 7;

// The columns BlockResults reads, in order, then last_at.
constexpr std::string_view kBlockSelect =
    "SELECT b.id, b.check_index, b.first_at, b.results, b.last_at FROM check_result_blocks b";

// A block row's results as ResultRows, oldest first, ids from the block's.
core::Result<std::vector<ResultRow>> BlockResults(const Row& r, const std::string& target) {
  const int64_t block_id = IntOr(r[0], 0);
  auto decoded = DecodeBlock(IntOr(r[2], 0), TextOr(r[3]));
  if (!decoded) {
    return core::Error::Internal("check_result_blocks row " + std::to_string(block_id) + ": " +
                                 decoded.error().message);
  }
  std::vector<ResultRow> out;
  out.reserve(decoded->size());
  for (size_t i = 0; i < decoded->size(); ++i) {
    ResultRow& row = out.emplace_back();
    row.id = block_id * kBlockSlots + static_cast<int64_t>(i);
    row.key.target = target;
    row.key.check = static_cast<int>(IntOr(r[1], 0));
    row.result = std::move((*decoded)[i]);
  }
  return out;
}

// Newest first: (at, id) descending.
bool Newer(const ResultRow& a, const ResultRow& b) {
  return a.result.at != b.result.at ? a.result.at > b.result.at : a.id > b.id;
}

// The distinct check indexes a target has results for, by a skip scan over
// check_result_blocks_check: one index seek per check, not a scan of its
// history. Parameters: the target id, twice.
constexpr std::string_view kCheckIndexesCte =
    "WITH RECURSIVE c(idx) AS ("
    " SELECT MIN(check_index) FROM check_result_blocks WHERE target_id = ?"
    " UNION ALL"
    " SELECT (SELECT MIN(check_index) FROM check_result_blocks WHERE target_id = ? AND "
    "check_index > c.idx) FROM c WHERE c.idx IS NOT NULL)";
const std::string kCheckIndexesSql =
    std::string(kCheckIndexesCte) + " SELECT idx FROM c WHERE idx IS NOT NULL ORDER BY idx";

struct Statement {
  std::string sql;
  Params params;
};

// Where one block of a RecordResults batch starts and ends in its order.
struct BlockSpan {
  size_t begin;
  size_t end;
};

// The batch's results ordered by (target, check, at), arrival order kept
// among equals, cut into blocks: a new one at each change of check, at
// kBlockSlots results, or once a result is kMaxBlockSpanMs after the first.
std::vector<BlockSpan> CutBlocks(const std::vector<ResultRecord>& results,
                                 std::vector<size_t>& order) {
  order.resize(results.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const ResultRecord& x = results[a];
    const ResultRecord& y = results[b];
    if (x.key.target != y.key.target) return x.key.target < y.key.target;
    if (x.key.check != y.key.check) return x.key.check < y.key.check;
    return x.result.at < y.result.at;
  });
  std::vector<BlockSpan> blocks;
  for (size_t i = 0; i < order.size(); ++i) {
    const ResultRecord& r = results[order[i]];
    if (!blocks.empty()) {
      BlockSpan& last = blocks.back();
      const ResultRecord& first = results[order[last.begin]];
      if (first.key == r.key && i - last.begin < static_cast<size_t>(kBlockSlots) &&
          core::ToUnixMillis(r.result.at) - core::ToUnixMillis(first.result.at) <= kMaxBlockSpanMs) {
        last.end = i + 1;
        continue;
      }
    }
    blocks.push_back({i, i + 1});
  }
  return blocks;
}

}  // namespace

core::Result<void> SqlHealthStore::RecordResults(const std::vector<ResultRecord>& results) {
  if (results.empty()) return core::Ok();
  std::vector<size_t> order;
  const std::vector<BlockSpan> blocks = CutBlocks(results, order);
  std::vector<std::string_view> names;
  names.reserve(blocks.size());
  for (const BlockSpan& b : blocks) {
    const std::string& name = results[order[b.begin]].key.target;
    if (names.empty() || names.back() != name) names.push_back(name);
  }
  auto ids = TargetIds(names);
  if (!ids) return ids.error();

  // Built before the transaction: Write may re-run its function.
  std::vector<Statement> statements;
  size_t next = 0;
  int64_t target_id = 0;
  std::string_view target_name;
  for (const size_t n : ChunkSizes(blocks.size())) {
    Statement s;
    s.sql =
        "INSERT INTO check_result_blocks (target_id, check_index, first_at, last_at, count, "
        "failures, results) VALUES " +
        ValuesList(n, kBlockColumns);
    s.params.reserve(n * kBlockColumns);
    for (size_t i = 0; i < n; ++i, ++next) {
      const BlockSpan& b = blocks[next];
      const ResultRecord& first = results[order[b.begin]];
      if (first.key.target != target_name) {
        target_name = first.key.target;
        target_id = ids->at(first.key.target);
      }
      const int64_t first_at = core::ToUnixMillis(first.result.at);
      int64_t last_at = first_at;
      int64_t failures = 0;
      std::string text;
      for (size_t k = b.begin; k < b.end; ++k) {
        const core::CheckResult& r = results[order[k]].result;
        if (k != b.begin) text.push_back('\n');
        last_at = core::ToUnixMillis(r.at);
        if (!r.ok) ++failures;
        if (r.error.size() <= kMaxErrorBytes) {
          AppendBlockLine(text, first_at, last_at, r);
        } else {
          core::CheckResult cut = r;
          cut.error = CutUtf8(r.error, kMaxErrorBytes);
          AppendBlockLine(text, first_at, last_at, cut);
        }
      }
      s.params.emplace_back(target_id);
      s.params.emplace_back(int64_t{first.key.check});
      s.params.emplace_back(first_at);
      s.params.emplace_back(last_at);
      s.params.emplace_back(static_cast<int64_t>(b.end - b.begin));
      s.params.emplace_back(failures);
      s.params.emplace_back(std::move(text));
    }
    statements.push_back(std::move(s));
  }
  return db_.Write([&](Tx& tx) -> core::Result<void> {
    for (const Statement& s : statements) {
      if (auto r = tx.Exec(s.sql, s.params); !r) return r.error();
    }
    return core::Ok();
  });
}

core::Result<Page<ResultRow>> SqlHealthStore::ListResults(const ResultQuery& query) {
  if (query.target.empty()) return core::Error::InvalidArgument("target is required", "target");
  const int limit = std::clamp(query.limit, 1, kMaxListLimit);
  const size_t wanted = static_cast<size_t>(limit) + 1;
  std::optional<std::pair<int64_t, int64_t>> cursor;
  if (query.cursor) {
    cursor = DecodeCursor(kResultCursor, *query.cursor);
    if (!cursor) return core::Error::InvalidArgument("malformed cursor", "cursor");
  }
  const std::optional<int64_t> from_ms =
      query.from ? std::optional(core::ToUnixMillis(*query.from)) : std::nullopt;
  const std::optional<int64_t> to_ms =
      query.to ? std::optional(core::ToUnixMillis(*query.to)) : std::nullopt;

  // One check's blocks, newest last result first, through
  // check_result_blocks_check. A block holding a result at or before time T
  // has first_at <= T and (its span being bounded) last_at <= T + the span:
  // both bounds keep the cursor and `to` an index range.
  std::string sql = std::string(kBlockSelect) + " WHERE b.target_id = ? AND b.check_index = ?";
  Params filters;
  const auto at_or_before = [&](int64_t t, bool inclusive) {
    sql += inclusive ? " AND b.last_at <= ? AND b.first_at <= ?"
                     : " AND b.last_at < ? AND b.first_at < ?";
    filters.emplace_back(t + kMaxBlockSpanMs);
    filters.emplace_back(t);
  };
  if (cursor) at_or_before(cursor->first, true);
  if (to_ms) at_or_before(*to_ms, false);
  if (from_ms) {
    sql += " AND b.last_at >= ?";
    filters.emplace_back(*from_ms);
  }
  if (query.ok) sql += *query.ok ? " AND b.failures < b.count" : " AND b.failures > 0";
  constexpr std::string_view kNewestFirst = " ORDER BY b.last_at DESC, b.id DESC LIMIT ?";
  const std::string first_sql = sql + std::string(kNewestFirst);
  const std::string more_sql =
      sql + " AND (b.last_at < ? OR (b.last_at = ? AND b.id < ?))" + std::string(kNewestFirst);
  // Blocks per query: one result of each usually passes the filters.
  const int64_t batch = limit + 1;

  const auto keep = [&](const ResultRow& r) {
    const int64_t at = core::ToUnixMillis(r.result.at);
    if (cursor && !(at < cursor->first || (at == cursor->first && r.id < cursor->second)))
      return false;
    if (query.ok && r.result.ok != *query.ok) return false;
    if (from_ms && at < *from_ms) return false;
    if (to_ms && at >= *to_ms) return false;
    return true;
  };

  return ReadValue<Page<ResultRow>>(db_, [&](Tx& tx) -> core::Result<Page<ResultRow>> {
    Page<ResultRow> page;
    auto id = tx.Query("SELECT id FROM targets WHERE name = ?", {query.target});
    if (!id) return id.error();
    if (id->empty()) return page;
    const Value tid = id->front()[0];
    std::vector<int64_t> checks;
    if (query.check) {
      checks.push_back(*query.check);
    } else {
      auto found = tx.Query(kCheckIndexesSql, {tid, tid});
      if (!found) return found.error();
      for (const Row& r : *found) checks.push_back(IntOr(r[0], 0));
    }
    std::vector<ResultRow> rows;
    for (const int64_t check : checks) {
      // Blocks come newest last result first; every result of a block not
      // yet read is at or before the last block read (`floor`), so once
      // `wanted` kept results are newer than it, the rest cannot enter.
      std::vector<ResultRow> kept;
      std::optional<std::pair<int64_t, int64_t>> floor;  // (last_at, id) of the last block read
      while (true) {
        Params params{tid, check};
        params.insert(params.end(), filters.begin(), filters.end());
        if (floor) {
          params.emplace_back(floor->first);
          params.emplace_back(floor->first);
          params.emplace_back(floor->second);
        }
        params.emplace_back(batch);
        auto got = tx.Query(floor ? more_sql : first_sql, params);
        if (!got) return got.error();
        for (const Row& r : *got) {
          auto block = BlockResults(r, query.target);
          if (!block) return block.error();
          for (ResultRow& row : *block) {
            if (keep(row)) kept.push_back(std::move(row));
          }
        }
        if (got->size() < static_cast<size_t>(batch)) break;
        const Row& last = got->back();
        floor = {IntOr(last[4], 0), IntOr(last[0], 0)};
        const auto newer = std::count_if(kept.begin(), kept.end(), [&](const ResultRow& r) {
          return core::ToUnixMillis(r.result.at) > floor->first;
        });
        if (static_cast<size_t>(newer) >= wanted) break;
      }
      std::sort(kept.begin(), kept.end(), Newer);
      if (kept.size() > wanted) kept.resize(wanted);
      rows.insert(rows.end(), std::make_move_iterator(kept.begin()),
                  std::make_move_iterator(kept.end()));
    }
    const size_t n = std::min(rows.size(), static_cast<size_t>(limit));
    std::partial_sort(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(n), rows.end(), Newer);
    page.items.assign(std::make_move_iterator(rows.begin()),
                      std::make_move_iterator(rows.begin() + static_cast<std::ptrdiff_t>(n)));
    if (rows.size() > n) {
      const ResultRow& last = page.items.back();
      page.next = EncodeCursor(kResultCursor, core::ToUnixMillis(last.result.at), last.id);
    }
    return page;
  });
}

core::Result<std::vector<ResultRow>> SqlHealthStore::LatestResults(std::string_view target) {
  // The distinct check indexes by a skip scan over check_result_blocks_check
  // (one index seek per check, not a scan of the target's history), then
  // each one's newest block, whose last line is the check's newest result
  // (a block is in time order and no result of another block is newer than
  // its last_at). Checks no longer in the config are left out, external
  // signals (negative indexes) are kept.
  static const std::string sql =
      std::string(kCheckIndexesCte) + " " + std::string(kBlockSelect) +
      " JOIN c ON b.id = (SELECT b2.id FROM check_result_blocks b2 WHERE b2.target_id = ? AND "
      "b2.check_index = c.idx ORDER BY b2.last_at DESC, b2.id DESC LIMIT 1)"
      " WHERE c.idx < 0 OR EXISTS (SELECT 1 FROM target_checks k WHERE k.target_id = b.target_id "
      "AND k.idx = c.idx) ORDER BY b.check_index";
  return ReadValue<std::vector<ResultRow>>(
      db_, [&](Tx& tx) -> core::Result<std::vector<ResultRow>> {
        auto id = tx.Query("SELECT id FROM targets WHERE name = ? AND retired_at IS NULL",
                           {std::string(target)});
        if (!id) return id.error();
        std::vector<ResultRow> out;
        if (id->empty()) return out;
        const Value tid = id->front()[0];
        auto rows = tx.Query(sql, {tid, tid, tid});
        if (!rows) return rows.error();
        out.reserve(rows->size());
        const std::string name(target);
        for (const Row& r : *rows) {
          auto block = BlockResults(r, name);
          if (!block) return block.error();
          out.push_back(std::move(block->back()));
        }
        return out;
      });
}

}  // namespace opsdeck::store
