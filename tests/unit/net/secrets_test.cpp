#include "net/secrets.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

namespace opsdeck::net {
namespace {

TEST(SecretsTest, RandomTokensAreUrlSafeAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string t = RandomToken(32);
    EXPECT_EQ(t.size(), 43u);
    EXPECT_EQ(t.find_first_not_of(
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos);
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(SecretsTest, Sha256MatchesKnownVector) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(SecretsTest, HmacSha256MatchesKnownVectors) {
  // GitHub's documented X-Hub-Signature-256 test vector.
  EXPECT_EQ(HmacSha256Hex("It's a Secret to Everybody", "Hello, World!"),
            "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
  // RFC 4231 test case 2.
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Empty key and data are valid inputs.
  EXPECT_EQ(HmacSha256Hex("", ""),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

// The keyed form gives the one-shot's answers: RFC 4231 cases 2 and 6 (a
// 131-byte key, longer than SHA-256's block, is hashed first), GitHub's
// documented vector, an empty key, and many messages under one key from
// several threads.
TEST(SecretsTest, KeyedHmacMatchesTheOneShot) {
  EXPECT_EQ(HmacSha256("Jefe").Hex("what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  const std::string long_key(131, '\xaa');
  EXPECT_EQ(HmacSha256(long_key).Hex("Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  EXPECT_EQ(HmacSha256("It's a Secret to Everybody").Hex("Hello, World!"),
            "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
  EXPECT_EQ(HmacSha256("").Hex(""), HmacSha256Hex("", ""));
  const std::string key64(64, 'k');  // exactly one block: not hashed first
  EXPECT_EQ(HmacSha256(key64).Hex("x"), HmacSha256Hex(key64, "x"));

  const HmacSha256 keyed("webhook-secret");
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const std::string body(static_cast<size_t>(t * 1000 + i), static_cast<char>('a' + i % 26));
        if (keyed.Hex(body) != HmacSha256Hex("webhook-secret", body)) mismatches.fetch_add(1);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(SecretsTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("secret", "secret"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secreT"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secret2"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
}

TEST(SecretsTest, Argon2idRoundTrip) {
  auto h = HashPassword("correct horse battery staple");
  ASSERT_TRUE(h) << h.error().message;
  EXPECT_EQ(h->rfind("$argon2id$", 0), 0u) << *h;
  EXPECT_TRUE(VerifyPassword(*h, "correct horse battery staple"));
  EXPECT_FALSE(VerifyPassword(*h, "correct horse battery stapl"));
  EXPECT_FALSE(VerifyPassword("not a hash", "x"));
  EXPECT_FALSE(VerifyPassword("", ""));
  auto h2 = HashPassword("correct horse battery staple");
  ASSERT_TRUE(h2);
  EXPECT_NE(*h, *h2) << "salted";
}

}  // namespace
}  // namespace opsdeck::net
