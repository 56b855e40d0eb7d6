#include "release/window_config.h"

#include "core/cron_schedule.h"
#include "net/log.h"
#include "net/time_zone.h"

namespace opsdeck::release {

BuiltSchedule BuildWindowSchedule(const config::ReleasesConfig& releases) {
  BuiltSchedule out;
  std::vector<core::WindowDef> defs;
  for (const config::ReleaseWindowConfig& w : releases.windows) {
    core::WindowDef def;
    def.name = w.name;
    def.deny = w.kind == config::WindowKind::kDeny;
    def.devops = w.devops;
    if (w.schedule.empty()) {
      def.from = w.from;
      def.until = w.until;
    } else {
      auto schedule = core::CronSchedule::Parse(w.schedule);
      if (!schedule) {
        out.errors.push_back("window " + w.name + ": schedule: " + schedule.error().message);
        continue;
      }
      auto zone = net::LocateTimeZone(w.timezone);
      if (!zone) {
        out.errors.push_back("window " + w.name + ": timezone: " + zone.error().message);
        continue;
      }
      def.schedule = std::move(*schedule);
      def.duration = w.duration;
      def.zone = std::move(*zone);
    }
    defs.push_back(std::move(def));
  }
  out.schedule = std::make_shared<const core::WindowSchedule>(std::move(defs));
  return out;
}

std::vector<std::string> WindowErrors(const config::Config& config) {
  return BuildWindowSchedule(config.releases).errors;
}

std::shared_ptr<const core::WindowSchedule> ScheduleCache::For(
    const std::shared_ptr<const config::Config>& config) {
  std::lock_guard lock(mu_);
  if (schedule_ && built_for_.lock() == config) return schedule_;
  BuiltSchedule built = BuildWindowSchedule(config->releases);
  for (const auto& e : built.errors) net::LogError("release window left out", {{"error", e}});
  schedule_ = std::move(built.schedule);
  built_for_ = config;
  return schedule_;
}

}  // namespace opsdeck::release
