// core::Notice <-> the JSON text the outbox stores as an entry's payload.
// Internal format (times as Unix milliseconds); the webhook channel's
// documented body is built separately. Pure functions; any thread.
#pragma once

#include <string>
#include <string_view>

#include "core/notification.h"
#include "core/result.h"

namespace opsdeck::notify {

std::string NoticeToJson(const core::Notice& notice);
// kInvalidArgument when `text` is not a payload NoticeToJson wrote.
core::Result<core::Notice> NoticeFromJson(std::string_view text);

}  // namespace opsdeck::notify
