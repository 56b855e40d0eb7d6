// Data-first parser tests (tests/fixtures/README.md): loads a <case>.http
// request file and its <case>.expected.json, and renders a parse outcome as
// JSON in the same shape so the two compare as values.
#pragma once

#include <boost/json/value.hpp>

#include <boost/json/object.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "ingest/sns_verifier.h"
#include "ingest/source.h"

namespace opsdeck::ingest::testing {

struct FixtureCase {
  std::string name;                 // file stem, e.g. "workflow_run-completed-success"
  std::filesystem::path http_path;  // the request file
  std::filesystem::path expected_path;
};

// gtest prints the case by name instead of its bytes.
inline void PrintTo(const FixtureCase& c, std::ostream* os) { *os << c.name; }

// Every <case>.http in `dir`, sorted by name.
std::vector<FixtureCase> ListCases(const std::filesystem::path& dir);

// Reads a request file: header lines, a blank line, then the raw body
// verbatim. Header names are lower-cased; in header values "{{sign}}" is
// replaced by the lower-case hex HMAC-SHA256 of the body under `secret`
// ("{{SIGN}}" by the same in upper case).
Delivery LoadDelivery(const std::filesystem::path& path, const std::string& secret);

// The outcome in the expected-file shape: {"events": [...]}, {"ping": true},
// {"ignored": "<reason>"}, {"confirm": "<confirm_url>"} or
// {"error": {"code": ..., "where": ...}}.
boost::json::value Render(const core::Result<ParseOutcome>& outcome);

boost::json::value ReadJsonFile(const std::filesystem::path& path);

// The one check every source's fixture walk makes: parse the case's request
// with `source` (signed or authorised with `secret`) and expect the outcome
// to equal <case>.expected.json, printing both on a mismatch.
void ExpectMatchesFixture(const Source& source, const FixtureCase& c, const std::string& secret);

// Rewrites a loaded request before it is parsed (e.g. SignSnsBody).
using DeliveryHook = std::function<void(Delivery&)>;

// ExpectMatchesFixture with `hook` applied to the loaded request first.
void ExpectMatchesFixture(const Source& source, const FixtureCase& c, const std::string& secret,
                          const DeliveryHook& hook);

// --- Amazon SNS signatures (tests/fixtures/aws/) ---------------------------
// No private key is committed: each TestRsaSigner makes a fresh 2048-bit RSA
// key and a self-signed certificate for it, in memory, for this process only.
class TestRsaSigner {
 public:
  TestRsaSigner();
  const std::string& certificate_pem() const { return cert_pem_; }
  // Base64 RSA PKCS#1 v1.5 signature of `data`: SHA256withRSA or SHA1withRSA.
  std::string Sign(std::string_view data, bool sha256) const;

 private:
  std::shared_ptr<void> key_;  // EVP_PKEY
  std::string cert_pem_;
};

// The signer (and certificate) every SNS fixture uses.
const TestRsaSigner& TestSnsSigner();

// The documented SNS string to sign of an envelope ("Key\nvalue\n" in the
// order of the AWS docs for its Type; absent keys skipped), written here from
// the docs, independently of ingest/sns_verifier.
std::string TestSnsStringToSign(const boost::json::object& envelope);

// Replaces "{{sns-sign}}" in the body by TestSnsSigner()'s signature of the
// body's own string to sign: SHA1withRSA when its SignatureVersion is "1",
// SHA256withRSA otherwise. A body that is not a JSON object is left alone.
void SignSnsBody(Delivery& d);

// Serves fixed PEMs by URL and counts every call; an unknown URL is
// kUnauthenticated (as an HTTPS 404 is).
class FakeCertificateProvider final : public CertificateProvider {
 public:
  void Add(const std::string& url, const std::string& pem) { pems_[url] = pem; }
  core::Result<std::string> Get(const std::string& url) override;
  int calls() const { return calls_; }

 private:
  std::map<std::string, std::string> pems_;
  int calls_ = 0;
};

// gtest-safe parameter name ("workflow_run-completed-success" -> "workflow_run_completed_success").
std::string TestName(const std::string& stem);

}  // namespace opsdeck::ingest::testing
