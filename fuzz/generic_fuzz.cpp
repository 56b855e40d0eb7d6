// libFuzzer target: POST /hooks/generic (ingest::GenericSource). See
// fuzz_input.h for the input layout; a forced credential is the valid bearer
// token, so most inputs reach the JSON parser.
#include <cstddef>
#include <cstdint>

#include "fuzz_input.h"
#include "ingest/generic_source.h"

namespace {
constexpr const char* kToken = "test-generic-token-0123456789";  // as in tests/fixtures/generic
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace opsdeck;
  static const ingest::GenericSource source{core::SecretString(kToken)};
  fuzz::FuzzInput in = fuzz::SplitInput(data, size, kToken);
  if (in.credential_forced) in.delivery.headers["authorization"] = std::string("Bearer ") + kToken;
  fuzz::ParseAndCheck(source, in.delivery, in.credential_forced,
                      [](ingest::Delivery& d) { d.headers.erase("authorization"); });
  return 0;
}
