#include "core/name_list.h"

namespace opsdeck::core {

std::string NameList(const std::vector<std::string>& names, size_t max, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < names.size() && i < max; ++i) {
    if (i > 0) out += sep;
    out += names[i];
  }
  if (names.size() > max) out += " and " + std::to_string(names.size() - max) + " more";
  return out;
}

}  // namespace opsdeck::core
