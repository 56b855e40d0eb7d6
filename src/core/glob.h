// `*` and `?` globs over names (pipeline match rules, catalog AWS
// identifiers). Pure; any thread.
#pragma once

#include <string_view>

namespace opsdeck::core {

// Whether `text` matches `pattern` (`*` any run, `?` one character); an empty
// pattern matches anything. Iterative with single-star backtracking: linear in
// practice and no recursion, so hostile patterns or names cannot blow the stack.
bool GlobMatch(std::string_view pattern, std::string_view text);

}  // namespace opsdeck::core
