// The interface every webhook source implements: a verified delivery in, the
// normalised run events (or "ping", or "ignored with a reason") out.
// Sources are immutable after construction; Parse() is const and safe to call
// from many threads at once.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/secret.h"
#include "core/run.h"

namespace opsdeck::ingest {

// One HTTP delivery as received: headers (names lower-cased by the caller)
// and the exact raw body bytes (signatures are computed over them).
struct Delivery {
  std::map<std::string, std::string> headers;
  std::string body;
};

struct ParseOutcome {
  // kConfirm: a verified subscription handshake (Amazon SNS
  // SubscriptionConfirmation for a configured topic); the caller confirms it
  // by a GET of `confirm_url` (https, on an SNS host, checked by the source)
  // before answering 200.
  enum Kind { kEvents, kPing, kIgnored, kConfirm };
  Kind kind = kIgnored;
  std::vector<core::RunEvent> events;  // kEvents only
  std::string reason;                  // kPing/kIgnored/kConfirm: why, for logs and "unmatched"
  std::string event_type;              // the provider's event name ("workflow_run", "Pipeline Hook", a detail-type)
  std::string confirm_url;             // kConfirm only
};

// Errors from Parse():
//   kUnauthenticated: missing or wrong signature/token (checked before any
//     JSON is parsed, in constant time);
//   kInvalidArgument: malformed input; `where` is a JSON pointer naming the
//     offending value ("" for the whole document) or a header name.
class Source {
 public:
  virtual ~Source();
  virtual core::SourceKind kind() const = 0;
  virtual core::Result<ParseOutcome> Parse(const Delivery& delivery) const = 0;
};

// An outcome "well-formed but not used", with the reason and event type.
ParseOutcome Ignored(std::string reason, std::string event_type = {});

// ASCII case folding for header names, schemes and hex digits (never locale
// dependent).
std::string AsciiLower(std::string_view s);
bool AsciiIEquals(std::string_view a, std::string_view b);

// The value of header `name` (lower-case) or nullptr.
const std::string* FindHeader(const Delivery& delivery, const std::string& name);

// `Authorization: Bearer <token>` against `token` (compared as SHA-256
// digests in constant time, so neither its bytes nor its length leak).
// kUnauthenticated naming what is wrong; `source` names the missing setting
// ("no Alertmanager token configured").
core::Result<void> VerifyBearer(const Delivery& delivery, const core::SecretString& token,
                                std::string_view source);

}  // namespace opsdeck::ingest
