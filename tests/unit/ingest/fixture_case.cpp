#include "fixture_case.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/clock.h"
#include "net/secrets.h"

namespace opsdeck::ingest::testing {
namespace json = boost::json;

namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r' || s.back() == '\t')) s.pop_back();
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return s.substr(i);
}

std::string StatusName(core::RunStatus s) {
  switch (s) {
    case core::RunStatus::kQueued: return "queued";
    case core::RunStatus::kRunning: return "running";
    case core::RunStatus::kSucceeded: return "succeeded";
    case core::RunStatus::kFailed: return "failed";
    case core::RunStatus::kCanceled: return "canceled";
    case core::RunStatus::kSuperseded: return "superseded";
  }
  return "?";
}

std::string SourceName(core::SourceKind k) {
  switch (k) {
    case core::SourceKind::kGithub: return "github";
    case core::SourceKind::kGitlab: return "gitlab";
    case core::SourceKind::kCodePipeline: return "codepipeline";
    case core::SourceKind::kGeneric: return "generic";
  }
  return "?";
}

// Only set fields are rendered, so an expected file lists exactly what a
// parser fills in and an unexpected extra field fails the comparison.
void PutString(json::object& o, const char* key, const std::string& v) {
  if (!v.empty()) o[key] = v;
}
void PutTime(json::object& o, const char* key, const std::optional<core::TimePoint>& t) {
  if (t) o[key] = core::FormatRfc3339(*t);
}

json::object RenderKeys(const core::MatchKeys& k) {
  json::object o;
  PutString(o, "repository", k.repository);
  PutString(o, "workflow", k.workflow);
  PutString(o, "branch", k.branch);
  PutString(o, "project", k.project);
  PutString(o, "codepipeline", k.codepipeline);
  PutString(o, "region", k.region);
  PutString(o, "account", k.account);
  PutString(o, "pipeline", k.pipeline);
  return o;
}

json::object RenderStage(const core::StageEvent& s) {
  json::object o;
  o["name"] = s.name;
  o["status"] = StatusName(s.status);
  PutString(o, "source_status", s.source_status);
  PutTime(o, "started_at", s.started_at);
  PutTime(o, "finished_at", s.finished_at);
  PutString(o, "url", s.url);
  return o;
}

json::object RenderEvent(const core::RunEvent& e) {
  json::object o;
  o["source"] = SourceName(e.source);
  PutString(o, "delivery_id", e.delivery_id);
  o["keys"] = RenderKeys(e.keys);
  o["external_run_id"] = e.external_run_id;
  o["attempt"] = e.attempt;
  if (e.status) o["status"] = StatusName(*e.status);
  PutString(o, "source_status", e.source_status);
  if (!e.stages.empty()) {
    json::array stages;
    for (const auto& s : e.stages) stages.push_back(RenderStage(s));
    o["stages"] = std::move(stages);
  }
  PutString(o, "title", e.title);
  PutString(o, "version", e.version);
  PutString(o, "commit", e.commit);
  PutString(o, "ref", e.ref);
  PutString(o, "url", e.url);
  PutString(o, "trigger", e.trigger);
  PutTime(o, "created_at", e.created_at);
  PutTime(o, "started_at", e.started_at);
  PutTime(o, "finished_at", e.finished_at);
  PutTime(o, "occurred_at", e.occurred_at);
  return o;
}

}  // namespace

std::vector<FixtureCase> ListCases(const std::filesystem::path& dir) {
  std::vector<FixtureCase> out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".http") continue;
    FixtureCase c;
    c.name = entry.path().stem().string();
    c.http_path = entry.path();
    c.expected_path = dir / (c.name + ".expected.json");
    out.push_back(std::move(c));
  }
  std::sort(out.begin(), out.end(),
            [](const FixtureCase& a, const FixtureCase& b) { return a.name < b.name; });
  return out;
}

Delivery LoadDelivery(const std::filesystem::path& path, const std::string& secret) {
  const std::string text = ReadFile(path);
  Delivery d;
  size_t pos = 0;
  std::vector<std::pair<std::string, std::string>> raw_headers;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    const std::string line = Trim(text.substr(pos, eol - pos));
    pos = eol + 1;
    if (line.empty()) break;  // the body starts after the first blank line
    const size_t colon = line.find(':');
    if (colon == std::string::npos) throw std::runtime_error("bad header line: " + line);
    std::string name = Trim(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    raw_headers.emplace_back(name, Trim(line.substr(colon + 1)));
  }
  d.body = pos < text.size() ? text.substr(pos) : std::string();
  const std::string signature = net::HmacSha256Hex(secret, d.body);
  std::string upper = signature;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  for (auto& [name, value] : raw_headers) {
    for (size_t at; (at = value.find("{{sign}}")) != std::string::npos;) {
      value.replace(at, 8, signature);
    }
    for (size_t at; (at = value.find("{{SIGN}}")) != std::string::npos;) {
      value.replace(at, 8, upper);
    }
    d.headers[name] = value;
  }
  return d;
}

json::value Render(const core::Result<ParseOutcome>& outcome) {
  json::object o;
  if (!outcome) {
    json::object err;
    err["code"] = core::ErrorCodeName(outcome.error().code);
    err["where"] = outcome.error().where;
    o["error"] = std::move(err);
    return o;
  }
  switch (outcome->kind) {
    case ParseOutcome::kPing:
      o["ping"] = true;
      break;
    case ParseOutcome::kIgnored:
      o["ignored"] = outcome->reason;
      break;
    case ParseOutcome::kConfirm:
      o["confirm"] = outcome->confirm_url;
      break;
    case ParseOutcome::kEvents: {
      json::array events;
      for (const auto& e : outcome->events) events.push_back(RenderEvent(e));
      o["events"] = std::move(events);
      break;
    }
  }
  return o;
}

json::value ReadJsonFile(const std::filesystem::path& path) {
  return json::parse(ReadFile(path));
}

std::string TestName(const std::string& stem) {
  std::string out = stem;
  for (char& c : out) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return out;
}

void ExpectMatchesFixture(const Source& source, const FixtureCase& c, const std::string& secret) {
  ExpectMatchesFixture(source, c, secret, nullptr);
}

void ExpectMatchesFixture(const Source& source, const FixtureCase& c, const std::string& secret,
                          const DeliveryHook& hook) {
  Delivery delivery = LoadDelivery(c.http_path, secret);
  if (hook) hook(delivery);
  const auto outcome = source.Parse(delivery);
  const boost::json::value got = Render(outcome);
  const boost::json::value want = ReadJsonFile(c.expected_path);
  EXPECT_EQ(got, want) << "case " << c.name << "\n got: " << boost::json::serialize(got)
                       << "\nwant: " << boost::json::serialize(want)
                       << (outcome ? "" : "\nerror: " + outcome.error().ToString());
}

TestRsaSigner::TestRsaSigner() {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  if (key == nullptr) throw std::runtime_error("EVP_RSA_gen failed");
  key_ = std::shared_ptr<void>(key, [](void* k) { EVP_PKEY_free(static_cast<EVP_PKEY*>(k)); });
  std::unique_ptr<X509, void (*)(X509*)> cert(X509_new(), X509_free);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -24 * 3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("opsdeck test only"), -1, -1,
                             0);
  X509_set_issuer_name(cert.get(), name);
  if (X509_sign(cert.get(), key, EVP_sha256()) == 0) throw std::runtime_error("X509_sign failed");
  std::unique_ptr<BIO, int (*)(BIO*)> bio(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_X509(bio.get(), cert.get());
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  cert_pem_.assign(data, static_cast<size_t>(n));
}

std::string TestRsaSigner::Sign(std::string_view data, bool sha256) const {
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  auto* key = static_cast<EVP_PKEY*>(key_.get());
  size_t len = 0;
  if (EVP_DigestSignInit(ctx.get(), nullptr, sha256 ? EVP_sha256() : EVP_sha1(), nullptr, key) !=
          1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()),
                     data.size()) != 1) {
    throw std::runtime_error("EVP_DigestSign failed");
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
    throw std::runtime_error("EVP_DigestSign failed");
  }
  sig.resize(len);
  std::string b64(4 * ((sig.size() + 2) / 3), '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()),
                                      reinterpret_cast<const unsigned char*>(sig.data()),
                                      static_cast<int>(sig.size()));
  b64.resize(static_cast<size_t>(written));
  return b64;
}

const TestRsaSigner& TestSnsSigner() {
  static const TestRsaSigner signer;
  return signer;
}

std::string TestSnsStringToSign(const json::object& envelope) {
  const json::value* type = envelope.if_contains("Type");
  const bool notification =
      type != nullptr && type->is_string() && type->get_string() == "Notification";
  const std::vector<const char*> keys =
      notification ? std::vector<const char*>{"Message",   "MessageId", "Subject",
                                              "Timestamp", "TopicArn",  "Type"}
                   : std::vector<const char*>{"Message", "MessageId", "SubscribeURL", "Timestamp",
                                              "Token",   "TopicArn",  "Type"};
  std::string out;
  for (const char* key : keys) {
    const json::value* v = envelope.if_contains(key);
    if (v == nullptr || !v->is_string()) continue;
    out += key;
    out += '\n';
    out.append(v->get_string().data(), v->get_string().size());
    out += '\n';
  }
  return out;
}

void SignSnsBody(Delivery& d) {
  constexpr std::string_view kPlaceholder = "{{sns-sign}}";
  const size_t at = d.body.find(kPlaceholder);
  if (at == std::string::npos) return;
  json::error_code ec;
  const json::value doc = json::parse(d.body, ec);
  if (ec || !doc.is_object()) return;
  const json::value* version = doc.get_object().if_contains("SignatureVersion");
  const bool sha1 = version != nullptr && version->is_string() && version->get_string() == "1";
  const std::string signature = TestSnsSigner().Sign(TestSnsStringToSign(doc.get_object()), !sha1);
  d.body.replace(at, kPlaceholder.size(), signature);
}

core::Result<std::string> FakeCertificateProvider::Get(const std::string& url) {
  ++calls_;
  auto it = pems_.find(url);
  if (it == pems_.end()) return core::Error::Unauthenticated("no certificate at " + url);
  return it->second;
}

}  // namespace opsdeck::ingest::testing
