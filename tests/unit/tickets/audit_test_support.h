// Helpers for the docs audit tests: load a config from YAML text (no
// environment variables), read fixture files. Test-only.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "config/loader.h"

namespace opsdeck::tickets::testing {

inline std::shared_ptr<const config::Config> LoadYaml(const std::string& yaml) {
  auto loaded = config::LoadString(
      yaml, "audit-test.yaml", [](std::string_view) -> std::optional<std::string> { return {}; });
  std::string errors;
  for (const auto& e : loaded.errors) errors += e.ToString() + "\n";
  EXPECT_TRUE(loaded.ok()) << errors;
  return loaded.config;
}

inline std::string AwsFixtureDir() { return std::string(OPSDECK_FIXTURES) + "/aws-cli"; }

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace opsdeck::tickets::testing
