#include "app/demo_payloads.h"

#include <boost/json.hpp>

#include "net/secrets.h"

namespace opsdeck::app::demo {
namespace {

namespace json = boost::json;

const std::string kCi = "https://github.com/acme/shop";
const std::string kGitlab = "https://gitlab.example.com/acme/shop";

bool Finished(const std::string& status) { return status == "succeeded" || status == "failed"; }

// A job's id: its run's id and a digit per job name, so each job keeps one id.
int64_t JobId(int64_t run_id, const std::string& name) {
  int64_t digit = name == "build" ? 1 : name == "test" ? 2 : name == "deploy" ? 3 : 9;
  return run_id * 10 + digit;
}

// GitHub's (status, conclusion) for an opsdeck status.
std::pair<std::string, json::value> GithubStatus(const std::string& status) {
  if (status == "queued") return {"queued", nullptr};
  if (status == "running") return {"in_progress", nullptr};
  return {"completed", json::value(status == "succeeded" ? "success" : "failure")};
}

std::string GitlabStatus(const std::string& status) {
  if (status == "queued") return "pending";
  if (status == "succeeded") return "success";
  return status;  // running, failed
}

json::object User(const std::string& login) {
  return {{"login", login}, {"id", 1000 + login.size()}, {"type", "User"},
          {"html_url", "https://github.com/" + login}};
}

json::object Repository() {
  return {{"id", 300029405}, {"name", "shop"}, {"full_name", std::string(kRepository)},
          {"private", true}, {"html_url", kCi}, {"default_branch", "main"},
          {"owner", {{"login", "acme"}, {"type", "Organization"}}}};
}

Delivery GithubDelivery(const std::string& event_name, json::object payload, const Stamp& stamp,
                        const Credentials& c) {
  Delivery d;
  d.path = "/hooks/github";
  d.body = json::serialize(payload);
  d.headers = {{"Content-Type", "application/json"},
               {"User-Agent", "GitHub-Hookshot/opsdeck-demo"},
               {"X-GitHub-Event", event_name},
               {"X-GitHub-Delivery", stamp.delivery_id},
               {"X-Hub-Signature-256", "sha256=" + net::HmacSha256Hex(c.github_secret, d.body)}};
  return d;
}

Delivery GithubRun(const Event& e, const Stamp& stamp, const Credentials& c) {
  const int64_t id = stamp.run_base + e.run_number;
  auto [status, conclusion] = GithubStatus(e.status);
  const std::string at = core::FormatRfc3339(stamp.at);
  const std::string started = core::FormatRfc3339(stamp.started);
  json::object run = {
      {"id", id}, {"name", e.workflow}, {"head_branch", "main"}, {"head_sha", e.commit},
      {"display_title", e.title}, {"run_number", e.run_number + 1}, {"event", "push"},
      {"status", status}, {"conclusion", conclusion}, {"run_attempt", e.attempt},
      {"html_url", kCi + "/actions/runs/" + std::to_string(id)},
      {"created_at", started}, {"run_started_at", started}, {"updated_at", at},
      {"actor", User("alice")}, {"triggering_actor", User("alice")},
      {"head_commit", {{"id", e.commit}, {"message", e.title}, {"timestamp", started}}},
      {"repository", Repository()}};
  json::object payload = {{"action", status == "queued" ? "requested" : status},
                          {"workflow_run", std::move(run)},
                          {"workflow", {{"name", e.workflow}}},
                          {"repository", Repository()},
                          {"sender", User("alice")}};
  return GithubDelivery("workflow_run", std::move(payload), stamp, c);
}

Delivery GithubJob(const Event& e, const Stamp& stamp, const Credentials& c) {
  const int64_t run_id = stamp.run_base + e.run_number;
  const Stage& stage = e.stages.front();
  const int64_t job_id = JobId(run_id, stage.name);
  auto [status, conclusion] = GithubStatus(stage.status);
  const bool done = Finished(stage.status);
  json::object job = {
      {"id", job_id}, {"run_id", run_id}, {"workflow_name", e.workflow}, {"head_branch", "main"},
      {"run_attempt", e.attempt}, {"head_sha", e.commit}, {"status", status}, {"conclusion", conclusion},
      {"html_url", kCi + "/actions/runs/" + std::to_string(run_id) + "/job/" + std::to_string(job_id)},
      {"created_at", core::FormatRfc3339(stamp.started)},
      {"started_at", core::FormatRfc3339(done ? stamp.started : stamp.at)},
      {"completed_at", done ? json::value(core::FormatRfc3339(stamp.at)) : json::value(nullptr)},
      {"name", stage.name}, {"labels", json::array{"ubuntu-latest"}}};
  json::object payload = {{"action", status}, {"workflow_job", std::move(job)},
                          {"repository", Repository()}, {"sender", User("alice")}};
  return GithubDelivery("workflow_job", std::move(payload), stamp, c);
}

Delivery GitlabPipeline(const Event& e, const Stamp& stamp, const Credentials& c) {
  const int64_t id = stamp.run_base + e.run_number;
  const std::string created = core::FormatRfc3339(stamp.started);
  const bool done = Finished(e.status);
  json::array builds;
  int64_t n = 0;
  for (const Stage& s : e.stages) {
    const bool started = s.status != "queued";
    builds.push_back(json::object{
        {"id", id * 10 + n++}, {"stage", s.name == "deploy" ? "deploy" : "verify"}, {"name", s.name},
        {"status", GitlabStatus(s.status)}, {"created_at", created},
        {"started_at", started ? json::value(created) : json::value(nullptr)},
        {"finished_at", Finished(s.status) ? json::value(core::FormatRfc3339(stamp.at)) : json::value(nullptr)},
        {"when", "on_success"}, {"manual", false}, {"allow_failure", false}});
  }
  json::object payload = {
      {"object_kind", "pipeline"},
      {"object_attributes",
       {{"id", id}, {"iid", e.run_number + 1}, {"ref", e.version}, {"tag", true}, {"sha", e.commit},
        {"source", "push"}, {"status", GitlabStatus(e.status)}, {"created_at", created},
        {"finished_at", done ? json::value(core::FormatRfc3339(stamp.at)) : json::value(nullptr)},
        {"url", kGitlab + "/-/pipelines/" + std::to_string(id)}}},
      {"user", {{"id", 1}, {"name", "Bob"}, {"username", "bob"}}},
      {"project",
       {{"id", 42}, {"name", "shop"}, {"web_url", kGitlab},
        {"path_with_namespace", std::string(kRepository)}, {"default_branch", "main"}}},
      {"commit", {{"id", e.commit}, {"message", e.title + "\n"}, {"title", e.title}}},
      {"builds", std::move(builds)}};
  Delivery d;
  d.path = "/hooks/gitlab";
  d.body = json::serialize(payload);
  d.headers = {{"Content-Type", "application/json"},
               {"User-Agent", "GitLab/opsdeck-demo"},
               {"X-Gitlab-Event", "Pipeline Hook"},
               {"X-Gitlab-Token", c.gitlab_token},
               {"Idempotency-Key", stamp.delivery_id}};
  return d;
}

Delivery GenericEvent(const Event& e, const Stamp& stamp, const Credentials& c) {
  const int64_t id = stamp.run_base + e.run_number;
  json::object payload = {{"pipeline", std::string(kGenericPipeline)}, {"run_id", std::to_string(id)},
                          {"attempt", e.attempt}, {"version", e.version}, {"commit", e.commit},
                          {"ref", "main"}, {"trigger", "release script by carol"}, {"title", e.title},
                          {"url", "https://ci.example.com/shop-production/" + std::to_string(id)},
                          {"started_at", core::FormatRfc3339(stamp.started)}};
  if (!e.status.empty()) payload["status"] = e.status;
  if (Finished(e.status)) payload["finished_at"] = core::FormatRfc3339(stamp.at);
  if (!e.stages.empty()) {
    const Stage& s = e.stages.front();
    json::object stage = {{"name", s.name}, {"status", s.status},
                          {"started_at", core::FormatRfc3339(stamp.started)}};
    if (Finished(s.status)) stage["finished_at"] = core::FormatRfc3339(stamp.at);
    payload["stage"] = std::move(stage);
  }
  Delivery d;
  d.path = "/hooks/generic";
  d.body = json::serialize(payload);
  d.headers = {{"Content-Type", "application/json"},
               {"Authorization", "Bearer " + c.generic_token},
               {"Idempotency-Key", stamp.delivery_id}};
  return d;
}

}  // namespace

Delivery Encode(const Event& event, const Stamp& stamp, const Credentials& credentials) {
  switch (event.source) {
    case Source::kGithub:
      return event.status.empty() && !event.stages.empty() ? GithubJob(event, stamp, credentials)
                                                           : GithubRun(event, stamp, credentials);
    case Source::kGitlab: return GitlabPipeline(event, stamp, credentials);
    case Source::kGeneric: return GenericEvent(event, stamp, credentials);
  }
  return GenericEvent(event, stamp, credentials);
}

}  // namespace opsdeck::app::demo
