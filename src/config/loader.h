// Loads an opsdeck YAML file into an immutable Config. Every problem in the
// file (YAML syntax, unknown keys, wrong types, bad values, dangling names) is
// collected and returned at once as FILE:LINE:COL errors; nothing throws.
// Thread-safety: the functions are reentrant; `env` is called on the calling
// thread only.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace opsdeck::config {

// One problem in a config file. Messages never contain secret values, nor the
// values of substituted ${VAR}s; they quote a scalar as it is written.
struct ConfigError {
  std::string file;
  int line = 0;      // 1-based; 0 when the error has no position (file unreadable)
  int column = 0;    // 1-based
  std::string path;  // key path, e.g. "pipelines[2].match.github.branch"; may be empty
  std::string message;

  // "FILE:LINE:COL: key.path: message"; the position and path parts are left
  // out when unknown.
  std::string ToString() const;
};

// Looks up an environment variable for ${VAR} substitution; nullopt = unset.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// Reads the real process environment (getenv).
EnvLookup ProcessEnv();

struct LoadResult {
  std::shared_ptr<const Config> config;  // set only when errors is empty
  std::vector<ConfigError> errors;       // sorted by line, then column

  bool ok() const { return errors.empty() && config != nullptr; }
};

// Loads `path`. Relative `*_file` paths are read relative to the directory of
// `path`.
LoadResult LoadFile(const std::string& path, const EnvLookup& env);

// Loads YAML text; `file_name` is used in errors and Config::source_file,
// relative `*_file` paths are read relative to `base_dir`.
LoadResult LoadString(std::string_view yaml, const std::string& file_name, const EnvLookup& env,
                      const std::string& base_dir = ".");

}  // namespace opsdeck::config
