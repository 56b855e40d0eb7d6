// opsdeck: the command line. Each subcommand lives in app/cli_<name>.cpp;
// exit codes are in app/exit_codes.h and docs/cli.md.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "app/build_info.h"
#include "app/commands.h"
#include "app/exit_codes.h"
#include "net/log.h"

namespace {

std::string DefaultConfigPath() {
  const char* env = std::getenv("OPSDECK_CONFIG");
  return env != nullptr && *env != '\0' ? env : "opsdeck.yaml";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace opsdeck::app;
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

  int code = kExitUsage;
  if (*serve) code = RunServe(config_path);
  if (*check) code = RunCheckConfig(check_path, quiet);
  if (*migrate) code = RunMigrate(config_path);
  opsdeck::net::FlushLogs();
  return code;
}
