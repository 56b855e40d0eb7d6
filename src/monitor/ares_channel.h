// One c-ares channel driven by an Asio io_context: c-ares reports the sockets
// it wants watched (sock-state callback), Asio waits on them, and one timer
// fires c-ares' own retransmits and timeouts (ares_timeout).
// Thread-safety: none; create, use and destroy on the io_context's one thread.
#pragma once

#include <ares.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>

#include "core/result.h"

namespace opsdeck::monitor {

class AresChannel {
 public:
  struct Options {
    // "127.0.0.1:5353" or a comma-separated list; empty = /etc/resolv.conf.
    std::string servers;
    std::chrono::milliseconds attempt_timeout{2000};  // per try, per server
    int tries = 2;
  };

  static core::Result<std::unique_ptr<AresChannel>> Create(boost::asio::io_context& io,
                                                           const Options& options);
  // ares_destroy: every pending query's callback runs with ARES_EDESTRUCTION.
  ~AresChannel();
  AresChannel(const AresChannel&) = delete;
  AresChannel& operator=(const AresChannel&) = delete;

  ares_channel get() const { return channel_; }
  boost::asio::io_context& io() const { return io_; }

  // Re-arms the timer from ares_timeout; call after starting a query.
  void Kick();

 private:
  struct Watch;

  explicit AresChannel(boost::asio::io_context& io);
  static void OnSockState(void* data, ares_socket_t fd, int readable, int writable);
  void ArmRead(const std::shared_ptr<Watch>& watch);
  void ArmWrite(const std::shared_ptr<Watch>& watch);

  boost::asio::io_context& io_;
  boost::asio::steady_timer timer_;
  std::unordered_map<ares_socket_t, std::shared_ptr<Watch>> watches_;
  ares_channel channel_ = nullptr;
};

// A c-ares status as a probe reports it: "NXDOMAIN", "SERVFAIL", "REFUSED",
// "no records", "timeout", or c-ares' own text.
std::string AresStatusText(int status);

}  // namespace opsdeck::monitor
