// libFuzzer target: POST /hooks/alertmanager (ingest::AlertmanagerSource).
// Input layout as fuzz_input.h; a forced credential is the valid bearer token,
// so most inputs reach the JSON reader. What must hold for any input: no
// exception, no sanitizer report; an error is unauthenticated or
// invalid_argument; and without the credential the same delivery is refused before any parsing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "fuzz_input.h"
#include "ingest/alertmanager_source.h"

namespace {
constexpr const char* kToken = "test-alertmanager-token-0123456789";  // as in tests/fixtures/alertmanager
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace opsdeck;
  static const ingest::AlertmanagerSource source{core::SecretString(kToken)};
  fuzz::FuzzInput in = fuzz::SplitInput(data, size, kToken);
  if (in.credential_forced) in.delivery.headers["authorization"] = std::string("Bearer ") + kToken;
  auto parsed = source.Parse(in.delivery);
  if (!parsed) {
    const auto code = parsed.error().code;
    if (code != core::ErrorCode::kUnauthenticated && code != core::ErrorCode::kInvalidArgument) std::abort();
  } else if (parsed->truncated_alerts < 0) {
    std::abort();  // the reader refuses a negative count
  }
  if (in.credential_forced) {
    in.delivery.headers.erase("authorization");
    auto refused = source.Parse(in.delivery);
    if (refused || refused.error().code != core::ErrorCode::kUnauthenticated) std::abort();
  }
  return 0;
}
