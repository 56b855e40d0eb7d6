// The tcp probe: resolve, connect, close. Up when the connection opens;
// otherwise "connect: connection refused", "dns: NXDOMAIN", or a timeout.
// Thread-safety: as Probe (monitor's io_context thread only).
#pragma once

#include <memory>

#include "config/catalog_config.h"
#include "core/result.h"
#include "monitor/probe.h"

namespace opsdeck::monitor {

core::Result<std::unique_ptr<Probe>> MakeTcpProbe(const config::CheckConfig& check,
                                                  const config::TcpCheck& tcp);

}  // namespace opsdeck::monitor
