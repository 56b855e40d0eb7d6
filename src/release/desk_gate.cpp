// ReleaseDesk::Gate: gathers core::GateInput from the config (protection,
// promotion path), the window schedule with overrides, the release of the
// version and its accepted booking, the previous environment's last deploy
// run and the environment's targets, then lets core::DecideGate answer.
#include <algorithm>

#include "release/facts.h"
#include "release/release_desk.h"

namespace opsdeck::release {

core::Result<core::GateDecision> ReleaseDesk::Gate(const std::string& environment,
                                                   const std::string& version) {
  const auto config = Config();
  const core::Environment* env = config->FindEnvironment(environment);
  if (env == nullptr) return core::Error::NotFound("no environment named '" + environment + "'");
  if (version.empty()) return core::Error::InvalidArgument("version is required", "version");

  core::GateInput in;
  in.environment = environment;
  in.version = version;
  in.is_protected = env->is_protected;
  if (!in.is_protected) return core::DecideGate(in);  // nothing to read: always allowed

  const core::TimePoint now = Now();
  in.windows = Schedule(config)->At(now);
  if (!in.windows.freezes.empty()) {
    auto overrides = deps_.store->releases().ListOverrides(now, now + core::Duration(1));
    if (!overrides) return overrides.error();
    in.freeze_overridden = std::all_of(
        in.windows.freezes.begin(), in.windows.freezes.end(), [&](const core::WindowOccurrence& f) {
          return std::any_of(overrides->begin(), overrides->end(),
                             [&](const store::FreezeOverride& o) {
                               return o.window == f.window && o.starts_at == f.start;
                             });
        });
  }

  auto release = ReleaseFor(deps_.store->releases(), version, environment);
  if (!release) return release.error();
  in.release = std::move(*release);

  if (const core::Environment* previous = PreviousEnvironment(*config, environment)) {
    in.previous_environment = previous->name;
    auto run = LastDeployRun(deps_.store->runs(), *config, previous->name, version);
    if (!run) return run.error();
    if (*run) in.previous_last_run = (*run)->status;
  }

  auto health = HealthOf(deps_.store->health(), environment);
  if (!health) return health.error();
  in.targets = health->targets;
  in.unhealthy = std::move(health->unhealthy);

  if (in.release && !in.windows.allows.empty()) {
    store::BookingQuery query;
    query.release_id = in.release->id;
    query.state = store::BookingState::kAccepted;
    query.from = now;
    query.to = now + core::Duration(1);
    auto bookings = deps_.store->releases().ListBookings(query);
    if (!bookings) return bookings.error();
    in.devops_confirmed =
        std::any_of(bookings->begin(), bookings->end(), [&](const store::Booking& b) {
          return std::any_of(in.windows.allows.begin(), in.windows.allows.end(),
                             [&](const core::WindowOccurrence& a) {
                               return a.window == b.window && a.start == b.starts_at;
                             });
        });
  }
  return core::DecideGate(in);
}

}  // namespace opsdeck::release
