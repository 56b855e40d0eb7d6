// Webhooks that feed monitoring rather than pipelines (monitor_hooks.cpp):
// heartbeat pushes, Alertmanager notifications, and the answer to a CloudWatch
// alarm change arriving at /hooks/aws. Same answer rules as hook_routes.cpp:
// 2xx only once the monitor's results are durable. Thread-safe.
#pragma once

#include "config/config.h"
#include "http/router.h"
#include "http/services.h"
#include "ingest/cloudwatch_alarm.h"

namespace opsdeck::http {

// POST|GET /hooks/heartbeat/{token}, POST /hooks/alertmanager.
void AddMonitorHookRoutes(Router& router, const Services& services);

// Maps the alarm onto catalog.external and waits until its results are
// recorded (blocking: call it on the intake executor).
Response AnswerAlarm(const Request& req, const Services& services, const config::Config& config,
                     const ingest::CloudWatchAlarmChange& change);

}  // namespace opsdeck::http
