// GET /notifications (any signed-in role): the notification delivery log page
// (ui/notification_page.h), filled from the outbox. AddUiRoutes calls this.
#pragma once

#include "http/router.h"
#include "http/services.h"

namespace opsdeck::http {

void AddNotificationPageRoute(Router& router, const Services& services);

}  // namespace opsdeck::http
