#include "app/monitoring.h"

#include "app/notifications.h"
#include "core/cron_schedule.h"
#include "core/incident_notices.h"
#include "net/log.h"
#include "net/memory.h"
#include "net/secrets.h"
#include "net/time_zone.h"
#include "notify/router.h"

namespace opsdeck::app {

namespace {

core::IncidentNoticeContext ContextOf(const config::Config& c) {
  core::IncidentNoticeContext ctx;
  for (const auto& e : c.environments) {
    if (e.is_protected) ctx.protected_environments.push_back(e.name);
  }
  return ctx;
}

std::string WithBase(const config::Config& c, const std::string& path) {
  if (path.empty() || c.server.public_url.empty()) return {};
  std::string base = c.server.public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + path;
}

}  // namespace

Monitoring::Monitoring(ConfigHolder& holder, const core::Clock& clock) : holder_(holder), clock_(clock) {}

Monitoring::~Monitoring() { Stop(); }

core::Result<std::unique_ptr<Monitoring>> Monitoring::Start(store::Store& store, const core::Clock& clock,
                                                            ConfigHolder& holder, net::EventBus& events,
                                                            std::function<void()> notify_wake,
                                                            monitor::MonitorOptions options) {
  std::unique_ptr<Monitoring> m(new Monitoring(holder, clock));
  monitor::MonitorDeps deps;
  deps.store = &store.health();
  deps.clock = &clock;
  deps.events = &events;
  deps.notify_wake = std::move(notify_wake);
  deps.fresh_token = [] { return net::RandomToken(24); };
  deps.route = RouteWithCurrentConfig(holder);
  auto created = monitor::HealthMonitor::Create(std::move(deps), std::move(options));
  if (!created) return created.error();
  m->monitor_ = std::move(*created);
  if (auto r = m->monitor_->Apply(holder.Get()); !r) return r.error();
  net::ReleaseFreeMemory();  // the config load's tree is gone; keep only what runs
  return m;
}

void Monitoring::Apply() {
  if (auto r = monitor_->Apply(holder_.Get()); !r) {
    net::LogError("monitoring: the new catalog was not applied", {{"error", r.error().ToString()}});
  }
  net::ReleaseFreeMemory();
}

void Monitoring::FillServices(http::Services& services) {
  monitor::HealthMonitor* monitor = monitor_.get();
  services.submit_result = [monitor](core::CheckKey key, core::CheckResult result,
                                     std::function<void(core::Result<void>)> done) {
    monitor->Submit(std::move(key), std::move(result), std::move(done));
  };
  services.write_monitor_metrics = [monitor](std::string& out) { monitor->WriteMetrics(out); };
  services.settle_results = [monitor](const std::string& target) { monitor->SettleResults(target); };
  ConfigHolder* holder = &holder_;
  const core::Clock* clock = &clock_;
  services.announce_ack = [holder, clock](const store::Incident& incident, const core::Actor& actor) {
    const auto config = holder->Get();
    core::IncidentFacts facts;
    facts.target = incident.target;
    facts.environment = incident.environment;
    facts.subject = incident.subject;
    facts.cause = incident.cause;
    facts.root_target = incident.root_target;
    facts.started_at = incident.started_at;
    facts.ended_at = incident.ended_at;
    facts.state = incident.ended_at ? core::TargetState::kUp : core::TargetState::kDown;
    core::Notice notice = core::AcknowledgedNotice(facts, actor.name, clock->Now(), ContextOf(*config));
    notice.opsdeck_url = WithBase(*config, notice.opsdeck_url);
    std::vector<store::OutboxEntry> out;
    notify::Router(*config).Route(notice, &out);
    return out;
  };
  services.maintenance_occurrence = [](const config::MaintenanceConfig& m,
                                       core::TimePoint now) -> std::optional<http::MaintenanceOccurrence> {
    auto schedule = core::CronSchedule::Parse(m.schedule);
    auto zone = net::LocateTimeZone(m.timezone);
    if (!schedule || !zone) return std::nullopt;
    if (auto covering = schedule->Covering(now, m.duration, **zone)) {
      return http::MaintenanceOccurrence{covering->start, covering->end};
    }
    if (auto next = schedule->Next(now, **zone)) return http::MaintenanceOccurrence{*next, *next + m.duration};
    return std::nullopt;
  };
}

void Monitoring::Stop() {
  if (monitor_) monitor_->Stop();
}

}  // namespace opsdeck::app
