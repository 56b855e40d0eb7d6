// The server's documentation audit (tickets::AuditDesk): one worker thread
// runs RunDocsAudit at start, when asked (reload, API, an upload) and every
// docs_audit.schedule, never two at once; records each run's gaps in
// DocsStore together with their docs.* announcements, comments on the Jira
// issues of fixed gaps when `jira:` is configured, keeps the newest report
// and tells the event stream ("docs.audit"). AWS exports uploaded through
// the API are stored and read by every later run.
// Thread-safety: every public method may be called from any thread.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "core/clock.h"
#include "core/notification.h"
#include "net/event_bus.h"
#include "store/store.h"
#include "tickets/audit_desk.h"
#include "tickets/jira_client.h"
#include "tickets/link_checker.h"

namespace opsdeck::tickets {

struct AuditServiceDeps {
  store::Store* store = nullptr;
  const core::Clock* clock = nullptr;
  // The current config snapshot (read at every run and filing).
  std::function<std::shared_ptr<const config::Config>()> config;
  // A notice as outbox entries, routed with the current config; empty: no
  // announcements.
  std::function<std::vector<store::OutboxEntry>(const core::Notice&)> route;
  net::EventBus* events = nullptr;  // may be null
  std::function<void()> notify_wake;  // outbox entries were committed; may be empty
  // Null: HttpLinkChecker with its defaults.
  std::unique_ptr<LinkChecker> links;
  // Builds the Jira client for a filing or the fixed-gap comments; empty:
  // JiraClient::Create. Tests pass a fake.
  std::function<core::Result<std::unique_ptr<JiraApi>>(const config::JiraConfig&)> jira;
  // The longest the worker sleeps before reading the clock again, so a
  // clock that jumps (or a test's manual one) is noticed.
  core::Duration max_sleep = std::chrono::seconds(60);
};

class AuditService final : public AuditDesk {
 public:
  // kInvalidArgument when store, clock or config is missing. Start() begins
  // the worker.
  static core::Result<std::unique_ptr<AuditService>> Create(AuditServiceDeps deps);
  ~AuditService() override;
  AuditService(const AuditService&) = delete;
  AuditService& operator=(const AuditService&) = delete;

  // Starts the worker thread; its first run ("start") begins at once.
  void Start();
  // Waits for a run in progress to end (link checks cannot be interrupted)
  // and joins the worker; later requests are ignored. Idempotent.
  void Stop();

  std::shared_ptr<const AuditSnapshot> Latest() const override;
  int64_t RequestRun(std::string trigger) override;
  std::shared_ptr<const AuditSnapshot> WaitFor(int64_t sequence,
                                               core::Duration timeout) override;
  bool Running() const override;
  core::Result<store::AwsExportRecord> UploadAwsExport(std::string_view name,
                                                       std::string_view body,
                                                       const core::Actor& actor,
                                                       std::string_view request_id) override;
  core::Result<std::vector<store::AwsExportRecord>> AwsExports() override;
  core::Result<void> DeleteAwsExport(std::string_view name, const core::Actor& actor,
                                     std::string_view request_id) override;
  core::Result<FilingReport> FileTickets(bool dry_run, const core::Actor& actor,
                                         std::string_view request_id) override;

 private:
  explicit AuditService(AuditServiceDeps deps);
  void Loop();
  // One whole run; never throws.
  void RunOnce(int64_t sequence, const std::string& trigger);
  // The stored exports, merged; nullopt when there are none.
  std::optional<AwsInventory> StoredExports(std::vector<std::string>& warnings);
  // Records the run's gaps and their announcements.
  void Record(const DocsAuditReport& report, const std::string& trigger, int64_t sequence);
  // Comments on the issues of fixed gaps, when jira: is configured.
  void CommentFixed(const config::Config& config, int64_t sequence);
  core::Result<std::unique_ptr<JiraApi>> MakeJira(const config::JiraConfig& jira);
  void Announce(const std::vector<core::Notice>& notices);
  void PublishFinished(const AuditSnapshot& snapshot, std::string_view change);

  AuditServiceDeps deps_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::shared_ptr<const AuditSnapshot> latest_;  // GUARDED_BY(mu_)
  std::optional<std::string> pending_;           // GUARDED_BY(mu_): a queued run's trigger
  int64_t started_ = 0;                          // GUARDED_BY(mu_): runs begun
  int64_t finished_ = 0;                         // GUARDED_BY(mu_)
  bool running_ = false;                         // GUARDED_BY(mu_)
  bool stop_ = false;                            // GUARDED_BY(mu_)
  core::TimePoint next_due_{};                   // GUARDED_BY(mu_): the scheduled run
  std::thread worker_;

  // Held while a run records its gaps and comments, and while tickets are
  // filed, so the two never interleave their store and Jira work.
  std::mutex jira_mu_;
};

}  // namespace opsdeck::tickets
