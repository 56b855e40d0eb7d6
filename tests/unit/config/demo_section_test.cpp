// `demo:`: defaults, the loopback-only targets address, pace, and the
// sources the demo needs.
#include <gtest/gtest.h>

#include "config/loader.h"

namespace opsdeck::config {
namespace {

const char* kSources = R"(
sources:
  github: {secret: s}
  gitlab: {token: t}
  generic: {token: g}
)";

LoadResult Load(const std::string& text) {
  return LoadString(text, "demo.yaml", [](std::string_view) { return std::optional<std::string>(); });
}

std::string Errors(const LoadResult& r) {
  std::string out;
  for (const auto& e : r.errors) out += e.ToString() + "\n";
  return out;
}

TEST(DemoSectionTest, AbsentMeansOff) {
  auto r = Load("server: {listen: 127.0.0.1:8080}\n");
  ASSERT_TRUE(r.ok()) << Errors(r);
  EXPECT_FALSE(r.config->demo.enabled);
}

TEST(DemoSectionTest, DefaultsAndSettings) {
  auto r = Load(std::string(kSources) + "demo: {enabled: true}\n");
  ASSERT_TRUE(r.ok()) << Errors(r);
  EXPECT_TRUE(r.config->demo.enabled);
  EXPECT_EQ(r.config->demo.targets_host, "127.0.0.1");
  EXPECT_EQ(r.config->demo.targets_port, 8091);
  EXPECT_EQ(r.config->demo.pace, std::chrono::seconds(5));

  r = Load(std::string(kSources) + "demo: {enabled: true, targets_listen: \"[::1]:9191\", pace: 750ms}\n");
  ASSERT_TRUE(r.ok()) << Errors(r);
  EXPECT_EQ(r.config->demo.targets_host, "::1");
  EXPECT_EQ(r.config->demo.targets_port, 9191);
  EXPECT_EQ(r.config->demo.pace, std::chrono::milliseconds(750));
}

TEST(DemoSectionTest, TargetsListenOnLoopbackOnly) {
  for (const char* listen : {"0.0.0.0:8091", "10.0.0.5:8091", "example.com:8091", "127.example.com:8091", "[::]:8091", "[::2]:8091"}) {
    auto r = Load(std::string(kSources) + "demo: {enabled: true, targets_listen: \"" + listen + "\"}\n");
    ASSERT_FALSE(r.ok()) << listen;
    EXPECT_NE(Errors(r).find("demo.targets_listen: the demo's targets listen on loopback only"),
              std::string::npos)
        << Errors(r);
  }
  auto r = Load(std::string(kSources) + "demo: {targets_listen: \"127.0.0.1:0\"}\n");
  EXPECT_NE(Errors(r).find("give a fixed port"), std::string::npos) << Errors(r);
  r = Load(std::string(kSources) + "demo: {targets_listen: nonsense}\n");
  EXPECT_NE(Errors(r).find("bad listen address"), std::string::npos) << Errors(r);
}

TEST(DemoSectionTest, PaceAndUnknownKeys) {
  auto r = Load(std::string(kSources) + "demo: {pace: 10ms}\n");
  EXPECT_NE(Errors(r).find("demo.pace: must be at least 100ms"), std::string::npos) << Errors(r);
  r = Load(std::string(kSources) + "demo: {enabled: true, speed: 2}\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(Errors(r).find("speed"), std::string::npos) << Errors(r);
}

TEST(DemoSectionTest, NamesTheMissingSources) {
  auto r = Load("sources: {gitlab: {token: t}}\ndemo: {enabled: true}\n");
  ASSERT_FALSE(r.ok());
  const std::string errors = Errors(r);
  EXPECT_NE(errors.find("demo.enabled"), std::string::npos) << errors;
  EXPECT_NE(errors.find("sources.github, sources.generic"), std::string::npos) << errors;
  EXPECT_EQ(errors.find("sources.gitlab"), std::string::npos) << errors;
  // A disabled demo needs nothing.
  EXPECT_TRUE(Load("demo: {enabled: false}\n").ok());
}

}  // namespace
}  // namespace opsdeck::config
