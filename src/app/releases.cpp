#include "app/releases.h"

#include "app/notifications.h"
#include "net/log.h"
#include "release/window_config.h"

namespace opsdeck::app {

core::Result<std::unique_ptr<Releases>> Releases::Start(store::Store& store,
                                                        const core::Clock& clock,
                                                        ConfigHolder& holder, net::EventBus& events,
                                                        std::function<void()> notify_wake) {
  release::DeskDeps deps;
  deps.store = &store;
  deps.clock = &clock;
  deps.config = [&holder] { return holder.Get(); };
  // Routed with the snapshot current when the change commits, like incidents.
  deps.route = RouteWithCurrentConfig(holder);
  deps.events = &events;
  deps.notify_wake = std::move(notify_wake);
  auto desk = release::ReleaseDesk::Create(std::move(deps));
  if (!desk) return desk.error();
  std::unique_ptr<Releases> r(new Releases());
  r->desk_ = std::move(*desk);
  return r;
}

Releases::~Releases() { Stop(); }

void Releases::Apply(const config::Config& config) {
  net::LogInfo("releases: config applied", {{"templates", config.releases.templates.size()},
                                            {"windows", config.releases.windows.size()},
                                            {"rollback_actions", config.releases.rollback.size()}});
}

void Releases::FillServices(http::Services& services) {
  release::ReleaseDesk* desk = desk_.get();
  services.releases = desk;
  services.on_intake = [desk](const store::IntakeResult& result) { desk->OnIntake(result); };
}

void Releases::Stop() {
  if (desk_) desk_->Stop();
}

std::vector<std::string> Releases::ConfigErrors(const config::Config& config) {
  return release::WindowErrors(config);
}

}  // namespace opsdeck::app
