// Who may call a route: declared once per route in the route table. A route
// without a declaration allows nobody. Plain values; thread-safe.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>

#include "core/role.h"

namespace opsdeck::http {

struct Access {
  enum class Kind {
    kPublic,   // no authentication (health, metrics, static assets, login)
    kRoles,    // an authenticated principal with one of `roles`
    kWebhook,  // the route authenticates its source itself (signatures, tokens)
  };
  Kind kind = Kind::kRoles;
  uint8_t roles = 0;  // bit per core::Role; 0: nobody

  static Access Public() { return {Kind::kPublic, 0}; }
  static Access Webhook() { return {Kind::kWebhook, 0}; }
  // Any signed-in role: viewer, release-manager, devops, admin.
  static Access AnyRole() { return Only({core::Role::kViewer, core::Role::kReleaseManager,
                                         core::Role::kDevops, core::Role::kAdmin}); }
  static Access Only(std::initializer_list<core::Role> allowed) {
    Access a{Kind::kRoles, 0};
    for (core::Role r : allowed) a.roles |= Bit(r);
    return a;
  }
  bool Allows(core::Role r) const { return kind != Kind::kRoles || (roles & Bit(r)) != 0; }
  bool AllowsViewer() const { return Allows(core::Role::kViewer); }
  std::string Describe() const;

 private:
  static uint8_t Bit(core::Role r) { return static_cast<uint8_t>(1u << static_cast<unsigned>(r)); }
};

inline std::string Access::Describe() const {
  if (kind == Kind::kPublic) return "public";
  if (kind == Kind::kWebhook) return "webhook";
  std::string out;
  for (core::Role r : {core::Role::kViewer, core::Role::kReleaseManager, core::Role::kDevops,
                       core::Role::kAdmin}) {
    if (Allows(r)) {
      if (!out.empty()) out += ",";
      out += core::RoleName(r);
    }
  }
  return out.empty() ? "nobody" : out;
}

}  // namespace opsdeck::http
