#include "notify/router.h"

#include <algorithm>

#include "notify/notice_json.h"

namespace opsdeck::notify {
namespace {

int Rank(config::Severity s) { return static_cast<int>(s); }
int Rank(core::NoticeSeverity s) { return static_cast<int>(s); }
static_assert(static_cast<int>(config::Severity::kCritical) ==
              static_cast<int>(core::NoticeSeverity::kCritical));

bool Contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool RouteTakes(const config::RouteConfig& route, const core::Notice& n) {
  if (!std::any_of(route.events.begin(), route.events.end(),
                   [&](const std::string& p) { return EventPatternMatches(p, n.kind); })) {
    return false;
  }
  // A filter on a field the notice does not have (an incident has no
  // pipeline) does not take it.
  if (!route.environments.empty() && !Contains(route.environments, n.environment)) return false;
  if (!route.pipelines.empty() && !Contains(route.pipelines, n.pipeline)) return false;
  if (!route.targets.empty() && !Contains(route.targets, n.target)) return false;
  if (route.severity && Rank(n.severity) < Rank(*route.severity)) return false;
  return true;
}

}  // namespace

bool EventPatternMatches(std::string_view pattern, std::string_view kind) {
  if (pattern == "*") return true;
  if (pattern.size() >= 2 && pattern.substr(pattern.size() - 2) == ".*") {
    const std::string_view prefix = pattern.substr(0, pattern.size() - 1);  // "pipeline."
    return kind.size() > prefix.size() && kind.substr(0, prefix.size()) == prefix;
  }
  return pattern == kind;
}

Router::Router(const config::Config& config) : routes_(config.notifications.routes) {
  std::string base = config.server.public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  context_.public_url = std::move(base);
  for (const core::Environment& env : config.environments) {
    if (env.is_protected) context_.protected_environments.push_back(env.name);
  }
}

std::vector<std::string> Router::ChannelsFor(const core::Notice& notice) const {
  std::vector<std::string> out;
  for (const config::RouteConfig& route : routes_) {
    if (RouteTakes(route, notice) && !Contains(out, route.channel)) out.push_back(route.channel);
  }
  return out;
}

void Router::Route(const core::Notice& notice, std::vector<store::OutboxEntry>* out) const {
  const std::vector<std::string> channels = ChannelsFor(notice);
  if (channels.empty()) return;
  const std::string payload = NoticeToJson(notice);
  for (const std::string& channel : channels) {
    store::OutboxEntry e;
    e.channel = channel;
    e.kind = notice.kind;
    e.subject = notice.subject;
    e.severity = std::string(core::NoticeSeverityName(notice.severity));
    e.environment = notice.environment;
    e.pipeline = notice.pipeline;
    e.target = notice.target;
    e.payload_json = payload;
    out->push_back(std::move(e));
  }
}

bool Router::Wants(std::string_view prefix) const {
  for (const config::RouteConfig& route : routes_) {
    for (const std::string& p : route.events) {
      if (p == "*") return true;
      if (p.size() >= prefix.size() && std::string_view(p).substr(0, prefix.size()) == prefix) {
        return true;
      }
    }
  }
  return false;
}

std::vector<store::OutboxEntry> Router::PlanIntake(const store::IntakeResult& result) const {
  std::vector<store::OutboxEntry> out;
  for (size_t i = 0; i < result.changed.size(); ++i) {
    static const std::optional<core::Run> kNew;
    const std::optional<core::Run>& before = i < result.previous.size() ? result.previous[i] : kNew;
    if (auto notice = core::RunChangeNotice(before, result.changed[i], context_)) {
      Route(*notice, &out);
    }
  }
  // A deployment is announced once: when its run became succeeded in this
  // delivery (a later event that merely adds a field updates the record).
  for (const core::Deployment& d : result.deployments) {
    for (size_t i = 0; i < result.changed.size(); ++i) {
      const core::Run& run = result.changed[i];
      if (run.pipeline != d.pipeline || run.external_run_id != d.external_run_id) continue;
      const bool was_succeeded = i < result.previous.size() && result.previous[i] &&
                                 result.previous[i]->status == core::RunStatus::kSucceeded &&
                                 result.previous[i]->attempt == d.attempt;
      if (run.status == core::RunStatus::kSucceeded && !was_succeeded) {
        Route(core::DeploymentNotice(d, context_), &out);
      }
      break;
    }
  }
  return out;
}

}  // namespace opsdeck::notify
