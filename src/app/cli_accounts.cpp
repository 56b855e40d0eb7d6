// `opsdeck user ...` and `opsdeck token ...`: account management on the
// configured store, for the first admin and for scripts. Every change is
// audited with the actor "cli:<OS user>".
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "app/commands.h"
#include "app/exit_codes.h"
#include "app/store_factory.h"
#include "config/formats.h"
#include "config/loader.h"
#include "http/auth.h"
#include "net/secrets.h"
#include "net/system_clock.h"

namespace opsdeck::app {
namespace {

core::Actor CliActor() {
  const char* user = std::getenv("USER");
  return core::Actor{"cli", user != nullptr && *user != '\0' ? user : "unknown"};
}

std::string Time(const std::optional<core::TimePoint>& t) {
  return t ? core::FormatRfc3339(*t) : "-";
}

// Opens the configured store (migrated). Prints the error and returns null on failure.
std::unique_ptr<store::Store> Open(const std::string& config_path, net::SystemClock& clock,
                                   int* exit_code) {
  const config::LoadResult loaded = config::LoadFile(config_path, config::ProcessEnv());
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) std::fprintf(stderr, "%s\n", e.ToString().c_str());
    *exit_code = kExitFailure;
    return nullptr;
  }
  auto store = OpenAndMigrate(loaded.config->storage, clock);
  if (!store) {
    std::fprintf(stderr, "storage: %s\n", store.error().ToString().c_str());
    *exit_code = kExitStorage;
    return nullptr;
  }
  return std::move(*store);
}

int Fail(const core::Error& e) {
  std::fprintf(stderr, "error: %s\n", e.ToString().c_str());
  return kExitFailure;
}

// The password: one line from stdin (not echoed when stdin is a terminal is
// left to the shell: use `read -s` or a pipe).
core::Result<std::string> ReadPassword() {
  if (isatty(STDIN_FILENO)) std::fprintf(stderr, "password (then Enter): ");
  std::string line;
  if (!std::getline(std::cin, line)) return core::Error::InvalidArgument("no password on stdin");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.size() < net::kMinPasswordLength) {
    return core::Error::InvalidArgument("password must have at least " +
                                        std::to_string(net::kMinPasswordLength) + " characters");
  }
  return line;
}

}  // namespace

int RunUser(const UserCommand& cmd) {
  net::SystemClock clock;
  int code = kExitOk;
  auto store = Open(cmd.config_path, clock, &code);
  if (!store) return code;
  auto& users = store->users();
  const core::Actor actor = CliActor();
  if (cmd.action == "list") {
    auto list = users.List();
    if (!list) return Fail(list.error());
    std::printf("%-24s %-16s %-9s %s\n", "NAME", "ROLE", "DISABLED", "PASSWORD");
    for (const auto& u : *list) {
      std::printf("%-24s %-16s %-9s %s\n", u.name.c_str(), std::string(core::RoleName(u.role)).c_str(),
                  u.disabled ? "yes" : "no", u.password_hash.empty() ? "no" : "yes");
    }
    store->Close();
    return kExitOk;
  }
  if (!http::ValidAccountName(cmd.name)) {
    return Fail(core::Error::InvalidArgument("user name must be 1-64 of A-Z a-z 0-9 . _ @ -"));
  }
  std::optional<core::Role> role;
  if (!cmd.role.empty()) {
    role = core::ParseRole(cmd.role);
    if (!role) return Fail(core::Error::InvalidArgument("role must be viewer, release-manager, devops or admin"));
  }
  core::Result<void> done;
  if (cmd.action == "add") {
    if (!role) return Fail(core::Error::InvalidArgument("--role is required"));
    std::string hash;
    if (!cmd.no_password) {
      auto pw = ReadPassword();
      if (!pw) return Fail(pw.error());
      auto h = net::HashPassword(*pw);
      if (!h) return Fail(h.error());
      hash = std::move(*h);
    }
    auto u = users.Create(cmd.name, *role, hash, actor, "");
    if (!u) return Fail(u.error());
    std::printf("user %s created with role %s\n", cmd.name.c_str(), cmd.role.c_str());
  } else if (cmd.action == "set-role") {
    if (!role) return Fail(core::Error::InvalidArgument("ROLE is required"));
    auto u = users.SetRole(cmd.name, *role, actor, "");
    if (!u) return Fail(u.error());
    std::printf("user %s now has role %s\n", cmd.name.c_str(), cmd.role.c_str());
  } else if (cmd.action == "disable" || cmd.action == "enable") {
    auto u = users.SetDisabled(cmd.name, cmd.action == "disable", actor, "");
    if (!u) return Fail(u.error());
    std::printf("user %s %sd\n", cmd.name.c_str(), cmd.action.c_str());
  } else if (cmd.action == "set-password") {
    auto pw = ReadPassword();
    if (!pw) return Fail(pw.error());
    auto h = net::HashPassword(*pw);
    if (!h) return Fail(h.error());
    if (auto r = users.SetPasswordHash(cmd.name, *h, actor, ""); !r) return Fail(r.error());
    std::printf("password of %s changed\n", cmd.name.c_str());
  }
  store->Close();
  return kExitOk;
}

int RunToken(const TokenCommand& cmd) {
  net::SystemClock clock;
  int code = kExitOk;
  auto store = Open(cmd.config_path, clock, &code);
  if (!store) return code;
  auto& tokens = store->tokens();
  if (cmd.action == "list") {
    auto list = tokens.List();
    if (!list) return Fail(list.error());
    std::printf("%-24s %-16s %-25s %-25s %s\n", "NAME", "ROLE", "EXPIRES", "LAST USED", "REVOKED");
    for (const auto& t : *list) {
      std::printf("%-24s %-16s %-25s %-25s %s\n", t.name.c_str(),
                  std::string(core::RoleName(t.role)).c_str(), Time(t.expires_at).c_str(),
                  Time(t.last_used_at).c_str(), Time(t.revoked_at).c_str());
    }
    store->Close();
    return kExitOk;
  }
  if (!http::ValidAccountName(cmd.name)) {
    return Fail(core::Error::InvalidArgument("token name must be 1-64 of A-Z a-z 0-9 . _ @ -"));
  }
  if (cmd.action == "revoke") {
    auto t = tokens.Revoke(cmd.name, CliActor(), "");
    if (!t) return Fail(t.error());
    std::printf("token %s revoked\n", cmd.name.c_str());
    store->Close();
    return kExitOk;
  }
  auto role = core::ParseRole(cmd.role);
  if (!role) return Fail(core::Error::InvalidArgument("--role must be viewer, release-manager, devops or admin"));
  std::optional<core::TimePoint> expires;
  if (!cmd.expires_in.empty()) {
    auto d = config::ParseDuration(cmd.expires_in);
    if (!d || d->count() <= 0) return Fail(core::Error::InvalidArgument("--expires must be a duration such as 90d"));
    expires = clock.Now() + *d;
  }
  const std::string token = "odk_" + net::RandomToken(32);
  auto t = tokens.Create(cmd.name, *role, net::Sha256Hex(token), expires, CliActor(), "");
  if (!t) return Fail(t.error());
  // The token itself goes to stdout alone, so `TOKEN=$(opsdeck token add ...)` works.
  std::fprintf(stderr, "token %s created with role %s%s; it is shown once:\n", cmd.name.c_str(),
               cmd.role.c_str(), expires ? (", expires " + core::FormatRfc3339(*expires)).c_str() : "");
  std::printf("%s\n", token.c_str());
  store->Close();
  return kExitOk;
}

}  // namespace opsdeck::app
