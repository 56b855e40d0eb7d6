#include "store/postgres/pg_pool.h"

#include <chrono>

namespace opsdeck::store {

PgPool::Lease::~Lease() {
  if (pool_ != nullptr && conn_) pool_->Return(std::move(conn_));
}

PgPool::PgPool(const PgConnectParams& params, int size, core::Duration acquire_timeout)
    : params_(params), size_(static_cast<size_t>(size > 0 ? size : 1)), acquire_timeout_(acquire_timeout) {}

core::Result<PgPool::Lease> PgPool::Acquire() {
  const auto deadline = std::chrono::steady_clock::now() + acquire_timeout_;
  std::unique_lock lock(mu_);
  while (true) {
    if (closed_) return core::Error::Unavailable("postgres: store is closed");
    if (!idle_.empty()) {
      std::unique_ptr<PgConnection> conn = std::move(idle_.back());
      idle_.pop_back();
      lock.unlock();
      if (!conn->Broken()) return Lease(this, std::move(conn), /*fresh=*/false);
      conn.reset();  // closes the socket outside the lock
      lock.lock();
      --total_;
      continue;
    }
    if (total_ < size_) {
      ++total_;
      lock.unlock();
      auto conn = PgConnection::Connect(params_);
      if (!conn) {
        lock.lock();
        --total_;
        cv_.notify_one();
        return conn.error();
      }
      return Lease(this, std::move(*conn), /*fresh=*/true);
    }
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && total_ >= size_ && idle_.empty()) {
      return core::Error::Timeout("postgres: no free connection within " +
                                  std::to_string(acquire_timeout_.count()) + "ms");
    }
  }
}

void PgPool::Return(std::unique_ptr<PgConnection> conn) {
  const bool keep = !conn->Bad() && conn->IdleOutsideTransaction();
  std::unique_lock lock(mu_);
  if (keep && !closed_) {
    idle_.push_back(std::move(conn));
  } else {
    --total_;
  }
  lock.unlock();
  cv_.notify_all();  // an Acquire, or Close waiting for the last lease
  // A dropped `conn` is closed here, outside the lock.
}

void PgPool::DiscardIdle() {
  std::vector<std::unique_ptr<PgConnection>> drop;
  {
    std::lock_guard lock(mu_);
    drop.swap(idle_);
    total_ -= drop.size();
  }
  cv_.notify_all();
}

void PgPool::Close() {
  std::vector<std::unique_ptr<PgConnection>> drop;
  std::unique_lock lock(mu_);
  closed_ = true;
  drop.swap(idle_);
  total_ -= drop.size();
  cv_.notify_all();
  // Leases still out belong to calls in flight; they finish normally.
  cv_.wait(lock, [&] { return total_ == 0; });
}

}  // namespace opsdeck::store
