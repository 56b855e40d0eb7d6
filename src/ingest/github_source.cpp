#include "ingest/github_source.h"

#include <boost/json/value.hpp>

#include <cstdint>
#include <exception>
#include <utility>

#include "ingest/json_reader.h"
#include "net/secrets.h"

namespace opsdeck::ingest {
namespace {

namespace json = boost::json;

constexpr std::string_view kSignaturePrefix = "sha256=";

// Every field the parsers below read (and nothing else is built): a
// workflow_run delivery is ~3 KB of JSON, most of it repository and user
// objects. The fixture tests hold each outcome to its recorded answer.
const JsonKeep& Kept() {
  static const JsonKeep keep{
      {"hook_id", {}},
      {"repository", {{"full_name", {}}}},
      {"workflow", {{"name", {}}}},
      {"workflow_run",
       {{"id", {}},           {"status", {}},         {"conclusion", {}},
        {"run_attempt", {}},  {"name", {}},           {"head_branch", {}},
        {"display_title", {}}, {"head_commit", {{"message", {}}}},
        {"head_sha", {}},     {"html_url", {}},       {"event", {}},
        {"triggering_actor", {{"login", {}}}},        {"actor", {{"login", {}}}},
        {"created_at", {}},   {"run_started_at", {}}, {"updated_at", {}}}},
      {"workflow_job",
       {{"run_id", {}},       {"name", {}},           {"status", {}},
        {"conclusion", {}},   {"run_attempt", {}},    {"workflow_name", {}},
        {"head_branch", {}},  {"head_sha", {}},       {"started_at", {}},
        {"completed_at", {}}, {"html_url", {}},       {"created_at", {}}}},
  };
  return keep;
}

// "status/conclusion" with a null conclusion spelled "null".
std::string SourceStatus(const std::string& status, const std::optional<std::string>& conclusion) {
  return status + "/" + (conclusion ? *conclusion : std::string("null"));
}

std::string Trigger(const ObjectReader& run) {
  const std::string event = run.String("event").value_or("");
  std::string login = run.Object("triggering_actor").String("login").value_or("");
  if (login.empty()) login = run.Object("actor").String("login").value_or("");
  if (login.empty()) return event;
  if (event.empty()) return "by " + login;
  return event + " by " + login;
}

core::Result<ParseOutcome> ParseWorkflowRun(const ObjectReader& root, core::RunEvent ev) {
  const ObjectReader run = root.Object("workflow_run", true);
  const ObjectReader repo = root.Object("repository", true);
  const auto full_name = repo.String("full_name", true);
  const auto id = run.Int("id", true);
  const auto status = run.String("status", true);
  const auto conclusion = run.String("conclusion");
  const auto attempt = run.Int("run_attempt");
  if (root.sink().failed()) return root.sink().error();
  if (attempt && (*attempt < 1 || *attempt > INT32_MAX)) {
    return core::Error::InvalidArgument("run_attempt must be a positive integer",
                                        JsonPointer(run.pointer(), "run_attempt"));
  }
  const auto mapped = MapGithubStatus(*status, conclusion.value_or(""));
  if (!mapped) return Ignored("workflow_run status \"" + *status + "\" is not known");

  ev.keys.repository = *full_name;
  ev.keys.workflow = run.String("name").value_or("");
  if (ev.keys.workflow.empty()) ev.keys.workflow = root.Object("workflow").String("name").value_or("");
  ev.keys.branch = run.String("head_branch").value_or("");
  ev.external_run_id = std::to_string(*id);
  ev.attempt = static_cast<int>(attempt.value_or(1));
  ev.status = *mapped;
  ev.source_status = SourceStatus(*status, conclusion);
  std::string title = run.String("display_title").value_or("");
  if (title.empty()) title = run.Object("head_commit").String("message").value_or("");
  ev.title = FirstLine(title);
  ev.commit = run.String("head_sha").value_or("");
  ev.ref = ev.keys.branch;
  const std::string url = run.String("html_url").value_or("");
  if (IsHttpUrl(url)) ev.url = url;
  ev.trigger = Trigger(run);
  ev.created_at = run.Time("created_at");
  ev.started_at = run.Time("run_started_at");
  const auto updated = run.Time("updated_at");
  if (*status == "completed") ev.finished_at = updated;
  ev.occurred_at = updated;
  if (root.sink().failed()) return root.sink().error();

  ParseOutcome out;
  out.kind = ParseOutcome::kEvents;
  out.events.push_back(std::move(ev));
  return out;
}

core::Result<ParseOutcome> ParseWorkflowJob(const ObjectReader& root, core::RunEvent ev) {
  const ObjectReader job = root.Object("workflow_job", true);
  const ObjectReader repo = root.Object("repository", true);
  const auto full_name = repo.String("full_name", true);
  const auto run_id = job.Int("run_id", true);
  const auto name = job.String("name", true);
  const auto status = job.String("status", true);
  const auto conclusion = job.String("conclusion");
  const auto attempt = job.Int("run_attempt");
  if (root.sink().failed()) return root.sink().error();
  if (attempt && (*attempt < 1 || *attempt > INT32_MAX)) {
    return core::Error::InvalidArgument("run_attempt must be a positive integer",
                                        JsonPointer(job.pointer(), "run_attempt"));
  }
  const auto mapped = MapGithubStatus(*status, conclusion.value_or(""));
  if (!mapped) return Ignored("workflow_job status \"" + *status + "\" is not known");

  ev.keys.repository = *full_name;
  ev.keys.workflow = job.String("workflow_name").value_or("");
  ev.keys.branch = job.String("head_branch").value_or("");
  ev.external_run_id = std::to_string(*run_id);
  ev.attempt = static_cast<int>(attempt.value_or(1));
  ev.commit = job.String("head_sha").value_or("");
  ev.ref = ev.keys.branch;

  core::StageEvent stage;
  stage.name = *name;
  stage.status = *mapped;
  stage.source_status = SourceStatus(*status, conclusion);
  stage.started_at = job.Time("started_at");
  stage.finished_at = job.Time("completed_at");
  const std::string url = job.String("html_url").value_or("");
  if (IsHttpUrl(url)) stage.url = url;
  const auto created = job.Time("created_at");
  if (root.sink().failed()) return root.sink().error();
  ev.created_at = created;
  ev.occurred_at = stage.finished_at ? stage.finished_at
                   : stage.started_at ? stage.started_at
                                      : created;
  ev.stages.push_back(std::move(stage));

  ParseOutcome out;
  out.kind = ParseOutcome::kEvents;
  out.events.push_back(std::move(ev));
  return out;
}

}  // namespace

std::optional<core::RunStatus> MapGithubStatus(std::string_view status,
                                               std::string_view conclusion) {
  using core::RunStatus;
  if (status == "requested" || status == "queued" || status == "waiting" ||
      status == "pending") {
    return RunStatus::kQueued;
  }
  if (status == "in_progress") return RunStatus::kRunning;
  if (status != "completed") return std::nullopt;
  if (conclusion == "success" || conclusion == "neutral") return RunStatus::kSucceeded;
  // Nothing ran: not a failure, but a skipped deploy must not count as a
  // deployment, so it is not "succeeded" either (docs/sources/github.md).
  if (conclusion == "cancelled" || conclusion == "skipped") return RunStatus::kCanceled;
  if (conclusion == "stale") return RunStatus::kSuperseded;
  // failure, timed_out, startup_failure, action_required, null and anything new.
  return RunStatus::kFailed;
}

core::Result<void> GithubSource::Verify(const Delivery& delivery) const {
  if (secret_.empty()) return core::Error::Unauthenticated("no GitHub webhook secret configured");
  const std::string* header = FindHeader(delivery, "x-hub-signature-256");
  if (header == nullptr) return core::Error::Unauthenticated("missing X-Hub-Signature-256");
  const std::string_view given(*header);
  if (given.substr(0, kSignaturePrefix.size()) != kSignaturePrefix) {
    return core::Error::Unauthenticated("X-Hub-Signature-256 is not sha256=<hex>");
  }
  const std::string expected = hmac_.Hex(delivery.body);
  if (!net::ConstantTimeEquals(AsciiLower(given.substr(kSignaturePrefix.size())), expected)) {
    return core::Error::Unauthenticated("X-Hub-Signature-256 does not match the body");
  }
  return core::Ok();
}

core::Result<ParseOutcome> GithubSource::Parse(const Delivery& delivery) const {
  if (auto ok = Verify(delivery); !ok) return ok.error();
  const std::string* event = FindHeader(delivery, "x-github-event");
  if (event == nullptr || event->empty()) {
    return core::Error::InvalidArgument("missing X-GitHub-Event header", "X-GitHub-Event");
  }
  if (*event != "ping" && *event != "workflow_run" && *event != "workflow_job") {
    return Ignored("GitHub event \"" + *event + "\" is not used", *event);
  }
  auto doc = ParseJsonKept(delivery.body, Kept());
  if (!doc) return doc.error();
  const json::object* obj = doc->if_object();
  if (obj == nullptr) return core::Error::InvalidArgument("payload must be a JSON object", "");
  ErrorSink sink;
  const ObjectReader root(obj, "", &sink);
  if (*event == "ping") {
    const auto hook_id = root.Int("hook_id");
    if (sink.failed()) return sink.error();
    ParseOutcome out;
    out.kind = ParseOutcome::kPing;
    out.event_type = "ping";
    out.reason = hook_id ? "ping from hook " + std::to_string(*hook_id) : "ping";
    return out;
  }
  core::RunEvent ev;
  ev.source = core::SourceKind::kGithub;
  if (const std::string* id = FindHeader(delivery, "x-github-delivery")) ev.delivery_id = *id;
  try {
    auto parsed = *event == "workflow_run" ? ParseWorkflowRun(root, std::move(ev))
                                           : ParseWorkflowJob(root, std::move(ev));
    if (parsed) parsed->event_type = *event;
    return parsed;
  } catch (const std::exception& e) {  // only allocation can throw here
    return core::Error::Internal(std::string("GitHub payload: ") + e.what());
  }
}

}  // namespace opsdeck::ingest
