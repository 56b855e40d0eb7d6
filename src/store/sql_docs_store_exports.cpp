// SqlDocsStore's AWS exports (008_docs_aws_exports.sql): uploaded bodies
// kept for later audit runs. The audit rows carry the name, the commands and
// the size, never the body (it can be megabytes, and it is AWS's data, not a
// change anyone made).
#include <algorithm>

#include "store/audited_write.h"
#include "store/json_text.h"
#include "store/sql_docs_store.h"

namespace opsdeck::store {
namespace {

constexpr std::string_view kEntity = "docs_aws_export";
constexpr std::string_view kColumns =
    "id, name, commands, resources, bytes, uploaded_at, uploaded_by";

AwsExportRecord FromRow(const Row& r) {
  AwsExportRecord e;
  e.id = IntOr(r[0], 0);
  e.name = TextOr(r[1]);
  e.commands = TextOr(r[2]);
  e.resources = IntOr(r[3], 0);
  e.bytes = IntOr(r[4], 0);
  e.uploaded_at = core::FromUnixMillis(IntOr(r[5], 0));
  e.uploaded_by = TextOr(r[6]);
  return e;
}

std::string ExportJson(const AwsExportRecord& e) {
  JsonObjectText j;
  j.Add("name", e.name).Add("commands", e.commands).Add("resources", e.resources);
  j.Add("bytes", e.bytes);
  return j.Finish();
}

core::Result<std::optional<AwsExportRecord>> LoadExport(Tx& tx, std::string_view name) {
  static const std::string sql =
      "SELECT " + std::string(kColumns) + " FROM docs_aws_exports WHERE name = ?";
  auto rows = tx.Query(sql, {std::string(name)});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<AwsExportRecord>();
  return std::optional(FromRow(rows->front()));
}

core::Result<void> CheckName(std::string_view name) {
  if (name.empty()) return core::Error::InvalidArgument("an AWS export needs a name", "name");
  if (name.size() > kMaxAwsExportNameBytes) {
    return core::Error::InvalidArgument(
        "an AWS export name must be at most " + std::to_string(kMaxAwsExportNameBytes) + " bytes",
        "name");
  }
  return CheckTextParams({std::string(name)});
}

}  // namespace

core::Result<AwsExportRecord> SqlDocsStore::PutAwsExport(std::string_view name,
                                                         std::string_view body,
                                                         std::string_view commands,
                                                         int64_t resources,
                                                         const core::Actor& actor,
                                                         std::string_view request_id) {
  if (auto r = CheckName(name); !r) return r.error();
  if (body.empty()) return core::Error::InvalidArgument("the AWS export is empty", "body");
  if (auto r = CheckTextParams({std::string(body), std::string(commands)}); !r) return r.error();
  return AuditedWrite<AwsExportRecord>(
      db_, clock_, actor, request_id, [&](Mutation& m) -> core::Result<AwsExportRecord> {
        auto before = LoadExport(m.tx(), name);
        if (!before) return before.error();
        AwsExportRecord after;
        after.name = std::string(name);
        after.commands = std::string(commands);
        after.resources = resources;
        after.bytes = static_cast<int64_t>(body.size());
        after.uploaded_at = core::FromUnixMillis(m.now_ms());
        after.uploaded_by = actor.ToString();
        auto rows = m.tx().Query(
            "INSERT INTO docs_aws_exports (name, body, commands, resources, bytes, uploaded_at, "
            "uploaded_by) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET "
            "body = excluded.body, commands = excluded.commands, resources = excluded.resources, "
            "bytes = excluded.bytes, uploaded_at = excluded.uploaded_at, "
            "uploaded_by = excluded.uploaded_by RETURNING id",
            {after.name, std::string(body), after.commands, after.resources, after.bytes,
             m.now_ms(), after.uploaded_by});
        if (!rows) return rows.error();
        if (rows->empty()) return core::Error::Internal("docs_aws_exports: no id returned");
        after.id = IntOr(rows->front()[0], 0);
        const std::string before_json = *before ? ExportJson(**before) : std::string(kJsonNull);
        if (auto a = m.Record(kEntity, after.name, *before ? "replace" : "upload", before_json,
                              ExportJson(after));
            !a) {
          return a.error();
        }
        return after;
      });
}

core::Result<std::vector<AwsExportRecord>> SqlDocsStore::ListAwsExports() {
  return ReadValue<std::vector<AwsExportRecord>>(
      db_, [](Tx& tx) -> core::Result<std::vector<AwsExportRecord>> {
        static const std::string sql =
            "SELECT " + std::string(kColumns) + " FROM docs_aws_exports ORDER BY name";
        auto rows = tx.Query(sql);
        if (!rows) return rows.error();
        std::vector<AwsExportRecord> out;
        for (const Row& r : *rows) out.push_back(FromRow(r));
        return out;
      });
}

core::Result<std::vector<AwsExportBody>> SqlDocsStore::AwsExportBodies() {
  return ReadValue<std::vector<AwsExportBody>>(
      db_, [](Tx& tx) -> core::Result<std::vector<AwsExportBody>> {
        auto rows = tx.Query("SELECT name, body FROM docs_aws_exports ORDER BY name");
        if (!rows) return rows.error();
        std::vector<AwsExportBody> out;
        for (const Row& r : *rows) out.push_back({TextOr(r[0]), TextOr(r[1])});
        return out;
      });
}

core::Result<void> SqlDocsStore::DeleteAwsExport(std::string_view name, const core::Actor& actor,
                                                 std::string_view request_id) {
  auto deleted = AuditedWrite<bool>(
      db_, clock_, actor, request_id, [&](Mutation& m) -> core::Result<bool> {
        auto before = LoadExport(m.tx(), name);
        if (!before) return before.error();
        if (!*before) return core::Error::NotFound("no AWS export named " + std::string(name));
        auto r = m.tx().Exec("DELETE FROM docs_aws_exports WHERE id = ?", {(*before)->id});
        if (!r) return r.error();
        if (auto a = m.Record(kEntity, (*before)->name, "delete", ExportJson(**before), kJsonNull);
            !a) {
          return a.error();
        }
        return true;
      });
  if (!deleted) return deleted.error();
  return core::Ok();
}

}  // namespace opsdeck::store
