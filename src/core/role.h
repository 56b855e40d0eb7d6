// Roles and principals (PRODUCT.md, Roles): who is acting, and with which role.
// Plain values; thread-safety is that of any value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/audit.h"

namespace opsdeck::core {

// viewer reads everything except secrets; release-manager runs releases;
// devops acknowledges incidents, rolls back, confirms windows; admin does all.
// Not ordered: release-manager and devops have different duties.
enum class Role { kViewer, kReleaseManager, kDevops, kAdmin };

std::string_view RoleName(Role role);  // "viewer", "release-manager", "devops", "admin"
std::optional<Role> ParseRole(std::string_view name);

// Who made a request, after authentication.
struct Principal {
  // kSystem: opsdeck acting on its own behalf (the built-in demo), never
  // the result of authenticating a request.
  enum class Kind { kAnonymous, kUser, kToken, kProxy, kSystem };
  Kind kind = Kind::kAnonymous;
  std::string name;           // user, token or proxy-header user name
  Role role = Role::kViewer;  // meaningless for kAnonymous
  bool via_cookie = false;    // a UI session: mutations need the CSRF token
  std::string csrf_token;     // the session's CSRF token (via_cookie only)

  bool authenticated() const { return kind != Kind::kAnonymous; }
  // The audit actor: "user:alice", "token:ci-deploy", "proxy:bob",
  // "system:demo".
  Actor ToActor() const;
};

}  // namespace opsdeck::core
