// A FIFO of shared pointers on one vector: the scheduler's wait queues. Unlike
// std::deque (which allocates a 512-byte block even when empty) an idle queue
// costs nothing, and there is one per probed host.
// A plain value; not thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

namespace opsdeck::monitor {

template <typename T>
class EntryFifo {
 public:
  bool empty() const { return head_ == items_.size(); }
  size_t size() const { return items_.size() - head_; }

  void Push(std::shared_ptr<T> item) { items_.push_back(std::move(item)); }

  // Precondition: !empty().
  std::shared_ptr<T> Pop() {
    std::shared_ptr<T> item = std::move(items_[head_++]);
    if (head_ == items_.size()) {
      items_.clear();
      head_ = 0;
    } else if (head_ > 32 && head_ * 2 > items_.size()) {
      // Reclaim the consumed front once it is most of the vector, so a queue
      // that never quite empties stays O(1) amortised and bounded.
      items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
    return item;
  }

 private:
  std::vector<std::shared_ptr<T>> items_;
  size_t head_ = 0;
};

}  // namespace opsdeck::monitor
