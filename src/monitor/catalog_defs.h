// The catalog as the store and the API see it: config::CatalogConfig mapped
// onto store::TargetDef (services, then servers, in file order) with a
// one-line summary per check. Pure functions; any thread.
#pragma once

#include <string>
#include <vector>

#include "config/catalog_config.h"
#include "store/health_store.h"

namespace opsdeck::monitor {

// "GET https://api.example.com/health", "tcp 10.0.1.15:22",
// "tls dashboard.example.com:443 (min 14 days)", "dns A api.example.com",
// "heartbeat every 24h (grace 1h)". The URL is shown without userinfo or
// query (a query may carry a token).
std::string CheckSummary(const config::CheckConfig& check);

// Every target with its checks, then each external signal as an extra check
// of its target (index core::ExternalCheck(i), type cloudwatch or
// alertmanager).
std::vector<store::TargetDef> TargetDefs(const config::CatalogConfig& catalog);

}  // namespace opsdeck::monitor
