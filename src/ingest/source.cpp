#include "ingest/source.h"

namespace opsdeck::ingest {

Source::~Source() = default;

const std::string* FindHeader(const Delivery& delivery, const std::string& name) {
  auto it = delivery.headers.find(name);
  return it == delivery.headers.end() ? nullptr : &it->second;
}

}  // namespace opsdeck::ingest
