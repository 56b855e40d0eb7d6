// Amazon SNS message signatures (CONTRACTS.md §7; AWS "Verifying the
// signatures of Amazon SNS messages"): parse the HTTP(S) delivery envelope,
// check SigningCertURL is an SNS host before anything is fetched, rebuild the
// canonical string to sign for the message type, and verify the RSA
// signature (SignatureVersion "1" SHA1withRSA, "2" SHA256withRSA) with the
// public key of the certificate. Certificates come from a CertificateProvider:
// the HTTPS one fetches (blocking, so call it off the I/O threads), the
// caching one wraps it. SnsVerifier and both providers are thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/clock.h"
#include "core/result.h"

namespace opsdeck::ingest {

// The envelope of one SNS HTTP(S) delivery; JSON escapes already decoded, so
// the values are the original characters the signature covers.
struct SnsMessage {
  std::string type;  // "Notification" | "SubscriptionConfirmation" | "UnsubscribeConfirmation"
  std::string message_id;
  std::string topic_arn;
  std::string message;
  std::string timestamp;
  std::optional<std::string> subject;  // Notification only, when the publisher set one
  std::string subscribe_url;           // the two confirmation types
  std::string token;                   // the two confirmation types
  std::string unsubscribe_url;         // Notification (not signed, not used)
  std::string signature_version;
  std::string signature;  // base64
  std::string signing_cert_url;
};

// Parses an SNS envelope. kInvalidArgument with a JSON pointer ("" for the
// document, "/Type", "/Message", ...) for malformed JSON, an unknown Type or
// a missing or non-string field the string to sign needs. Missing
// Signature, SignatureVersion or SigningCertURL are left empty here and make
// Verify() fail as unauthenticated.
core::Result<SnsMessage> ParseSnsMessage(std::string_view body);

// True when `body` looks like an SNS envelope (a JSON object whose "Type" is
// one of the three SNS types and that carries "SignatureVersion"), for
// deliveries that lost the x-amz-sns-message-type header.
bool LooksLikeSnsMessage(std::string_view body);

// The canonical string to sign: "Key\nvalue\n" for each key in the
// documented order for the message type, absent Subject skipped.
std::string SnsStringToSign(const SnsMessage& m);

// https, no userinfo, no explicit port, host exactly sns.<region>.amazonaws.com
// or sns.<region>.amazonaws.com.cn (region: letters, digits, '-', at least 3).
bool IsSnsHostUrl(std::string_view url);
// IsSnsHostUrl and a path ending in ".pem" (the rule AWS's own validators use).
bool IsSnsCertificateUrl(std::string_view url);

// PEM certificates by URL.
class CertificateProvider {
 public:
  virtual ~CertificateProvider();
  // The PEM text at `url`. kUnauthenticated when the URL or what it serves
  // cannot be a signing certificate; kUnavailable when it could not be
  // fetched now (worth a retry).
  virtual core::Result<std::string> Get(const std::string& url) = 0;
};

// Fetches over HTTPS with net::FetchUrl: TLS verified, no redirects, a small
// size limit, 200 only. Refuses any URL that is not IsSnsCertificateUrl.
class HttpsCertificateProvider final : public CertificateProvider {
 public:
  struct Options {
    std::chrono::milliseconds timeout{3000};
    size_t max_bytes = 64 * 1024;  // SNS certificates are ~2 KiB
  };
  HttpsCertificateProvider() = default;
  explicit HttpsCertificateProvider(Options options) : options_(options) {}
  core::Result<std::string> Get(const std::string& url) override;

 private:
  Options options_;
};

// Caches another provider's answers by URL. Certificates are kept for `ttl`
// (SNS rotates its signing certificate under a new URL, so an old URL never
// changes content); failures only for `failure_ttl`, so a flood of messages
// naming an unreachable URL fetches it at most once per failure_ttl while a
// transient outage heals quickly. At most `max_entries` URLs: an expired
// entry is dropped first, else the one expiring soonest. The inner provider
// is called without the lock held (two threads may fetch the same URL once
// each).
class CachingCertificateProvider final : public CertificateProvider {
 public:
  struct Options {
    size_t max_entries = 16;
    core::Duration ttl = std::chrono::hours(24);
    core::Duration failure_ttl = std::chrono::seconds(10);
  };
  CachingCertificateProvider(std::shared_ptr<CertificateProvider> inner, const core::Clock& clock,
                             Options options);
  CachingCertificateProvider(std::shared_ptr<CertificateProvider> inner, const core::Clock& clock)
      : CachingCertificateProvider(std::move(inner), clock, Options{}) {}

  core::Result<std::string> Get(const std::string& url) override;
  size_t size() const;

 private:
  struct Entry {
    core::Result<std::string> value;
    core::TimePoint expires;
  };
  void Insert(const std::string& url, Entry entry);

  std::shared_ptr<CertificateProvider> inner_;
  const core::Clock& clock_;
  Options options_;
  mutable std::mutex mu_;
  std::map<std::string, Entry> entries_;
};

class SnsVerifier {
 public:
  // `clock` (for tests; must outlive the verifier) dates the certificate
  // check; without one, the system's time.
  explicit SnsVerifier(std::shared_ptr<CertificateProvider> certs,
                       const core::Clock* clock = nullptr);

  // Ok when the signature is SNS's. kUnauthenticated for an unknown or
  // missing SignatureVersion, a SigningCertURL that is not an SNS
  // certificate URL (rejected before any fetch), an unusable certificate or
  // one outside its validity dates, or a signature that does not verify; the
  // provider's kUnavailable passes through (the sender should retry).
  core::Result<void> Verify(const SnsMessage& m) const;

 private:
  std::shared_ptr<CertificateProvider> certs_;
  const core::Clock* clock_;
};

// Verifies `signature` (raw bytes) over `data` with the RSA public key of the
// PEM certificate; `sha256` picks SHA256withRSA over SHA1withRSA.
// kUnauthenticated for a bad certificate, one not valid at `now` (before its
// notBefore or after its notAfter), a non-RSA key or a mismatch.
core::Result<void> VerifyRsaSignature(std::string_view cert_pem, std::string_view data,
                                      std::string_view signature, bool sha256, core::TimePoint now);

// Strict standard base64 (padding required, no whitespace); nullopt if malformed.
std::optional<std::string> DecodeBase64(std::string_view text);

}  // namespace opsdeck::ingest
