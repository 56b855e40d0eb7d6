// Environments: the ordered promotion path (development -> staging -> production).
// Plain values.
#pragma once

#include <string>
#include <vector>

namespace opsdeck::core {

struct Environment {
  std::string name;
  bool is_protected = false;  // `protected: true`: the release gate applies here
  int position = 0;           // index in the promotion path, 0 first
};

}  // namespace opsdeck::core
