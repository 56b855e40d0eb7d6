// Renders monitoring signal results (ingest/signal_result.h) in the shape of
// the alertmanager/ and cloudwatch/ fixtures' expected files:
// {"results": [{"target", "check", "ok", "error"?}], "unmatched": [...],
//  "ignored"?: "..."}; errors as {"error": {"code", "where"}}.
#pragma once

#include <boost/json/object.hpp>

#include "core/error.h"
#include "ingest/signal_result.h"

namespace opsdeck::ingest::testing {

inline boost::json::object RenderMapping(const SignalMapping& m) {
  boost::json::array results;
  for (const auto& r : m.results) {
    boost::json::object o{{"target", r.key.target}, {"check", r.key.check}, {"ok", r.result.ok}};
    if (!r.result.error.empty()) o["error"] = r.result.error;
    results.push_back(std::move(o));
  }
  boost::json::array unmatched;
  for (const auto& u : m.unmatched) unmatched.emplace_back(u);
  boost::json::object out{{"results", std::move(results)}, {"unmatched", std::move(unmatched)}};
  if (!m.ignored.empty()) out["ignored"] = m.ignored;
  return out;
}

inline boost::json::object RenderError(const core::Error& e) {
  return {{"error", {{"code", core::ErrorCodeName(e.code)}, {"where", e.where}}}};
}

// The catalog.external list every signal fixture maps against.
inline std::vector<config::ExternalSignalConfig> TestExternal() {
  using config::ExternalType;
  std::vector<config::ExternalSignalConfig> out(4);
  out[0] = {ExternalType::kCloudwatch, "dashboard-api-5xx", {}, "dashboard-api"};                 // -1
  out[1] = {ExternalType::kAlertmanager, "", {{"service", "dashboard-api"}}, "dashboard-api"};     // -2
  out[2] = {ExternalType::kAlertmanager, "", {{"service", "dashboard-db"}, {"severity", "critical"}},
            "dashboard-db"};                                                                      // -3
  out[3] = {ExternalType::kCloudwatch, "dashboard-db-cpu", {}, "dashboard-db"};                    // -4
  return out;
}

}  // namespace opsdeck::ingest::testing
