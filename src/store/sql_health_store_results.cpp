// SqlHealthStore: raw check results. RecordResults is the monitor's hot path
// (~1,000 rows a second at 10,000 targets, in groups of one target's rows):
// ids from the name cache, one transaction, multi-row INSERTs of fixed
// shapes; the reads are keyset pages and a skip scan for each check's latest
// result.
#include <algorithm>

#include "store/sql_health_store.h"
#include "store/sql_health_store_rows.h"

namespace opsdeck::store {
namespace {

using namespace health_sql;

constexpr std::string_view kResultCursor = "result";
// An error is the probe's explanation, not a response body.
constexpr size_t kMaxErrorBytes = 1000;
constexpr size_t kResultColumns = 12;

constexpr std::string_view kResultSelect =
    "SELECT r.id, t.name, r.check_index, r.at, r.ok, r.latency_us, r.dns_us, r.connect_us, "
    "r.tls_us, r.first_byte_us, r.http_status, r.certificate_days, r.error FROM check_results r "
    "JOIN targets t ON t.id = r.target_id";

Value MicrosOrNull(const std::optional<core::Micros>& us) {
  return us ? Value(static_cast<int64_t>(us->count())) : Value();
}
std::optional<core::Micros> OptMicros(const Value& v) {
  const auto n = OptInt(v);
  return n ? std::optional(core::Micros(*n)) : std::nullopt;
}

void AppendResultParams(Params& p, int64_t target_id, const ResultRecord& rec) {
  const core::CheckResult& r = rec.result;
  p.emplace_back(target_id);
  p.emplace_back(int64_t{rec.key.check});
  p.emplace_back(core::ToUnixMillis(r.at));
  p.push_back(Bool(r.ok));
  p.emplace_back(static_cast<int64_t>(r.timings.total.count()));
  p.push_back(MicrosOrNull(r.timings.dns));
  p.push_back(MicrosOrNull(r.timings.connect));
  p.push_back(MicrosOrNull(r.timings.tls));
  p.push_back(MicrosOrNull(r.timings.first_byte));
  p.push_back(r.http_status == 0 ? Value() : Value(int64_t{r.http_status}));
  p.push_back(r.certificate_days ? Value(int64_t{*r.certificate_days}) : Value());
  p.push_back(r.error.empty() ? Value() : Value(CutUtf8(r.error, kMaxErrorBytes)));
}

ResultRow ResultFromRow(const Row& r) {
  ResultRow out;
  out.id = IntOr(r[0], 0);
  out.key.target = TextOr(r[1]);
  out.key.check = static_cast<int>(IntOr(r[2], 0));
  core::CheckResult& c = out.result;
  c.at = TimeOf(r[3]);
  c.ok = IntOr(r[4], 0) != 0;
  c.timings.total = core::Micros(IntOr(r[5], 0));
  c.timings.dns = OptMicros(r[6]);
  c.timings.connect = OptMicros(r[7]);
  c.timings.tls = OptMicros(r[8]);
  c.timings.first_byte = OptMicros(r[9]);
  c.http_status = static_cast<int>(IntOr(r[10], 0));
  if (const auto days = OptInt(r[11])) c.certificate_days = static_cast<int>(*days);
  c.error = TextOr(r[12]);
  return out;
}

// The distinct check indexes a target has results for, by a skip scan over
// check_results_check: one index seek per check, not a scan of its history.
// Parameters: the target id, twice.
constexpr std::string_view kCheckIndexesCte =
    "WITH RECURSIVE c(idx) AS ("
    " SELECT MIN(check_index) FROM check_results WHERE target_id = ?"
    " UNION ALL"
    " SELECT (SELECT MIN(check_index) FROM check_results WHERE target_id = ? AND check_index > "
    "c.idx) FROM c WHERE c.idx IS NOT NULL)";
const std::string kCheckIndexesSql =
    std::string(kCheckIndexesCte) + " SELECT idx FROM c WHERE idx IS NOT NULL ORDER BY idx";

struct Statement {
  std::string sql;
  Params params;
};

}  // namespace

core::Result<void> SqlHealthStore::RecordResults(const std::vector<ResultRecord>& results) {
  if (results.empty()) return core::Ok();
  std::vector<std::string_view> names;
  names.reserve(results.size());
  for (const ResultRecord& r : results) names.push_back(r.key.target);
  auto ids = TargetIds(names);
  if (!ids) return ids.error();

  // Built before the transaction: Write may re-run its function.
  std::vector<Statement> statements;
  size_t next = 0;
  for (const size_t n : ChunkSizes(results.size())) {
    Statement s;
    s.sql =
        "INSERT INTO check_results (target_id, check_index, at, ok, latency_us, dns_us, "
        "connect_us, tls_us, first_byte_us, http_status, certificate_days, error) VALUES " +
        ValuesList(n, kResultColumns);
    s.params.reserve(n * kResultColumns);
    for (size_t i = 0; i < n; ++i, ++next) {
      const ResultRecord& rec = results[next];
      AppendResultParams(s.params, ids->at(rec.key.target), rec);
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
  // One check's rows, newest first, through check_results_check (009: the
  // only per-target index). Without ?check= the page merges the newest rows
  // of each of the target's checks.
  std::string sql = std::string(kResultSelect) + " WHERE r.target_id = ? AND r.check_index = ?";
  Params filters;
  if (auto c = AddCursor(sql, filters, query.cursor, kResultCursor, "r.at", "r.id"); !c)
    return c.error();
  if (query.ok) {
    sql += " AND r.ok = ?";
    filters.push_back(Bool(*query.ok));
  }
  if (query.from) {
    sql += " AND r.at >= ?";
    filters.push_back(Millis(*query.from));
  }
  if (query.to) {
    sql += " AND r.at < ?";
    filters.push_back(Millis(*query.to));
  }
  sql += " ORDER BY r.at DESC, r.id DESC LIMIT ?";
  filters.emplace_back(int64_t{limit + 1});
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
      Params params{tid, check};
      params.insert(params.end(), filters.begin(), filters.end());
      auto got = tx.Query(sql, params);
      if (!got) return got.error();
      for (const Row& r : *got) rows.push_back(ResultFromRow(r));
    }
    const auto newer = [](const ResultRow& a, const ResultRow& b) {
      return a.result.at != b.result.at ? a.result.at > b.result.at : a.id > b.id;
    };
    const size_t n = std::min(rows.size(), static_cast<size_t>(limit));
    std::partial_sort(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(n), rows.end(), newer);
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
  // The distinct check indexes by a skip scan over check_results_check (one
  // index seek per check, not a scan of the target's history), then each
  // one's newest row; checks no longer in the config are left out, external
  // signals (negative indexes) are kept.
  static const std::string sql =
      std::string(kCheckIndexesCte) + " " + std::string(kResultSelect) +
      " JOIN c ON r.id = (SELECT r2.id FROM check_results r2 WHERE r2.target_id = ? AND "
      "r2.check_index = c.idx ORDER BY r2.at DESC, r2.id DESC LIMIT 1)"
      " WHERE c.idx < 0 OR EXISTS (SELECT 1 FROM target_checks k WHERE k.target_id = r.target_id "
      "AND k.idx = c.idx) ORDER BY r.check_index";
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
        for (const Row& r : *rows) out.push_back(ResultFromRow(r));
        return out;
      });
}

}  // namespace opsdeck::store
