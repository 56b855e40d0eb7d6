// HealthMonitor writes each target's results in groups, over a real SQLite
// store and tcp checks every 100 ms against a loopback listener (or a closed
// port): the committed count only grows by whole groups; a group waits at
// most results_hold; SettleResults makes every folded result readable; a
// state change is stored after the failing results that caused it; a
// reload that removes a target, and Stop, write what was held.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "config/loader.h"
#include "monitor/health_monitor.h"
#include "net/system_clock.h"
#include "store/sqlite/sqlite_store.h"

namespace opsdeck::monitor {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;
using asio::ip::tcp;

// Accepts and closes, on a thread of its own.
class Listener {
 public:
  Listener() : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    Accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~Listener() {
    io_.stop();
    thread_.join();
  }
  int port() const { return acceptor_.local_endpoint().port(); }

 private:
  void Accept() {
    acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket s) {
      if (ec) return;
      s.close();
      Accept();
    });
  }
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::thread thread_;
};

// A port nothing listens on: bound, then closed.
int ClosedPort() {
  asio::io_context io;
  tcp::acceptor a(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return a.local_endpoint().port();
}

class ResultGroupsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "opsdeck-monitor-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    store::SqliteOptions options;
    options.path = dir_ + "/opsdeck.db";
    options.synchronous = store::SqliteSync::kNormal;
    auto opened = store::OpenSqlite(options, clock_);
    ASSERT_TRUE(opened) << opened.error().ToString();
    store_ = std::move(*opened);
    ASSERT_TRUE(store_->Migrate());
  }

  void TearDown() override {
    if (monitor_) monitor_->Stop();
    if (store_) store_->Close();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // `targets`: YAML list items of catalog.services.
  std::shared_ptr<const config::Config> Config(const std::string& targets) {
    const std::string yaml =
        "environments: [{name: production}]\n"
        "catalog:\n"
        "  defaults: {interval: 100ms, timeout: 90ms, failure_threshold: 2, success_threshold: 1}\n"
        "  services:\n" +
        targets;
    auto loaded = config::LoadString(yaml, "test.yaml",
                                     [](std::string_view) { return std::optional<std::string>(); });
    EXPECT_TRUE(loaded.ok()) << (loaded.errors.empty() ? "" : loaded.errors.front().ToString());
    return loaded.config;
  }
  std::string Up(const std::string& name) const {
    return "    - {name: " + name +
           ", environment: production, checks: [{type: tcp, host: 127.0.0.1, port: " +
           std::to_string(listener_.port()) + "}]}\n";
  }
  std::string Down(const std::string& name) const {
    return "    - {name: " + name +
           ", environment: production, checks: [{type: tcp, host: 127.0.0.1, port: " +
           std::to_string(closed_port_) + "}]}\n";
  }

  // Results written only when something releases them: never by count or
  // by time within a test.
  static MonitorOptions HeldForAnHour() {
    MonitorOptions options;
    options.results_per_write = 1000;
    options.results_hold = 1h;
    return options;
  }

  void Start(MonitorOptions options, std::shared_ptr<const config::Config> config) {
    options.flush_every = 20ms;
    ASSERT_TRUE(store_->environments().Sync(config->environments, core::Actor::System("test"), ""));
    MonitorDeps deps;
    deps.store = &store_->health();
    deps.clock = &clock_;
    auto created = HealthMonitor::Create(std::move(deps), options);
    ASSERT_TRUE(created) << created.error().ToString();
    monitor_ = std::move(*created);
    auto applied = monitor_->Apply(std::move(config));
    ASSERT_TRUE(applied) << applied.error().ToString();
  }

  // Stored results of `target` (optionally only failures).
  size_t Stored(const std::string& target, std::optional<bool> ok = std::nullopt) {
    store::ResultQuery q;
    q.target = target;
    q.ok = ok;
    q.limit = 500;
    auto page = store_->health().ListResults(q);
    EXPECT_TRUE(page) << page.error().ToString();
    return page ? page->items.size() : 0;
  }

  static bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds limit = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (done()) return true;
      std::this_thread::sleep_for(10ms);
    }
    return done();
  }

  net::SystemClock clock_;
  std::string dir_;
  std::unique_ptr<store::Store> store_;
  Listener listener_;
  const int closed_port_ = ClosedPort();
  std::unique_ptr<HealthMonitor> monitor_;
};

TEST_F(ResultGroupsTest, ResultsAreCommittedInWholeGroupsOfATarget) {
  MonitorOptions options;
  options.results_per_write = 4;
  options.results_hold = 1h;
  Start(options, Config(Up("api")));
  // The first result (unknown -> up) is written at once, then a shorter
  // group up to the target's phase, then groups of 4.
  std::vector<uint64_t> seen{0};
  const auto deadline = std::chrono::steady_clock::now() + 3s;
  while (seen.size() < 6 && std::chrono::steady_clock::now() < deadline) {
    const MonitorStats s = monitor_->Stats();
    ASSERT_LE(s.results_written, s.results);
    if (s.results_written != seen.back()) seen.push_back(s.results_written);
    std::this_thread::sleep_for(5ms);
  }
  ASSERT_EQ(seen.size(), 6u) << "five commits in 3 s";
  EXPECT_EQ(seen[1], 1u) << "the change to up";
  for (size_t k = 3; k < seen.size(); ++k) {
    EXPECT_EQ(seen[k] - seen[k - 1], 4u)
        << "commit " << k << ": " << seen[k - 1] << " -> " << seen[k];
  }
  EXPECT_EQ(Stored("api"), seen.back());
}

TEST_F(ResultGroupsTest, AGroupWaitsNoLongerThanResultsHold) {
  MonitorOptions options;
  options.results_per_write = 1000;  // never by count here
  options.results_hold = 300ms;
  Start(options, Config(Up("api")));
  ASSERT_TRUE(WaitFor([&] { return monitor_->Stats().results >= 2; }));
  // Held since about now: written within the hold (plus a flush period), not
  // at the thousandth result.
  ASSERT_TRUE(WaitFor([&] { return monitor_->Stats().results_written >= 2; }, 2s));
  std::this_thread::sleep_for(1s);
  const MonitorStats s = monitor_->Stats();
  // At most the last ~hold's worth (3-4 results, one period of slack) is unwritten.
  EXPECT_GE(s.results_written + 6, s.results)
      << "written " << s.results_written << " of " << s.results;
}

TEST_F(ResultGroupsTest, SettleResultsMakesEveryFoldedResultReadable) {
  Start(HeldForAnHour(), Config(Up("api") + Up("web")));
  ASSERT_TRUE(WaitFor([&] { return monitor_->Stats().results >= 16; }));
  EXPECT_LE(Stored("api"), 1u) << "only the first result (the change to up) is written";
  const uint64_t folded = monitor_->Stats().results;
  monitor_->SettleResults("api");
  EXPECT_GE(Stored("api"), 6u) << "api's held results are readable at once";
  EXPECT_EQ(Stored("web"), 1u) << "web's still wait";
  monitor_->SettleResults("web");
  EXPECT_GE(Stored("api") + Stored("web"), folded) << "every result folded before the calls";
  monitor_->SettleResults("no-such-target");  // harmless
}

TEST_F(ResultGroupsTest, AChangeIsStoredAfterTheFailuresThatCausedIt) {
  MonitorOptions options = HeldForAnHour();
  options.transition_batch = 0ms;
  Start(options, Config(Down("db")));
  ASSERT_TRUE(WaitFor([&] {
    auto statuses = store_->health().LoadStatuses();
    if (!statuses) return false;
    for (const store::TargetStatus& s : *statuses) {
      if (s.target == "db" && s.state == core::TargetState::kDown) return true;
    }
    return false;
  }));
  // failure_threshold 2: both failures behind the change are in the store.
  EXPECT_GE(Stored("db", false), 2u);
}

TEST_F(ResultGroupsTest, AReloadWritesARemovedTargetsResultsAndStopWritesTheRest) {
  Start(HeldForAnHour(), Config(Up("api") + Up("web")));
  ASSERT_TRUE(WaitFor([&] { return monitor_->Stats().results >= 12; }));
  ASSERT_TRUE(monitor_->Apply(Config(Up("api"))));  // web leaves the config
  EXPECT_TRUE(WaitFor([&] { return Stored("web") >= 5; }, 2s))
      << "web's held results were written at the reload";
  EXPECT_EQ(monitor_->Stats().write_failures, 0u);
  ASSERT_TRUE(WaitFor([&] { return monitor_->Stats().results >= 20; }));
  monitor_->Stop();
  const MonitorStats s = monitor_->Stats();
  EXPECT_EQ(s.results_written, s.results);
  EXPECT_EQ(Stored("api") + Stored("web"), s.results);
}

}  // namespace
}  // namespace opsdeck::monitor
