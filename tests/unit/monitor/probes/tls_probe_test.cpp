// The tls probe and https against loopback TLS servers whose certificates
// the test makes: one signed by a test CA that expires in 3 days, one
// self-signed, one expired. The CA is trusted only when the harness is
// given its file.
#include <gtest/gtest.h>

#include <cstdio>

#include "monitor/probe.h"
#include "test_servers.h"

namespace opsdeck::monitor {
namespace {

using namespace std::chrono_literals;
using testing::Check;

constexpr long kDay = 86400;

class TlsProbeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ca_ = new testing::KeyAndCert(testing::MakeCa("opsdeck test CA"));
    // 3 days and an hour: whole days left = 3 for the next hour.
    leaf_ = new testing::KeyAndCert(testing::MakeLeaf(
        "DNS:good.test,DNS:other-name.test,IP:127.0.0.1", -3600, 3 * kDay + 3600, ca_));
    ca_file_ = new std::string(testing::WriteTempFile("ca.pem", ca_->cert_pem));
  }
  static void TearDownTestSuite() {
    std::remove(ca_file_->c_str());
    delete ca_file_;
    delete leaf_;
    delete ca_;
  }

  TlsProbeTest()
      : dns_(io_),
        server_ctx_(testing::ServerContext(*leaf_)),
        server_(io_, server_ctx_.get()),
        trusting_(io_, dns_.address(), *ca_file_),
        untrusting_(io_, dns_.address()) {
    dns_.AddA("good.test", "127.0.0.1");
    dns_.AddA("wrong.test", "127.0.0.1");
  }

  std::unique_ptr<Probe> TlsProbe(const std::string& host, int min_days, uint16_t port = 0) {
    config::TlsCheck tls;
    tls.host = host;
    tls.port = port ? port : server_.port();
    tls.min_days = min_days;
    auto probe = MakeProbe(Check(config::CheckType::kTls, tls));
    EXPECT_TRUE(probe.has_value());
    return std::move(*probe);
  }

  std::unique_ptr<Probe> HttpsProbe(const std::string& host, std::vector<std::string> conditions,
                                    bool verify = true) {
    config::HttpCheck http;
    http.url = "https://" + host + ":" + std::to_string(server_.port()) + "/health";
    http.conditions = std::move(conditions);
    http.tls_verify = verify;
    auto probe = MakeProbe(Check(config::CheckType::kHttp, http));
    EXPECT_TRUE(probe.has_value()) << (probe ? "" : probe.error().ToString());
    return std::move(*probe);
  }

  static testing::KeyAndCert* ca_;
  static testing::KeyAndCert* leaf_;
  static std::string* ca_file_;

  boost::asio::io_context io_;
  testing::DnsTestServer dns_;
  std::unique_ptr<boost::asio::ssl::context> server_ctx_;
  testing::HttpTestServer server_;
  testing::ProbeHarness trusting_;
  testing::ProbeHarness untrusting_;
};

testing::KeyAndCert* TlsProbeTest::ca_ = nullptr;
testing::KeyAndCert* TlsProbeTest::leaf_ = nullptr;
std::string* TlsProbeTest::ca_file_ = nullptr;

TEST_F(TlsProbeTest, CertificateExpiringInThreeDaysFailsMinDays14) {
  auto probe = TlsProbe("good.test", 14);
  EXPECT_EQ(probe->Summary(), "tls good.test:" + std::to_string(server_.port()));
  auto result = trusting_.Run(*probe);
  ASSERT_TRUE(result.has_value());
  EXPECT_FALSE(result->ok);
  EXPECT_EQ(result->certificate_days, 3);
  EXPECT_EQ(result->error, "certificate expires in 3 days, min_days 14");
  EXPECT_TRUE(result->timings.dns.has_value());
  EXPECT_TRUE(result->timings.connect.has_value());
  EXPECT_TRUE(result->timings.tls.has_value());
}

TEST_F(TlsProbeTest, CertificateExpiringInThreeDaysPassesMinDays2) {
  auto probe = TlsProbe("good.test", 2);
  auto result = trusting_.Run(*probe);
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(result->ok) << result->error;
  EXPECT_EQ(result->certificate_days, 3);
  EXPECT_EQ(server_.handshakes(), 1);
}

TEST_F(TlsProbeTest, UntrustedIssuerFailsVerification) {
  auto probe = TlsProbe("good.test", 2);
  auto result = untrusting_.Run(*probe);
  ASSERT_TRUE(result.has_value());
  EXPECT_FALSE(result->ok);
  EXPECT_EQ(result->error, "certificate verify failed: unable to get local issuer certificate");
}

TEST_F(TlsProbeTest, HostNameMismatchFails) {
  auto probe = TlsProbe("wrong.test", 2);
  auto result = trusting_.Run(*probe);
  ASSERT_TRUE(result.has_value());
  EXPECT_FALSE(result->ok);
  EXPECT_EQ(result->error, "certificate verify failed: hostname mismatch");
}

TEST_F(TlsProbeTest, IpAddressIsVerifiedAgainstIpSan) {
  auto probe = TlsProbe("127.0.0.1", 2);
  auto result = trusting_.Run(*probe);
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(result->ok) << result->error;
  EXPECT_FALSE(result->timings.dns.has_value());
}

TEST_F(TlsProbeTest, SelfSignedAndExpiredCertificatesSayWhy) {
  auto self_signed = testing::MakeLeaf("DNS:good.test", -3600, 30 * kDay, nullptr);
  auto self_ctx = testing::ServerContext(self_signed);
  testing::HttpTestServer self_server(io_, self_ctx.get());
  auto result = trusting_.Run(*TlsProbe("good.test", 2, self_server.port()));
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->error, "certificate verify failed: self-signed certificate");

  auto expired = testing::MakeLeaf("DNS:good.test", -10 * kDay, -kDay - 3600, ca_);
  auto expired_ctx = testing::ServerContext(expired);
  testing::HttpTestServer expired_server(io_, expired_ctx.get());
  result = trusting_.Run(*TlsProbe("good.test", 2, expired_server.port()));
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->error, "certificate verify failed: certificate has expired");
  EXPECT_EQ(result->certificate_days, -2);
}

TEST_F(TlsProbeTest, PlainServerIsAHandshakeError) {
  testing::HttpTestServer plain(io_);
  auto result = trusting_.Run(*TlsProbe("good.test", 2, plain.port()));
  ASSERT_TRUE(result.has_value());
  EXPECT_FALSE(result->ok);
  EXPECT_EQ(result->error.rfind("tls handshake: ", 0), 0u) << result->error;
}

TEST_F(TlsProbeTest, HttpsVerifiesAndReportsCertificateDays) {
  auto ok = trusting_.Run(*HttpsProbe("good.test", {"status == 200", "certificate_days >= 3"}));
  ASSERT_TRUE(ok.has_value());
  EXPECT_TRUE(ok->ok) << ok->error;
  EXPECT_EQ(ok->certificate_days, 3);
  EXPECT_TRUE(ok->timings.tls.has_value());
  EXPECT_TRUE(ok->timings.first_byte.has_value());

  auto soon = trusting_.Run(*HttpsProbe("good.test", {"certificate_days > 14"}));
  ASSERT_TRUE(soon.has_value());
  EXPECT_EQ(soon->error, "certificate_days > 14 failed: got 3");
}

TEST_F(TlsProbeTest, HttpsUntrustedFailsUnlessVerifyIsOff) {
  auto strict = untrusting_.Run(*HttpsProbe("good.test", {}));
  ASSERT_TRUE(strict.has_value());
  EXPECT_FALSE(strict->ok);
  EXPECT_EQ(strict->error, "certificate verify failed: unable to get local issuer certificate");
  EXPECT_EQ(server_.requests(), 0);

  auto lax = untrusting_.Run(*HttpsProbe("wrong.test", {}, /*verify=*/false));
  ASSERT_TRUE(lax.has_value());
  EXPECT_TRUE(lax->ok) << lax->error;
  EXPECT_EQ(lax->http_status, 200);
  EXPECT_EQ(server_.requests(), 1);
}

TEST_F(TlsProbeTest, HttpsHostMismatchFails) {
  auto result = trusting_.Run(*HttpsProbe("wrong.test", {}));
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->error, "certificate verify failed: hostname mismatch");
}

}  // namespace
}  // namespace opsdeck::monitor
