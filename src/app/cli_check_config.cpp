// `opsdeck check-config FILE`: exit 0 when the file loads, else print every
// error as FILE:LINE:COLUMN: key.path: message and exit 1.
#include <cstdio>

#include "app/commands.h"
#include "app/exit_codes.h"
#include "app/releases.h"
#include "config/loader.h"
#include "monitor/health_monitor.h"
#include "notify/channel_factory.h"

namespace opsdeck::app {

int RunCheckConfig(const std::string& path, bool quiet) {
  const config::LoadResult loaded = config::LoadFile(path, config::ProcessEnv());
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) std::fprintf(stderr, "%s\n", e.ToString().c_str());
    std::fprintf(stderr, "%s: %zu error(s)\n", path.c_str(), loaded.errors.size());
    return kExitFailure;
  }
  // What only the channel kind knows (a Discord URL's shape, mention syntax,
  // username rules), checked by building each channel without sending.
  size_t channel_errors = 0;
  for (const auto& channel : loaded.config->notifications.channels) {
    auto made = notify::MakeChannel(channel, nullptr, "opsdeck");
    if (!made) {
      std::fprintf(stderr, "%s: notifications.channels.%s: %s\n", path.c_str(), channel.name.c_str(),
                   made.error().message.c_str());
      ++channel_errors;
    }
  }
  for (const auto& e : monitor::CatalogErrors(*loaded.config)) {
    std::fprintf(stderr, "%s: %s\n", path.c_str(), e.c_str());
    ++channel_errors;
  }
  // Release windows' time zones resolve only against tzdata, as in serve.
  for (const auto& e : Releases::ConfigErrors(*loaded.config)) {
    std::fprintf(stderr, "%s: %s\n", path.c_str(), e.c_str());
    ++channel_errors;
  }
  if (channel_errors > 0) {
    std::fprintf(stderr, "%s: %zu error(s)\n", path.c_str(), channel_errors);
    return kExitFailure;
  }
  if (!quiet) {
    const auto& c = *loaded.config;
    std::printf("%s: OK (%zu environments, storage %s)\n", path.c_str(), c.environments.size(),
                c.storage.type == config::StorageType::kPostgres ? "postgres" : "sqlite");
  }
  return kExitOk;
}

}  // namespace opsdeck::app
