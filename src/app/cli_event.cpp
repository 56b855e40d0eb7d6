// `opsdeck event`: sends one event in opsdeck's generic format
// (docs/sources/generic.md) to POST /hooks/generic, from any CI script.
// The token comes from $OPSDECK_EVENT_TOKEN or --token-file, never from the
// command line (where `ps` would show it). Retries transport failures and
// 5xx/429 answers with the same Idempotency-Key, so a retry is never counted
// twice. Exit codes: 0 stored (also 202 "unmatched": printed on stderr),
// 1 refused (4xx) or still failing after the retries, 2 bad usage.
#include <boost/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "app/commands.h"
#include "app/exit_codes.h"
#include "core/clock.h"
#include "core/run.h"
#include "ingest/time_parse.h"
#include "net/http_fetch.h"

namespace opsdeck::app {
namespace {

namespace json = boost::json;

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

bool Fail(const std::string& message) {
  std::fprintf(stderr, "opsdeck event: %s\n", message.c_str());
  return false;
}

// Validates the options and builds the JSON body; false (after printing why)
// on bad usage.
bool BuildBody(const EventCommand& cmd, core::TimePoint now, json::object* out) {
  json::object& o = *out;
  if (cmd.pipeline.empty()) return Fail("--pipeline is required");
  if (cmd.run_id.empty()) return Fail("--run-id is required");
  if (cmd.status.empty() && cmd.stage.empty()) return Fail("--status or --stage is required");
  o["pipeline"] = cmd.pipeline;
  o["run_id"] = cmd.run_id;
  if (cmd.attempt < 1) return Fail("--attempt must be 1 or more");
  o["attempt"] = cmd.attempt;
  const std::string now_text = core::FormatRfc3339(now);
  for (const auto& [flag, value] : {std::pair{"--started-at", &cmd.started_at},
                                    std::pair{"--finished-at", &cmd.finished_at}}) {
    if (!value->empty() && !ingest::ParseRfc3339(*value)) {
      return Fail(std::string(flag) + " must be an RFC 3339 time such as 2026-11-29T12:00:00Z");
    }
  }
  if (!cmd.status.empty()) {
    const auto st = core::ParseRunStatus(cmd.status);
    if (!st) return Fail("--status must be one of queued, running, succeeded, failed, canceled, superseded");
    o["status"] = cmd.status;
    // Times make the order of events clear to opsdeck (docs/decisions.md,
    // "Pipeline runs"): default them to now.
    if (!cmd.started_at.empty()) o["started_at"] = cmd.started_at;
    else if (*st == core::RunStatus::kRunning) o["started_at"] = now_text;
    if (!cmd.finished_at.empty()) o["finished_at"] = cmd.finished_at;
    else if (core::IsTerminal(*st)) o["finished_at"] = now_text;
  }
  if (!cmd.stage.empty()) {
    const std::string& s = cmd.stage_status.empty() ? cmd.status : cmd.stage_status;
    const auto st = core::ParseRunStatus(s);
    if (!st) return Fail("--stage needs --stage-status (or --status): queued, running, succeeded, failed, canceled, superseded");
    json::object stage;
    stage["name"] = cmd.stage;
    stage["status"] = s;
    if (*st == core::RunStatus::kRunning) stage["started_at"] = now_text;
    if (core::IsTerminal(*st)) stage["finished_at"] = now_text;
    if (!cmd.stage_url.empty()) stage["url"] = cmd.stage_url;
    o["stage"] = std::move(stage);
  }
  for (const auto& [key, value] : {std::pair{"version", &cmd.version}, std::pair{"commit", &cmd.commit},
                                   std::pair{"ref", &cmd.ref}, std::pair{"url", &cmd.url},
                                   std::pair{"trigger", &cmd.trigger}, std::pair{"title", &cmd.title}}) {
    if (!value->empty()) o[key] = *value;
  }
  o["occurred_at"] = now_text;
  return true;
}

}  // namespace

int RunEvent(const EventCommand& cmd) {
  std::string base = cmd.server;
  if (base.empty()) {
    const char* env = std::getenv("OPSDECK_URL");
    base = env != nullptr ? env : "http://127.0.0.1:8080";
  }
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::string token;
  if (!cmd.token_file.empty()) {
    std::ifstream in(cmd.token_file);
    if (!in) {
      Fail("cannot read --token-file " + cmd.token_file);
      return kExitUsage;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    token = Trim(ss.str());
  } else if (const char* env = std::getenv("OPSDECK_EVENT_TOKEN")) {
    token = Trim(env);
  }
  if (token.empty()) {
    Fail("no token: set OPSDECK_EVENT_TOKEN or pass --token-file (sources.generic.token)");
    return kExitUsage;
  }
  json::object body;
  if (!BuildBody(cmd, std::chrono::time_point_cast<core::Duration>(std::chrono::system_clock::now()), &body)) {
    return kExitUsage;
  }
  std::string key = cmd.idempotency_key;
  if (key.empty()) {
    // Stable for this event, distinct from the run's other events: a retry
    // of this command line is deduplicated, the next step is not.
    key = cmd.pipeline + "/" + cmd.run_id + "/" + std::to_string(cmd.attempt) + "/" + cmd.status +
          "/" + cmd.stage + "/" + cmd.stage_status;
  }
  net::FetchOptions options;
  options.method = "POST";
  options.body = json::serialize(body);
  options.headers = {{"Content-Type", "application/json"},
                     {"Authorization", "Bearer " + token},
                     {"Idempotency-Key", key}};
  options.timeout = std::chrono::milliseconds(cmd.timeout_seconds * 1000);
  options.user_agent = "opsdeck-event";
  const std::string url = base + "/hooks/generic";
  if (cmd.dry_run) {
    std::printf("POST %s\nIdempotency-Key: %s\n\n%s\n", url.c_str(), key.c_str(), options.body.c_str());
    return kExitOk;
  }
  std::string last_error;
  for (int attempt = 0; attempt <= cmd.retries; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(500) * (1 << std::min(attempt - 1, 4)));
    auto r = net::FetchUrl(url, options);
    if (!r) {
      last_error = r.error().ToString();
      continue;
    }
    const long code = r->status;
    if (code == 429 || code >= 500) {
      last_error = "HTTP " + std::to_string(code) + ": " + Trim(r->body);
      continue;
    }
    if (code >= 200 && code < 300) {
      if (code == 202) std::fprintf(stderr, "opsdeck event: accepted but not used: %s\n", Trim(r->body).c_str());
      if (!cmd.quiet) std::printf("%s\n", Trim(r->body).c_str());
      return kExitOk;
    }
    std::fprintf(stderr, "opsdeck event: refused (HTTP %ld): %s\n", code, Trim(r->body).c_str());
    return kExitFailure;
  }
  std::fprintf(stderr, "opsdeck event: not delivered after %d attempt(s): %s\n", cmd.retries + 1,
               last_error.c_str());
  return kExitFailure;
}

}  // namespace opsdeck::app
