// Per-connection TLS helpers shared by the https and tls probes: SNI and the
// name (or IP) the chain must be valid for, the reason a handshake failed,
// and the days left on the peer's certificate.
// Thread-safety: functions on one SSL*, which the caller owns.
#pragma once

#include <openssl/ssl.h>

#include <boost/system/error_code.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.h"

namespace opsdeck::monitor {

// Sets SNI (names only) and the host name or IP address the certificate must
// match when the context verifies. False when OpenSSL refused the setting.
bool PrepareClientSsl(SSL* ssl, const std::string& host, bool is_ip_literal);

// Why a handshake failed: "certificate verify failed: certificate has
// expired", "... self-signed certificate", "... hostname mismatch", or
// "tls handshake: <reason>".
std::string DescribeHandshakeError(SSL* ssl, const boost::system::error_code& ec);

// Records the leaf certificate's notAfter (Unix seconds) in *slot while the
// chain is verified, so the days left are known even when verification
// fails (OpenSSL then keeps no peer certificate). *slot must outlive `ssl`'s
// handshake.
void TrackLeafExpiry(SSL* ssl, std::optional<int64_t>* slot);

// Whole days from `now` until `not_after` (Unix seconds), rounded down:
// negative once expired.
int DaysUntil(int64_t not_after, core::TimePoint now);

// Days until the peer's leaf certificate's notAfter; nullopt without one.
std::optional<int> CertificateDays(SSL* ssl, core::TimePoint now);

}  // namespace opsdeck::monitor
