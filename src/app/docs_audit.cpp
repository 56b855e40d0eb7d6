#include "app/docs_audit.h"

#include "app/notifications.h"
#include "net/log.h"

namespace opsdeck::app {

core::Result<std::unique_ptr<DocsAudit>> DocsAudit::Start(store::Store& store,
                                                          const core::Clock& clock,
                                                          ConfigHolder& holder,
                                                          net::EventBus& events,
                                                          std::function<void()> notify_wake) {
  tickets::AuditServiceDeps deps;
  deps.store = &store;
  deps.clock = &clock;
  deps.config = [&holder] { return holder.Get(); };
  // Routed with the snapshot current when the run commits, like releases.
  deps.route = RouteWithCurrentConfig(holder);
  deps.events = &events;
  deps.notify_wake = std::move(notify_wake);
  auto service = tickets::AuditService::Create(std::move(deps));
  if (!service) return service.error();
  std::unique_ptr<DocsAudit> d(new DocsAudit());
  d->service_ = std::move(*service);
  d->service_->Start();
  return d;
}

DocsAudit::~DocsAudit() { Stop(); }

void DocsAudit::Apply(const config::Config& config) {
  if (!service_) return;
  const int64_t sequence = service_->RequestRun("reload");
  net::LogInfo("docs audit: config applied, run requested",
               {{"sequence", sequence},
                {"rules", static_cast<int64_t>(config.docs_audit.rules.size())},
                {"jira", config.jira ? "configured" : "none"}});
}

void DocsAudit::FillServices(http::Services& services) { services.docs_audit = service_.get(); }

void DocsAudit::Stop() {
  if (service_) service_->Stop();
}

}  // namespace opsdeck::app
