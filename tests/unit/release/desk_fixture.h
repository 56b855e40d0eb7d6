// The release desk over a real SQLite store in a temp directory, a config
// loaded from YAML (staging -> production, protected; the reference
// production template and a short go/no-go one; a weekly Berlin window and a
// year-end freeze; an http rollback to a loopback receiver for production and
// a script for staging), a ManualClock, and announcements recorded as outbox
// entries (channel "log", kind and subject of each notice).
// Thread-safety: one test thread; the desk's own threads run in the background.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "config/loader.h"
#include "core/clock.h"
#include "loopback_receiver.h"
#include "release/release_desk.h"
#include "store/sqlite/sqlite_store.h"
#include "temp_dir.h"

namespace opsdeck::release::testing {

using namespace std::chrono_literals;

// Tue 2026-12-01 13:30 UTC = 14:30 in Berlin: inside "weekday releases"
// (Tue/Thu 14:00 Berlin for 3 h), whose occurrence starts at 13:00 UTC.
inline core::TimePoint Utc(int y, int mo, int d, int h, int mi = 0) {
  using namespace std::chrono;
  return core::TimePoint(duration_cast<core::Duration>(
      sys_days(year(y) / month(static_cast<unsigned>(mo)) / day(static_cast<unsigned>(d)))
          .time_since_epoch() +
      hours(h) + minutes(mi)));
}
inline const core::TimePoint kTuesday = Utc(2026, 12, 1, 13, 30);
inline const core::TimePoint kTuesdayWindow = Utc(2026, 12, 1, 13);

inline core::Principal Person(std::string name, core::Role role) {
  core::Principal p;
  p.kind = core::Principal::Kind::kUser;
  p.name = std::move(name);
  p.role = role;
  return p;
}

class DeskTest : public ::testing::Test {
 protected:
  const core::Principal rm_ = Person("rita", core::Role::kReleaseManager);
  const core::Principal devops_ = Person("dave", core::Role::kDevops);
  const core::Principal admin_ = Person("ada", core::Role::kAdmin);
  const core::Principal viewer_ = Person("vic", core::Role::kViewer);

  void SetUp() override {
    clock_ = std::make_unique<core::ManualClock>(kTuesday);
    script_ = dir_.Script("redeploy.sh",
                          "#!/bin/sh\nprintf '%s ' \"$@\" > " + dir_.path() + "/redeploy.args\n");
    auto loaded = config::LoadString(ConfigYaml(), "test.yaml",
                                     [](std::string_view) { return std::optional<std::string>(); });
    ASSERT_TRUE(loaded.ok()) << (loaded.errors.empty() ? "" : loaded.errors.front().ToString());
    config_ = loaded.config;

    store::SqliteOptions options;
    options.path = dir_.path() + "/opsdeck.db";
    options.synchronous = store::SqliteSync::kNormal;
    auto opened = store::OpenSqlite(options, *clock_);
    ASSERT_TRUE(opened) << opened.error().ToString();
    store_ = std::move(*opened);
    auto migrated = store_->Migrate();
    ASSERT_TRUE(migrated) << migrated.error().ToString();
    const core::Actor actor = core::Actor::System("test");
    ASSERT_TRUE(store_->environments().Sync(config_->environments, actor, ""));
    ASSERT_TRUE(store_->runs().SyncPipelines({{"staging-deploy", "staging", true},
                                              {"production-deploy", "production", true},
                                              {"production-ci", "production", false},
                                              {"staging-ci", "staging", false}},
                                             actor, ""));
    ASSERT_TRUE(store_->health().SyncTargets(
        {Target("api", "production"), Target("web", "production"), Target("stg-api", "staging")},
        actor, ""));
    SetTarget("api", core::TargetState::kUp, kTuesday - 2h);
    SetTarget("web", core::TargetState::kUp, kTuesday - 2h);
    MakeDesk();
  }

  void TearDown() override {
    if (desk_) desk_->Stop();
    if (store_) store_->Close();
  }

  void MakeDesk() {
    DeskDeps deps;
    deps.store = store_.get();
    deps.clock = clock_.get();
    deps.config = [this] { return config_; };
    deps.route = [](const core::Notice& n) {
      store::OutboxEntry e;
      e.channel = "log";
      e.kind = n.kind;
      e.subject = n.subject;
      e.severity = std::string(core::NoticeSeverityName(n.severity));
      e.environment = n.environment;
      e.payload_json = "{}";
      return std::vector<store::OutboxEntry>{e};
    };
    deps.events = &events_;
    deps.notify_wake = [this] { ++wakes_; };
    ActionLimits limits;
    limits.http_timeout = 5s;
    limits.command_timeout = command_timeout_;
    deps.actions = MakeActionRunner(limits);
    DeskOptions options;
    options.tick = core::Duration::zero();  // the tests run the periodic pass themselves
    auto created = ReleaseDesk::Create(std::move(deps), options);
    ASSERT_TRUE(created) << created.error().ToString();
    desk_ = std::move(*created);
  }

  static store::TargetDef Target(std::string name, std::string environment) {
    store::TargetDef t;
    t.name = std::move(name);
    t.kind = "service";
    t.environment = std::move(environment);
    t.component = "backend";
    return t;
  }

  void SetTarget(const std::string& name, core::TargetState state, core::TimePoint since) {
    store::HealthBatch batch;
    store::StateUpdate update;
    update.status.target = name;
    update.status.state = state;
    update.status.since = since;
    batch.states.push_back(update);
    auto applied = store_->health().ApplyHealth(batch, clock_->Now());
    ASSERT_TRUE(applied) << applied.error().ToString();
  }

  // One generic pipeline event, ingested and handed to the desk like the hook does.
  store::IntakeResult Ingest(const std::string& pipeline, const std::string& run_id, int attempt,
                             core::RunStatus status, const std::string& version,
                             core::TimePoint started) {
    const config::PipelineConfig* p = config_->FindPipeline(pipeline);
    EXPECT_NE(p, nullptr);
    core::RunEvent ev;
    ev.source = core::SourceKind::kGeneric;
    ev.external_run_id = run_id;
    ev.attempt = attempt;
    ev.status = status;
    ev.source_status = std::string(core::RunStatusName(status));
    ev.version = version;
    ev.started_at = started;
    ev.created_at = started;
    if (core::IsTerminal(status)) ev.finished_at = clock_->Now();
    ev.occurred_at = clock_->Now();
    store::IntakeRequest req;
    req.source = "generic";
    req.delivery_id = pipeline + ":" + run_id + ":" + std::to_string(attempt) + ":" +
                      std::string(core::RunStatusName(status)) + ":" +
                      std::to_string(++deliveries_);
    req.received_at = clock_->Now();
    req.events.push_back({ev, core::PipelineBinding{pipeline, p->environment,
                                                    p->kind == config::PipelineKind::kDeploy}});
    auto result = store_->runs().Ingest(req);
    EXPECT_TRUE(result) << result.error().ToString();
    if (!result) return {};
    desk_->OnIntake(*result);
    return *result;
  }

  // Kinds of the announcements so far, oldest first.
  std::vector<std::string> Kinds(const std::string& subject_prefix = "") {
    std::vector<std::string> kinds;
    store::OutboxQuery q;
    q.limit = 500;
    auto page = store_->outbox().List(q);
    EXPECT_TRUE(page);
    if (!page) return kinds;
    for (auto it = page->items.rbegin(); it != page->items.rend(); ++it) {
      if (it->subject.starts_with(subject_prefix)) kinds.push_back(it->kind);
    }
    return kinds;
  }
  bool Announced(const std::string& kind) {
    auto k = Kinds();
    return std::find(k.begin(), k.end(), kind) != k.end();
  }

  std::vector<core::AuditEvent> Audit(const std::string& entity_type) {
    store::AuditQuery q;
    q.limit = 500;
    q.entity_type = entity_type;
    auto page = store_->audit().List(q);
    EXPECT_TRUE(page);
    return page ? page->items : std::vector<core::AuditEvent>{};
  }

  core::Release MakeRelease(const std::string& version, const std::string& tmpl = "go-no-go",
                            bool with_window = true) {
    release::CreateRelease req;
    req.version = version;
    req.template_name = tmpl;
    req.environments = {"production", "staging"};
    if (with_window) {
      req.window = "weekday releases";
      req.window_start = kTuesdayWindow;
    }
    auto r = desk_->Create(req, rm_, "req-create");
    EXPECT_TRUE(r) << r.error().ToString();
    return r ? *r : core::Release{};
  }

  std::vector<std::string> GateCodes(const std::string& version, bool* allowed = nullptr) {
    auto d = desk_->Gate("production", version);
    EXPECT_TRUE(d) << d.error().ToString();
    std::vector<std::string> codes;
    if (!d) return codes;
    for (const auto& r : d->reasons) codes.push_back(r.code);
    if (allowed != nullptr) *allowed = d->allowed;
    return codes;
  }

  std::string ConfigYaml() const {
    return R"(server:
  listen: 127.0.0.1:8080
  public_url: https://ops.example.com
environments:
  - name: staging
  - name: production
    protected: true
pipelines:
  - {name: staging-deploy, environment: staging, kind: deploy, match: {generic: {pipeline: staging-deploy}}}
  - {name: production-deploy, environment: production, kind: deploy, match: {generic: {pipeline: production-deploy}}}
  - {name: production-ci, environment: production, kind: build, match: {generic: {pipeline: production-ci}}}
  - {name: staging-ci, environment: staging, kind: build, match: {generic: {pipeline: staging-ci}}}
releases:
  templates:
    - name: production-release
      items:
        - {id: scope, phase: prepare, role: release-manager, title: "Freeze scope and tag the release"}
        - {id: notes, phase: prepare, role: release-manager, title: "Write release notes"}
        - {id: staging-green, phase: prepare, role: devops, title: "Staging pipeline green for this version", auto: staging_green}
        - {id: backup, phase: prepare, role: devops, title: "Fresh database backup verified"}
        - {id: devops-on-hand, phase: go-no-go, role: devops, title: "Devops on hand for the window", auto: window_confirmed}
        - {id: go, phase: go-no-go, role: release-manager, title: "Go / no-go decision", depends_on: [scope, staging-green, backup, devops-on-hand]}
        - {id: deploy, phase: deploy, role: devops, title: "Start and watch the production pipeline", depends_on: [go]}
        - {id: fix-or-rollback, phase: deploy, role: devops, title: "Fix a failed deploy or roll back", required: false}
        - {id: verify, phase: verify, role: release-manager, title: "Smoke-test the product", depends_on: [deploy]}
        - {id: healthy, phase: verify, role: devops, title: "Production healthy for 15 minutes", auto: production_healthy_15m}
        - {id: announce, phase: communicate, role: release-manager, title: "Announce the release", depends_on: [verify]}
    - name: go-no-go
      items:
        - {id: notes, phase: prepare, role: release-manager, title: "Write release notes"}
        - {id: staging-green, phase: prepare, role: devops, title: "Staging green", auto: staging_green}
        - {id: devops-on-hand, phase: go-no-go, role: devops, title: "Devops on hand", auto: window_confirmed}
        - {id: go, phase: go-no-go, role: release-manager, title: "Go", depends_on: [notes, staging-green, devops-on-hand]}
  windows:
    - {name: weekday releases, kind: allow, schedule: "0 14 * * TUE,THU", duration: 3h, timezone: Europe/Berlin, devops: [alice, bob]}
    - {name: year-end freeze, kind: deny, from: 2026-12-20T00:00:00Z, until: 2027-01-06T00:00:00Z}
  rollback:
    production:
      http:
        method: POST
        url: http://127.0.0.1:)" +
           std::to_string(receiver_.port()) + R"(/dispatch/{{environment}}
        headers: {Authorization: "Bearer s3cret-token", Accept: application/json}
        body: '{"ref":"main","inputs":{"version":"{{version}}","rollback":"{{rollback_id}}"}}'
    staging:
      command: [")" +
           script_ + R"(", "--env", "{{environment}}", "--version", "{{version}}"]
)";
  }

  TempDir dir_;
  LoopbackReceiver receiver_{204};
  std::string script_;
  core::Duration command_timeout_ = 5s;
  std::unique_ptr<core::ManualClock> clock_;
  std::shared_ptr<const config::Config> config_;
  std::unique_ptr<store::Store> store_;
  net::EventBus events_;
  std::atomic<int> wakes_{0};
  int deliveries_ = 0;
  std::unique_ptr<ReleaseDesk> desk_;
};

}  // namespace opsdeck::release::testing
