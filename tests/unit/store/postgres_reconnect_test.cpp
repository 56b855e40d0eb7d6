// PostgreSQL-specific: the same Store survives a server restart (Ping is
// kUnavailable, quickly, while it is down; pooled connections are replaced
// after it is back), opening never needs the server, and the DSN's password
// never appears in an error. Starts its own server with scripts/pg.sh.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "backends.h"
#include "store/postgres/postgres_store.h"

namespace opsdeck::store {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

// Runs scripts/pg.sh; returns its stdout (the DSN for start) or nullopt.
std::optional<std::string> PgScript(const std::string& command, const std::string& dir) {
  const std::string cmd = "'" + testing::SourceDir() + "/scripts/pg.sh' " + command + " '" + dir + "'";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return std::nullopt;
  std::string out;
  char buf[256];
  while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
  const int status = ::pclose(p);
  if (status != 0) return std::nullopt;
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

class PostgresRestart : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dsn = PgScript("start", dir_.path());
    if (!dsn) {
      const std::string why = "scripts/pg.sh could not start a PostgreSQL server (needs postgresql-15)";
      if (testing::AllowNoPostgres()) GTEST_SKIP() << why;
      FAIL() << why;
    }
    dsn_ = *dsn;
    started_ = true;
  }
  void TearDown() override {
    if (started_) (void)PgScript("stop", dir_.path());
  }

  std::unique_ptr<Store> Open() {
    PostgresOptions options;
    options.dsn = core::SecretString(dsn_);
    options.pool_size = 2;
    auto store = OpenPostgres(options, clock_);
    EXPECT_TRUE(store) << store.error().ToString();
    return store ? std::move(*store) : nullptr;
  }

  testing::TempDir dir_;
  std::string dsn_;
  bool started_ = false;
  core::ManualClock clock_{core::FromUnixMillis(1'790'000'000'000)};
};

TEST_F(PostgresRestart, PingReportsOutageAndRecoversWithoutReopening) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Ping());
  ASSERT_TRUE(store->Migrate());
  const std::vector<core::Environment> envs = {{"development", false, 0}, {"production", true, 1}};
  ASSERT_TRUE(store->environments().Sync(envs, core::Actor::System("config"), ""));
  ASSERT_TRUE(store->environments().List());  // pooled connections now exist

  ASSERT_TRUE(PgScript("stop", dir_.path()));
  const auto t0 = Steady::now();
  auto down = store->Ping();
  const auto took = Steady::now() - t0;
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().code, core::ErrorCode::kUnavailable) << down.error().ToString();
  EXPECT_LT(took, 3s);
  auto list_down = store->environments().List();
  ASSERT_FALSE(list_down);
  EXPECT_EQ(list_down.error().code, core::ErrorCode::kUnavailable) << list_down.error().ToString();

  // A store opened while the server is down opens fine and reports it.
  auto late = Open();
  ASSERT_NE(late, nullptr);
  EXPECT_FALSE(late->Ping());

  ASSERT_TRUE(PgScript("start", dir_.path()));
  auto up = store->Ping();
  EXPECT_TRUE(up) << up.error().ToString();
  auto list = store->environments().List();
  ASSERT_TRUE(list) << list.error().ToString();
  EXPECT_EQ(list->size(), 2u);
  auto sync = store->environments().Sync({{"development", false, 0}}, core::Actor::System("config"), "");
  ASSERT_TRUE(sync) << sync.error().ToString();
  EXPECT_EQ(sync->retired, (std::vector<std::string>{"production"}));
  EXPECT_TRUE(late->Ping());
  EXPECT_EQ(late->SchemaVersion().value_or(-1), store->SchemaVersion().value_or(-2));

  // A restart between two uses: the stale pooled connections are replaced.
  ASSERT_TRUE(PgScript("restart", dir_.path()));
  auto again = store->environments().List();
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ(again->size(), 1u);
  EXPECT_TRUE(store->Ping());
}

TEST(PostgresSecrets, PasswordNeverAppearsInErrors) {
  core::ManualClock clock(core::FromUnixMillis(0));
  const std::string secret = "S3cretPassw0rd";
  // Nothing listens on port 1: connecting is refused at once.
  for (const std::string& dsn : {"host=127.0.0.1 port=1 user=postgres password=" + secret + " dbname=x",
                                "postgresql://postgres:" + secret + "@127.0.0.1:1/x"}) {
    PostgresOptions options;
    options.dsn = core::SecretString(dsn);
    auto store = OpenPostgres(options, clock);
    ASSERT_TRUE(store) << store.error().ToString();
    for (const core::Error& e : {(*store)->Ping().error(), (*store)->Migrate().error(),
                                 (*store)->environments().List().error()}) {
      EXPECT_EQ(e.code, core::ErrorCode::kUnavailable) << e.ToString();
      EXPECT_EQ(e.ToString().find(secret), std::string::npos) << e.ToString();
      EXPECT_NE(e.where.find("127.0.0.1"), std::string::npos) << e.where;
    }
  }
  PostgresOptions bad;
  bad.dsn = core::SecretString("host=127.0.0.1 password=" + secret + " 'unterminated");
  auto r = OpenPostgres(bad, clock);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().ToString().find(secret), std::string::npos);
}

TEST(PostgresOptionsTest, RejectsBadOptions) {
  core::ManualClock clock(core::FromUnixMillis(0));
  PostgresOptions o;
  auto empty = OpenPostgres(o, clock);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, core::ErrorCode::kInvalidArgument);
  o.dsn = core::SecretString("host=127.0.0.1");
  o.search_path = "x; DROP TABLE y";
  auto injected = OpenPostgres(o, clock);
  ASSERT_FALSE(injected);
  EXPECT_EQ(injected.error().code, core::ErrorCode::kInvalidArgument);
  o.search_path = "";
  o.pool_size = 0;
  EXPECT_FALSE(OpenPostgres(o, clock));
}

}  // namespace
}  // namespace opsdeck::store
