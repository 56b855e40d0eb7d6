// PgPool: up to `size` libpq connections shared by the threads of one
// instance. A connection found broken (server restarted, network cut) is
// dropped, never handed out; a new one is made on the next Acquire, so the
// pool recovers on its own once the server is back.
// Thread-safety: every method is safe from any thread; a Lease is used by the
// thread that acquired it.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "core/result.h"
#include "store/postgres/pg_connection.h"

namespace opsdeck::store {

class PgPool {
 public:
  // A leased connection; returns to the pool on destruction (or is dropped
  // if it broke or was left inside a transaction).
  class Lease {
   public:
    Lease(PgPool* pool, std::unique_ptr<PgConnection> conn, bool fresh)
        : pool_(pool), conn_(std::move(conn)), fresh_(fresh) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease();
    PgConnection& conn() { return *conn_; }
    // Made by this Acquire, so a failure on it is not a stale-connection failure.
    bool fresh() const { return fresh_; }

   private:
    PgPool* pool_;
    std::unique_ptr<PgConnection> conn_;
    bool fresh_;
  };

  PgPool(const PgConnectParams& params, int size, core::Duration acquire_timeout);
  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;

  // An idle healthy connection, or a new one if fewer than `size` exist;
  // otherwise waits up to acquire_timeout (kTimeout). kUnavailable when a
  // new connection cannot be made, or after Close().
  core::Result<Lease> Acquire();
  // Drops every idle connection (after one was found stale, the others
  // made before the same server restart are too).
  void DiscardIdle();
  // Closes idle connections, fails later Acquires, and waits for the leases
  // still out to come back (they are then closed). Idempotent.
  void Close();

 private:
  void Return(std::unique_ptr<PgConnection> conn);

  const PgConnectParams& params_;
  const size_t size_;
  const core::Duration acquire_timeout_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<PgConnection>> idle_;  // guarded by mu_
  size_t total_ = 0;                                 // idle + leased + connecting; guarded by mu_
  bool closed_ = false;                              // guarded by mu_
};

}  // namespace opsdeck::store
