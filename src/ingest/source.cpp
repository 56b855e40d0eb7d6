#include "ingest/source.h"

#include <utility>

#include "net/secrets.h"

namespace opsdeck::ingest {

Source::~Source() = default;

ParseOutcome Ignored(std::string reason, std::string event_type) {
  ParseOutcome out;
  out.kind = ParseOutcome::kIgnored;
  out.reason = std::move(reason);
  out.event_type = std::move(event_type);
  return out;
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool AsciiIEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

const std::string* FindHeader(const Delivery& delivery, const std::string& name) {
  auto it = delivery.headers.find(name);
  return it == delivery.headers.end() ? nullptr : &it->second;
}

core::Result<void> VerifyBearer(const Delivery& delivery, const core::SecretString& token,
                                std::string_view source) {
  if (token.empty()) return core::Error::Unauthenticated("no " + std::string(source) + " token configured");
  const std::string* header = FindHeader(delivery, "authorization");
  if (header == nullptr) return core::Error::Unauthenticated("missing Authorization header");
  const std::string_view value(*header);
  const size_t space = value.find(' ');
  if (space == std::string_view::npos || !AsciiIEquals(value.substr(0, space), "bearer")) {
    return core::Error::Unauthenticated("Authorization is not a Bearer token");
  }
  std::string_view given = value.substr(space + 1);
  while (!given.empty() && given.front() == ' ') given.remove_prefix(1);
  // Hashing first makes the comparison independent of the token's length too.
  if (!net::ConstantTimeEquals(net::Sha256Hex(given), net::Sha256Hex(token.Reveal()))) {
    return core::Error::Unauthenticated("wrong bearer token");
  }
  return core::Ok();
}

}  // namespace opsdeck::ingest
