// `auth:` section: static API tokens and an optional trusted reverse-proxy
// user header. Plain values, immutable once loaded; any thread may read them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/common.h"
#include "core/clock.h"
#include "core/secret.h"

namespace opsdeck::config {

// `auth.tokens[]`: an API token defined in the file (more live in the store).
struct ApiTokenConfig {
  std::string name;
  Role role = Role::kViewer;
  core::SecretString token;                // `token` or `token_file`
  std::optional<core::TimePoint> expires;  // RFC 3339; absent = never
};

// `auth.proxy_header`: a reverse proxy that authenticated the user puts the
// user name in `header`; only requests from `trusted` peers are believed.
struct ProxyHeaderConfig {
  std::string header;
  std::vector<std::string> trusted;  // IP addresses or CIDR ranges
  Role default_role = Role::kViewer;
};

struct AuthConfig {
  bool anonymous_read = false;  // unauthenticated GETs act as viewer
  core::Duration session_idle = std::chrono::hours(12);   // UI session idle expiry
  core::Duration session_max = std::chrono::hours(24 * 7);  // UI session absolute expiry
  std::vector<ApiTokenConfig> tokens;
  std::optional<ProxyHeaderConfig> proxy_header;
};

}  // namespace opsdeck::config
