// The HTTP check's condition language (docs/monitoring-conditions.md):
// `status == 200`, `response_time < 500ms`, `body contains "db"`,
// `json.items[0].id == 3`, `header.Content-Type contains "json"`, ...
// Parsed once when the probe is built; evaluated against each response.
// Thread-safety: a parsed ConditionSet is immutable; Evaluate is const and
// may run on any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <regex>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/health.h"
#include "core/result.h"

namespace opsdeck::monitor {

// What one HTTP exchange showed, as the conditions see it.
struct Observation {
  int status = 0;
  core::Micros response_time{0};  // probe start -> response read
  std::string_view body;          // what was read (capped)
  // Values of the headers named in ConditionSet::header_names(), same order;
  // nullopt when the response did not carry that header.
  std::span<const std::optional<std::string>> headers;
  std::optional<int> certificate_days;  // https only
};

enum class ConditionSubject { kStatus, kResponseTime, kBody, kJson, kHeader, kCertificateDays };
enum class ConditionOp { kEq, kNe, kLt, kLe, kGt, kGe, kContains, kMatches, kIn };

// A literal on the right-hand side. Durations are stored as milliseconds.
using ConditionLiteral = std::variant<std::nullptr_t, bool, double, std::string>;

// One step of a json path: `.name` (key) or `[3]` (index, key empty).
struct JsonStep {
  std::string key;
  size_t index = 0;
  bool is_index = false;
};

struct Condition {
  std::string text;  // as written (trimmed): the error names it
  ConditionSubject subject = ConditionSubject::kStatus;
  std::vector<JsonStep> path;  // kJson
  std::string header_name;     // kHeader: lower case
  size_t header = 0;           // kHeader: index into header_names()
  ConditionOp op = ConditionOp::kEq;
  std::vector<ConditionLiteral> values;  // one, or the list of `in`
  std::optional<std::regex> regex;       // kMatches
};

class ConditionSet {
 public:
  // The conditions of one check, in config order; empty `texts` means the
  // default `status < 400`. A bad condition is kInvalidArgument:
  //   bad condition "status >> 200": expected a number at column 9
  // with `where` = "conditions[<i>]".
  static core::Result<ConditionSet> Parse(const std::vector<std::string>& texts);
  // One condition alone (where is left empty on error).
  static core::Result<Condition> ParseOne(std::string_view text);

  // Empty when every condition holds; otherwise one
  // `<condition> failed: got <actual>` per failing condition, joined by "; ".
  std::string Evaluate(const Observation& observation) const;

  bool needs_body() const { return needs_body_; }
  bool needs_json() const { return needs_json_; }
  bool needs_certificate() const { return needs_certificate_; }
  // Lower-case header names the conditions read, without duplicates.
  const std::vector<std::string>& header_names() const { return header_names_; }
  const std::vector<Condition>& conditions() const { return conditions_; }

 private:
  std::vector<Condition> conditions_;
  std::vector<std::string> header_names_;
  bool needs_body_ = false;
  bool needs_json_ = false;
  bool needs_certificate_ = false;
};

// Formats a duration the way conditions and errors show it: "734ms",
// "2.5ms", "0.3ms".
std::string FormatMicros(core::Micros value);

}  // namespace opsdeck::monitor
