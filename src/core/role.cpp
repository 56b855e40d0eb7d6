#include "core/role.h"

namespace opsdeck::core {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kViewer: return "viewer";
    case Role::kReleaseManager: return "release-manager";
    case Role::kDevops: return "devops";
    case Role::kAdmin: return "admin";
  }
  return "viewer";
}

std::optional<Role> ParseRole(std::string_view name) {
  if (name == "viewer") return Role::kViewer;
  if (name == "release-manager") return Role::kReleaseManager;
  if (name == "devops") return Role::kDevops;
  if (name == "admin") return Role::kAdmin;
  return std::nullopt;
}

Actor Principal::ToActor() const {
  switch (kind) {
    case Kind::kUser: return Actor{"user", name};
    case Kind::kToken: return Actor{"token", name};
    case Kind::kProxy: return Actor{"proxy", name};
    case Kind::kSystem: return Actor{"system", name};
    case Kind::kAnonymous: break;
  }
  return Actor{"anonymous", ""};
}

}  // namespace opsdeck::core
