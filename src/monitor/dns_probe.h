// The dns probe: one query of the check's record type for its name, sent to
// the monitor's resolver (c-ares, uncached, no search domains). Up when the
// reply has answers and every `expect` value is among them; the error names
// the rcode (NXDOMAIN, SERVFAIL), the timeout, or the missing values.
// Thread-safety: as Probe (monitor's io_context thread only).
#pragma once

#include <memory>

#include "config/catalog_config.h"
#include "core/result.h"
#include "monitor/probe.h"

namespace opsdeck::monitor {

core::Result<std::unique_ptr<Probe>> MakeDnsProbe(const config::CheckConfig& check,
                                                  const config::DnsCheck& dns);

}  // namespace opsdeck::monitor
