// The plain facts core's release notices take (core/release_notices.h),
// from the store's rows, the window schedule and the config. Pure; any thread.
#pragma once

#include <string>

#include "config/config.h"
#include "core/release.h"
#include "core/release_notices.h"
#include "core/window_schedule.h"
#include "store/release_store.h"

namespace opsdeck::release {

// `public_url` wins over the config's server.public_url when not empty.
core::ReleaseNoticeContext NoticeContext(const config::Config& config,
                                         const std::string& public_url);

// `release` may be null (its version and environment are then left empty).
core::BookingFacts BookingFactsOf(const store::Booking& booking, const core::Release* release,
                                  const core::WindowSchedule& schedule);
core::FreezeOverrideFacts OverrideFactsOf(const store::FreezeOverride& override_);
core::RollbackFacts RollbackFactsOf(const store::Rollback& rollback,
                                    const std::string& release_version);

}  // namespace opsdeck::release
