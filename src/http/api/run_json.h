// JSON shapes of runs, stages, deployments and unmatched events, shared by
// the API handlers (docs/openapi.yaml: Run, Stage, Deployment, Unmatched).
// Pure functions.
#pragma once

#include <boost/json/object.hpp>

#include "core/run.h"
#include "store/run_store.h"

namespace opsdeck::http {

boost::json::object RunJson(const core::Run& run, bool with_stages);
boost::json::object DeploymentJson(const store::DeploymentRecord& d);
boost::json::object UnmatchedJson(const store::UnmatchedRecord& u);

}  // namespace opsdeck::http
