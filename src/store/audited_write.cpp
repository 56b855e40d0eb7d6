#include "store/audited_write.h"

namespace opsdeck::store {

core::Result<void> Mutation::Record(std::string_view entity_type, std::string_view entity_id,
                                    std::string_view action, std::string_view before_json,
                                    std::string_view after_json) {
  if (entity_type.empty() || action.empty()) {
    return core::Error::Internal("audit: entity type and action are required");
  }
  auto r = tx_.Exec(
      "INSERT INTO audit_events (at, actor_kind, actor_name, entity_type, entity_id, action, "
      "before_json, after_json, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {now_ms(), actor_.kind, actor_.name, std::string(entity_type), std::string(entity_id),
       std::string(action), std::string(before_json.empty() ? kJsonNull : before_json),
       std::string(after_json.empty() ? kJsonNull : after_json),
       request_id_.empty() ? Value() : Value(std::string(request_id_))});
  if (!r) return r.error();
  ++recorded_;
  return core::Ok();
}

}  // namespace opsdeck::store
