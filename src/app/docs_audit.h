// The documentation audit in the server: runs tickets::RunDocsAudit at
// start, after each config reload and every docs_audit.schedule; keeps the
// newest report for the API, the page and the overview; records the gaps,
// announces docs.* events through the outbox, and files Jira tickets on
// request (Services::docs_audit). Thread-safe.
#pragma once

#include <functional>
#include <memory>

#include "app/config_holder.h"
#include "config/config.h"
#include "core/clock.h"
#include "core/result.h"
#include "http/services.h"
#include "net/event_bus.h"
#include "store/store.h"
#include "tickets/audit_service.h"

namespace opsdeck::app {

class DocsAudit {
 public:
  // Starts its thread; the first run begins at once (in the background).
  static core::Result<std::unique_ptr<DocsAudit>> Start(store::Store& store,
                                                        const core::Clock& clock,
                                                        ConfigHolder& holder,
                                                        net::EventBus& events,
                                                        std::function<void()> notify_wake);
  ~DocsAudit();
  // The config changed: run again with it.
  void Apply(const config::Config& config);
  void FillServices(http::Services& services);
  // Stops the thread (a run in progress is abandoned). Call before the store
  // closes. Idempotent.
  void Stop();

 private:
  DocsAudit() = default;
  std::unique_ptr<tickets::AuditService> service_;
};

}  // namespace opsdeck::app
