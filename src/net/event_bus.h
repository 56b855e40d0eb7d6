// An in-process broadcast of state changes for `GET /api/v1/stream` (SSE):
// publishers (intake, the monitor, releases) post a typed JSON event; each
// subscriber (one per open stream) has a bounded queue and a wake callback.
// A subscriber too slow to keep up loses its oldest events and is told so
// (a "dropped" count), so a stuck client never holds memory or publishers.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace opsdeck::net {

struct BusEvent {
  uint64_t id = 0;     // increasing per bus; the SSE `id:`
  std::string type;    // the SSE `event:` ("target.state", "run.updated", ...)
  std::string data;    // one line of JSON (no newline)
};

class EventBus {
 public:
  class Subscription;
  explicit EventBus(size_t queue_limit = 256);
  ~EventBus();
  EventBus(const EventBus&) = delete;
  EventBus& operator=(const EventBus&) = delete;

  // `type` and `data` must not contain newlines (data is compact JSON).
  void Publish(std::string type, std::string data);
  // `wake` is called (from the publisher's thread, quickly) when the queue
  // goes from empty to non-empty. Unsubscribes when the returned object dies.
  std::unique_ptr<Subscription> Subscribe(std::function<void()> wake);
  size_t Subscribers() const;

  class Subscription {
   public:
    ~Subscription();
    // Takes every queued event; `dropped` gets how many were lost since the
    // last call because the queue was full.
    std::vector<BusEvent> Take(uint64_t* dropped = nullptr);

   private:
    friend class EventBus;
    struct State;
    explicit Subscription(std::shared_ptr<State> state);
    std::shared_ptr<State> state_;
    std::function<void()> unsubscribe_;
  };

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace opsdeck::net
