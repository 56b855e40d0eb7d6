// DocsStore over a Database, written once for both backends
// (007_docs_audit.sql and 008_docs_aws_exports.sql have the tables and why).
// Thread-safety: safe from any thread; no mutable state of its own.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "store/database.h"
#include "store/docs_store.h"

namespace opsdeck::store {

class SqlDocsStore final : public DocsStore {
 public:
  SqlDocsStore(Database& db, const core::Clock& clock) : db_(db), clock_(clock) {}

  core::Result<GapChanges> RecordGaps(const std::vector<GapSighting>& seen,
                                      const std::vector<std::string>& gone,
                                      const core::Actor& actor,
                                      std::string_view request_id) override;
  core::Result<GapRecord> SetTicket(std::string_view fingerprint, std::string_view key,
                                    const core::Actor& actor, std::string_view request_id) override;
  core::Result<GapRecord> MarkCommented(std::string_view fingerprint, const core::Actor& actor,
                                        std::string_view request_id) override;
  core::Result<std::optional<GapRecord>> GetGap(std::string_view fingerprint) override;
  core::Result<std::vector<GapRecord>> OpenGaps() override;
  core::Result<std::vector<GapRecord>> PendingComments() override;
  core::Result<Page<GapRecord>> ListGaps(const GapQuery& query) override;
  core::Result<GapChanges> RecordGapsAnnounced(const std::vector<GapSighting>& seen,
                                               const std::vector<std::string>& gone,
                                               const GapAnnouncer& announce,
                                               const core::Actor& actor,
                                               std::string_view request_id) override;
  // AWS exports (sql_docs_store_exports.cpp).
  core::Result<AwsExportRecord> PutAwsExport(std::string_view name, std::string_view body,
                                             std::string_view commands, int64_t resources,
                                             const core::Actor& actor,
                                             std::string_view request_id) override;
  core::Result<std::vector<AwsExportRecord>> ListAwsExports() override;
  core::Result<std::vector<AwsExportBody>> AwsExportBodies() override;
  core::Result<void> DeleteAwsExport(std::string_view name, const core::Actor& actor,
                                     std::string_view request_id) override;

 private:
  Database& db_;
  const core::Clock& clock_;
};

}  // namespace opsdeck::store
