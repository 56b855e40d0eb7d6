// A page of a list: `next` is the opaque cursor of the following page.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace opsdeck::store {

template <typename T>
struct Page {
  std::vector<T> items;
  std::optional<std::string> next;
};

}  // namespace opsdeck::store
