#include "release/worker.h"

#include <future>

namespace opsdeck::release {

Worker::Worker(core::Duration period, std::function<void()> periodic)
    : period_(period),
      periodic_(std::move(periodic)),
      thread_([this](std::stop_token s) { Loop(s); }) {}

Worker::~Worker() { Stop(); }

void Worker::Post(Job job) {
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
}

void Worker::Flush() {
  auto done = std::make_shared<std::promise<void>>();
  auto future = done->get_future();
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    jobs_.push_back([done](std::stop_token) { done->set_value(); });
  }
  cv_.notify_one();
  future.wait();
}

void Worker::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopped_ && !thread_.joinable()) return;
    stopped_ = true;
  }
  thread_.request_stop();
  cv_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void Worker::Loop(std::stop_token stop) {
  using SteadyClock = std::chrono::steady_clock;
  auto next = SteadyClock::now() + period_;
  std::unique_lock lock(mu_);
  while (!stop.stop_requested()) {
    if (!jobs_.empty()) {
      Job job = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      job(stop);
      lock.lock();
      continue;
    }
    if (periodic_ && SteadyClock::now() >= next) {
      lock.unlock();
      periodic_();
      lock.lock();
      next = SteadyClock::now() + period_;
      continue;
    }
    if (periodic_) {
      cv_.wait_until(lock, stop, next, [this] { return !jobs_.empty(); });
    } else {
      cv_.wait(lock, stop, [this] { return !jobs_.empty(); });
    }
  }
  // A dropped Flush marker breaks its promise, which wakes its waiter.
  jobs_.clear();
}

}  // namespace opsdeck::release
