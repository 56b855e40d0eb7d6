// libFuzzer target: POST /hooks/gitlab (ingest::GitlabSource). See
// fuzz_input.h for the input layout; a forced credential is the valid
// X-Gitlab-Token, so most inputs reach the JSON parser.
#include <cstddef>
#include <cstdint>

#include "fuzz_input.h"
#include "ingest/gitlab_source.h"

namespace {
constexpr const char* kToken = "test-gitlab-token-0123456789";  // as in tests/fixtures/gitlab
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace opsdeck;
  static const ingest::GitlabSource source{core::SecretString(kToken)};
  fuzz::FuzzInput in = fuzz::SplitInput(data, size, kToken);
  if (in.credential_forced) in.delivery.headers["x-gitlab-token"] = kToken;
  fuzz::ParseAndCheck(source, in.delivery, in.credential_forced,
                      [](ingest::Delivery& d) { d.headers.erase("x-gitlab-token"); });
  return 0;
}
