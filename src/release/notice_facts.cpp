#include "release/notice_facts.h"

namespace opsdeck::release {

core::ReleaseNoticeContext NoticeContext(const config::Config& config,
                                         const std::string& public_url) {
  core::ReleaseNoticeContext ctx;
  ctx.public_url = public_url.empty() ? config.server.public_url : public_url;
  for (const core::Environment& e : config.environments) {
    if (e.is_protected) ctx.protected_environments.push_back(e.name);
  }
  return ctx;
}

core::BookingFacts BookingFactsOf(const store::Booking& booking, const core::Release* release,
                                  const core::WindowSchedule& schedule) {
  core::BookingFacts f;
  f.id = booking.id;
  f.release_id = booking.release_id;
  if (release != nullptr) {
    f.version = release->version;
    if (!release->environments.empty()) f.environment = release->environments.back();
  }
  f.window = booking.window;
  f.starts_at = booking.starts_at;
  f.ends_at = booking.ends_at;
  if (const core::WindowDef* def = schedule.Find(booking.window)) {
    f.zone = def->zone;
    f.devops = def->devops;
  }
  f.requested_by = booking.requested_by;
  f.decided_by = booking.decided_by;
  f.note = booking.note;
  return f;
}

core::FreezeOverrideFacts OverrideFactsOf(const store::FreezeOverride& o) {
  core::FreezeOverrideFacts f;
  f.id = o.id;
  f.window = o.window;
  f.starts_at = o.starts_at;
  f.ends_at = o.ends_at;
  f.reason = o.reason;
  f.by = o.by;
  return f;
}

core::RollbackFacts RollbackFactsOf(const store::Rollback& r, const std::string& release_version) {
  core::RollbackFacts f;
  f.id = r.id;
  f.environment = r.environment;
  f.version = r.version;
  f.release_id = r.release_id;
  f.release_version = release_version;
  f.started_by = r.started_by;
  f.started_at = r.started_at;
  f.finished_at = r.finished_at;
  f.action = r.action;
  f.action_result = r.action_result;
  f.run_id = r.run_id;
  f.error = r.error;
  return f;
}

}  // namespace opsdeck::release
