// libFuzzer target: POST /hooks/github (ingest::GithubSource). See fuzz_input.h
// for the input layout; a forced credential is a valid X-Hub-Signature-256
// computed over the body, so most inputs reach the JSON parser.
#include <cstddef>
#include <cstdint>

#include "fuzz_input.h"
#include "ingest/github_source.h"
#include "net/secrets.h"

namespace {
constexpr const char* kSecret = "It's a Secret to Everybody";  // as in tests/fixtures/github
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace opsdeck;
  static const ingest::GithubSource source{core::SecretString(kSecret)};
  fuzz::FuzzInput in = fuzz::SplitInput(data, size, kSecret);
  if (in.credential_forced) {
    in.delivery.headers["x-hub-signature-256"] =
        "sha256=" + net::HmacSha256Hex(kSecret, in.delivery.body);
  }
  fuzz::ParseAndCheck(source, in.delivery, in.credential_forced,
                      [](ingest::Delivery& d) { d.headers.erase("x-hub-signature-256"); });
  return 0;
}
