// Name resolution for the probes: host names to addresses through c-ares
// (ares_getaddrinfo), cached per name for the answer's TTL (clamped to
// [min_ttl, max_ttl]; failures for failure_ttl), with concurrent lookups of
// one name joined into one query; and uncached raw queries for dns probes.
// Thread-safety: none; everything runs on the monitor's io_context thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.h"

struct ares_addrinfo;  // <ares.h>, kept out of this header

namespace opsdeck::monitor {

class AresChannel;

class Resolver {
 public:
  struct Options {
    // "127.0.0.1:5353" (tests) or a comma-separated list; empty = the system's
    // /etc/resolv.conf (and /etc/hosts for names).
    std::string nameservers;
    std::chrono::milliseconds attempt_timeout{2000};
    int tries = 2;
    std::chrono::seconds min_ttl{5};
    std::chrono::seconds max_ttl{300};
    std::chrono::seconds failure_ttl{5};
    size_t max_entries = 100'000;  // beyond it, expired entries go, then all
  };

  // The addresses of one name, in c-ares' (RFC 6724) order; or why not.
  struct Answer {
    std::vector<boost::asio::ip::address> addresses;
    std::string error;  // empty on success: "NXDOMAIN", "SERVFAIL", "timeout", ...
  };
  using AnswerPtr = std::shared_ptr<const Answer>;
  using ResolveDone = std::function<void(AnswerPtr)>;
  // `status` is a c-ares status (ARES_SUCCESS, ARES_ENOTFOUND, ...); `answer`
  // the raw DNS message, valid during the call only.
  using QueryDone = std::function<void(int status, std::span<const unsigned char> answer)>;

  static core::Result<std::unique_ptr<Resolver>> Create(boost::asio::io_context& io,
                                                        Options options);
  static core::Result<std::unique_ptr<Resolver>> Create(boost::asio::io_context& io) {
    return Create(io, Options{});
  }
  // Pending callbacks are dropped, not called (the monitor is shutting down).
  ~Resolver();

  // A fresh cached answer (success or failure), or nullptr: then call Resolve.
  AnswerPtr Cached(std::string_view host);
  // Looks `host` up and caches the answer; `done` runs on the io thread,
  // never inside this call.
  void Resolve(std::string_view host, ResolveDone done);
  // One uncached query of `rr_type` (ns_t_a, ns_t_txt, ...) for `name`, no
  // search domains; `done` runs on the io thread, never inside this call.
  void Query(std::string_view name, int rr_type, QueryDone done);

  size_t cache_size() const { return cache_.size(); }
  uint64_t lookups_started() const { return lookups_started_; }

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Entry {
    AnswerPtr answer;
    std::chrono::steady_clock::time_point expires;
  };
  struct Lookup;
  struct QueryCall;

  Resolver(boost::asio::io_context& io, Options options);
  static void OnAddrInfo(void* arg, int status, int timeouts, ::ares_addrinfo* result);
  static void OnQuery(void* arg, int status, int timeouts, unsigned char* abuf, int alen);
  void Store(const std::string& host, AnswerPtr answer, std::chrono::seconds ttl);

  boost::asio::io_context& io_;
  Options options_;
  std::unordered_map<std::string, Entry, StringHash, std::equal_to<>> cache_;
  std::unordered_map<std::string, std::vector<ResolveDone>, StringHash, std::equal_to<>> pending_;
  uint64_t lookups_started_ = 0;
  bool in_call_ = false;  // inside ares_getaddrinfo/ares_query: callbacks must be posted
  // Last: destroyed first, so c-ares' destruction callbacks see the maps alive.
  std::unique_ptr<AresChannel> channel_;
};

}  // namespace opsdeck::monitor
