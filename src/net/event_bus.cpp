#include "net/event_bus.h"

#include <deque>
#include <mutex>
#include <unordered_set>

namespace opsdeck::net {

struct EventBus::Subscription::State {
  std::mutex mu;
  std::deque<BusEvent> queue;
  uint64_t dropped = 0;
  std::function<void()> wake;
  size_t limit = 256;
};

struct EventBus::Impl {
  mutable std::mutex mu;
  uint64_t next_id = 1;
  size_t queue_limit = 256;
  std::unordered_set<std::shared_ptr<Subscription::State>> subscribers;
};

EventBus::EventBus(size_t queue_limit) : impl_(std::make_shared<Impl>()) {
  impl_->queue_limit = queue_limit == 0 ? 1 : queue_limit;
}

EventBus::~EventBus() = default;

void EventBus::Publish(std::string type, std::string data) {
  std::vector<std::shared_ptr<Subscription::State>> to_wake;
  {
    std::lock_guard lock(impl_->mu);
    BusEvent event{impl_->next_id++, std::move(type), std::move(data)};
    for (const auto& sub : impl_->subscribers) {
      std::lock_guard sub_lock(sub->mu);
      const bool was_empty = sub->queue.empty();
      if (sub->queue.size() >= sub->limit) {
        sub->queue.pop_front();
        ++sub->dropped;
      }
      sub->queue.push_back(event);
      if (was_empty) to_wake.push_back(sub);
    }
  }
  // Outside the bus lock: a wake may post to an io_context.
  for (const auto& sub : to_wake) {
    if (sub->wake) sub->wake();
  }
}

std::unique_ptr<EventBus::Subscription> EventBus::Subscribe(std::function<void()> wake) {
  auto state = std::make_shared<Subscription::State>();
  state->wake = std::move(wake);
  state->limit = impl_->queue_limit;
  {
    std::lock_guard lock(impl_->mu);
    impl_->subscribers.insert(state);
  }
  std::unique_ptr<Subscription> sub(new Subscription(state));  // private constructor
  // Remember the bus weakly so a subscription outliving it stays harmless.
  std::weak_ptr<Impl> bus = impl_;
  sub->state_ = state;
  sub->unsubscribe_ = [bus, raw = state.get()] {
    if (auto impl = bus.lock()) {
      std::lock_guard lock(impl->mu);
      for (auto it = impl->subscribers.begin(); it != impl->subscribers.end(); ++it) {
        if (it->get() == raw) {
          impl->subscribers.erase(it);
          break;
        }
      }
    }
  };
  return sub;
}

size_t EventBus::Subscribers() const {
  std::lock_guard lock(impl_->mu);
  return impl_->subscribers.size();
}

EventBus::Subscription::Subscription(std::shared_ptr<State> state) : state_(std::move(state)) {}

EventBus::Subscription::~Subscription() {
  if (unsubscribe_) unsubscribe_();
}

std::vector<BusEvent> EventBus::Subscription::Take(uint64_t* dropped) {
  std::lock_guard lock(state_->mu);
  std::vector<BusEvent> out(std::make_move_iterator(state_->queue.begin()),
                            std::make_move_iterator(state_->queue.end()));
  state_->queue.clear();
  if (dropped) *dropped = state_->dropped;
  state_->dropped = 0;
  return out;
}

}  // namespace opsdeck::net
