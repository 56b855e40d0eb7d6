// OutboxStore over a Database, written once for both backends (004_outbox.sql
// has the tables and why). AppendOutbox, for other stores' transactions, is
// declared in outbox_store.h and defined beside this.
// Thread-safety: safe from any thread; holds no mutable state.
#pragma once

#include "store/database.h"
#include "store/outbox_store.h"

namespace opsdeck::store {

class SqlOutboxStore final : public OutboxStore {
 public:
  explicit SqlOutboxStore(Database& db) : db_(db) {}

  core::Result<std::vector<int64_t>> Enqueue(const std::vector<OutboxEntry>& entries,
                                             core::TimePoint now) override;
  core::Result<std::vector<OutboxItem>> Pending(std::string_view channel, size_t limit) override;
  core::Result<std::optional<std::string>> MessageId(std::string_view channel,
                                                     std::string_view subject) override;
  core::Result<void> Complete(const OutboxOutcome& outcome, core::TimePoint now) override;
  core::Result<Page<OutboxItem>> List(const OutboxQuery& query) override;
  core::Result<std::optional<OutboxItem>> Get(int64_t id) override;
  core::Result<std::vector<OutboxCount>> Counts() override;
  core::Result<bool> AcquireLease(std::string_view channel, std::string_view holder,
                                  core::Duration ttl, core::TimePoint now) override;
  core::Result<std::optional<std::string>> LeaseHolder(std::string_view channel) override;
  core::Result<void> ReleaseLease(std::string_view channel, std::string_view holder) override;
  core::Result<int64_t> Prune(core::TimePoint before) override;

 private:
  Database& db_;
};

}  // namespace opsdeck::store
