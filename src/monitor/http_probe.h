// The http probe: one HTTP/1.1 exchange on a new connection (Beast on Asio,
// TLS through asio::ssl), then the check's conditions on the response.
// No redirects are followed: a 3xx is a status like any other.
// Thread-safety: as Probe (monitor's io_context thread only).
#pragma once

#include <memory>

#include "config/catalog_config.h"
#include "core/result.h"
#include "monitor/probe.h"

namespace opsdeck::monitor {

core::Result<std::unique_ptr<Probe>> MakeHttpProbe(const config::CheckConfig& check,
                                                   const config::HttpCheck& http);

}  // namespace opsdeck::monitor
