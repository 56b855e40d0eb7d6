// "a, b, c and 4 more": a list of names cut to fit one log line or one chat
// field. Pure; any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace opsdeck::core {

// The first `max` names joined by `sep`, then " and N more" when there are more.
std::string NameList(const std::vector<std::string>& names, size_t max,
                     std::string_view sep = ", ");

}  // namespace opsdeck::core
