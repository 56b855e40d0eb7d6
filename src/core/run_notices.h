// Notices about pipeline runs and deployments (the `pipeline.*` and
// `deployment.*` kinds of docs/notifications.md): what a run's living
// message says in each state. Pure functions of the stored values; any
// thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/notification.h"
#include "core/run.h"

namespace opsdeck::core {

struct RunNoticeContext {
  std::string public_url;  // server.public_url without a trailing '/', or empty
  // Environments where a failure mentions people (`protected: true`).
  std::vector<std::string> protected_environments;
};

// The notice for `run` as it stands: kind "pipeline.<status>", subject
// "run:<id>". The run must be stored (id set).
Notice RunNotice(const Run& run, const RunNoticeContext& ctx);

// The notice a run's change calls for, or none when what a reader sees did
// not change (`before` absent: a new run).
std::optional<Notice> RunChangeNotice(const std::optional<Run>& before, const Run& after,
                                      const RunNoticeContext& ctx);

// "deployment.recorded", subject "deployment:<pipeline>:<run>:<attempt>".
Notice DeploymentNotice(const Deployment& deployment, const RunNoticeContext& ctx);

// "1h 2m", "3m 5s", "42s".
std::string FormatDuration(Duration d);

}  // namespace opsdeck::core
