// Small value types shared by several config sections: roles, severities and
// HTTP header lists. Plain values; safe to read from any thread once loaded.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/role.h"
#include "core/secret.h"

namespace opsdeck::config {

// Who may do what (PRODUCT.md, Roles): core's Role. Checklist items use only
// kReleaseManager and kDevops.
using Role = core::Role;
using core::RoleName;

// Ordered: a route with `severity: warning` also takes critical events.
enum class Severity { kInfo, kWarning, kCritical };
std::string_view SeverityName(Severity severity);  // "info", "warning", "critical"

// One HTTP header. The value is a secret because headers routinely carry
// credentials (`Authorization: "Bearer ${GITHUB_TOKEN}"`).
struct HeaderConfig {
  std::string name;
  core::SecretString value;
};
using HeaderList = std::vector<HeaderConfig>;  // file order kept

}  // namespace opsdeck::config
