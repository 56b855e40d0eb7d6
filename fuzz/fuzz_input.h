// Shared libFuzzer harness for the webhook sources (fuzz/README.md): turns the
// fuzzer's bytes into a Delivery, runs Source::Parse and checks what must hold
// for ANY input, aborting (a reported crash) when it does not.
// Used by one fuzzer process at a time; not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "ingest/source.h"

namespace opsdeck::fuzz {

// Input layout. A first byte below 0x08 is a control byte and is dropped;
// any other first byte means control 0, so a plain fixture file
// (tests/fixtures/<source>/<case>.http) is a valid input as it is. The rest
// is a request document as in tests/fixtures/README.md: header lines, a blank
// line, then the raw body (no blank line: all of it is the body, no headers).
//
// Control bits 0-1: 0, 1, 2 -> the harness installs a valid credential for
// the source (so the JSON parser is reached most of the time); 3 -> the
// document's own headers are used as they are ("{{sign}}" still becomes the
// body's valid HMAC, as in the fixtures).
struct FuzzInput {
  ingest::Delivery delivery;
  bool credential_forced = false;
};

// `secret` keys the "{{sign}}" replacement (HMAC-SHA256 of the body).
FuzzInput SplitInput(const uint8_t* data, size_t size, const std::string& secret);

// Parses `delivery` with `source` and checks the invariants:
//   - no exception escapes, no sanitizer report (checked by the build);
//   - an error is unauthenticated or invalid_argument, nothing else;
//   - events carry the source's kind, a run id, attempt >= 1, only http(s)
//     links, and times that round-trip through RFC 3339 text;
//   - kIgnored/kPing carry a reason;
// and, when `credential_forced`, that the same delivery after
// `strip_credential` is refused as unauthenticated (checked before the JSON).
void ParseAndCheck(const ingest::Source& source, const ingest::Delivery& delivery,
                   bool credential_forced,
                   const std::function<void(ingest::Delivery&)>& strip_credential);

}  // namespace opsdeck::fuzz
