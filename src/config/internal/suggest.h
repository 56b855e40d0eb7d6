// Internal to config/: "did you mean" suggestions for misspelt keys and names.
// Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace opsdeck::config::internal {

// The candidate closest to `word` when it is close enough to be a typo, else "".
std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "".
std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace opsdeck::config::internal
