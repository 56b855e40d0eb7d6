// tickets::AuditService, the server's docs audit: runs at start, on request
// and on schedule (a manual clock), one at a time (a blocking link checker),
// gaps recorded with their docs.* announcements in the outbox, uploads
// checked, stored and used by the next run, filing through a fake Jira and
// the fix comment a later run makes by itself. Real SQLite on a temp file.
#include "tickets/audit_service.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>

#include "audit_test_support.h"
#include "store/sqlite/sqlite_store.h"

namespace opsdeck::tickets {
namespace {

using namespace std::chrono_literals;
using testing::LoadYaml;

constexpr std::string_view kBase = R"(
environments: [{name: production}]
catalog:
  services:
    - name: api
      environment: production
      docs: https://wiki.example.com/api
docs_audit:
  schedule: 1h
  check_links: false
  rules:
    - {kinds: [service], require: [owner, docs]}
)";

constexpr std::string_view kJira = R"(
jira:
  url: https://acme.atlassian.net
  api_version: 3
  email: ops@acme.example
  token: not-a-real-token
  project: OPS
)";

constexpr std::string_view kEc2 = R"({"Reservations": [{"OwnerId": "123456789012", "Instances": [
  {"InstanceId": "i-0c0ffee0000000003", "State": {"Name": "running"},
   "Placement": {"AvailabilityZone": "eu-central-1a"}}]}]})";

struct FakeJira {
  std::mutex mu;
  int creates = 0;
  std::vector<std::string> labels;  // one per issue; key OPS-<index+1>
  std::vector<std::string> comments;
};

class JiraProxy final : public JiraApi {
 public:
  explicit JiraProxy(std::shared_ptr<FakeJira> jira) : jira_(std::move(jira)) {}
  core::Result<std::optional<std::string>> FindByLabel(std::string_view label) override {
    std::lock_guard lock(jira_->mu);
    for (size_t i = 0; i < jira_->labels.size(); ++i) {
      if (jira_->labels[i] == label) return std::optional("OPS-" + std::to_string(i + 1));
    }
    return std::optional<std::string>();
  }
  core::Result<std::string> CreateIssue(const IssueDraft& d) override {
    std::lock_guard lock(jira_->mu);
    ++jira_->creates;
    jira_->labels.push_back(d.unique_label);
    return "OPS-" + std::to_string(jira_->labels.size());
  }
  core::Result<void> AddComment(std::string_view key, std::string_view text) override {
    std::lock_guard lock(jira_->mu);
    jira_->comments.push_back(std::string(key) + ": " + std::string(text));
    return core::Ok();
  }

 private:
  std::shared_ptr<FakeJira> jira_;
};

// Counts calls and how many overlap; can hold a run until released.
class GateLinks final : public LinkChecker {
 public:
  LinkResults Check(const std::vector<std::string>&) override {
    const int now = ++inside_;
    int seen = max_inside_.load();
    while (now > seen && !max_inside_.compare_exchange_weak(seen, now)) {
    }
    ++calls_;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return !hold_; });
    }
    --inside_;
    return {};
  }
  void Hold() {
    std::lock_guard lock(mu_);
    hold_ = true;
  }
  void Release() {
    {
      std::lock_guard lock(mu_);
      hold_ = false;
    }
    cv_.notify_all();
  }
  std::atomic<int> calls_{0};
  std::atomic<int> inside_{0};
  std::atomic<int> max_inside_{0};

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool hold_ = false;
};

class AuditServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("opsdeck-audit-service-" + std::to_string(::getpid()) + "-" +
            std::to_string(counter_++));
    std::filesystem::create_directories(dir_);
    store::SqliteOptions o;
    o.path = (dir_ / "opsdeck.db").string();
    auto s = store::OpenSqlite(o, clock_);
    ASSERT_TRUE(s) << s.error().ToString();
    store_ = std::move(*s);
    ASSERT_TRUE(store_->Migrate());
    SetConfig(std::string(kBase));
  }
  void TearDown() override {
    if (service_) service_->Stop();
    if (store_) store_->Close();
    std::filesystem::remove_all(dir_);
  }
  void SetConfig(const std::string& yaml) {
    auto c = LoadYaml(yaml);
    ASSERT_TRUE(c);
    std::lock_guard lock(config_mu_);
    config_ = c;
  }
  void StartService(bool hold_links = false) {
    AuditServiceDeps deps;
    deps.store = store_.get();
    deps.clock = &clock_;
    deps.config = [this] {
      std::lock_guard lock(config_mu_);
      return config_;
    };
    deps.route = [](const core::Notice& n) {
      return std::vector<store::OutboxEntry>{
          {"ops", n.kind, n.subject, std::string(core::NoticeSeverityName(n.severity)),
           n.environment, "", "", n.title + "\n" + n.description}};
    };
    deps.notify_wake = [this] { ++wakes_; };
    auto gate = std::make_unique<GateLinks>();
    if (hold_links) gate->Hold();
    links_ = gate.get();
    deps.links = std::move(gate);
    deps.jira = [this](const config::JiraConfig&) -> core::Result<std::unique_ptr<JiraApi>> {
      return std::unique_ptr<JiraApi>(std::make_unique<JiraProxy>(jira_));
    };
    deps.max_sleep = 10ms;
    auto s = AuditService::Create(std::move(deps));
    ASSERT_TRUE(s) << s.error().ToString();
    service_ = std::move(*s);
    service_->Start();
  }
  std::shared_ptr<const AuditSnapshot> Wait(int64_t sequence) {
    auto latest = service_->WaitFor(sequence, 10s);
    EXPECT_TRUE(latest && latest->sequence >= sequence) << "run " << sequence << " did not finish";
    return latest;
  }
  std::vector<store::OutboxItem> Outbox() {
    auto p = store_->outbox().Pending("ops", 100);
    EXPECT_TRUE(p);
    return p ? *p : std::vector<store::OutboxItem>{};
  }
  std::optional<store::GapRecord> Gap(const std::string& fp) {
    auto g = store_->docs().GetGap(fp);
    EXPECT_TRUE(g);
    return g ? *g : std::nullopt;
  }

  static inline int counter_ = 0;
  std::filesystem::path dir_;
  core::ManualClock clock_{core::FromUnixMillis(1'790'000'000'000)};
  std::unique_ptr<store::Store> store_;
  std::mutex config_mu_;
  std::shared_ptr<const config::Config> config_;
  std::shared_ptr<FakeJira> jira_ = std::make_shared<FakeJira>();
  GateLinks* links_ = nullptr;
  std::atomic<int> wakes_{0};
  std::unique_ptr<AuditService> service_;
};

const std::string kOwnerGap = "missing_field:service:api:production:owner";

TEST_F(AuditServiceTest, StartRunsRecordsAndAnnounces) {
  StartService();
  auto latest = Wait(1);
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->sequence, 1);
  EXPECT_EQ(latest->trigger, "start");
  ASSERT_EQ(latest->report.gaps.size(), 1u);
  EXPECT_EQ(latest->report.gaps[0].fingerprint, kOwnerGap);
  auto stored = Gap(kOwnerGap);
  ASSERT_TRUE(stored);
  EXPECT_TRUE(stored->open());
  const auto out = Outbox();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].kind, "docs.gaps_opened");
  EXPECT_NE(out[0].payload_json.find("Document the owner of service api"), std::string::npos);
  EXPECT_EQ(wakes_.load(), 1);
  EXPECT_EQ(links_->calls_.load(), 0);  // check_links: false
}

TEST_F(AuditServiceTest, ARequestedRunAfterAReloadFixesAndAnnouncesFixed) {
  StartService();
  Wait(1);
  SetConfig(std::string(kBase).replace(std::string(kBase).find("      docs:"), 0,
                                       "      owner: core-team\n"));
  const int64_t seq = service_->RequestRun("reload");
  EXPECT_EQ(seq, 2);
  auto latest = Wait(2);
  EXPECT_EQ(latest->trigger, "reload");
  EXPECT_TRUE(latest->report.gaps.empty());
  auto stored = Gap(kOwnerGap);
  ASSERT_TRUE(stored);
  EXPECT_FALSE(stored->open());
  const auto out = Outbox();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].kind, "docs.gaps_fixed");
  // A third run changes nothing and announces nothing.
  Wait(service_->RequestRun("api"));
  EXPECT_EQ(Outbox().size(), 2u);
}

TEST_F(AuditServiceTest, RunsAgainWhenTheScheduleIsDue) {
  StartService();
  Wait(1);
  clock_.Advance(30min);
  EXPECT_FALSE(service_->WaitFor(2, 100ms)->sequence >= 2);
  clock_.Advance(31min);
  auto latest = Wait(2);
  EXPECT_EQ(latest->trigger, "schedule");
}

TEST_F(AuditServiceTest, NeverTwoRunsAtOnceAndRequestsShareTheQueuedRun) {
  std::string yaml(kBase);
  yaml.replace(yaml.find("check_links: false"), 18, "check_links: true");
  SetConfig(yaml);
  StartService(/*hold_links=*/true);
  // The start run waits inside the link check.
  for (int i = 0; i < 400 && links_->inside_.load() == 0; ++i) std::this_thread::sleep_for(5ms);
  ASSERT_EQ(links_->inside_.load(), 1);
  EXPECT_TRUE(service_->Running());
  EXPECT_EQ(service_->Latest(), nullptr);
  // Both queue one more run and share it.
  const int64_t b = service_->RequestRun("api");
  const int64_t c = service_->RequestRun("upload");
  EXPECT_EQ(b, 2);
  EXPECT_EQ(c, 2);
  links_->Release();
  auto latest = Wait(2);
  EXPECT_EQ(latest->sequence, 2);
  EXPECT_EQ(latest->trigger, "api");
  EXPECT_EQ(links_->calls_.load(), 2);
  EXPECT_EQ(links_->max_inside_.load(), 1);
  EXPECT_EQ(service_->WaitFor(3, 100ms)->sequence, 2);  // nothing else queued
}

TEST_F(AuditServiceTest, UploadsAreCheckedStoredAndUsedByTheNextRun) {
  StartService();
  Wait(1);
  const core::Actor alice = core::Actor{"user", "alice"};
  auto bad = service_->UploadAwsExport("ec2.json", "{\"Reservations\": [", alice, "r1");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.error().message.find("ec2.json"), std::string::npos) << bad.error().message;
  auto unknown = service_->UploadAwsExport("s3.json", R"({"Buckets": []})", alice, "r2");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("Buckets"), std::string::npos) << unknown.error().message;
  auto path = service_->UploadAwsExport("../x.json", kEc2, alice, "r3");
  ASSERT_FALSE(path);
  EXPECT_TRUE(service_->AwsExports()->empty());

  auto up = service_->UploadAwsExport("ec2.json", kEc2, alice, "r4");
  ASSERT_TRUE(up) << up.error().ToString();
  EXPECT_EQ(up->commands, "aws ec2 describe-instances");
  EXPECT_EQ(up->resources, 1);
  auto latest = Wait(2);
  EXPECT_EQ(latest->trigger, "upload");
  EXPECT_TRUE(latest->report.aws_checked);
  bool found = false;
  for (const auto& g : latest->report.gaps) {
    found |= g.fingerprint == "undocumented_resource:aws:ec2-instance:i-0c0ffee0000000003";
  }
  EXPECT_TRUE(found);

  ASSERT_TRUE(service_->DeleteAwsExport("ec2.json", alice, "r5"));
  latest = Wait(3);
  EXPECT_FALSE(latest->report.aws_checked);
  EXPECT_EQ(service_->DeleteAwsExport("ec2.json", alice, "r6").error().code,
            core::ErrorCode::kNotFound);
}

TEST_F(AuditServiceTest, FilesOnceAnnouncesAndCommentsWhenFixed) {
  const core::Actor alice = core::Actor{"user", "alice"};
  StartService();
  Wait(1);
  auto none = service_->FileTickets(false, alice, "r0");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, core::ErrorCode::kConflict);
  EXPECT_NE(none.error().message.find("jira"), std::string::npos);

  SetConfig(std::string(kBase) + std::string(kJira));
  auto dry = service_->FileTickets(true, alice, "r1");
  ASSERT_TRUE(dry) << dry.error().ToString();
  EXPECT_EQ(dry->Count(FilingAction::kWouldFile), 1);
  EXPECT_EQ(jira_->creates, 0);

  auto filed = service_->FileTickets(false, alice, "r2");
  ASSERT_TRUE(filed) << filed.error().ToString();
  EXPECT_EQ(filed->Count(FilingAction::kFiled), 1);
  EXPECT_EQ(Gap(kOwnerGap)->ticket_key, "OPS-1");
  auto again = service_->FileTickets(false, alice, "r3");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->Count(FilingAction::kFiled), 0);
  EXPECT_EQ(again->Count(FilingAction::kAlreadyFiled), 1);
  EXPECT_EQ(jira_->creates, 1);
  const auto out = Outbox();
  ASSERT_EQ(out.size(), 2u);  // gaps_opened, then one tickets_filed
  EXPECT_EQ(out[1].kind, "docs.tickets_filed");
  EXPECT_NE(out[1].payload_json.find("OPS-1"), std::string::npos);

  // The owner is documented: the next run marks the gap fixed and comments.
  std::string fixed(kBase);
  fixed.replace(fixed.find("      docs:"), 0, "      owner: core-team\n");
  SetConfig(fixed + std::string(kJira));
  Wait(service_->RequestRun("reload"));
  ASSERT_EQ(jira_->comments.size(), 1u);
  EXPECT_TRUE(jira_->comments[0].starts_with("OPS-1: opsdeck no longer finds this gap"));
  EXPECT_TRUE(Gap(kOwnerGap)->commented_at.has_value());
  Wait(service_->RequestRun("api"));
  EXPECT_EQ(jira_->comments.size(), 1u);  // once
}

TEST_F(AuditServiceTest, StopEndsTheWorkerAndLaterRequestsAreIgnored) {
  StartService();
  Wait(1);
  service_->Stop();
  service_->Stop();
  service_->RequestRun("api");
  EXPECT_EQ(service_->WaitFor(2, 50ms)->sequence, 1);
}

}  // namespace
}  // namespace opsdeck::tickets
