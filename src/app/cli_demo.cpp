// `opsdeck demo`: serve the built-in demo (examples/opsdeck.yaml, embedded at
// build time) with storage in a fresh temporary directory, through serve's
// own code path: the config is written into the data directory and served
// from there, so SIGHUP reloads it like any other.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#include "app/commands.h"
#include "app/demo_overrides.h"
#include "app/exit_codes.h"

namespace opsdeck::app {
namespace {

namespace fs = std::filesystem;

// A new private directory under $TMPDIR (or /tmp).
std::string MakeTempDir() {
  const char* tmp = std::getenv("TMPDIR");  // NOLINT(concurrency-mt-unsafe): before any thread
  std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/opsdeck-demo-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) return "";
  return pattern;
}

}  // namespace

int RunDemo(const DemoCommand& cmd) {
  const bool temporary = cmd.data_dir.empty();
  std::string dir = temporary ? MakeTempDir() : cmd.data_dir;
  std::error_code ec;
  if (!temporary) fs::create_directories(dir, ec);
  if (dir.empty() || ec) {
    const std::string why = dir.empty() ? "a temporary directory" : dir + ": " + ec.message();
    std::fprintf(stderr, "opsdeck demo: cannot create %s\n", why.c_str());
    return kExitStorage;
  }
  dir = fs::absolute(dir, ec).string();
  DemoOverrides overrides;
  overrides.storage_path = (fs::path(dir) / "opsdeck.db").string();
  overrides.listen = cmd.listen;
  overrides.targets_listen = cmd.targets_listen;
  overrides.pace = cmd.pace;
  auto text = ApplyDemoOverrides(BuiltInDemoConfig(), overrides);
  if (!text) {
    std::fprintf(stderr, "opsdeck demo: %s\n", text.error().message.c_str());
    return kExitFailure;
  }
  const std::string path = (fs::path(dir) / "opsdeck-demo.yaml").string();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << *text;
    if (!out) {
      std::fprintf(stderr, "opsdeck demo: cannot write %s\n", path.c_str());
      return kExitStorage;
    }
  }
  std::printf("opsdeck demo: simulated pipelines and targets; config and data in %s%s\n", dir.c_str(),
              temporary ? " (removed on exit)" : "");
  std::fflush(stdout);
  int code = RunServe(path);
  if (temporary) fs::remove_all(dir, ec);
  return code;
}

}  // namespace opsdeck::app
