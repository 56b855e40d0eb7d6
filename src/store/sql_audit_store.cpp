#include "store/sql_audit_store.h"

#include "store/audited_write.h"

#include <algorithm>
#include <charconv>

namespace opsdeck::store {
namespace {

constexpr int kMaxLimit = 500;
constexpr std::string_view kCursorPrefix = "audit:";

core::AuditEvent FromRow(const Row& r) {
  core::AuditEvent e;
  e.id = IntOr(r[0], 0);
  e.at = core::FromUnixMillis(IntOr(r[1], 0));
  e.actor = core::Actor{TextOr(r[2]), TextOr(r[3])};
  e.entity_type = TextOr(r[4]);
  e.entity_id = TextOr(r[5]);
  e.action = TextOr(r[6]);
  e.before_json = TextOr(r[7], "null");
  e.after_json = TextOr(r[8], "null");
  e.request_id = TextOr(r[9]);
  return e;
}

}  // namespace

std::string EncodeIdCursor(int64_t id) {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::string plain = std::string(kCursorPrefix) + std::to_string(id);
  std::string out;
  for (unsigned char c : plain) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xF]);
  }
  return out;
}

std::optional<int64_t> DecodeIdCursor(std::string_view cursor) {
  if (cursor.empty() || cursor.size() % 2 != 0 || cursor.size() > 64) return std::nullopt;
  std::string plain;
  for (size_t i = 0; i < cursor.size(); i += 2) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(cursor.data() + i, cursor.data() + i + 2, v, 16);
    if (ec != std::errc() || p != cursor.data() + i + 2) return std::nullopt;
    plain.push_back(static_cast<char>(v));
  }
  if (plain.rfind(kCursorPrefix, 0) != 0) return std::nullopt;
  const std::string_view digits = std::string_view(plain).substr(kCursorPrefix.size());
  int64_t id = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (ec != std::errc() || p != digits.data() + digits.size() || id <= 0) return std::nullopt;
  return id;
}

core::Result<void> SqlAuditStore::Record(const core::Actor& actor, std::string_view request_id,
                                         std::string_view entity_type, std::string_view entity_id,
                                         std::string_view action, std::string_view before_json,
                                         std::string_view after_json) {
  auto done = AuditedWrite<int>(db_, clock_, actor, request_id, [&](Mutation& m) -> core::Result<int> {
    auto r = m.Record(entity_type, entity_id, action, before_json, after_json);
    if (!r) return r.error();
    return 1;
  });
  if (!done) return done.error();
  return core::Ok();
}

core::Result<Page<core::AuditEvent>> SqlAuditStore::List(const AuditQuery& query) {
  const int limit = std::clamp(query.limit, 1, kMaxLimit);
  std::string sql =
      "SELECT id, at, actor_kind, actor_name, entity_type, entity_id, action, before_json, "
      "after_json, request_id FROM audit_events WHERE 1 = 1";
  Params params;
  if (query.cursor) {
    const auto before_id = DecodeIdCursor(*query.cursor);
    if (!before_id) return core::Error::InvalidArgument("malformed cursor", "cursor");
    sql += " AND id < ?";
    params.emplace_back(*before_id);
  }
  if (query.entity_type) {
    sql += " AND entity_type = ?";
    params.emplace_back(*query.entity_type);
  }
  if (query.entity_id) {
    sql += " AND entity_id = ?";
    params.emplace_back(*query.entity_id);
  }
  if (query.action) {
    sql += " AND action = ?";
    params.emplace_back(*query.action);
  }
  if (query.from) {
    sql += " AND at >= ?";
    params.emplace_back(core::ToUnixMillis(*query.from));
  }
  if (query.to) {
    sql += " AND at < ?";
    params.emplace_back(core::ToUnixMillis(*query.to));
  }
  sql += " ORDER BY id DESC LIMIT ?";
  params.emplace_back(int64_t{limit + 1});  // one extra row tells whether a next page exists

  return ReadValue<Page<core::AuditEvent>>(db_, [&](Tx& tx) -> core::Result<Page<core::AuditEvent>> {
    auto rows = tx.Query(sql, params);
    if (!rows) return rows.error();
    Page<core::AuditEvent> page;
    const size_t n = std::min(rows->size(), static_cast<size_t>(limit));
    page.items.reserve(n);
    for (size_t i = 0; i < n; ++i) page.items.push_back(FromRow((*rows)[i]));
    if (rows->size() > n) page.next = EncodeIdCursor(page.items.back().id);
    return page;
  });
}

}  // namespace opsdeck::store
