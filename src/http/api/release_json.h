// JSON shapes of the release API (releases and their checklist items, window
// occurrences with bookings and overrides, the gate's decision, rollbacks),
// shared by api/releases.cpp, windows.cpp, gate.cpp and rollbacks.cpp
// (docs/openapi.yaml: Release, ChecklistItem, WindowOccurrence, Booking,
// FreezeOverride, GateDecision, Rollback). Times are RFC 3339 UTC; absent
// values are null. Pure functions; thread-safe.
#pragma once

#include <boost/json/object.hpp>

#include <vector>

#include "core/gate.h"
#include "core/release.h"
#include "release/desk.h"
#include "store/release_store.h"

namespace opsdeck::http {

boost::json::object ChecklistItemJson(const core::ChecklistItem& item);
// [{role, done, total, required_done, required_total}], release-manager first.
boost::json::array ProgressJson(const core::Release& release);
// The release with `progress`; with `items` (the checklist) when `detail`.
boost::json::object ReleaseJson(const core::Release& release, bool detail);
boost::json::object BookingJson(const store::Booking& booking);
boost::json::object OverrideJson(const store::FreezeOverride& override_);
// One occurrence: window, kind (allow | deny), starts_at, ends_at, active
// (covers `now`), devops, bookings, override (deny windows; null otherwise).
boost::json::object WindowOccurrenceJson(const release::WindowView& view, core::TimePoint now);
// {"allowed": bool, "reasons": [{code, message}...]}
boost::json::object GateJson(const core::GateDecision& decision);
boost::json::object RollbackJson(const store::Rollback& rollback);

}  // namespace opsdeck::http
