// Instrumented fake probes for the scheduler tests: each finishes after a set
// time (0 = on the next turn of the loop, never inside Start) and records
// starts, overlaps and in-flight counts per host and overall.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/clock.h"
#include "monitor/probe.h"
#include "monitor/scheduler.h"

namespace opsdeck::monitor::testing {

using Steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Shared by all fakes of one test.
struct ProbeLog {
  struct Start {
    std::string name;
    Steady::time_point at;
    int instance = 0;  // which FakeProbe object ran
  };
  std::vector<Start> starts;
  std::map<std::string, int> host_in_flight;
  std::map<std::string, int> host_max;
  int in_flight = 0;
  int max_in_flight = 0;
  int overlaps = 0;  // a probe started while its previous run was going
  int live = 0;      // FakeProbe objects alive
  int created = 0;

  std::vector<Steady::time_point> StartsOf(const std::string& name) const {
    std::vector<Steady::time_point> out;
    for (const auto& s : starts) {
      if (s.name == name) out.push_back(s.at);
    }
    return out;
  }
};

class FakeProbe final : public Probe {
 public:
  FakeProbe(ProbeLog& log, std::string name, std::string host, milliseconds duration,
            bool ok = true)
      : log_(log),
        name_(std::move(name)),
        host_(std::move(host)),
        duration_(duration),
        ok_(ok),
        instance_(++log_.created) {
    ++log_.live;
  }
  int instance() const { return instance_; }
  ~FakeProbe() override { --log_.live; }

  void Start(ProbeEnv& env, ProbeDone done) override {
    if (running_) ++log_.overlaps;
    running_ = true;
    log_.starts.push_back({name_, Steady::now(), instance_});
    log_.max_in_flight = std::max(log_.max_in_flight, ++log_.in_flight);
    int& host_now = log_.host_in_flight[host_];
    ++host_now;
    log_.host_max[host_] = std::max(log_.host_max[host_], host_now);
    if (on_start) on_start();
    core::CheckResult result;
    result.at = env.clock.Now();
    result.ok = ok_;
    if (!ok_) result.error = "timeout after " + std::to_string(duration_.count()) + "ms";
    auto finish = [this, done = std::move(done), result]() mutable {
      running_ = false;
      --log_.in_flight;
      --log_.host_in_flight[host_];
      done(std::move(result));
    };
    if (duration_.count() == 0) {
      boost::asio::post(env.io, std::move(finish));
      return;
    }
    timer_ = std::make_unique<boost::asio::steady_timer>(env.io, duration_);
    timer_->async_wait(
        [finish = std::move(finish)](const boost::system::error_code&) mutable { finish(); });
  }
  const std::string& Host() const override { return host_; }
  const std::string& Summary() const override { return name_; }

  std::function<void()> on_start;  // runs inside Start (tests hook reloads here)

 private:
  ProbeLog& log_;
  std::string name_;
  std::string host_;
  milliseconds duration_;
  bool ok_;
  int instance_;
  bool running_ = false;
  std::unique_ptr<boost::asio::steady_timer> timer_;
};

inline ScheduledCheck Check(ProbeLog& log, const std::string& target, int index,
                            milliseconds interval, milliseconds duration, std::string host = {},
                            std::string fingerprint = "v1") {
  const std::string name = target + "#" + std::to_string(index);
  return ScheduledCheck{
      core::CheckKey{target, index},
      std::make_unique<FakeProbe>(log, name, host.empty() ? name : host, duration), interval,
      std::move(fingerprint)};
}

// The scheduler never touches the resolver or the TLS contexts and neither
// do the fakes; ProbeEnv wants references, so they name unused storage.
struct TestEnv {
  explicit TestEnv(const core::Clock& clock)
      : env{io, *reinterpret_cast<Resolver*>(unused), *reinterpret_cast<TlsContexts*>(unused),
            clock} {}
  boost::asio::io_context io;
  alignas(std::max_align_t) unsigned char unused[64] = {};
  ProbeEnv env;
};

// Runs the loop until `done()` or `limit` passes; false on timeout.
inline bool RunUntil(boost::asio::io_context& io, const std::function<bool()>& done,
                     Steady::duration limit) {
  const auto end = Steady::now() + limit;
  while (!done()) {
    if (Steady::now() >= end) return false;
    io.restart();
    io.run_one_until(std::min(end, Steady::now() + milliseconds(20)));
  }
  return true;
}

inline void RunFor(boost::asio::io_context& io, Steady::duration d) {
  const auto end = Steady::now() + d;
  RunUntil(
      io, [&] { return Steady::now() >= end; }, d + milliseconds(100));
}

inline double Ms(Steady::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

}  // namespace opsdeck::monitor::testing
