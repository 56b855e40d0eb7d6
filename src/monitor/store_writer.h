// The monitor's one thread for blocking store calls: jobs run in the order
// they were posted, so a state change is never committed before the results
// that caused it. Stop() runs what is queued, then joins.
// Thread-safety: Post and Stop may be called from any thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace opsdeck::monitor {

class StoreWriter {
 public:
  StoreWriter();
  ~StoreWriter();  // Stop()
  StoreWriter(const StoreWriter&) = delete;
  StoreWriter& operator=(const StoreWriter&) = delete;

  // Queued after every earlier job. After Stop, the job runs on the caller's
  // thread (so a late `done` callback is never lost).
  void Post(std::function<void()> job);
  size_t Queued() const;
  void Stop();

 private:
  void Run();
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  bool stopped_ = false;
  std::thread thread_;
};

}  // namespace opsdeck::monitor
