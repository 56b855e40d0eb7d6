#include "http/auth.h"

#include <gtest/gtest.h>

#include "http/access.h"

namespace opsdeck::http {
namespace {

TEST(CookieValueTest, FindsTheNamedCookie) {
  EXPECT_EQ(CookieValue("a=1; opsdeck_session=abc; b=2", "opsdeck_session"), "abc");
  EXPECT_EQ(CookieValue("opsdeck_session=xyz", "opsdeck_session"), "xyz");
  EXPECT_FALSE(CookieValue("xopsdeck_session=abc", "opsdeck_session"));
  EXPECT_FALSE(CookieValue("", "opsdeck_session"));
  EXPECT_FALSE(CookieValue("garbage;;;", "opsdeck_session"));
}

TEST(AddressTrustedTest, MatchesAddressesAndRanges) {
  const std::vector<std::string> trusted = {"127.0.0.1", "10.1.0.0/16", "::1", "fd00::/8"};
  EXPECT_TRUE(AddressTrusted("127.0.0.1", trusted));
  EXPECT_TRUE(AddressTrusted("10.1.200.3", trusted));
  EXPECT_FALSE(AddressTrusted("10.2.0.1", trusted));
  EXPECT_TRUE(AddressTrusted("::1", trusted));
  EXPECT_TRUE(AddressTrusted("fd12::5", trusted));
  EXPECT_FALSE(AddressTrusted("fe80::1", trusted));
  EXPECT_TRUE(AddressTrusted("::ffff:127.0.0.1", trusted)) << "v4-mapped";
  EXPECT_FALSE(AddressTrusted("127.0.0.2", trusted));
  EXPECT_FALSE(AddressTrusted("not an address", trusted));
  EXPECT_FALSE(AddressTrusted("127.0.0.1", {}));
}

TEST(AccountNameTest, AllowsPlainNamesOnly) {
  EXPECT_TRUE(ValidAccountName("alice"));
  EXPECT_TRUE(ValidAccountName("ops.bot-1@acme"));
  EXPECT_FALSE(ValidAccountName(""));
  EXPECT_FALSE(ValidAccountName("a b"));
  EXPECT_FALSE(ValidAccountName("<script>"));
  EXPECT_FALSE(ValidAccountName(std::string(65, 'a')));
}

TEST(AccessTest, RolesArePerRouteNotOrdered) {
  const Access rm = Access::Only({core::Role::kReleaseManager, core::Role::kAdmin});
  EXPECT_TRUE(rm.Allows(core::Role::kReleaseManager));
  EXPECT_FALSE(rm.Allows(core::Role::kDevops));
  EXPECT_FALSE(rm.Allows(core::Role::kViewer));
  EXPECT_EQ(rm.Describe(), "release-manager,admin");
  EXPECT_EQ(Access{}.Describe(), "nobody") << "an undeclared route allows nobody";
  EXPECT_FALSE(Access{}.Allows(core::Role::kAdmin));
  EXPECT_TRUE(Access::Public().Allows(core::Role::kViewer));
}

}  // namespace
}  // namespace opsdeck::http
