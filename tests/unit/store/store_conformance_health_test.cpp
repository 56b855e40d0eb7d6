// The store conformance suite, health part 1: targets synced from the
// catalog (audited, retired, restored), their lists and filters, heartbeat
// tokens, raw results (hot-path write, paging, filters, latest per check),
// rollups merged twice, summaries over edge minutes + whole hours, series,
// and retention. Runs on SQLite and PostgreSQL; part 2 is
// store_conformance_incidents_test.cpp.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>

#include "health_fixture.h"
#include "store/migrator.h"

namespace opsdeck::store::conformance {
namespace {

using core::TargetState;

std::vector<std::string> TargetNames(const std::vector<TargetRecord>& list) {
  std::vector<std::string> out;
  for (const auto& t : list) out.push_back(t.def.name);
  return out;
}

class HealthTargetsConformance : public HealthConformance {
 protected:
  std::vector<std::string> List(TargetQuery q = {}) {
    auto r = health().ListTargets(q);
    EXPECT_TRUE(r) << r.error().ToString();
    return r ? TargetNames(*r) : std::vector<std::string>{};
  }
  void Record(const std::vector<ResultRecord>& results) {
    auto r = health().RecordResults(results);
    ASSERT_TRUE(r) << r.error().ToString();
  }
  void Rollup(const std::vector<RollupDelta>& deltas) {
    auto r = health().AddRollups(deltas);
    ASSERT_TRUE(r) << r.error().ToString();
  }
  // Results stored, summed over their blocks (010).
  int64_t StoredResults() {
    return Count(*store_, "SELECT COALESCE(SUM(count), 0) FROM check_result_blocks");
  }
  // Every result of `target` through ListResults pages of `limit`.
  std::vector<ResultRow> AllPages(ResultQuery q, int* pages = nullptr) {
    std::vector<ResultRow> all;
    int n = 0;
    do {
      auto page = health().ListResults(q);
      EXPECT_TRUE(page) << page.error().ToString();
      if (!page) break;
      EXPECT_LE(page->items.size(), static_cast<size_t>(q.limit));
      all.insert(all.end(), page->items.begin(), page->items.end());
      q.cursor = page->next;
      ++n;
    } while (q.cursor && n < 1000);
    if (pages) *pages = n;
    return all;
  }
};

TEST_P(HealthTargetsConformance, SyncStoresTheCatalogInOrderWithUnknownStatus) {
  auto list = health().ListTargets();
  ASSERT_TRUE(list) << list.error().ToString();
  ASSERT_EQ(list->size(), catalog_.size());
  for (size_t i = 0; i < catalog_.size(); ++i) {
    EXPECT_EQ((*list)[i].def, catalog_[i]) << i;
    EXPECT_EQ((*list)[i].status.state, TargetState::kUnknown);
    EXPECT_EQ((*list)[i].status.since, kStart);
    EXPECT_FALSE((*list)[i].status.incident_id);
  }
  auto audit = AllAudit(*store_, AuditQuery{.entity_type = "target"});
  ASSERT_EQ(audit.size(), 4u);
  EXPECT_EQ(audit.back().action, "create");
  EXPECT_EQ(audit.back().entity_id, "api");
  EXPECT_NE(audit.back().after_json.find(R"("tags":["tier1","eu"])"), std::string::npos)
      << audit.back().after_json;

  // Idempotent: nothing changes, nothing is audited.
  auto again = Sync(catalog_);
  EXPECT_TRUE(again.added.empty() && again.updated.empty() && again.retired.empty());
  EXPECT_EQ(AllAudit(*store_, AuditQuery{.entity_type = "target"}).size(), 4u);
}

TEST_P(HealthTargetsConformance, SyncUpdatesRetiresRestoresAndReorders) {
  std::vector<TargetDef> wanted = {catalog_[3], catalog_[0], catalog_[2]};  // web leaves
  wanted[1].owner = "team-b";
  wanted[1].checks.push_back(CheckDef{1, "tls", "tls api.example.com:443", 3'600'000});
  auto report = Sync(wanted);
  EXPECT_EQ(report.updated, std::vector<std::string>{"api"});
  EXPECT_EQ(report.retired, std::vector<std::string>{"web"});
  EXPECT_TRUE(report.added.empty());
  EXPECT_EQ(List(), (std::vector<std::string>{"db-1", "api", "api-staging"}));
  auto api = health().GetTarget("api");
  ASSERT_TRUE(api && *api);
  EXPECT_EQ((*api)->def, wanted[1]);
  auto web = health().GetTarget("web");
  ASSERT_TRUE(web);
  EXPECT_FALSE(*web) << "a retired target is not listed";

  auto audit = AllAudit(*store_, AuditQuery{.entity_type = "target"});
  ASSERT_EQ(audit.size(), 6u);
  EXPECT_EQ(audit[0].action, "retire");
  EXPECT_EQ(audit[1].action, "update");
  EXPECT_NE(audit[1].before_json.find("team-a"), std::string::npos);
  EXPECT_NE(audit[1].after_json.find("team-b"), std::string::npos);

  wanted.push_back(catalog_[1]);
  auto restored = Sync(wanted);
  EXPECT_EQ(restored.added, std::vector<std::string>{"web"});
  EXPECT_EQ(List().back(), "web");

  auto dup = health().SyncTargets({catalog_[0], catalog_[0]}, actor_, "r");
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::kInvalidArgument);
}

TEST_P(HealthTargetsConformance, ListTargetsFilters) {
  EXPECT_EQ(List({.environment = "staging"}), std::vector<std::string>{"api-staging"});
  EXPECT_EQ(List({.kind = "server"}), std::vector<std::string>{"db-1"});
  EXPECT_EQ(List({.component = "database"}), std::vector<std::string>{"db-1"});
  EXPECT_EQ(List({.tag = "db"}), std::vector<std::string>{"db-1"});
  EXPECT_EQ(List({.environment = "production", .tag = "tier1"}),
            (std::vector<std::string>{"api", "web"}));
  Apply(HealthBatch{.states = {State("web", TargetState::kDown, kStart + 5s, "timeout")}});
  EXPECT_EQ(List({.state = TargetState::kDown}), std::vector<std::string>{"web"});
  EXPECT_EQ(List({.state = TargetState::kUnknown}),
            (std::vector<std::string>{"api", "api-staging", "db-1"}));
  auto statuses = health().LoadStatuses();
  ASSERT_TRUE(statuses);
  ASSERT_EQ(statuses->size(), 4u);
  EXPECT_EQ((*statuses)[1].target, "web");
  EXPECT_EQ((*statuses)[1].state, TargetState::kDown);
  EXPECT_EQ((*statuses)[1].since, kStart + 5s);
  EXPECT_EQ((*statuses)[1].reason, "timeout");
}

TEST_P(HealthTargetsConformance, HeartbeatTokensAreStoredOnceAndFoundByHash) {
  const core::CheckKey key{"db-1", 1};
  auto first = health().HeartbeatToken(key, "abc");
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_EQ(*first, "abc");
  auto second = health().HeartbeatToken(key, "other-fresh-token");
  ASSERT_TRUE(second);
  EXPECT_EQ(*second, "abc") << "the stored token wins";
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM heartbeat_tokens WHERE token_sha256 = "
                           "'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'"),
            1);
  auto found = health().FindHeartbeat("abc");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ(**found, key);
  auto none = health().FindHeartbeat("other-fresh-token");
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);

  auto not_heartbeat = health().HeartbeatToken({"db-1", 0}, "t2");
  ASSERT_FALSE(not_heartbeat);
  EXPECT_EQ(not_heartbeat.error().code, ErrorCode::kNotFound);

  // The check leaves the config: its token no longer finds anything.
  TargetDef db = catalog_[3];
  db.checks.pop_back();
  Sync({catalog_[0], catalog_[1], catalog_[2], db});
  auto gone = health().FindHeartbeat("abc");
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone);
}

TEST_P(HealthTargetsConformance, ResultsRoundTripPageAndFilter) {
  std::vector<ResultRecord> batch;
  for (int i = 0; i < 25; ++i) {
    batch.push_back(Result("api", 0, kStart + std::chrono::seconds(i), i % 5 != 0, 10 + i,
                           i % 5 == 0 ? "status == 200 failed: got 503" : ""));
  }
  // Same instant twice: the id breaks the tie.
  batch.push_back(Result("api", 0, kStart + 24s, true));
  batch[3].result.timings.dns = core::Micros(120);
  batch[3].result.timings.connect = core::Micros(340);
  batch[3].result.timings.tls = core::Micros(1200);
  batch[3].result.timings.first_byte = core::Micros(4000);
  batch[3].result.certificate_days = 42;
  batch.push_back(Result("web", 0, kStart + 1s, true));
  Record(batch);

  std::vector<ResultRow> all;
  std::optional<std::string> cursor;
  int pages = 0;
  do {
    auto page = health().ListResults({.target = "api", .limit = 10, .cursor = cursor});
    ASSERT_TRUE(page) << page.error().ToString();
    all.insert(all.end(), page->items.begin(), page->items.end());
    cursor = page->next;
    ++pages;
  } while (cursor && pages < 10);
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(all.size(), 26u);
  for (size_t i = 1; i < all.size(); ++i) {
    EXPECT_TRUE(all[i - 1].result.at > all[i].result.at ||
                (all[i - 1].result.at == all[i].result.at && all[i - 1].id > all[i].id))
        << i;
  }
  const auto third = std::find_if(all.begin(), all.end(),
                                  [](const ResultRow& r) { return r.result.at == kStart + 3s; });
  ASSERT_NE(third, all.end());
  EXPECT_EQ(third->result, batch[3].result);
  EXPECT_EQ(third->key, (core::CheckKey{"api", 0}));

  auto failures = health().ListResults({.target = "api", .ok = false});
  ASSERT_TRUE(failures);
  ASSERT_EQ(failures->items.size(), 5u);
  EXPECT_EQ(failures->items[0].result.error, "status == 200 failed: got 503");
  EXPECT_EQ(failures->items[0].result.http_status, 503);
  auto window = health().ListResults({.target = "api", .from = kStart + 5s, .to = kStart + 8s});
  ASSERT_TRUE(window);
  EXPECT_EQ(window->items.size(), 3u);
  auto other_check = health().ListResults({.target = "api", .check = 1});
  ASSERT_TRUE(other_check);
  EXPECT_TRUE(other_check->items.empty());

  auto bad = health().ListResults({.target = "api", .cursor = "zz"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  auto no_target = health().ListResults({});
  ASSERT_FALSE(no_target);
  EXPECT_EQ(no_target.error().code, ErrorCode::kInvalidArgument);
}

// A target's list without ?check= merges its checks' newest results (each
// read through check_result_blocks_check, 010); pages stay in (at, id) order
// across checks, external signals (negative indexes) included.
TEST_P(HealthTargetsConformance, ResultsOfSeveralChecksMergeInOrder) {
  std::vector<ResultRecord> batch;
  for (int i = 0; i < 30; ++i) {
    const int check = i % 3 == 0 ? 0 : i % 3 == 1 ? 1 : -1;
    batch.push_back(Result("api", check, kStart + std::chrono::seconds(i / 2), i % 7 != 0, 10 + i));
  }
  batch.push_back(Result("web", 0, kStart + 3s, true));
  Record(batch);

  int pages = 0;
  const std::vector<ResultRow> all = AllPages({.target = "api", .limit = 4}, &pages);
  ASSERT_EQ(all.size(), 30u);
  EXPECT_EQ(pages, 8);
  std::set<int64_t> ids;
  std::map<int, int> per_check;
  for (size_t i = 0; i < all.size(); ++i) {
    ids.insert(all[i].id);
    ++per_check[all[i].key.check];
    EXPECT_EQ(all[i].key.target, "api");
    if (i == 0) continue;
    EXPECT_TRUE(all[i - 1].result.at > all[i].result.at ||
                (all[i - 1].result.at == all[i].result.at && all[i - 1].id > all[i].id))
        << i;
  }
  EXPECT_EQ(ids.size(), 30u);  // none twice, none lost at a page boundary
  EXPECT_EQ(per_check, (std::map<int, int>{{-1, 10}, {0, 10}, {1, 10}}));

  auto one = health().ListResults({.target = "api", .check = 1, .limit = 100});
  ASSERT_TRUE(one);
  ASSERT_EQ(one->items.size(), 10u);
  for (const auto& r : one->items) EXPECT_EQ(r.key.check, 1);
  auto failures = health().ListResults({.target = "api", .ok = false, .limit = 100});
  ASSERT_TRUE(failures);
  EXPECT_EQ(failures->items.size(), 5u);  // i = 0, 7, 14, 21, 28
  auto nobody = health().ListResults({.target = "no-such-target"});
  ASSERT_TRUE(nobody);
  EXPECT_TRUE(nobody->items.empty());
  EXPECT_FALSE(nobody->next);
}

// Results arrive as the monitor releases them: a target's group at a time,
// several groups per batch, so most blocks hold several results (010). The
// pages walk them newest first with every filter, across block boundaries,
// and see each result exactly once.
TEST_P(HealthTargetsConformance, ResultsInBlocksPageWithEveryFilter) {
  std::vector<ResultRow> expected;  // what was recorded, as (at, ok) per check
  for (int group = 0; group < 8; ++group) {
    std::vector<ResultRecord> batch;
    for (int i = 0; i < 6; ++i) {
      const int n = group * 6 + i;
      batch.push_back(Result("api", 0, kStart + std::chrono::seconds(10 * n), n % 5 != 0, n,
                             n % 5 == 0 ? "status == 200 failed: got 503" : ""));
      batch.push_back(Result("web", 0, kStart + std::chrono::seconds(10 * n), true));
    }
    Record(batch);
  }
  Record({Result("api", 0, kStart + 480s, true)});  // a passive-style single result
  EXPECT_EQ(StoredResults(), 97);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM check_result_blocks"), 17);

  int pages = 0;
  const auto all = AllPages({.target = "api", .limit = 5}, &pages);
  ASSERT_EQ(all.size(), 49u);
  EXPECT_EQ(pages, 10);
  std::set<int64_t> ids;
  for (size_t i = 0; i < all.size(); ++i) {
    ids.insert(all[i].id);
    EXPECT_EQ(all[i].result.at, kStart + std::chrono::seconds(10 * (48 - static_cast<int>(i))))
        << i;
  }
  EXPECT_EQ(ids.size(), 49u);
  EXPECT_EQ(all[1].result.timings.total, core::Micros(47'000));
  EXPECT_FALSE(all[3].result.ok);  // n = 45
  EXPECT_EQ(all[3].result.error, "status == 200 failed: got 503");

  const auto failures = AllPages({.target = "api", .ok = false, .limit = 3});
  ASSERT_EQ(failures.size(), 10u);  // n = 0, 5, ..., 45
  for (const auto& r : failures) EXPECT_FALSE(r.result.ok);
  EXPECT_EQ(failures.front().result.at, kStart + 450s);
  EXPECT_EQ(failures.back().result.at, kStart);
  EXPECT_EQ(AllPages({.target = "api", .ok = true, .limit = 7}).size(), 39u);

  // [from, to) cuts through blocks: 95 s .. 205 s holds n = 10 .. 20.
  const auto window = AllPages({.target = "api", .from = kStart + 95s, .to = kStart + 205s, .limit = 4});
  ASSERT_EQ(window.size(), 11u);
  EXPECT_EQ(window.front().result.at, kStart + 200s);
  EXPECT_EQ(window.back().result.at, kStart + 100s);

  auto latest = health().LatestResults("api");
  ASSERT_TRUE(latest && latest->size() == 1u);
  EXPECT_EQ(latest->front().result.at, kStart + 480s);
  EXPECT_EQ(latest->front().id, all.front().id);
}

TEST_P(HealthTargetsConformance, RecordResultsRejectsUnknownTargetsAndCutsErrors) {
  const int64_t before = StoredResults();
  auto unknown = health().RecordResults({Result("api", 0, kStart, true),
                                         Result("nope", 0, kStart, true)});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(StoredResults(), before);

  // 999 ASCII bytes then "é" (2 bytes): the cut at 1,000 must not split it.
  std::string error(999, 'x');
  error += "\xC3\xA9 and more";
  Record({Result("api", 0, kStart, false, 5, error)});
  auto page = health().ListResults({.target = "api"});
  ASSERT_TRUE(page && page->items.size() == 1);
  EXPECT_EQ(page->items[0].result.error, std::string(999, 'x'));
}

TEST_P(HealthTargetsConformance, LatestResultsHasEachCheckNewest) {
  Record({Result("db-1", 0, kStart + 1s, true), Result("db-1", 0, kStart + 9s, false),
          Result("db-1", 0, kStart + 5s, true), Result("db-1", core::ExternalCheck(0), kStart, false),
          Result("db-1", 1, kStart + 2s, true), Result("api", 0, kStart + 30s, true)});
  auto latest = health().LatestResults("db-1");
  ASSERT_TRUE(latest) << latest.error().ToString();
  ASSERT_EQ(latest->size(), 3u);
  EXPECT_EQ((*latest)[0].key.check, -1);
  EXPECT_EQ((*latest)[1].key.check, 0);
  EXPECT_EQ((*latest)[1].result.at, kStart + 9s);
  EXPECT_FALSE((*latest)[1].result.ok);
  EXPECT_EQ((*latest)[2].key.check, 1);
  auto none = health().LatestResults("web");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST_P(HealthTargetsConformance, RecordThousandResultsTiming) {
  std::vector<ResultRecord> batch;
  // Shaped like the monitor's batches: groups of six results of one check
  // (check i / 24 of target i % 4; the last four hold four), 168 blocks.
  for (int i = 0; i < 1000; ++i) {
    batch.push_back(Result(catalog_[i % 4].name, i / 24, kStart + std::chrono::milliseconds(i),
                           i % 7 != 0, 15, i % 7 == 0 ? "connect: connection refused" : ""));
  }
  std::vector<double> ms;
  for (int run = 0; run < 5; ++run) {
    const auto t0 = std::chrono::steady_clock::now();
    auto r = health().RecordResults(batch);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                     .count());
    ASSERT_TRUE(r) << r.error().ToString();
  }
  std::sort(ms.begin(), ms.end());
  std::printf("[ %s ] RecordResults(1,000 results, 168 blocks): min %.2f ms, median %.2f ms\n",
              std::string(GetParam()).c_str(), ms.front(), ms[ms.size() / 2]);
  EXPECT_EQ(StoredResults(), 5000);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM check_result_blocks"), 5 * 168);
}

TEST_P(HealthTargetsConformance, RollupsMergeWhenAMinuteIsWrittenTwice) {
  Rollup({Delta("api", kHour0, 6, 1, 10), Delta("api", kHour0 + 1min, 6, 0, 20)});
  Rollup({Delta("api", kHour0, 4, 2, 100)});  // a restart rewrites the same minute
  auto minutes = health().Series("api", kHour0, kHour0 + 1h, Resolution::kMinute);
  ASSERT_TRUE(minutes) << minutes.error().ToString();
  ASSERT_EQ(minutes->size(), 2u);
  EXPECT_EQ((*minutes)[0].at, kHour0);
  EXPECT_EQ((*minutes)[0].summary.count, 10u);
  EXPECT_EQ((*minutes)[0].summary.failures, 3u);
  EXPECT_EQ((*minutes)[0].summary.latency.Count(), 10u);
  EXPECT_GT((*minutes)[0].summary.latency.Quantile(0.99)->count(), 90'000);
  EXPECT_EQ((*minutes)[1].at, kHour0 + 1min);
  auto hours = health().Series("api", kHour0 + 30min, kHour0 + 2h, Resolution::kHour);
  ASSERT_TRUE(hours);
  ASSERT_EQ(hours->size(), 1u);
  EXPECT_EQ((*hours)[0].at, kHour0);
  EXPECT_EQ((*hours)[0].summary.count, 16u);
  EXPECT_EQ((*hours)[0].summary.failures, 3u);
  EXPECT_EQ((*hours)[0].summary.latency.Count(), 16u);

  auto bad = health().AddRollups({Delta("api", kHour0, 1, 2)});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
}

TEST_P(HealthTargetsConformance, SummariesUseWholeHoursAndEdgeMinutesOnly) {
  // Distinct powers of two: the total says exactly which rows counted.
  Rollup({Delta("api", kHour0 - 11min, 1, 1), Delta("api", kHour0 - 10min, 2, 0),
          Delta("api", kHour0 + 30min, 4, 4), Delta("api", kHour0 + 1h + 59min, 8, 0),
          Delta("api", kHour0 + 2h + 4min, 16, 0), Delta("api", kHour0 + 2h + 5min, 32, 0),
          Delta("web", kHour0 + 1h, 64, 0)});
  // Raw results are never read by summaries.
  Record({Result("api", 0, kHour0 + 5min, false)});
  auto s = health().Summaries({"api", "db-1"}, kHour0 - 10min, kHour0 + 2h + 5min);
  ASSERT_TRUE(s) << s.error().ToString();
  ASSERT_EQ(s->size(), 2u);
  const RollupSummary& api = s->at("api");
  EXPECT_EQ(api.count, 2u + 4 + 8 + 16);
  EXPECT_EQ(api.failures, 4u);
  EXPECT_EQ(api.latency.Count(), api.count);
  EXPECT_DOUBLE_EQ(*api.Uptime(), 26.0 / 30.0);
  EXPECT_EQ(s->at("db-1").count, 0u);
  EXPECT_FALSE(s->at("db-1").Uptime());

  // Every active target when none is named; a range inside one hour.
  auto all = health().Summaries({}, kHour0 + 20min, kHour0 + 40min);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 4u);
  EXPECT_EQ(all->at("api").count, 4u);
  EXPECT_EQ(all->at("web").count, 0u);
  auto whole = health().Summaries({}, kHour0, kHour0 + 3h);
  ASSERT_TRUE(whole);
  EXPECT_EQ(whole->at("api").count, 4u + 8 + 16 + 32);
  EXPECT_EQ(whole->at("web").count, 64u);
}

TEST_P(HealthTargetsConformance, PruneHealthDeletesInBatches) {
  std::vector<ResultRecord> old_results;
  for (int i = 0; i < 12'000; ++i) {
    // Hours apart, so each is a block of its own (kMaxBlockSpanMs): 12,000
    // blocks, twelve of PruneHealth's batches.
    old_results.push_back(Result(catalog_[i % 4].name, 0, kStart - std::chrono::hours(i), true));
  }
  Record(old_results);
  Record({Result("api", 0, kStart + 1h, true)});
  // One block across the cut: it goes when its newest result is old too.
  Record({Result("web", 0, kStart + 29min, true), Result("web", 0, kStart + 31min, true)});
  Rollup({Delta("api", kHour0, 1, 0), Delta("api", kHour0 + 2h, 1, 0)});
  auto report = health().PruneHealth(kStart + 30min, kHour0 + 1h, kHour0 + 1h);
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(report->results, 12'000);
  EXPECT_EQ(report->minute_rollups, 1);
  EXPECT_EQ(report->hour_rollups, 1);
  EXPECT_EQ(StoredResults(), 3);
  auto later = health().PruneHealth(kStart + 32min, kHour0 + 1h, kHour0 + 1h);
  ASSERT_TRUE(later);
  EXPECT_EQ(later->results, 2);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM rollups_minute"), 1);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM rollups_hour"), 1);
  EXPECT_EQ(StoredResults(), 1);
}

// A database written by 009's schema keeps its results: 010 copies each row
// into a block of one, empties check_results (kept for a previous release
// during a rolling upgrade), and the reads see the results as before.
TEST_P(StoreConformance, ResultBlocksMigrationCopiesAPopulatedVersion9Database) {
  const auto all = EmbeddedMigrations();
  ASSERT_GE(all.size(), 10u);
  ASSERT_EQ(all[9].name, "result_blocks");
  auto v9 = ApplyMigrations(store_->database(), all.first(9), clock_);
  ASSERT_TRUE(v9) << v9.error().ToString();
  ASSERT_TRUE(store_->environments().Sync(Envs({{"production", true}}), actor_, ""));
  ASSERT_TRUE(store_->health().SyncTargets({Target("api")}, actor_, ""));
  const int64_t at = core::ToUnixMillis(kStart);
  auto old = store_->database().Write([&](Tx& tx) -> core::Result<void> {
    auto id = tx.Query("SELECT id FROM targets WHERE name = 'api'");
    if (!id) return id.error();
    const Value tid = id->front()[0];
    auto r = tx.Exec(
        "INSERT INTO check_results (target_id, check_index, at, ok, latency_us, dns_us, connect_us, "
        "tls_us, first_byte_us, http_status, certificate_days, error) VALUES "
        "(?, 0, ?, 1, 5834, 12, 212, 3400, 1490, 200, 41, NULL), "
        "(?, 0, ?, 0, 391, NULL, NULL, NULL, NULL, NULL, NULL, ?), "
        "(?, -1, ?, 0, 0, NULL, NULL, NULL, NULL, NULL, -3, NULL)",
        {tid, at, tid, at + 10'000, std::string("a \\ b\nc"), tid, at + 20'000});
    if (!r) return r.error();
    return core::Ok();
  });
  ASSERT_TRUE(old) << old.error().ToString();
  auto migrated = store_->Migrate();
  ASSERT_TRUE(migrated) << migrated.error().ToString();
  EXPECT_EQ(*migrated, KnownSchemaVersion() - 9);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM check_results"), 0);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM check_result_blocks WHERE count = 1"), 3);

  auto page = store_->health().ListResults({.target = "api"});
  ASSERT_TRUE(page) << page.error().ToString();
  ASSERT_EQ(page->items.size(), 3u);
  const core::CheckResult& signal = page->items[0].result;
  EXPECT_EQ(page->items[0].key.check, -1);
  EXPECT_EQ(signal.certificate_days, -3);
  EXPECT_FALSE(signal.timings.dns);
  const core::CheckResult& refused = page->items[1].result;
  EXPECT_FALSE(refused.ok);
  EXPECT_EQ(refused.error, "a \\ b\nc");
  EXPECT_EQ(refused.http_status, 0);
  EXPECT_EQ(refused.at, kStart + 10s);
  const core::CheckResult& first = page->items[2].result;
  EXPECT_TRUE(first.ok);
  EXPECT_EQ(first.timings.total, core::Micros(5834));
  EXPECT_EQ(first.timings.dns, core::Micros(12));
  EXPECT_EQ(first.timings.connect, core::Micros(212));
  EXPECT_EQ(first.timings.tls, core::Micros(3400));
  EXPECT_EQ(first.timings.first_byte, core::Micros(1490));
  EXPECT_EQ(first.http_status, 200);
  EXPECT_EQ(first.certificate_days, 41);
  auto failures = store_->health().ListResults({.target = "api", .ok = false});
  ASSERT_TRUE(failures);
  EXPECT_EQ(failures->items.size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Backends, HealthTargetsConformance,
                         ::testing::Values(testing::kSqlite, testing::kPostgres),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace opsdeck::store::conformance
