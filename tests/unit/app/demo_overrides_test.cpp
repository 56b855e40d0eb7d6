// `opsdeck demo`'s config: the embedded example with its addresses replaced.
#include "app/demo_overrides.h"

#include <gtest/gtest.h>

#include "config/loader.h"

namespace opsdeck::app {
namespace {

config::LoadResult Load(const std::string& text) {
  return config::LoadString(text, "opsdeck-demo.yaml",
                            [](std::string_view) { return std::optional<std::string>(); });
}

TEST(DemoOverridesTest, BuiltInConfigLoadsWithTheDemoOn) {
  auto text = ApplyDemoOverrides(BuiltInDemoConfig(), {"/tmp/x/opsdeck.db", "", "", ""});
  ASSERT_TRUE(text.has_value());
  auto loaded = Load(*text);
  for (const auto& e : loaded.errors) ADD_FAILURE() << e.ToString();
  ASSERT_TRUE(loaded.config);
  EXPECT_TRUE(loaded.config->demo.enabled);
  EXPECT_EQ(loaded.config->storage.path, "/tmp/x/opsdeck.db");
  EXPECT_EQ(loaded.config->server.port, 8080);
  EXPECT_EQ(loaded.config->demo.targets_port, 8091);
}

TEST(DemoOverridesTest, AddressesAndPaceAreReplacedEverywhere) {
  auto text = ApplyDemoOverrides(BuiltInDemoConfig(),
                                 {"/tmp/a \"b\"/${HOME}/o.db", "127.0.0.1:18181", "127.0.0.1:19191", "700ms"});
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(text->find("8080"), std::string::npos);
  EXPECT_EQ(text->find("8091"), std::string::npos);
  auto loaded = Load(*text);
  for (const auto& e : loaded.errors) ADD_FAILURE() << e.ToString();
  ASSERT_TRUE(loaded.config);
  const auto& c = *loaded.config;
  EXPECT_EQ(c.storage.path, "/tmp/a \"b\"/${HOME}/o.db");
  EXPECT_EQ(c.server.port, 18181);
  EXPECT_EQ(c.demo.targets_port, 19191);
  EXPECT_EQ(c.demo.pace, std::chrono::milliseconds(700));
  const auto* self = c.FindTarget("opsdeck");
  ASSERT_NE(self, nullptr);
  EXPECT_EQ(std::get<config::TcpCheck>(self->checks[1].spec).port, 18181);
  const auto* db = c.FindTarget("shop-db");
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(std::get<config::HttpCheck>(db->checks[0].spec).url, "http://127.0.0.1:19191/db/health");
}

TEST(DemoOverridesTest, TextWithoutTheReplacedLinesIsRefused) {
  auto r = ApplyDemoOverrides("server: {listen: 127.0.0.1:9}\n", {"/tmp/o.db", "", "", ""});
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("storage path"), std::string::npos);
}

}  // namespace
}  // namespace opsdeck::app
