// SnsVerifier and its parts: the documented string to sign, the SNS host
// rule, signature versions 1 and 2 with a key made at test time, and the
// certificate cache (expiry, failures, bound, threads).
#include "ingest/sns_verifier.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>
#include <vector>

#include "fixture_case.h"

namespace opsdeck::ingest {
namespace {

constexpr const char* kCertUrl =
    "https://sns.eu-central-1.amazonaws.com/"
    "SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem";

SnsMessage Notification() {
  SnsMessage m;
  m.type = "Notification";
  m.message_id = "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324";
  m.topic_arn = "arn:aws:sns:eu-central-1:123456789012:dashboard-pipelines";
  m.message = "{\"source\":\"aws.codepipeline\"}";
  m.timestamp = "2026-03-10T14:41:40.208Z";
  m.signature_version = "1";
  m.signing_cert_url = kCertUrl;
  return m;
}

SnsMessage Signed(SnsMessage m, bool sha256) {
  m.signature = testing::TestSnsSigner().Sign(SnsStringToSign(m), sha256);
  return m;
}

std::shared_ptr<testing::FakeCertificateProvider> Certs() {
  auto certs = std::make_shared<testing::FakeCertificateProvider>();
  certs->Add(kCertUrl, testing::TestSnsSigner().certificate_pem());
  return certs;
}

TEST(SnsStringToSignTest, NotificationInDocumentedOrder) {
  SnsMessage m = Notification();
  EXPECT_EQ(SnsStringToSign(m),
            "Message\n{\"source\":\"aws.codepipeline\"}\n"
            "MessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\n"
            "Timestamp\n2026-03-10T14:41:40.208Z\n"
            "TopicArn\narn:aws:sns:eu-central-1:123456789012:dashboard-pipelines\n"
            "Type\nNotification\n");
  m.subject = "Deploy finished";
  EXPECT_EQ(SnsStringToSign(m),
            "Message\n{\"source\":\"aws.codepipeline\"}\n"
            "MessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\n"
            "Subject\nDeploy finished\n"
            "Timestamp\n2026-03-10T14:41:40.208Z\n"
            "TopicArn\narn:aws:sns:eu-central-1:123456789012:dashboard-pipelines\n"
            "Type\nNotification\n");
  m.subject = "";  // present but empty is still present
  EXPECT_NE(SnsStringToSign(m).find("Subject\n\nTimestamp"), std::string::npos);
}

TEST(SnsStringToSignTest, ConfirmationsInDocumentedOrder) {
  for (const char* type : {"SubscriptionConfirmation", "UnsubscribeConfirmation"}) {
    SnsMessage m;
    m.type = type;
    m.message = "You have chosen to subscribe.\nVisit the SubscribeURL.";
    m.message_id = "165545c9";
    m.subscribe_url =
        "https://sns.eu-central-1.amazonaws.com/?Action=ConfirmSubscription&Token=233";
    m.timestamp = "2026-03-10T14:20:04.751Z";
    m.token = "233";
    m.topic_arn = "arn:aws:sns:eu-central-1:123456789012:t";
    m.subject = "ignored for confirmations";
    EXPECT_EQ(SnsStringToSign(m),
              "Message\nYou have chosen to subscribe.\nVisit the SubscribeURL.\n"
              "MessageId\n165545c9\n"
              "SubscribeURL\nhttps://sns.eu-central-1.amazonaws.com/"
              "?Action=ConfirmSubscription&Token=233\n"
              "Timestamp\n2026-03-10T14:20:04.751Z\n"
              "Token\n233\n"
              "TopicArn\narn:aws:sns:eu-central-1:123456789012:t\n"
              "Type\n" +
                  std::string(type) + "\n");
  }
}

TEST(ParseSnsMessageTest, ValuesAreUnescaped) {
  const auto m = ParseSnsMessage(
      R"({"Type":"Notification","MessageId":"m","TopicArn":"t","Subject":"a\/b",)"
      R"("Message":"line\nnext \"q\" caf\u00e9","Timestamp":"ts","SignatureVersion":"2",)"
      R"("Signature":"c2ln","SigningCertURL":"u","Unknown":{"x":1}})");
  ASSERT_TRUE(m) << m.error().ToString();
  EXPECT_EQ(m->message, "line\nnext \"q\" caf\xc3\xa9");
  EXPECT_EQ(m->subject, "a/b");
  EXPECT_EQ(m->signature_version, "2");
}

TEST(ParseSnsMessageTest, ErrorsNameTheField) {
  const struct {
    const char* body;
    const char* where;
  } cases[] = {
      {R"({"Type":"Notification"})", "/MessageId"},
      {R"({"Type":"Nope"})", "/Type"},
      {R"({"MessageId":"m"})", "/Type"},
      {R"({"Type":"SubscriptionConfirmation","MessageId":"m","TopicArn":"t","Message":"x",)"
       R"("Timestamp":"ts","Token":"k"})",
       "/SubscribeURL"},
      {R"({"Type":"Notification","MessageId":"m","TopicArn":"t","Message":5,"Timestamp":"ts"})",
       "/Message"},
      {R"({"Type":"Notification","MessageId":"m","TopicArn":"t","Message":"x","Timestamp":"ts",)"
       R"("SignatureVersion":1})",
       "/SignatureVersion"},
      {"[1]", ""},
      {"{\"Type\":", ""},
  };
  for (const auto& c : cases) {
    const auto m = ParseSnsMessage(c.body);
    ASSERT_FALSE(m) << c.body;
    EXPECT_EQ(m.error().code, core::ErrorCode::kInvalidArgument) << c.body;
    EXPECT_EQ(m.error().where, c.where) << c.body;
  }
}

TEST(ParseSnsMessageTest, LooksLikeSnsMessage) {
  EXPECT_TRUE(LooksLikeSnsMessage(R"({"Type":"Notification","SignatureVersion":"1"})"));
  EXPECT_FALSE(LooksLikeSnsMessage(R"({"Type":"Notification"})"));
  EXPECT_FALSE(LooksLikeSnsMessage(R"({"Type":"Other","SignatureVersion":"1"})"));
  EXPECT_FALSE(LooksLikeSnsMessage(R"({"source":"aws.codepipeline"})"));
  EXPECT_FALSE(LooksLikeSnsMessage("{"));
}

TEST(SnsHostTest, AcceptsOnlySnsHostsOverHttps) {
  for (const char* url : {
           "https://sns.us-east-1.amazonaws.com/"
           "SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem",
           "https://sns.eu-central-1.amazonaws.com/?Action=ConfirmSubscription&Token=x",
           "https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-x.pem",
           "HTTPS://sns.ap-southeast-2.amazonaws.com/x.pem",
       }) {
    EXPECT_TRUE(IsSnsHostUrl(url)) << url;
  }
  for (const char* url : {
           "http://sns.us-east-1.amazonaws.com/x.pem",
           "https://sns.us-east-1.amazonaws.com.evil.com/x.pem",
           "https://evil.com/sns.us-east-1.amazonaws.com/x.pem",
           "https://sns.us-east-1.amazonaws.com@evil.com/x.pem",
           "https://user@sns.us-east-1.amazonaws.com/x.pem",
           "https://sns.us-east-1.amazonaws.com:443/x.pem",
           "https://sns.us-east-1.amazonaws.com:8443/x.pem",
           "https://sns.us-east-1.amazonaws.com./x.pem",
           "https://sns.eu.amazonaws.com/x.pem",         // region shorter than 3
           "https://sns.us_east-1.amazonaws.com/x.pem",  // '_' is not a region character
           "https://sns.us.east.1.amazonaws.com/x.pem",
           "https://SNS.us-east-1.amazonaws.com/x.pem",
           "https://sns.us-east-1.amazonaws.co/x.pem",
           "https://sns.us-east-1.amazonaws.com.cn.evil.com/x.pem",
           "https://sns%2eus-east-1.amazonaws.com/x.pem",
           "https://xsns.us-east-1.amazonaws.com/x.pem",
           "https://sns.us-east-1.amazonaws.com#@evil.com/x.pem",
           "https://54.239.28.85/x.pem",
           "https://[::1]/x.pem",
           "//sns.us-east-1.amazonaws.com/x.pem",
           "sns.us-east-1.amazonaws.com/x.pem",
           " https://sns.us-east-1.amazonaws.com/x.pem",
           "",
       }) {
    EXPECT_FALSE(IsSnsHostUrl(url)) << url;
  }
}

TEST(SnsHostTest, CertificateUrlEndsInPem) {
  EXPECT_TRUE(IsSnsCertificateUrl(kCertUrl));
  EXPECT_FALSE(IsSnsCertificateUrl("https://sns.us-east-1.amazonaws.com/"));
  EXPECT_FALSE(IsSnsCertificateUrl("https://sns.us-east-1.amazonaws.com/.pem"));
  EXPECT_FALSE(IsSnsCertificateUrl("https://sns.us-east-1.amazonaws.com/x.pem.txt"));
  EXPECT_FALSE(IsSnsCertificateUrl("http://sns.us-east-1.amazonaws.com/x.pem"));
}

TEST(SnsVerifierTest, VersionOneIsSha1AndVersionTwoIsSha256) {
  const SnsVerifier verifier(Certs());
  SnsMessage v1 = Signed(Notification(), /*sha256=*/false);
  EXPECT_TRUE(verifier.Verify(v1));
  SnsMessage v2 = Notification();
  v2.signature_version = "2";
  v2 = Signed(v2, true);
  EXPECT_TRUE(verifier.Verify(v2));
  // The same signatures under the other version's hash do not verify.
  v1.signature_version = "2";
  v2.signature_version = "1";
  EXPECT_EQ(verifier.Verify(v1).error().code, core::ErrorCode::kUnauthenticated);
  EXPECT_EQ(verifier.Verify(v2).error().code, core::ErrorCode::kUnauthenticated);
}

TEST(SnsVerifierTest, AnyChangeToASignedFieldBreaksTheSignature) {
  const SnsVerifier verifier(Certs());
  const SnsMessage good = Signed(Notification(), false);
  ASSERT_TRUE(verifier.Verify(good));
  std::vector<std::function<void(SnsMessage&)>> edits = {
      [](SnsMessage& m) { m.message += " "; },
      [](SnsMessage& m) { m.message_id[0] = '3'; },
      [](SnsMessage& m) { m.timestamp = "2026-03-10T14:41:40.209Z"; },
      [](SnsMessage& m) { m.topic_arn += "x"; },
      [](SnsMessage& m) { m.type = "UnsubscribeConfirmation"; },
      [](SnsMessage& m) { m.subject = ""; },
  };
  for (size_t i = 0; i < edits.size(); ++i) {
    SnsMessage m = good;
    edits[i](m);
    const auto r = verifier.Verify(m);
    ASSERT_FALSE(r) << "edit " << i;
    EXPECT_EQ(r.error().code, core::ErrorCode::kUnauthenticated) << "edit " << i;
  }
}

TEST(SnsVerifierTest, RefusalsBeforeAnyFetch) {
  auto certs = Certs();
  const SnsVerifier verifier(certs);
  const SnsMessage good = Signed(Notification(), false);
  std::vector<std::function<void(SnsMessage&)>> edits = {
      [](SnsMessage& m) { m.signature_version = "3"; },
      [](SnsMessage& m) { m.signature_version = ""; },
      [](SnsMessage& m) { m.signature_version = "1 "; },
      [](SnsMessage& m) { m.signature = ""; },
      [](SnsMessage& m) { m.signature = "not base64"; },
      [](SnsMessage& m) {
        m.signing_cert_url = "https://sns.eu-central-1.amazonaws.com.evil.com/x.pem";
      },
      [](SnsMessage& m) { m.signing_cert_url = "http://sns.eu-central-1.amazonaws.com/x.pem"; },
      [](SnsMessage& m) { m.signing_cert_url = ""; },
  };
  for (size_t i = 0; i < edits.size(); ++i) {
    SnsMessage m = good;
    edits[i](m);
    const auto r = verifier.Verify(m);
    ASSERT_FALSE(r) << "edit " << i;
    EXPECT_EQ(r.error().code, core::ErrorCode::kUnauthenticated) << "edit " << i;
  }
  EXPECT_EQ(certs->calls(), 0);
}

TEST(SnsVerifierTest, UnusableCertificatesAreUnauthenticated) {
  const SnsMessage m = Signed(Notification(), false);
  for (const char* pem :
       {"", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "hello"}) {
    auto certs = std::make_shared<testing::FakeCertificateProvider>();
    certs->Add(kCertUrl, pem);
    const auto r = SnsVerifier(certs).Verify(m);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, core::ErrorCode::kUnauthenticated);
  }
  // A real certificate for another key.
  const testing::TestRsaSigner other;
  auto certs = std::make_shared<testing::FakeCertificateProvider>();
  certs->Add(kCertUrl, other.certificate_pem());
  EXPECT_EQ(SnsVerifier(certs).Verify(m).error().code, core::ErrorCode::kUnauthenticated);
}

// The test certificate is valid from a day ago to a day ahead.
TEST(SnsVerifierTest, ACertificateOutsideItsValidityIsRefused) {
  using std::chrono::hours;
  const SnsMessage m = Signed(Notification(), false);
  const auto now = std::chrono::time_point_cast<core::Duration>(std::chrono::system_clock::now());
  core::ManualClock clock(now);
  auto certs = Certs();
  const SnsVerifier verifier(certs, &clock);
  EXPECT_TRUE(verifier.Verify(m));
  clock.Set(now + hours(23));
  EXPECT_TRUE(verifier.Verify(m));
  for (const core::TimePoint at : {now + hours(25), now - hours(25), now + hours(24 * 400)}) {
    clock.Set(at);
    const auto r = verifier.Verify(m);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, core::ErrorCode::kUnauthenticated);
    EXPECT_NE(r.error().message.find("the signing certificate is not valid at " +
                                     core::FormatRfc3339(at) + " (valid from "),
              std::string::npos)
        << r.error().message;
    EXPECT_NE(r.error().message.find(" GMT to "), std::string::npos) << r.error().message;
  }
  // Without a clock: the system's time, inside the test certificate's dates.
  EXPECT_TRUE(SnsVerifier(certs).Verify(m));
}

TEST(SnsVerifierTest, DecodeBase64) {
  EXPECT_EQ(DecodeBase64("aGVsbG8="), "hello");
  EXPECT_EQ(DecodeBase64("aGVsbA=="), "hell");
  EXPECT_EQ(DecodeBase64("aGVs"), "hel");
  EXPECT_EQ(DecodeBase64("+/+/"), std::string("\xfb\xff\xbf"));
  EXPECT_EQ(DecodeBase64(""), std::nullopt);
  EXPECT_EQ(DecodeBase64("aGVsbG8"), std::nullopt);    // no padding
  EXPECT_EQ(DecodeBase64("aGVs bG8="), std::nullopt);  // whitespace
  EXPECT_EQ(DecodeBase64("aG=sbG8="), std::nullopt);   // '=' inside
  EXPECT_EQ(DecodeBase64("aGVsbG-_"), std::nullopt);   // base64url
  EXPECT_EQ(DecodeBase64("a==="), std::nullopt);
}

TEST(HttpsCertificateProviderTest, RefusesAnyUrlButAnSnsCertificateWithoutFetching) {
  HttpsCertificateProvider provider;
  for (const char* url :
       {"https://127.0.0.1/x.pem", "http://sns.us-east-1.amazonaws.com/x.pem",
        "file:///etc/ssl/cert.pem", "https://sns.us-east-1.amazonaws.com.evil.com/x.pem"}) {
    const auto r = provider.Get(url);
    ASSERT_FALSE(r) << url;
    EXPECT_EQ(r.error().code, core::ErrorCode::kUnauthenticated) << url;
  }
}

// A thread-safe inner provider with a scripted answer.
class Scripted final : public CertificateProvider {
 public:
  explicit Scripted(std::function<core::Result<std::string>(const std::string&)> answer)
      : answer_(std::move(answer)) {}
  core::Result<std::string> Get(const std::string& url) override {
    ++calls;
    return answer_(url);
  }
  std::atomic<int> calls{0};

 private:
  std::function<core::Result<std::string>(const std::string&)> answer_;
};

const core::TimePoint kStart = core::FromUnixMillis(1773153000000);

TEST(CachingCertificateProviderTest, CachesCertificatesUntilTheyExpire) {
  auto inner = std::make_shared<Scripted>(
      [](const std::string& url) { return core::Result<std::string>("pem:" + url); });
  core::ManualClock clock(kStart);
  CachingCertificateProvider cache(inner, clock, {.max_entries = 4, .ttl = std::chrono::hours(1)});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(*cache.Get("a"), "pem:a");
  EXPECT_EQ(inner->calls, 1);
  clock.Advance(std::chrono::minutes(59));
  EXPECT_EQ(*cache.Get("a"), "pem:a");
  EXPECT_EQ(inner->calls, 1);
  clock.Advance(std::chrono::minutes(1));
  EXPECT_EQ(*cache.Get("a"), "pem:a");
  EXPECT_EQ(inner->calls, 2);
}

TEST(CachingCertificateProviderTest, FailuresAreKeptOnlyBriefly) {
  bool up = false;
  auto inner = std::make_shared<Scripted>([&up](const std::string&) -> core::Result<std::string> {
    if (!up) return core::Error::Unavailable("down");
    return std::string("pem");
  });
  core::ManualClock clock(kStart);
  CachingCertificateProvider cache(inner, clock, {.failure_ttl = std::chrono::seconds(10)});
  EXPECT_EQ(cache.Get("a").error().code, core::ErrorCode::kUnavailable);
  EXPECT_EQ(cache.Get("a").error().code, core::ErrorCode::kUnavailable);  // from the cache
  EXPECT_EQ(inner->calls, 1);
  up = true;
  clock.Advance(std::chrono::seconds(10));
  EXPECT_EQ(*cache.Get("a"), "pem");
  EXPECT_EQ(inner->calls, 2);
}

TEST(CachingCertificateProviderTest, IsBounded) {
  auto inner = std::make_shared<Scripted>(
      [](const std::string& url) { return core::Result<std::string>(url); });
  core::ManualClock clock(kStart);
  CachingCertificateProvider cache(inner, clock, {.max_entries = 3});
  for (int i = 0; i < 10; ++i) {
    clock.Advance(std::chrono::seconds(1));
    EXPECT_EQ(*cache.Get("u" + std::to_string(i)), "u" + std::to_string(i));
    EXPECT_LE(cache.size(), 3u);
  }
  // The newest entries stayed (the soonest to expire went first).
  const int before = inner->calls;
  EXPECT_TRUE(cache.Get("u9"));
  EXPECT_TRUE(cache.Get("u8"));
  EXPECT_EQ(inner->calls, before);
  EXPECT_TRUE(cache.Get("u0"));
  EXPECT_EQ(inner->calls, before + 1);
}

TEST(CachingCertificateProviderTest, ManyThreads) {
  auto inner = std::make_shared<Scripted>(
      [](const std::string& url) { return core::Result<std::string>("pem:" + url); });
  core::ManualClock clock(kStart);
  CachingCertificateProvider cache(inner, clock, {.max_entries = 3});
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        const std::string url = "u" + std::to_string((i + t) % 5);
        auto r = cache.Get(url);
        if (!r || *r != "pem:" + url) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong, 0);
  EXPECT_LE(cache.size(), 3u);
}

TEST(CachingCertificateProviderTest, VerifiesThroughTheCache) {
  core::ManualClock clock(kStart);
  auto fake = Certs();
  auto cache = std::make_shared<CachingCertificateProvider>(fake, clock);
  const SnsVerifier verifier(cache);
  const SnsMessage m = Signed(Notification(), false);
  EXPECT_TRUE(verifier.Verify(m));
  EXPECT_TRUE(verifier.Verify(m));
  EXPECT_EQ(fake->calls(), 1);
}

}  // namespace
}  // namespace opsdeck::ingest
