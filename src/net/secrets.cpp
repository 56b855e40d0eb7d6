#include "net/secrets.h"

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

namespace opsdeck::net {
namespace {

void Init() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) std::abort();  // no entropy source: nothing is safe
  });
}

std::string ToHex(const unsigned char* bytes, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(2 * n, '\0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kHex[bytes[i] >> 4];
    out[2 * i + 1] = kHex[bytes[i] & 0xf];
  }
  return out;
}

}  // namespace

std::string RandomToken(size_t bytes) {
  Init();
  std::vector<unsigned char> raw(bytes);
  randombytes_buf(raw.data(), raw.size());
  std::string out(sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), raw.data(), raw.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::char_traits<char>::length(out.c_str()));
  sodium_memzero(raw.data(), raw.size());
  return out;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return ToHex(digest, SHA256_DIGEST_LENGTH);
}

// The key's inner and outer padded blocks, already absorbed into a SHA-256
// context each; copied per message.
struct HmacSha256::Pads {
  EVP_MD_CTX* inner = nullptr;
  EVP_MD_CTX* outer = nullptr;
  ~Pads() {
    EVP_MD_CTX_free(inner);
    EVP_MD_CTX_free(outer);
  }
};

namespace {

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};

EVP_MD_CTX* Checked(EVP_MD_CTX* c) {
  if (c == nullptr) std::abort();  // allocation failure inside OpenSSL
  return c;
}

void Must(int ok) {
  if (ok != 1) std::abort();  // SHA-256 does not fail but for allocation
}

}  // namespace

HmacSha256::HmacSha256(std::string_view key) : pads_(std::make_unique<Pads>()) {
  constexpr size_t kBlock = 64;
  unsigned char block[kBlock] = {};
  if (key.size() > kBlock) {  // a long key is hashed first (RFC 2104)
    SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), block);
  } else if (!key.empty()) {
    std::memcpy(block, key.data(), key.size());
  }
  unsigned char ipad[kBlock];
  unsigned char opad[kBlock];
  for (size_t i = 0; i < kBlock; ++i) {
    ipad[i] = block[i] ^ 0x36;
    opad[i] = block[i] ^ 0x5c;
  }
  pads_->inner = Checked(EVP_MD_CTX_new());
  pads_->outer = Checked(EVP_MD_CTX_new());
  Must(EVP_DigestInit_ex(pads_->inner, EVP_sha256(), nullptr));
  Must(EVP_DigestUpdate(pads_->inner, ipad, kBlock));
  Must(EVP_DigestInit_ex(pads_->outer, EVP_sha256(), nullptr));
  Must(EVP_DigestUpdate(pads_->outer, opad, kBlock));
  OPENSSL_cleanse(block, kBlock);
  OPENSSL_cleanse(ipad, kBlock);
  OPENSSL_cleanse(opad, kBlock);
}

HmacSha256::~HmacSha256() = default;

std::string HmacSha256::Hex(std::string_view data) const {
  thread_local std::unique_ptr<EVP_MD_CTX, MdCtxFree> work(Checked(EVP_MD_CTX_new()));
  unsigned char inner[SHA256_DIGEST_LENGTH];
  unsigned char digest[SHA256_DIGEST_LENGTH];
  unsigned int len = 0;
  Must(EVP_MD_CTX_copy_ex(work.get(), pads_->inner));
  Must(EVP_DigestUpdate(work.get(), data.data(), data.size()));
  Must(EVP_DigestFinal_ex(work.get(), inner, &len));
  Must(EVP_MD_CTX_copy_ex(work.get(), pads_->outer));
  Must(EVP_DigestUpdate(work.get(), inner, sizeof inner));
  Must(EVP_DigestFinal_ex(work.get(), digest, &len));
  return ToHex(digest, len);
}

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  return HmacSha256(key).Hex(data);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  Init();
  if (a.size() != b.size()) return false;  // lengths of our hashes are public
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

core::Result<std::string> HashPassword(std::string_view password) {
  Init();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return core::Error::Internal("password hashing ran out of memory");
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view encoded_hash, std::string_view password) {
  Init();
  if (encoded_hash.empty() || encoded_hash.size() >= crypto_pwhash_STRBYTES) return false;
  const std::string hash(encoded_hash);  // NUL-terminated for libsodium
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

}  // namespace opsdeck::net
