// opsdeck: the command line. Each subcommand lives in app/cli_<name>.cpp;
// exit codes are in app/exit_codes.h and docs/cli.md.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "app/build_info.h"
#include "app/cli_audit.h"
#include "app/commands.h"
#include "app/exit_codes.h"
#include "net/log.h"
#include "net/memory.h"

namespace {

std::string DefaultConfigPath() {
  const char* env = std::getenv("OPSDECK_CONFIG");
  return env != nullptr && *env != '\0' ? env : "opsdeck.yaml";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace opsdeck::app;
  opsdeck::net::ConfigureAllocator();
  CLI::App app{
      "opsdeck: a self-hosted operations hub. CI/CD pipeline status per environment, health\n"
      "of services and servers, release checklists, windows and rollbacks, documentation\n"
      "audit, Discord notifications.\n\n"
      "Exit codes: 0 ok, 1 invalid config or failed command, 2 usage error,\n"
      "3 storage cannot be opened or migrated, 4 cannot listen."};
  app.name("opsdeck");
  app.set_version_flag("--version", std::string("opsdeck ") + kVersion + " (" + kCommit + ", " +
                                        kCompiler + ")");
  app.require_subcommand(1);

  std::string config_path = DefaultConfigPath();

  auto* serve = app.add_subcommand(
      "serve", "Run the server: HTTP API, webhooks, UI. SIGTERM/SIGINT stop it gracefully;\n"
               "SIGHUP reloads the config (an invalid file is refused, the running one stays).");
  serve->add_option("-c,--config", config_path, "Config file (default: $OPSDECK_CONFIG or opsdeck.yaml)");

  DemoCommand demo_cmd;
  auto* demo = app.add_subcommand(
      "demo",
      "Serve a live demo for a first look (docs/demo.md): the built-in example config\n"
      "with simulated pipelines (GitHub, GitLab and generic events through the real\n"
      "webhooks) and local targets whose health changes. Loopback only; storage in a\n"
      "fresh temporary directory, removed on exit, unless --data.");
  demo->add_option("--data", demo_cmd.data_dir, "Keep the config and SQLite store in DIR");
  demo->add_option("--listen", demo_cmd.listen, "Address of the UI and API (default 127.0.0.1:8080)");
  demo->add_option("--targets-listen", demo_cmd.targets_listen,
                   "Loopback address of the simulated targets (default 127.0.0.1:8091)");
  demo->add_option("--pace", demo_cmd.pace, "One beat of the demo's story (default 5s)");

  std::string check_path;
  bool quiet = false;
  auto* check = app.add_subcommand(
      "check-config",
      "Validate a config file. Exit 0 when valid; otherwise print every error as\n"
      "FILE:LINE:COLUMN: key.path: message and exit 1.");
  check->add_option("file", check_path, "Config file to check")->required();
  check->add_flag("-q,--quiet", quiet, "Print nothing when the file is valid");

  auto* migrate = app.add_subcommand(
      "migrate", "Apply pending database migrations to the configured storage, then exit.\n"
                 "(serve also applies them at start.)");
  migrate->add_option("-c,--config", config_path, "Config file (default: $OPSDECK_CONFIG or opsdeck.yaml)");

  EventCommand event_cmd;
  auto* event = app.add_subcommand(
      "event",
      "Send one pipeline event in opsdeck's generic format to POST /hooks/generic\n"
      "(docs/sources/generic.md). Token: $OPSDECK_EVENT_TOKEN or --token-file. Retries\n"
      "failures with the same Idempotency-Key. Exit 0 stored, 1 refused or undelivered, 2 usage.");
  event->add_option("--server", event_cmd.server, "opsdeck base URL (default: $OPSDECK_URL or http://127.0.0.1:8080)");
  event->add_option("--token-file", event_cmd.token_file, "File holding the sources.generic token");
  event->add_option("--pipeline", event_cmd.pipeline, "Pipeline id (pipelines[].match.generic.pipeline)")->required();
  event->add_option("--run-id", event_cmd.run_id, "The run's id, stable across attempts")->required();
  event->add_option("--attempt", event_cmd.attempt, "Attempt number (re-runs increment it)");
  event->add_option("--status", event_cmd.status, "queued|running|succeeded|failed|canceled|superseded");
  event->add_option("--stage", event_cmd.stage, "A stage of the run this event reports");
  event->add_option("--stage-status", event_cmd.stage_status, "The stage's status (default: --status)");
  event->add_option("--stage-url", event_cmd.stage_url, "Link to the stage's log");
  event->add_option("--version", event_cmd.version, "Version being built or deployed");
  event->add_option("--commit", event_cmd.commit, "Commit SHA");
  event->add_option("--ref", event_cmd.ref, "Branch or tag");
  event->add_option("--url", event_cmd.url, "Link to the run (http or https)");
  event->add_option("--trigger", event_cmd.trigger, "What started the run (\"push by alice\")");
  event->add_option("--title", event_cmd.title, "Title (first line kept)");
  event->add_option("--started-at", event_cmd.started_at, "RFC 3339 (default: now, for --status running)");
  event->add_option("--finished-at", event_cmd.finished_at, "RFC 3339 (default: now, for a final status)");
  event->add_option("--idempotency-key", event_cmd.idempotency_key, "Dedupe key (default: derived from the event)");
  event->add_option("--retries", event_cmd.retries, "Retries on network errors, 429 and 5xx (default 3)");
  event->add_option("--timeout", event_cmd.timeout_seconds, "Seconds per attempt (default 10)");
  event->add_flag("--dry-run", event_cmd.dry_run, "Print the request instead of sending it");
  event->add_flag("-q,--quiet", event_cmd.quiet, "Print nothing on success");

  NotifyCommand notify_cmd;
  auto* notify = app.add_subcommand("notify", "Notification channels.");
  notify->require_subcommand(1);
  auto* notify_test = notify->add_subcommand(
      "test",
      "Send one test message to a channel of notifications.channels, directly (not through\n"
      "the outbox). Exit 0 when the service accepted it, 1 with its reason otherwise.");
  notify_test->add_option("channel", notify_cmd.channel, "Channel name")->required();
  notify_test->add_option("-c,--config", config_path, "Config file (default: $OPSDECK_CONFIG or opsdeck.yaml)");
  notify_test->add_flag("-q,--quiet", notify_cmd.quiet, "Print nothing on success");

  AuditDocsCommand audit_cmd;
  auto* audit = app.add_subcommand("audit", "Audits of the configured infrastructure.");
  audit->require_subcommand(1);
  auto* audit_docs = audit->add_subcommand(
      "docs",
      "Documentation audit (docs/docs-audit.md): coverage of docs_audit.rules, broken docs\n"
      "and runbook links, AWS resources the catalog does not name and catalog identifiers\n"
      "AWS lacks (--aws FILE). Exit 0 when no gap is at warning or above, 1 when one is,\n"
      "2 on a bad command line, config or export.");
  audit_docs->add_option("-c,--config", config_path, "Config file (default: $OPSDECK_CONFIG or opsdeck.yaml)");
  AddAuditDocsOptions(*audit_docs, &audit_cmd);

  UserCommand user_cmd;
  auto* user = app.add_subcommand("user", "Manage local users (audited as cli:$USER).");
  user->require_subcommand(1);
  auto add_config = [&config_path](CLI::App* c) {
    c->add_option("-c,--config", config_path, "Config file (default: $OPSDECK_CONFIG or opsdeck.yaml)");
  };
  {
    auto* c = user->add_subcommand("add", "Create a user; the password is read as one line from stdin.");
    c->add_option("name", user_cmd.name, "User name (A-Z a-z 0-9 . _ @ -)")->required();
    c->add_option("-r,--role", user_cmd.role, "viewer | release-manager | devops | admin")->required();
    c->add_flag("--no-password", user_cmd.no_password, "No password sign-in (proxy-header users)");
    add_config(c);
    add_config(user->add_subcommand("list", "List users and their roles."));
    for (const char* action : {"disable", "enable", "set-password"}) {
      auto* d = user->add_subcommand(action, std::string(action) == "disable"
                                                 ? "Disable a user and end their sessions."
                                             : std::string(action) == "enable"
                                                 ? "Enable a disabled user."
                                                 : "Set a user's password (one line from stdin) and "
                                                   "end their sessions.");
      d->add_option("name", user_cmd.name, "User name")->required();
      add_config(d);
    }
    auto* r = user->add_subcommand("set-role", "Change a user's role.");
    r->add_option("name", user_cmd.name, "User name")->required();
    r->add_option("role", user_cmd.role, "viewer | release-manager | devops | admin")->required();
    add_config(r);
  }

  TokenCommand token_cmd;
  auto* token = app.add_subcommand("token", "Manage API tokens (audited as cli:$USER).");
  token->require_subcommand(1);
  {
    auto* c = token->add_subcommand("add", "Create an API token; prints it once on stdout.");
    c->add_option("name", token_cmd.name, "Token name")->required();
    c->add_option("-r,--role", token_cmd.role, "viewer | release-manager | devops | admin")->required();
    c->add_option("--expires", token_cmd.expires_in, "Lifetime such as 90d (default: never)");
    add_config(c);
    add_config(token->add_subcommand("list", "List tokens (never their values)."));
    auto* r = token->add_subcommand("revoke", "Revoke a token.");
    r->add_option("name", token_cmd.name, "Token name")->required();
    add_config(r);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }

  // Commands other than serve log warnings only (serve applies log.*).
  opsdeck::net::ConfigureLogging(opsdeck::net::LogLevel::kWarn, opsdeck::net::LogFormat::kText);
  int code = kExitUsage;
  if (*serve) code = RunServe(config_path);
  if (*demo) code = RunDemo(demo_cmd);
  if (*check) code = RunCheckConfig(check_path, quiet);
  if (*migrate) code = RunMigrate(config_path);
  if (*event) code = RunEvent(event_cmd);
  if (*notify) {
    notify_cmd.config_path = config_path;
    code = RunNotifyTest(notify_cmd);
  }
  if (*audit) {
    audit_cmd.config_path = config_path;
    code = RunAuditDocs(audit_cmd);
  }
  if (*user) {
    user_cmd.config_path = config_path;
    user_cmd.action = user->get_subcommands().front()->get_name();
    code = RunUser(user_cmd);
  }
  if (*token) {
    token_cmd.config_path = config_path;
    token_cmd.action = token->get_subcommands().front()->get_name();
    code = RunToken(token_cmd);
  }
  opsdeck::net::FlushLogs();
  return code;
}
