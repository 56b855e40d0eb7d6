// OpenSSL per-connection settings and inspection for probes.
#include "monitor/tls_peer.h"

#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <cctype>
#include <ctime>

namespace opsdeck::monitor {

bool PrepareClientSsl(SSL* ssl, const std::string& host, bool is_ip_literal) {
  if (is_ip_literal) {
    // No SNI for addresses (RFC 6066 section 3); the certificate needs an IP SAN.
    return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) == 1;
  }
  SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  return SSL_set_tlsext_host_name(ssl, host.c_str()) == 1 && SSL_set1_host(ssl, host.c_str()) == 1;
}

std::string DescribeHandshakeError(SSL* ssl, const boost::system::error_code& ec) {
  const long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK && SSL_get_verify_mode(ssl) != SSL_VERIFY_NONE) {
    return std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify);
  }
  std::string reason = ec.message();
  if (!reason.empty())
    reason[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(reason[0])));
  return "tls handshake: " + reason;
}

namespace {

std::optional<int64_t> NotAfter(const X509* cert) {
  std::tm tm{};
  if (!cert || ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) != 1) return std::nullopt;
  return static_cast<int64_t>(timegm(&tm));
}

int LeafSlotIndex() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

int KeepLeafExpiry(int preverify_ok, X509_STORE_CTX* store) {
  if (X509_STORE_CTX_get_error_depth(store) != 0) return preverify_ok;
  auto* ssl =
      static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  auto* slot =
      ssl ? static_cast<std::optional<int64_t>*>(SSL_get_ex_data(ssl, LeafSlotIndex())) : nullptr;
  if (slot) {
    if (auto not_after = NotAfter(X509_STORE_CTX_get_current_cert(store))) *slot = not_after;
  }
  return preverify_ok;  // the verdict stays OpenSSL's
}

}  // namespace

void TrackLeafExpiry(SSL* ssl, std::optional<int64_t>* slot) {
  SSL_set_ex_data(ssl, LeafSlotIndex(), slot);
  SSL_set_verify(ssl, SSL_get_verify_mode(ssl), &KeepLeafExpiry);
}

int DaysUntil(int64_t not_after, core::TimePoint now) {
  const int64_t now_s = std::chrono::floor<std::chrono::seconds>(now.time_since_epoch()).count();
  const int64_t diff = not_after - now_s;
  constexpr int64_t kDay = 86'400;
  // Floor, so a certificate 1 s past its notAfter reports -1, not 0.
  return static_cast<int>(diff >= 0 ? diff / kDay : -((-diff + kDay - 1) / kDay));
}

std::optional<int> CertificateDays(SSL* ssl, core::TimePoint now) {
  auto not_after = NotAfter(SSL_get0_peer_certificate(ssl));
  if (!not_after) return std::nullopt;
  return DaysUntil(*not_after, now);
}

}  // namespace opsdeck::monitor
