// What every webhook handler shares: the delivery as a source reads it, the
// JSON answers (PRODUCT.md, Webhooks), and handing passive results (heartbeat
// pushes, CloudWatch alarms, Alertmanager alerts) to the monitor and learning
// when they are durable. Stateless functions; thread-safe.
#pragma once

#include <boost/json/object.hpp>

#include <functional>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "http/services.h"
#include "http/types.h"
#include "ingest/signal_result.h"
#include "ingest/source.h"

namespace opsdeck::http {

ingest::Delivery ToDelivery(const Request& req);

// A refused delivery: {"error": {"code", "message", "pointer"}}, `pointer`
// naming the offending value (a JSON pointer or header) for invalid input.
Response HookError(const Request& req, const core::Error& error);

// {"status": <status>, ...extra}.
Response HookStatus(const Request& req, beast_http::status code, std::string_view status,
                    boost::json::object extra = {});

// Hands every result to services.submit_result; `done` runs once, after all
// of them committed (ok) or with the first failure. kUnavailable without
// calling anything when the monitor is not running (submit_result empty).
void SubmitAll(const Services& services, std::vector<ingest::SignalResult> results,
               std::function<void(core::Result<void>)> done);

// The same, blocking the calling thread (an intake thread) until all are
// durable, at most `kSubmitTimeout` (then kUnavailable: the sender retries).
core::Result<void> SubmitAndWait(const Services& services,
                                 std::vector<ingest::SignalResult> results);

// [{"target", "check", "ok"}] for an answer.
boost::json::array ResultsJson(const std::vector<ingest::SignalResult>& results);

}  // namespace opsdeck::http
