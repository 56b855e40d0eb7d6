// `opsdeck migrate`: open the configured store and apply pending migrations.
#include <cstdio>

#include "app/commands.h"
#include "app/exit_codes.h"
#include "app/store_factory.h"
#include "config/loader.h"
#include "net/system_clock.h"

namespace opsdeck::app {

int RunMigrate(const std::string& path) {
  const config::LoadResult loaded = config::LoadFile(path, config::ProcessEnv());
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) std::fprintf(stderr, "%s\n", e.ToString().c_str());
    return kExitFailure;
  }
  net::SystemClock clock;
  auto store = OpenStore(loaded.config->storage, clock);
  if (!store) {
    std::fprintf(stderr, "storage: %s\n", store.error().ToString().c_str());
    return kExitStorage;
  }
  auto before = (*store)->SchemaVersion();
  auto applied = (*store)->Migrate();
  if (!applied) {
    std::fprintf(stderr, "migrate: %s\n", applied.error().ToString().c_str());
    (*store)->Close();
    return kExitStorage;
  }
  auto after = (*store)->SchemaVersion();
  std::printf("%s: applied %d migration(s); schema version %d -> %d\n",
              std::string((*store)->Backend()).c_str(), *applied, before.value_or(0),
              after.value_or(0));
  (*store)->Close();
  return kExitOk;
}

}  // namespace opsdeck::app
