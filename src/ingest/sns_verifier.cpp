#include "ingest/sns_verifier.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <boost/json/value.hpp>
#include <boost/url/parse.hpp>
#include <chrono>
#include <ctime>
#include <exception>
#include <initializer_list>

#include "ingest/json_reader.h"
#include "net/http_fetch.h"
#include "net/system_clock.h"

namespace opsdeck::ingest {
namespace {

namespace json = boost::json;

constexpr std::string_view kNotification = "Notification";
constexpr std::string_view kSubscriptionConfirmation = "SubscriptionConfirmation";
constexpr std::string_view kUnsubscribeConfirmation = "UnsubscribeConfirmation";

bool IsSnsType(std::string_view t) {
  return t == kNotification || t == kSubscriptionConfirmation || t == kUnsubscribeConfirmation;
}

// host == "sns." region ".amazonaws.com" [".cn"], region [A-Za-z0-9-]{3,}:
// the pattern of AWS's own SNS message validators.
bool IsSnsHost(std::string_view host) {
  constexpr std::string_view kPrefix = "sns.";
  if (host.substr(0, kPrefix.size()) != kPrefix) return false;
  host.remove_prefix(kPrefix.size());
  for (std::string_view suffix :
       {std::string_view(".amazonaws.com"), std::string_view(".amazonaws.com.cn")}) {
    if (host.size() <= suffix.size() || host.substr(host.size() - suffix.size()) != suffix)
      continue;
    const std::string_view region = host.substr(0, host.size() - suffix.size());
    if (region.size() < 3) return false;
    return std::all_of(region.begin(), region.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    });
  }
  return false;
}

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

// "Mar 10 14:41:40 2026 GMT", OpenSSL's own rendering.
std::string Asn1Time(const ASN1_TIME* t) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (!bio || ASN1_TIME_print(bio.get(), t) != 1) return "?";
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

core::Error Unauthenticated(std::string message) {
  ERR_clear_error();  // leave no stale OpenSSL errors on this thread
  return core::Error::Unauthenticated(std::move(message));
}

}  // namespace

CertificateProvider::~CertificateProvider() = default;

core::Result<SnsMessage> ParseSnsMessage(std::string_view body) {
  auto doc = ParseJson(body);
  if (!doc) return doc.error();
  const json::object* obj = doc->if_object();
  if (obj == nullptr) return core::Error::InvalidArgument("SNS message must be a JSON object", "");
  ErrorSink sink;
  const ObjectReader r(obj, "", &sink);
  SnsMessage m;
  try {
    m.type = r.String("Type", true).value_or("");
    if (sink.failed()) return sink.error();
    if (!IsSnsType(m.type)) {
      return core::Error::InvalidArgument("Type \"" + m.type + "\" is not an SNS message type",
                                          "/Type");
    }
    const bool confirmation = m.type != kNotification;
    m.message_id = r.String("MessageId", true).value_or("");
    m.topic_arn = r.String("TopicArn", true).value_or("");
    m.message = r.String("Message", true).value_or("");
    m.timestamp = r.String("Timestamp", true).value_or("");
    if (confirmation) {
      m.subscribe_url = r.String("SubscribeURL", true).value_or("");
      m.token = r.String("Token", true).value_or("");
    } else {
      m.subject = r.String("Subject");
      m.unsubscribe_url = r.String("UnsubscribeURL").value_or("");
    }
    m.signature_version = r.String("SignatureVersion").value_or("");
    m.signature = r.String("Signature").value_or("");
    m.signing_cert_url = r.String("SigningCertURL").value_or("");
  } catch (const std::exception& e) {  // only allocation can throw here
    return core::Error::Internal(std::string("SNS message: ") + e.what());
  }
  if (sink.failed()) return sink.error();
  return m;
}

bool LooksLikeSnsMessage(std::string_view body) {
  auto doc = ParseJson(body);
  if (!doc) return false;
  const json::object* obj = doc->if_object();
  if (obj == nullptr) return false;
  const json::value* type = obj->if_contains("Type");
  return type != nullptr && type->is_string() && IsSnsType(type->get_string()) &&
         obj->contains("SignatureVersion");
}

std::string SnsStringToSign(const SnsMessage& m) {
  std::string out;
  auto add = [&out](std::string_view key, std::string_view value) {
    out.append(key);
    out += '\n';
    out.append(value);
    out += '\n';
  };
  add("Message", m.message);
  add("MessageId", m.message_id);
  if (m.type == kNotification) {
    if (m.subject) add("Subject", *m.subject);
    add("Timestamp", m.timestamp);
  } else {
    add("SubscribeURL", m.subscribe_url);
    add("Timestamp", m.timestamp);
    add("Token", m.token);
  }
  add("TopicArn", m.topic_arn);
  add("Type", m.type);
  return out;
}

bool IsSnsHostUrl(std::string_view url) {
  auto u = boost::urls::parse_absolute_uri(url);
  if (!u) return false;
  if (u->scheme_id() != boost::urls::scheme::https) return false;
  if (u->has_userinfo() || u->has_port()) return false;
  if (u->host_type() != boost::urls::host_type::name) return false;
  const auto host = u->encoded_host();
  return IsSnsHost(std::string_view(host.data(), host.size()));
}

bool IsSnsCertificateUrl(std::string_view url) {
  if (!IsSnsHostUrl(url)) return false;
  auto u = boost::urls::parse_absolute_uri(url);
  const auto encoded = u->encoded_path();
  const std::string_view path(encoded.data(), encoded.size());
  const std::string_view file = path.substr(path.rfind('/') + 1);  // npos + 1 == 0
  constexpr std::string_view kPem = ".pem";
  return file.size() > kPem.size() && file.substr(file.size() - kPem.size()) == kPem;
}

core::Result<std::string> HttpsCertificateProvider::Get(const std::string& url) {
  if (!IsSnsCertificateUrl(url)) {
    return core::Error::Unauthenticated("SigningCertURL is not an https SNS certificate URL");
  }
  net::FetchOptions opts;
  opts.timeout = options_.timeout;
  opts.max_bytes = options_.max_bytes;
  opts.follow_redirects = false;
  auto got = net::FetchUrl(url, opts);
  if (!got) {
    if (got.error().code == core::ErrorCode::kUnavailable) return got.error();
    return core::Error::Unauthenticated("signing certificate " + url + ": " + got.error().message);
  }
  if (got->status >= 500) {
    return core::Error::Unavailable("signing certificate " + url + ": HTTP " +
                                    std::to_string(got->status));
  }
  if (got->status != 200) {
    return core::Error::Unauthenticated("signing certificate " + url + ": HTTP " +
                                        std::to_string(got->status));
  }
  if (got->body.find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
    return core::Error::Unauthenticated("signing certificate " + url + " is not a PEM certificate");
  }
  return std::move(got->body);
}

CachingCertificateProvider::CachingCertificateProvider(std::shared_ptr<CertificateProvider> inner,
                                                       const core::Clock& clock, Options options)
    : inner_(std::move(inner)), clock_(clock), options_(options) {
  if (options_.max_entries == 0) options_.max_entries = 1;
}

size_t CachingCertificateProvider::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

core::Result<std::string> CachingCertificateProvider::Get(const std::string& url) {
  {
    std::lock_guard lock(mu_);
    auto it = entries_.find(url);
    if (it != entries_.end() && clock_.Now() < it->second.expires) return it->second.value;
  }
  auto value = inner_->Get(url);
  const core::Duration ttl = value ? options_.ttl : options_.failure_ttl;
  Insert(url, Entry{value, clock_.Now() + ttl});
  return value;
}

void CachingCertificateProvider::Insert(const std::string& url, Entry entry) {
  std::lock_guard lock(mu_);
  if (auto it = entries_.find(url); it != entries_.end()) {
    it->second = std::move(entry);
    return;
  }
  if (entries_.size() >= options_.max_entries) {
    const core::TimePoint now = clock_.Now();
    std::erase_if(entries_, [now](const auto& kv) { return kv.second.expires <= now; });
  }
  while (entries_.size() >= options_.max_entries) {
    auto soonest = std::min_element(
        entries_.begin(), entries_.end(),
        [](const auto& a, const auto& b) { return a.second.expires < b.second.expires; });
    entries_.erase(soonest);
  }
  entries_.emplace(url, std::move(entry));
}

SnsVerifier::SnsVerifier(std::shared_ptr<CertificateProvider> certs, const core::Clock* clock)
    : certs_(std::move(certs)), clock_(clock) {
  static const net::SystemClock kSystemClock;
  if (clock_ == nullptr) clock_ = &kSystemClock;
}

core::Result<void> SnsVerifier::Verify(const SnsMessage& m) const {
  bool sha256 = false;
  if (m.signature_version == "1") {
    sha256 = false;
  } else if (m.signature_version == "2") {
    sha256 = true;
  } else if (m.signature_version.empty()) {
    return core::Error::Unauthenticated("SNS message without SignatureVersion");
  } else {
    return core::Error::Unauthenticated("SNS SignatureVersion \"" + m.signature_version +
                                        "\" is not supported (1 or 2)");
  }
  if (m.signature.empty()) return core::Error::Unauthenticated("SNS message without Signature");
  // Checked before anything is fetched: only SNS's own hosts serve the key.
  if (!IsSnsCertificateUrl(m.signing_cert_url)) {
    return core::Error::Unauthenticated("SigningCertURL is not an https SNS certificate URL");
  }
  const auto signature = DecodeBase64(m.signature);
  if (!signature) return core::Error::Unauthenticated("SNS Signature is not base64");
  auto pem = certs_->Get(m.signing_cert_url);
  if (!pem) {
    if (pem.error().code == core::ErrorCode::kUnavailable) return pem.error();
    return core::Error::Unauthenticated(pem.error().message);
  }
  return VerifyRsaSignature(*pem, SnsStringToSign(m), *signature, sha256, clock_->Now());
}

core::Result<void> VerifyRsaSignature(std::string_view cert_pem, std::string_view data,
                                      std::string_view signature, bool sha256,
                                      core::TimePoint now) {
  std::unique_ptr<BIO, BioFree> bio(
      BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size())));
  if (!bio) return Unauthenticated("cannot read the signing certificate");
  std::unique_ptr<X509, X509Free> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return Unauthenticated("the signing certificate is not a PEM X.509 certificate");
  // A signing certificate past its notAfter (or not yet valid) signs nothing:
  // SNS signs with a current one, so an old certificate and a message signed
  // with its key are a replay or a leaked key.
  time_t at = static_cast<time_t>(
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
  if (X509_cmp_time(X509_get0_notBefore(cert.get()), &at) >= 0 ||
      X509_cmp_time(X509_get0_notAfter(cert.get()), &at) <= 0) {
    return Unauthenticated("the signing certificate is not valid at " + core::FormatRfc3339(now) +
                           " (valid from " + Asn1Time(X509_get0_notBefore(cert.get())) + " to " +
                           Asn1Time(X509_get0_notAfter(cert.get())) + ")");
  }
  EVP_PKEY* key = X509_get0_pubkey(cert.get());  // owned by cert
  if (key == nullptr || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
    return Unauthenticated("the signing certificate has no RSA public key");
  }
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx) return core::Error::Internal("EVP_MD_CTX_new failed");
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, sha256 ? EVP_sha256() : EVP_sha1(), nullptr, key) !=
      1) {
    return Unauthenticated("cannot verify with the signing certificate's key");
  }
  const int ok = EVP_DigestVerify(
      ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
      reinterpret_cast<const unsigned char*>(data.data()), data.size());
  if (ok != 1) return Unauthenticated("SNS signature does not match the message");
  return core::Ok();
}

std::optional<std::string> DecodeBase64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  size_t pad = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                       c == '+' || c == '/';
    if (c == '=') {
      if (i + 2 < text.size()) return std::nullopt;  // '=' only in the last two places
      ++pad;
    } else if (!alpha || pad > 0) {
      return std::nullopt;
    }
  }
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0 || static_cast<size_t>(n) != out.size()) return std::nullopt;
  out.resize(out.size() - pad);
  return out;
}

}  // namespace opsdeck::ingest
