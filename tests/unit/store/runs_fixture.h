// The run store's part of the conformance suite: a fixture with three
// environments and four pipelines synced, event builders shaped like the
// core RunTracker tests, and an in-memory model (World) that folds the same
// events with core::RunTracker and upserts deployments the way
// run_tracker.h prescribes, to compare the store against.
// Thread-safety: one thread per test, except where a test says otherwise.
#pragma once

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "conformance_fixture.h"

// Readable gtest output for failed comparisons (found by ADL).
namespace opsdeck::core {
inline std::string TestMs(const std::optional<TimePoint>& t) {
  return t ? std::to_string(ToUnixMillis(*t)) : "-";
}
inline void PrintTo(const Stage& s, std::ostream* os) {
  *os << s.name << ":" << RunStatusName(s.status) << "(" << s.source_status << ") "
      << TestMs(s.started_at) << ".." << TestMs(s.finished_at);
}
inline void PrintTo(const Run& r, std::ostream* os) {
  *os << "{#" << r.id << " " << r.pipeline << "/" << r.environment << " "
      << SourceKindName(r.source) << ":" << r.external_run_id << " attempt " << r.attempt << " "
      << RunStatusName(r.status) << "(" << r.source_status << ") title '" << r.title
      << "' version '" << r.version << "' commit '" << r.commit << "' ref '" << r.ref << "' url '"
      << r.url << "' trigger '" << r.trigger << "' created " << TestMs(r.created_at) << " started "
      << TestMs(r.started_at) << " finished " << TestMs(r.finished_at) << " stages [";
  for (const Stage& s : r.stages) {
    PrintTo(s, os);
    *os << "; ";
  }
  *os << "]}";
}
inline void PrintTo(const Deployment& d, std::ostream* os) {
  *os << "{" << d.pipeline << ":" << d.external_run_id << "#" << d.attempt << " -> "
      << d.environment << " '" << d.version << "' '" << d.commit << "' '" << d.url << "' at "
      << ToUnixMillis(d.deployed_at) << "}";
}
}  // namespace opsdeck::core

namespace opsdeck::store::conformance {

using core::RunStatus;

inline core::TimePoint At(int seconds) { return kStart + std::chrono::seconds(seconds); }

inline const core::PipelineBinding kDevDeploy{"dev-deploy", "development", true};
inline const core::PipelineBinding kStagingDeploy{"staging-deploy", "staging", true};
inline const core::PipelineBinding kProdDeploy{"prod-deploy", "production", true};
inline const core::PipelineBinding kCi{"ci", "development", false};

struct Delivery {
  core::PipelineBinding binding;
  core::RunEvent ev;
};

inline core::StageEvent St(std::string name, RunStatus s, std::optional<int> start,
                           std::optional<int> end = std::nullopt) {
  core::StageEvent st;
  st.name = std::move(name);
  st.status = s;
  st.source_status = std::string(core::RunStatusName(s));
  if (start) st.started_at = At(*start);
  if (end) st.finished_at = At(*end);
  return st;
}

// An event about run `id` of `b`; status empty: a stage-only event.
inline Delivery D(const core::PipelineBinding& b, std::string id, int attempt,
                  std::optional<RunStatus> s, int t, std::vector<core::StageEvent> stages = {}) {
  core::RunEvent ev;
  ev.source = core::SourceKind::kGithub;
  ev.external_run_id = id;
  ev.attempt = attempt;
  ev.status = s;
  ev.source_status = s ? std::string(core::RunStatusName(*s)) : "";
  ev.occurred_at = At(t);
  ev.created_at = At(0);
  ev.commit = "abc123";
  ev.version = b.environment + "-" + id;
  ev.url = "https://ci.example/" + b.pipeline + "/" + id;
  ev.title = "Release " + id;
  if (s == RunStatus::kRunning) ev.started_at = At(t);
  if (s && core::IsTerminal(*s)) ev.finished_at = At(t);
  ev.stages = std::move(stages);
  if (!s) ev.url += "/job";
  return Delivery{b, std::move(ev)};
}

// The core tracker test's recorded history: five runs over four pipelines,
// a re-run, late and stage-only events; three deployments.
inline std::vector<Delivery> Recorded() {
  const auto& dev = kDevDeploy;
  const auto& stg = kStagingDeploy;
  const auto& prd = kProdDeploy;
  const auto& ci = kCi;
  using S = RunStatus;
  return {
      D(dev, "101", 1, S::kQueued, 100),
      D(dev, "101", 1, S::kRunning, 101),
      D(dev, "101", 1, std::nullopt, 102, {St("build", S::kRunning, 102)}),
      D(dev, "101", 1, std::nullopt, 120, {St("build", S::kSucceeded, 102, 120)}),
      D(dev, "101", 1, std::nullopt, 121, {St("deploy", S::kRunning, 121)}),
      D(dev, "101", 1, std::nullopt, 150, {St("deploy", S::kSucceeded, 121, 150)}),
      D(dev, "101", 1, S::kSucceeded, 151),
      D(ci, "501", 1, S::kQueued, 100),
      D(ci, "501", 1, S::kRunning, 101),
      D(ci, "501", 1, S::kSucceeded, 140),
      D(stg, "201", 1, S::kQueued, 200),
      D(stg, "201", 1, S::kRunning, 201),
      D(stg, "201", 1, std::nullopt, 230, {St("deploy", S::kFailed, 202, 230)}),
      D(stg, "201", 1, S::kFailed, 231),
      D(stg, "201", 2, S::kQueued, 300),
      D(stg, "201", 2, S::kRunning, 301),
      D(stg, "201", 2, std::nullopt, 302, {St("deploy", S::kRunning, 302)}),
      D(stg, "201", 2, std::nullopt, 330, {St("deploy", S::kSucceeded, 302, 330)}),
      D(stg, "201", 2, S::kSucceeded, 331),
      D(prd, "301", 1, S::kQueued, 400),
      D(prd, "301", 1, S::kRunning, 401),
      D(prd, "301", 1, std::nullopt, 420,
        {St("smoke", S::kRunning, 405), St("deploy", S::kFailed, 402, 420)}),
      D(prd, "301", 1, S::kFailed, 421),
      D(prd, "302", 1, S::kQueued, 500),
      D(prd, "302", 1, S::kRunning, 501),
      D(prd, "302", 1, std::nullopt, 540,
        {St("deploy", S::kSucceeded, 502, 540), St("notify", S::kRunning, 541)}),
      D(prd, "302", 1, S::kSucceeded, 545),
      D(prd, "302", 1, std::nullopt, 560, {St("notify", S::kSucceeded, 541, 560)}),
      D(prd, "302", 1, S::kRunning, 501),
  };
}

using RunKey = std::pair<std::string, std::string>;           // pipeline, external id
using DeployKey = std::tuple<std::string, std::string, int>;  // pipeline, external id, attempt

// What the store must hold after a set of deliveries (ids are zero).
struct World {
  std::map<RunKey, core::Run> runs;
  std::map<DeployKey, core::Deployment> deployments;

  void Deliver(const Delivery& del, core::TimePoint received_at) {
    RunKey key{del.binding.pipeline, del.ev.external_run_id};
    std::optional<core::Run> current;
    if (auto it = runs.find(key); it != runs.end()) current = it->second;
    core::RunDecision d = core::RunTracker::Apply(current, del.ev, del.binding, received_at);
    runs[key] = d.run;
    if (!d.deployment) return;
    const core::Deployment& dep = *d.deployment;
    auto [slot, fresh] =
        deployments.try_emplace({dep.pipeline, dep.external_run_id, dep.attempt}, dep);
    if (fresh) return;
    core::Deployment& have = slot->second;
    if (!dep.version.empty()) have.version = dep.version;
    if (!dep.commit.empty()) have.commit = dep.commit;
    if (!dep.url.empty()) have.url = dep.url;
    have.deployed_at = dep.deployed_at;
  }
};

class RunsConformance : public StoreConformance {
 protected:
  RunStore& runs() { return store_->runs(); }

  // Migrates and syncs development, staging, production and the four pipelines.
  void SetUpPipelines() {
    Migrate();
    ASSERT_TRUE(store_->environments().Sync(
        Envs({{"development", false}, {"staging", false}, {"production", true}}), actor_, ""));
    auto r = runs().SyncPipelines(Pipelines(), actor_, "req-1");
    ASSERT_TRUE(r) << r.error().ToString();
  }

  static std::vector<PipelineDef> Pipelines() {
    return {{"ci", "development", false, "team-web", "https://docs.example/ci"},
            {"dev-deploy", "development", true, "team-web", ""},
            {"staging-deploy", "staging", true, "team-web", ""},
            {"prod-deploy", "production", true, "team-ops", "https://docs.example/prod"}};
  }

  static IntakeRequest Request(std::string delivery_id, std::vector<Delivery> dels,
                               core::TimePoint received_at) {
    IntakeRequest req;
    req.source = "github";
    req.delivery_id = std::move(delivery_id);
    req.received_at = received_at;
    for (auto& d : dels) req.events.push_back(BoundEvent{std::move(d.ev), std::move(d.binding)});
    return req;
  }

  IntakeResult Ingest(const IntakeRequest& req, RunStore* store = nullptr) {
    auto r = (store ? *store : runs()).Ingest(req);
    EXPECT_TRUE(r) << r.error().ToString();
    return r.value_or(IntakeResult{});
  }

  // Every stored run with its stages, ids zeroed, by (pipeline, external id).
  std::map<RunKey, core::Run> StoredRuns() {
    std::map<RunKey, core::Run> out;
    auto page = runs().ListRuns(RunQuery{.limit = 500});
    EXPECT_TRUE(page) << page.error().ToString();
    if (!page) return out;
    for (const core::Run& listed : page->items) {
      auto full = runs().GetRun(listed.id);
      EXPECT_TRUE(full && *full);
      if (!full || !*full) continue;
      core::Run run = **full;
      run.id = 0;
      out.emplace(RunKey{run.pipeline, run.external_run_id}, std::move(run));
    }
    return out;
  }

  std::map<DeployKey, core::Deployment> StoredDeployments() {
    std::map<DeployKey, core::Deployment> out;
    DeploymentQuery q{.limit = 7};
    while (true) {
      auto page = runs().ListDeployments(q);
      EXPECT_TRUE(page) << page.error().ToString();
      if (!page) return out;
      for (const DeploymentRecord& d : page->items) {
        const core::Deployment& dep = d.deployment;
        EXPECT_TRUE(
            out.emplace(DeployKey{dep.pipeline, dep.external_run_id, dep.attempt}, dep).second);
      }
      if (!page->next) return out;
      q.cursor = page->next;
    }
  }
};

}  // namespace opsdeck::store::conformance
