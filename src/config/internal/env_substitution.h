// Internal to config/: ${VAR} substitution inside scalar strings. `$${` stands
// for a literal `${`; a `$` not followed by `{` is kept as is. Pure; thread-safe
// if the lookup is.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/loader.h"

namespace opsdeck::config::internal {

struct Substitution {
  std::string value;                // the text with every variable replaced
  std::vector<std::string> errors;  // one per unset or malformed variable
  bool changed = false;             // a variable or escape was replaced
};

Substitution SubstituteEnv(std::string_view text, const EnvLookup& env);

}  // namespace opsdeck::config::internal
