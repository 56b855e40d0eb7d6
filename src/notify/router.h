// Routing: which channels a notice goes to (notifications.routes: every
// matching route delivers, each channel at most once), and the planner the
// run intake calls inside its transaction to turn a delivery's changes into
// outbox entries. Built from one config snapshot; immutable, so any thread
// may use it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/notification.h"
#include "core/run_notices.h"
#include "store/outbox_store.h"
#include "store/run_store.h"

namespace opsdeck::notify {

// "*" matches every kind, "pipeline.*" every kind under "pipeline.",
// anything else itself.
bool EventPatternMatches(std::string_view pattern, std::string_view kind);

class Router {
 public:
  explicit Router(const config::Config& config);

  // The channels whose routes take `notice`, in config order, once each.
  std::vector<std::string> ChannelsFor(const core::Notice& notice) const;
  // One outbox entry per (notice, channel).
  void Route(const core::Notice& notice, std::vector<store::OutboxEntry>* out) const;

  // True when some route may take a notice of a kind under `prefix`
  // ("pipeline."): callers skip planning otherwise.
  bool Wants(std::string_view prefix) const;

  // The intake's plan (store::OutboxPlan): a notice per run whose message
  // changed, one per deployment recorded, routed.
  std::vector<store::OutboxEntry> PlanIntake(const store::IntakeResult& result) const;

  const core::RunNoticeContext& context() const { return context_; }

 private:
  std::vector<config::RouteConfig> routes_;
  core::RunNoticeContext context_;
};

}  // namespace opsdeck::notify
