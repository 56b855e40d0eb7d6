// libFuzzer target: POST /hooks/aws (ingest::AwsSource). See fuzz_input.h for
// the input layout. A forced credential is the API-destination token header
// (and the x-amz-sns-message-type header is dropped, so the token path is
// taken). "{{sns-sign}}" in a body becomes a valid signature of the body's SNS
// string to sign, made with a key generated at start-up whose certificate a
// fixed provider serves for the fixtures' SigningCertURL: signed SNS messages
// get through to the EventBridge event inside their Message.
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "fuzz_input.h"
#include "ingest/aws_source.h"
#include "ingest/sns_verifier.h"

namespace {

using namespace opsdeck;

constexpr const char* kToken = "test-aws-token-0123456789";  // as in tests/fixtures/aws
constexpr const char* kTopic = "arn:aws:sns:eu-central-1:123456789012:dashboard-pipelines";
constexpr const char* kCertUrl =
    "https://sns.eu-central-1.amazonaws.com/"
    "SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem";

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz invariant broken: %s: %s\n", what, detail.c_str());
  std::abort();
}

// A throwaway RSA key and a self-signed certificate for it.
class Signer {
 public:
  Signer() : key_(EVP_RSA_gen(2048), EVP_PKEY_free) {
    std::unique_ptr<X509, void (*)(X509*)> cert(X509_new(), X509_free);
    X509_set_pubkey(cert.get(), key_.get());
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
    X509_sign(cert.get(), key_.get(), EVP_sha256());
    std::unique_ptr<BIO, int (*)(BIO*)> bio(BIO_new(BIO_s_mem()), BIO_free);
    PEM_write_bio_X509(bio.get(), cert.get());
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    pem_.assign(data, static_cast<size_t>(n));
  }
  const std::string& pem() const { return pem_; }

  std::string Sign(const std::string& text, bool sha256) const {
    std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    size_t len = 0;
    EVP_DigestSignInit(ctx.get(), nullptr, sha256 ? EVP_sha256() : EVP_sha1(), nullptr, key_.get());
    EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(text.data()),
                   text.size());
    std::string sig(len, '\0');
    EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                   reinterpret_cast<const unsigned char*>(text.data()), text.size());
    sig.resize(len);
    std::string b64(4 * ((sig.size() + 2) / 3), '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()),
                                  reinterpret_cast<const unsigned char*>(sig.data()),
                                  static_cast<int>(sig.size()));
    b64.resize(static_cast<size_t>(n));
    return b64;
  }

 private:
  std::unique_ptr<EVP_PKEY, void (*)(EVP_PKEY*)> key_;
  std::string pem_;
};

class FixedCertificates final : public ingest::CertificateProvider {
 public:
  explicit FixedCertificates(std::string pem) : pem_(std::move(pem)) {}
  core::Result<std::string> Get(const std::string& url) override {
    if (url != kCertUrl) return core::Error::Unauthenticated("no certificate at " + url);
    return pem_;
  }

 private:
  std::string pem_;
};

void SignSnsBody(const Signer& signer, std::string& body) {
  static constexpr std::string_view kPlaceholder = "{{sns-sign}}";
  const size_t at = body.find(kPlaceholder);
  if (at == std::string::npos) return;
  const auto m = ingest::ParseSnsMessage(body);
  if (!m) return;
  body.replace(at, kPlaceholder.size(),
               signer.Sign(ingest::SnsStringToSign(*m), m->signature_version != "1"));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Signer signer;
  static const ingest::AwsSource source("X-Opsdeck-Token", core::SecretString(kToken), {kTopic},
                                        std::make_shared<FixedCertificates>(signer.pem()));
  fuzz::FuzzInput in = fuzz::SplitInput(data, size, kToken);
  SignSnsBody(signer, in.delivery.body);
  if (in.credential_forced) {
    in.delivery.headers["x-opsdeck-token"] = kToken;
    in.delivery.headers.erase("x-amz-sns-message-type");
  }
  // The shared invariants, without its credential checks: for AWS, a body
  // without the token may still be a (signed) SNS message, checked below.
  fuzz::ParseAndCheck(source, in.delivery, /*credential_forced=*/false, [](ingest::Delivery&) {});

  const auto outcome = source.Parse(in.delivery);
  if (outcome && outcome->kind == ingest::ParseOutcome::kConfirm &&
      !ingest::IsSnsHostUrl(outcome->confirm_url)) {
    Fail("confirm_url is not an SNS https URL", outcome->confirm_url);
  }
  if (in.credential_forced) {
    if (!outcome && outcome.error().code == core::ErrorCode::kUnauthenticated) {
      Fail("a valid token was refused", outcome.error().ToString());
    }
    ingest::Delivery stripped = in.delivery;
    stripped.headers.erase("x-opsdeck-token");
    const auto refused = source.Parse(stripped);
    if (!ingest::LooksLikeSnsMessage(stripped.body) &&
        (refused || refused.error().code != core::ErrorCode::kUnauthenticated)) {
      Fail("a delivery without the token was not refused", "");
    }
  }
  return 0;
}
