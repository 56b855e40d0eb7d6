// Data-first config tests: every file in tests/fixtures/config/good/ must
// load; every file in bad/ must fail with exactly the errors named by its
// `# expect: LINE:COL: path: message` header lines (prefix match on the error
// text after "FILE:"). A new case is a new file.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <sstream>

#include "config_test_support.h"

namespace opsdeck::config {
namespace {

namespace fs = std::filesystem;
using testing::FixtureDir;

std::vector<std::string> YamlFilesIn(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".yaml") names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = fs::path(info.param).stem().string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

LoadResult LoadFixture(const std::string& dir, const std::string& name) {
  std::string text = testing::WithStubSecrets(testing::ReadText(dir + "/" + name));
  return LoadString(text, name, testing::FixtureEnv(), dir);
}

class GoodConfig : public ::testing::TestWithParam<std::string> {};

TEST_P(GoodConfig, Loads) {
  LoadResult result = LoadFixture(FixtureDir() + "/good", GetParam());
  EXPECT_TRUE(result.ok()) << "unexpected errors:\n" << testing::Describe(result.errors);
  EXPECT_NE(result.config, nullptr);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, GoodConfig,
                         ::testing::ValuesIn(YamlFilesIn(FixtureDir() + "/good")), TestName);

// The `# expect:` lines at the top of a bad fixture.
std::vector<std::string> Expectations(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  const std::string marker = "# expect: ";
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(marker, 0) == 0) out.push_back(line.substr(marker.size()));
  }
  return out;
}

class BadConfig : public ::testing::TestWithParam<std::string> {};

TEST_P(BadConfig, ReportsExactlyTheExpectedErrors) {
  const std::string dir = FixtureDir() + "/bad";
  std::vector<std::string> expected = Expectations(testing::ReadText(dir + "/" + GetParam()));
  ASSERT_FALSE(expected.empty()) << GetParam() << " has no '# expect: ' lines";
  LoadResult result = LoadFixture(dir, GetParam());
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.config, nullptr);

  std::vector<std::string> actual;
  for (const ConfigError& e : result.errors) {
    std::string text = e.ToString();
    EXPECT_EQ(text.rfind(GetParam() + ":", 0), 0u) << text;
    actual.push_back(text.substr(GetParam().size() + 1));
  }
  std::vector<bool> used(actual.size(), false);
  for (const std::string& want : expected) {
    bool found = false;
    for (size_t i = 0; i < actual.size() && !found; ++i) {
      if (!used[i] && actual[i].rfind(want, 0) == 0) used[i] = found = true;
    }
    EXPECT_TRUE(found) << "missing expected error: " << want << "\nactual:\n"
                       << testing::Describe(result.errors);
  }
  for (size_t i = 0; i < actual.size(); ++i) {
    EXPECT_TRUE(used[i]) << "unexpected error: " << actual[i];
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, BadConfig,
                         ::testing::ValuesIn(YamlFilesIn(FixtureDir() + "/bad")), TestName);

}  // namespace
}  // namespace opsdeck::config
