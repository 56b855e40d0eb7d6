// The /api/v1/docs-audit routes over a real AuditService (SQLite on a temp
// file, a fake Jira): 503 without the desk, roles, the latest run with rules
// and ticket links, uploads (bad ones are 400 and kept nowhere), run with
// wait (audited with its actor), filing (409 without jira, 502 when Jira
// rejects the credentials, never the token).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "config/loader.h"
#include "http/api/api_routes.h"
#include "route_harness.h"
#include "store/sqlite/sqlite_store.h"
#include "tickets/audit_service.h"

namespace opsdeck::http {
namespace {

using namespace std::chrono_literals;
using testing::Call;
using Verb = beast_http::verb;

constexpr std::string_view kConfig = R"(
environments: [{name: production}]
catalog:
  services:
    - {name: api, environment: production, owner: core}
docs_audit:
  check_links: false
  rules:
    - {kinds: [service], require: [owner, docs], severity: critical}
)";
constexpr std::string_view kJira = R"(
jira:
  url: https://acme.atlassian.net/
  api_version: 2
  token: api-test-jira-token-0123
  project: OPS
)";
constexpr std::string_view kEc2 =
    R"({"Reservations": [{"OwnerId": "123456789012", "Instances": [{"InstanceId": "i-0abc"}]}]})";

std::shared_ptr<const config::Config> Load(std::string_view yaml) {
  auto loaded = config::LoadString(std::string(yaml), "api-test.yaml",
                                   [](std::string_view) -> std::optional<std::string> { return {}; });
  EXPECT_TRUE(loaded.ok());
  return loaded.config;
}

class FakeJira final : public tickets::JiraApi {
 public:
  explicit FakeJira(bool reject) : reject_(reject) {}
  core::Result<std::optional<std::string>> FindByLabel(std::string_view) override {
    if (reject_) {
      return core::Error::Unauthenticated("Jira rejected the credentials (HTTP 401): Unauthorized");
    }
    return std::optional<std::string>();
  }
  core::Result<std::string> CreateIssue(const tickets::IssueDraft&) override {
    return "OPS-" + std::to_string(++created_);
  }
  core::Result<void> AddComment(std::string_view, std::string_view) override { return core::Ok(); }

 private:
  bool reject_;
  int created_ = 0;
};

class DocsAuditApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("opsdeck-docs-api-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::create_directories(dir_);
    store::SqliteOptions o;
    o.path = (dir_ / "db").string();
    auto s = store::OpenSqlite(o, clock_);
    ASSERT_TRUE(s) << s.error().ToString();
    store_ = std::move(*s);
    ASSERT_TRUE(store_->Migrate());
    config_ = Load(kConfig);
    services_.config = [this] { return config_; };
    services_.store = store_.get();
    services_.clock = &clock_;
  }
  void TearDown() override {
    if (desk_) desk_->Stop();
    store_->Close();
    std::filesystem::remove_all(dir_);
  }
  void StartDesk() {
    tickets::AuditServiceDeps deps;
    deps.store = store_.get();
    deps.clock = &clock_;
    deps.config = [this] { return config_; };
    deps.jira = [this](const config::JiraConfig&)
        -> core::Result<std::unique_ptr<tickets::JiraApi>> {
      return std::unique_ptr<tickets::JiraApi>(std::make_unique<FakeJira>(reject_));
    };
    auto d = tickets::AuditService::Create(std::move(deps));
    ASSERT_TRUE(d);
    desk_ = std::move(*d);
    desk_->Start();
    ASSERT_TRUE(desk_->WaitFor(1, 10s));
    services_.docs_audit = desk_.get();
    AddDocsAuditRoutes(router_, services_);
  }
  testing::Answer Devops(Verb v, const std::string& target, const std::string& body = "") {
    return Call(router_, v, target, body, core::Role::kDevops);
  }

  static inline int counter_ = 0;
  std::filesystem::path dir_;
  core::ManualClock clock_{core::FromUnixMillis(1'790'000'000'000)};
  std::unique_ptr<store::Store> store_;
  std::shared_ptr<const config::Config> config_;
  bool reject_ = false;
  Services services_;
  std::unique_ptr<tickets::AuditService> desk_;
  Router router_;
};

TEST_F(DocsAuditApiTest, WithoutTheDeskEveryRouteIs503) {
  AddDocsAuditRoutes(router_, services_);
  EXPECT_EQ(Call(router_, Verb::get, "/api/v1/docs-audit").status, 503u);
  EXPECT_EQ(Devops(Verb::post, "/api/v1/docs-audit/run").status, 503u);
  EXPECT_EQ(Devops(Verb::post, "/api/v1/docs-audit/tickets").status, 503u);
}

TEST_F(DocsAuditApiTest, ViewersMayReadButNotAct) {
  StartDesk();
  EXPECT_EQ(Call(router_, Verb::get, "/api/v1/docs-audit").status, 200u);
  EXPECT_EQ(Call(router_, Verb::get, "/api/v1/docs-audit/aws-exports").status, 200u);
  for (const auto& [verb, target] : std::vector<std::pair<Verb, std::string>>{
           {Verb::post, "/api/v1/docs-audit/run"},
           {Verb::post, "/api/v1/docs-audit/aws-exports?name=a.json"},
           {Verb::delete_, "/api/v1/docs-audit/aws-exports/a.json"},
           {Verb::post, "/api/v1/docs-audit/tickets"}}) {
    EXPECT_EQ(Call(router_, verb, target, "{}", core::Role::kViewer).status, 403u) << target;
    EXPECT_EQ(Call(router_, verb, target, "{}", core::Role::kReleaseManager).status, 403u)
        << target;
  }
}

TEST_F(DocsAuditApiTest, LatestShowsCoverageGapsAndRules) {
  StartDesk();
  const auto a = Call(router_, Verb::get, "/api/v1/docs-audit");
  ASSERT_EQ(a.status, 200u) << a.body;
  const auto json = a.Json();
  const auto& j = json.as_object();
  EXPECT_EQ(j.at("state"), "ready");
  EXPECT_EQ(j.at("sequence"), 1);
  EXPECT_EQ(j.at("trigger"), "start");
  EXPECT_EQ(j.at("result"), "fail");
  EXPECT_EQ(j.at("coverage").at("overall").at("items"), 1);
  const auto& gaps = j.at("gaps").as_array();
  ASSERT_EQ(gaps.size(), 1u);
  const auto& g = gaps[0].as_object();
  EXPECT_EQ(g.at("fingerprint"), "missing_field:service:api:production:docs");
  EXPECT_EQ(g.at("severity"), "critical");
  EXPECT_EQ(g.at("state"), "open");
  EXPECT_TRUE(g.at("ticket").is_null());
  ASSERT_EQ(g.at("rules").as_array().size(), 1u);
  EXPECT_TRUE(g.at("rules").as_array()[0].as_string().starts_with("docs_audit.rules[0]"));
  EXPECT_FALSE(j.at("jira").at("configured").as_bool());
  // Filters select gaps; a bad severity is a 400.
  auto none = Call(router_, Verb::get, "/api/v1/docs-audit?severity=info");
  EXPECT_TRUE(none.Json().at("gaps").as_array().empty());
  EXPECT_EQ(Call(router_, Verb::get, "/api/v1/docs-audit?severity=high").status, 400u);
}

TEST_F(DocsAuditApiTest, RunWithWaitAnswersTheFinishedRunAndIsAudited) {
  StartDesk();
  const auto a = Devops(Verb::post, "/api/v1/docs-audit/run?wait=true");
  ASSERT_EQ(a.status, 200u) << a.body;
  EXPECT_EQ(a.Json().at("sequence"), 2);
  EXPECT_EQ(a.Json().at("done"), true);
  EXPECT_EQ(a.Json().at("failing_gaps"), 1);
  store::AuditQuery q;
  q.entity_type = "docs_audit";
  auto audit = store_->audit().List(q);
  ASSERT_TRUE(audit);
  ASSERT_EQ(audit->items.size(), 1u);
  EXPECT_EQ(audit->items[0].actor.ToString(), "token:t-devops");
  EXPECT_EQ(audit->items[0].request_id, "test-request");
  EXPECT_EQ(Devops(Verb::post, "/api/v1/docs-audit/run?wait=maybe").status, 400u);
}

TEST_F(DocsAuditApiTest, UploadsAreCheckedListedAndDeleted) {
  StartDesk();
  auto bad = Devops(Verb::post, "/api/v1/docs-audit/aws-exports?name=ec2.json", "{\"Reser");
  EXPECT_EQ(bad.status, 400u);
  EXPECT_NE(bad.body.find("ec2.json"), std::string::npos) << bad.body;
  EXPECT_EQ(Devops(Verb::post, "/api/v1/docs-audit/aws-exports", std::string(kEc2)).status, 400u);
  EXPECT_EQ(Call(router_, Verb::get, "/api/v1/docs-audit/aws-exports").Json().at("items").as_array().size(),
            0u);
  auto up = Devops(Verb::post, "/api/v1/docs-audit/aws-exports?name=ec2.json", std::string(kEc2));
  ASSERT_EQ(up.status, 201u) << up.body;
  EXPECT_EQ(up.Json().at("commands"), "aws ec2 describe-instances");
  EXPECT_EQ(up.Json().at("uploaded_by"), "token:t-devops");
  ASSERT_TRUE(desk_->WaitFor(2, 10s));
  auto latest = Call(router_, Verb::get, "/api/v1/docs-audit?kind=undocumented_resource");
  ASSERT_EQ(latest.Json().at("gaps").as_array().size(), 1u) << latest.body;
  EXPECT_EQ(Devops(Verb::delete_, "/api/v1/docs-audit/aws-exports/ec2.json").status, 204u);
  EXPECT_EQ(Devops(Verb::delete_, "/api/v1/docs-audit/aws-exports/ec2.json").status, 404u);
}

TEST_F(DocsAuditApiTest, FilingNeedsJiraAndLinksTheIssues) {
  StartDesk();
  auto no_jira = Devops(Verb::post, "/api/v1/docs-audit/tickets", R"({"dry_run": true})");
  EXPECT_EQ(no_jira.status, 409u);
  EXPECT_NE(no_jira.body.find("Jira is not configured"), std::string::npos);
  EXPECT_EQ(Devops(Verb::post, "/api/v1/docs-audit/tickets", R"({"dry": true})").status, 400u);

  config_ = Load(std::string(kConfig) + std::string(kJira));
  auto filed = Devops(Verb::post, "/api/v1/docs-audit/tickets", R"({"dry_run": false})");
  ASSERT_EQ(filed.status, 200u) << filed.body;
  const auto filed_json = filed.Json();
  const auto& item = filed_json.at("items").as_array()[0].as_object();
  EXPECT_EQ(item.at("action"), "filed");
  EXPECT_EQ(item.at("ticket"), "OPS-1");
  EXPECT_EQ(item.at("ticket_url"), "https://acme.atlassian.net/browse/OPS-1");
  const auto latest = Call(router_, Verb::get, "/api/v1/docs-audit").Json();
  EXPECT_EQ(latest.at("gaps").as_array()[0].at("ticket_url"),
            "https://acme.atlassian.net/browse/OPS-1");
  auto page = Call(router_, Verb::get, "/api/v1/docs-audit/gaps?filed=true");
  ASSERT_EQ(page.status, 200u);
  EXPECT_EQ(page.Json().at("items").as_array().size(), 1u);
}

TEST_F(DocsAuditApiTest, RejectedCredentialsAreABadGatewayWithoutTheToken) {
  config_ = Load(std::string(kConfig) + std::string(kJira));
  reject_ = true;
  StartDesk();
  auto a = Devops(Verb::post, "/api/v1/docs-audit/tickets", "");
  EXPECT_EQ(a.status, 502u) << a.body;
  EXPECT_EQ(a.Json().at("error").at("code"), "unauthenticated");
  EXPECT_NE(a.body.find("Jira rejected the credentials (HTTP 401)"), std::string::npos);
  EXPECT_EQ(a.body.find("api-test-jira-token"), std::string::npos);
  EXPECT_EQ(a.Json().at("counts").at("filed"), 0);
}

}  // namespace
}  // namespace opsdeck::http
