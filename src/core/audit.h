// Audit events: who did what to which entity, when, with the state before and
// after. Every mutation writes exactly one (store/audited_write.h). Plain values.
#pragma once

#include <cstdint>
#include <string>

#include "core/clock.h"

namespace opsdeck::core {

// Who acted. `kind` is "user", "token", "system"; `name` the user/token name or
// the subsystem ("config", "migrate").
struct Actor {
  std::string kind = "system";
  std::string name;

  static Actor System(std::string subsystem) { return Actor{"system", std::move(subsystem)}; }
  std::string ToString() const { return kind + ":" + name; }
};

struct AuditEvent {
  int64_t id = 0;  // assigned by the store
  TimePoint at{};
  Actor actor;
  std::string entity_type;  // "environment", "config", "release", ...
  std::string entity_id;    // the entity's name or id
  std::string action;       // "create", "update", "delete", "reload", ...
  std::string before_json;  // JSON text, "null" when the entity did not exist
  std::string after_json;   // JSON text, "null" when the entity was removed
  std::string request_id;   // the HTTP request that caused it, if any
};

}  // namespace opsdeck::core
