// The tls probe: connect, handshake with SNI, verify the chain for the host
// (system CAs plus TlsContexts' extra CA), and report the days left on the
// leaf certificate; down when fewer than min_days remain.
// Thread-safety: as Probe (monitor's io_context thread only).
#pragma once

#include <memory>

#include "config/catalog_config.h"
#include "core/result.h"
#include "monitor/probe.h"

namespace opsdeck::monitor {

core::Result<std::unique_ptr<Probe>> MakeTlsProbe(const config::CheckConfig& check,
                                                  const config::TlsCheck& tls);

}  // namespace opsdeck::monitor
