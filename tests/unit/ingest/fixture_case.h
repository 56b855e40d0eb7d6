// Data-first parser tests (tests/fixtures/README.md): loads a <case>.http
// request file and its <case>.expected.json, and renders a parse outcome as
// JSON in the same shape so the two compare as values.
#pragma once

#include <boost/json/value.hpp>

#include <filesystem>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "core/result.h"
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
// {"ignored": "<reason>"} or {"error": {"code": ..., "where": ...}}.
boost::json::value Render(const core::Result<ParseOutcome>& outcome);

boost::json::value ReadJsonFile(const std::filesystem::path& path);

// The one check every source's fixture walk makes: parse the case's request
// with `source` (signed or authorised with `secret`) and expect the outcome
// to equal <case>.expected.json, printing both on a mismatch.
void ExpectMatchesFixture(const Source& source, const FixtureCase& c, const std::string& secret);

// gtest-safe parameter name ("workflow_run-completed-success" -> "workflow_run_completed_success").
std::string TestName(const std::string& stem);

}  // namespace opsdeck::ingest::testing
