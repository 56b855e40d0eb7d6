// Certificates for the TLS tests, made with the OpenSSL API: a CA, leaves
// signed by it (or by themselves) with chosen validity and SANs.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "test_servers.h"

namespace opsdeck::monitor::testing {

namespace {

std::atomic<long> next_serial{1000};

std::string CertPem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free(bio);
  return out;
}

std::string KeyPem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free(bio);
  return out;
}

EVP_PKEY* LoadKey(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return key;
}

X509* LoadCert(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return cert;
}

void AddExt(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer ? issuer : cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!ext) throw std::runtime_error("bad extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// Builds and signs one certificate; `issuer`/`issuer_key` null = self-signed.
KeyAndCert Make(const std::string& cn, long not_before, long not_after, bool ca,
                const std::string& sans, const KeyAndCert* issuer) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), next_serial++);
  X509_gmtime_adj(X509_getm_notBefore(cert), not_before);
  X509_gmtime_adj(X509_getm_notAfter(cert), not_after);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509* issuer_cert = issuer ? LoadCert(issuer->cert_pem) : nullptr;
  EVP_PKEY* issuer_key = issuer ? LoadKey(issuer->key_pem) : nullptr;
  X509_set_issuer_name(cert, issuer_cert ? X509_get_subject_name(issuer_cert) : name);
  if (ca) {
    AddExt(cert, issuer_cert, NID_basic_constraints, "critical,CA:TRUE");
    AddExt(cert, issuer_cert, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    AddExt(cert, issuer_cert, NID_basic_constraints, "critical,CA:FALSE");
    AddExt(cert, issuer_cert, NID_ext_key_usage, "serverAuth");
    AddExt(cert, issuer_cert, NID_subject_alt_name, sans.c_str());
  }
  AddExt(cert, issuer_cert, NID_subject_key_identifier, "hash");
  if (issuer_cert) AddExt(cert, issuer_cert, NID_authority_key_identifier, "keyid:always");
  X509_sign(cert, issuer_key ? issuer_key : key, EVP_sha256());
  KeyAndCert out{KeyPem(key), CertPem(cert)};
  X509_free(cert);
  EVP_PKEY_free(key);
  if (issuer_cert) X509_free(issuer_cert);
  if (issuer_key) EVP_PKEY_free(issuer_key);
  return out;
}

}  // namespace

KeyAndCert MakeCa(const std::string& common_name) {
  return Make(common_name, -3600, 30L * 86400, true, {}, nullptr);
}

KeyAndCert MakeLeaf(const std::string& sans, long not_before, long not_after,
                    const KeyAndCert* issuer) {
  return Make("opsdeck probe test", not_before, not_after, false, sans, issuer);
}

std::string WriteTempFile(const std::string& name, const std::string& pem) {
  const char* dir = std::getenv("TMPDIR");
  std::string path =
      std::string(dir ? dir : "/tmp") + "/opsdeck-probe-" + std::to_string(::getpid()) + "-" + name;
  std::ofstream(path) << pem;
  return path;
}

}  // namespace opsdeck::monitor::testing
