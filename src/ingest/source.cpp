#include "ingest/source.h"

#include <utility>

namespace opsdeck::ingest {

Source::~Source() = default;

ParseOutcome Ignored(std::string reason, std::string event_type) {
  ParseOutcome out;
  out.kind = ParseOutcome::kIgnored;
  out.reason = std::move(reason);
  out.event_type = std::move(event_type);
  return out;
}

const std::string* FindHeader(const Delivery& delivery, const std::string& name) {
  auto it = delivery.headers.find(name);
  return it == delivery.headers.end() ? nullptr : &it->second;
}

}  // namespace opsdeck::ingest
