// Webhook intake routes (hook_routes.cpp has the answers and their codes).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/result.h"
#include "http/router.h"
#include "ingest/sns_verifier.h"
#include "http/services.h"
#include "store/run_store.h"

namespace opsdeck::http {

// What the app plugs into intake.
struct IntakeHooks {
  // Confirms an SNS subscription: a GET of `url` (already checked to be an
  // https SNS URL by the source). Runs on the intake executor; may block.
  std::function<core::Result<void>(const std::string& url)> confirm;
  // Fetches the certificates SNS messages are signed with (cached).
  std::shared_ptr<ingest::CertificateProvider> certificates;
};

void AddHookRoutes(Router& router, const Services& services, IntakeHooks hooks);

}  // namespace opsdeck::http
