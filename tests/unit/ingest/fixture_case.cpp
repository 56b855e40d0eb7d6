#include "fixture_case.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

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
  const Delivery delivery = LoadDelivery(c.http_path, secret);
  const auto outcome = source.Parse(delivery);
  const boost::json::value got = Render(outcome);
  const boost::json::value want = ReadJsonFile(c.expected_path);
  EXPECT_EQ(got, want) << "case " << c.name << "\n got: " << boost::json::serialize(got)
                       << "\nwant: " << boost::json::serialize(want)
                       << (outcome ? "" : "\nerror: " + outcome.error().ToString());
}

}  // namespace opsdeck::ingest::testing
