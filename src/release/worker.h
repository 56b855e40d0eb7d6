// One background thread that runs posted jobs in order and a periodic job
// between them: the release desk's own thread (periodic checks, intake
// follow-ups) and its action thread (rollback actions, which may block for
// minutes). Thread-safety: Post, Flush and Stop may be called from any thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>

#include "core/clock.h"

namespace opsdeck::release {

class Worker {
 public:
  using Job = std::function<void(std::stop_token)>;

  // `periodic` (may be empty) runs every `period` of steady time, first one
  // period after the start.
  Worker(core::Duration period, std::function<void()> periodic);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Queued after the jobs already posted; dropped once Stop was called.
  void Post(Job job);
  // Blocks until every job posted before the call has run (tests, shutdown).
  void Flush();
  // Asks a running job to stop (its stop_token), runs nothing more, joins.
  // Idempotent.
  void Stop();

 private:
  void Loop(std::stop_token stop);

  core::Duration period_;
  std::function<void()> periodic_;
  std::mutex mu_;
  std::condition_variable_any cv_;
  std::deque<Job> jobs_;
  bool stopped_ = false;
  std::jthread thread_;  // last: starts after the members above exist
};

}  // namespace opsdeck::release
