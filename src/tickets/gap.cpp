#include "tickets/gap.h"

namespace opsdeck::tickets {

std::string_view GapKindName(GapKind kind) {
  switch (kind) {
    case GapKind::kMissingField:
      return "missing_field";
    case GapKind::kBrokenLink:
      return "broken_link";
    case GapKind::kUndocumentedResource:
      return "undocumented_resource";
    case GapKind::kMissingResource:
      return "missing_resource";
  }
  return "missing_field";
}

}  // namespace opsdeck::tickets
