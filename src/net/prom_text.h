// Pieces of the Prometheus text exposition format shared by every /metrics
// collector. Pure functions; any thread.
#pragma once

#include <string>
#include <string_view>

namespace opsdeck::net {

// A label value escaped for the exposition format (\\, \", \n).
std::string EscapeLabelValue(std::string_view v);

}  // namespace opsdeck::net
