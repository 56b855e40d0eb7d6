// The store conformance suite's fixture: each test gets a fresh, empty
// database on the backend named by the parameter ("sqlite" | "postgres") and
// one SqlStore on it. The scenarios live in store_conformance*_test.cpp and
// are instantiated once (store_conformance_test.cpp). One thread per test.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "backends.h"
#include "store/audited_write.h"
#include "store/migrations.h"

namespace opsdeck::store::conformance {

using core::Environment;
using core::ErrorCode;
using namespace std::chrono_literals;

inline const core::TimePoint kStart = core::FromUnixMillis(1'790'000'000'000);  // 2026-09

inline std::vector<Environment> Envs(std::initializer_list<std::pair<const char*, bool>> list) {
  std::vector<Environment> out;
  int i = 0;
  for (const auto& [name, prot] : list) out.push_back(Environment{name, prot, i++});
  return out;
}

inline std::vector<std::string> Names(const std::vector<Environment>& envs) {
  std::vector<std::string> out;
  for (const auto& e : envs) out.push_back(e.name);
  return out;
}

inline std::vector<core::AuditEvent> AllAudit(Store& store, AuditQuery q = {}) {
  q.limit = 500;
  auto page = store.audit().List(q);
  EXPECT_TRUE(page) << page.error().ToString();
  return page ? page->items : std::vector<core::AuditEvent>{};
}

inline int64_t Count(SqlStore& store, const std::string& sql) {
  auto n = ReadValue<int64_t>(store.database(), [&](Tx& tx) -> core::Result<int64_t> {
    auto rows = tx.Query(sql);
    if (!rows) return rows.error();
    return IntOr(rows->at(0).at(0), -1);
  });
  EXPECT_TRUE(n) << n.error().ToString();
  return n.value_or(-1);
}

// A distinct, well-formed hex SHA-256 for tests ("000...0n").
inline std::string Hash(int n) {
  std::string digits = std::to_string(n);
  return std::string(64 - digits.size(), '0') + digits;
}
inline const std::string kPasswordHash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";
inline const std::string kPasswordHash2 = "$argon2id$v=19$m=19456,t=2,p=1$b3RoZXJzYWx0$b3RoZXJoYXNo";
inline const std::string kCsrf = "csrf-token-0123456789abcdef";

// Every column of every audit row, as text, for "this secret appears nowhere" checks.
inline std::string AuditTableText(SqlStore& store) {
  auto text = ReadValue<std::string>(store.database(), [](Tx& tx) -> core::Result<std::string> {
    auto rows = tx.Query("SELECT * FROM audit_events ORDER BY id");
    if (!rows) return rows.error();
    std::string out;
    for (const Row& r : *rows) {
      for (const Value& v : r) out += TextOr(v, "NULL") + "|";
      out += "\n";
    }
    return out;
  });
  EXPECT_TRUE(text) << text.error().ToString();
  return text.value_or("");
}

class StoreConformance : public ::testing::TestWithParam<std::string_view> {
 protected:
  void SetUp() override {
    if (GetParam() == testing::kPostgres) {
      if (auto why = testing::PostgresUnavailableReason()) {
        if (testing::AllowNoPostgres()) GTEST_SKIP() << *why;
        FAIL() << *why;
      }
    }
    auto backend = testing::TestBackend::Create(GetParam());
    ASSERT_TRUE(backend) << backend.error().ToString();
    backend_ = std::move(*backend);
    auto store = backend_->Open(clock_);
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
  }

  void TearDown() override {
    if (store_) store_->Close();
  }

  void Migrate() {
    auto r = store_->Migrate();
    ASSERT_TRUE(r) << r.error().ToString();
  }

  core::ManualClock clock_{kStart};
  std::unique_ptr<testing::TestBackend> backend_;
  std::unique_ptr<SqlStore> store_;
  const core::Actor actor_{"user", "alice"};
};

}  // namespace opsdeck::store::conformance
