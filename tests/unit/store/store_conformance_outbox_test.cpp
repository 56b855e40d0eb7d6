// The store conformance suite, outbox part: AppendOutbox inside a caller's
// transaction, Pending, Complete (sent, retry, refusal, superseding, the
// subject's message), List paging and filters, Counts, the per-channel lease
// (including two instances racing for it), Prune, and migration 004 applied
// to a populated version-3 database. Runs on SQLite and PostgreSQL.
#include <barrier>
#include <thread>

#include "conformance_fixture.h"
#include "store/migrator.h"

namespace opsdeck::store::conformance {
namespace {

using State = DeliveryState;

inline core::TimePoint At(int seconds) { return kStart + std::chrono::seconds(seconds); }
std::string Sec(const std::optional<core::TimePoint>& t) {
  return t ? std::to_string((*t - kStart) / std::chrono::seconds(1)) : "-";
}

// What an attempt changes, in one line: "state attempts='error' msg next sent updated".
std::string Show(const OutboxItem& it) {
  return std::string(DeliveryStateName(it.state)) + " " + std::to_string(it.attempts) + "'" +
         it.last_error + "' msg=" + it.message_id + " next=" + Sec(it.next_attempt_at) +
         " sent=" + Sec(it.sent_at) + " upd=" + Sec(it.updated_at);
}

OutboxEntry E(std::string channel, std::string subject, std::string kind = "pipeline.failed") {
  OutboxEntry e;
  e.channel = std::move(channel);
  e.kind = std::move(kind);
  e.subject = std::move(subject);
  e.severity = "critical";
  e.environment = "production";
  e.pipeline = "prod-deploy";
  e.payload_json = R"({"kind":"pipeline.failed","subject":")" + e.subject + R"("})";
  return e;
}

class OutboxConformance : public StoreConformance {
 protected:
  OutboxStore& outbox() { return store_->outbox(); }

  std::vector<int64_t> Enqueue(const std::vector<OutboxEntry>& entries,
                               core::TimePoint at = At(0)) {
    auto ids = outbox().Enqueue(entries, at);
    EXPECT_TRUE(ids) << ids.error().ToString();
    return ids.value_or(std::vector<int64_t>{});
  }
  int64_t Enqueue1(const OutboxEntry& e, core::TimePoint at = At(0)) {
    auto ids = Enqueue({e}, at);
    return ids.empty() ? -1 : ids[0];
  }

  OutboxItem Item(int64_t id) {
    auto got = outbox().Get(id);
    EXPECT_TRUE(got && *got) << "entry " << id << ": "
                             << (got ? "missing" : got.error().ToString());
    return got && *got ? **got : OutboxItem{};
  }

  std::vector<int64_t> PendingIds(std::string_view channel, size_t limit = 100) {
    auto items = outbox().Pending(channel, limit);
    EXPECT_TRUE(items) << items.error().ToString();
    std::vector<int64_t> ids;
    for (const auto& it : items.value_or(std::vector<OutboxItem>{})) ids.push_back(it.id);
    return ids;
  }

  void Complete(const OutboxOutcome& o, core::TimePoint at) {
    auto r = outbox().Complete(o, at);
    ASSERT_TRUE(r) << r.error().ToString();
  }

  std::optional<std::string> Message(std::string_view channel, std::string_view subject) {
    auto m = outbox().MessageId(channel, subject);
    EXPECT_TRUE(m) << m.error().ToString();
    return m.value_or(std::nullopt);
  }

  bool Lease(std::string_view channel, std::string_view holder, core::TimePoint now) {
    auto r = outbox().AcquireLease(channel, holder, std::chrono::seconds(30), now);
    EXPECT_TRUE(r) << r.error().ToString();
    return r.value_or(false);
  }
};

TEST(DeliveryStateNames, RoundTrip) {
  for (State s : {State::kPending, State::kSent, State::kFailed, State::kSuperseded}) {
    EXPECT_EQ(ParseDeliveryState(DeliveryStateName(s)), s);
  }
  EXPECT_EQ(DeliveryStateName(State::kSuperseded), "superseded");
  EXPECT_FALSE(ParseDeliveryState("Pending"));
  EXPECT_FALSE(ParseDeliveryState(""));
}

TEST_P(OutboxConformance, AppendInACallersTransactionCommitsOrRollsBackWithIt) {
  Migrate();
  auto rolled_back = store_->database().Write([](Tx& tx) -> core::Result<void> {
    if (auto r = AppendOutbox(tx, {E("chat", "run:1"), E("mail", "run:1")}, At(1)); !r) return r;
    return core::Error::Conflict("the state change failed");
  });
  ASSERT_FALSE(rolled_back);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM outbox"), 0);

  OutboxEntry e = E("chat", "run:1");
  e.target = "";  // stored as NULL, read back empty
  auto ok = store_->database().Write([&](Tx& tx) { return AppendOutbox(tx, {e}, At(2)); });
  ASSERT_TRUE(ok) << ok.error().ToString();
  auto pending = outbox().Pending("chat", 10);
  ASSERT_TRUE(pending) << pending.error().ToString();
  ASSERT_EQ(pending->size(), 1u);
  const OutboxItem& it = (*pending)[0];
  EXPECT_GT(it.id, 0);
  EXPECT_EQ(it.channel, "chat");
  EXPECT_EQ(it.kind, "pipeline.failed");
  EXPECT_EQ(it.subject, "run:1");
  EXPECT_EQ(it.severity, "critical");
  EXPECT_EQ(it.environment, "production");
  EXPECT_EQ(it.pipeline, "prod-deploy");
  EXPECT_EQ(it.target, "");
  EXPECT_EQ(it.payload_json, e.payload_json);
  EXPECT_EQ(it.created_at, At(2));
  EXPECT_EQ(Show(it), "pending 0'' msg= next=- sent=- upd=2");
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM outbox WHERE target IS NULL"), 1);

  // An entry without a subject is refused, and nothing of the batch is kept.
  auto bad = outbox().Enqueue({E("chat", "run:2"), E("chat", "")}, At(3));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM outbox"), 1);
}

TEST_P(OutboxConformance, PendingIsOneChannelsPendingEntriesInIdOrderUpToLimit) {
  Migrate();
  std::vector<int64_t> chat;
  for (int i = 0; i < 5; ++i) {
    const auto ids = Enqueue({E("chat", "run:" + std::to_string(i)), E("mail", "run:1")});
    ASSERT_EQ(ids.size(), 2u);
    EXPECT_LT(ids[0], ids[1]);  // in append order
    chat.push_back(ids[0]);
  }
  EXPECT_EQ(Item(chat[1]).subject, "run:1");
  EXPECT_FALSE(outbox().Get(chat[4] + 100).value_or(OutboxItem{}));
  Complete({.id = chat[1], .state = State::kSent}, At(1));
  Complete({.id = chat[3], .state = State::kFailed, .error = "HTTP 400"}, At(1));
  EXPECT_EQ(PendingIds("chat"), (std::vector<int64_t>{chat[0], chat[2], chat[4]}));
  EXPECT_EQ(PendingIds("chat", 2), (std::vector<int64_t>{chat[0], chat[2]}));
  EXPECT_TRUE(PendingIds("chat", 0).empty());
  EXPECT_EQ(PendingIds("mail").size(), 5u);
  EXPECT_TRUE(PendingIds("nowhere").empty());
}

TEST_P(OutboxConformance, CompleteSentRecordsTheAttemptAndTheSubjectsMessage) {
  Migrate();
  const int64_t id = Enqueue1(E("discord", "run:7"), At(0));
  Complete({.id = id, .state = State::kSent, .message_id = "m-100"}, At(5));
  EXPECT_EQ(Show(Item(id)), "sent 1'' msg=m-100 next=- sent=5 upd=5");
  EXPECT_EQ(Message("discord", "run:7"), "m-100");
  EXPECT_EQ(Message("discord", "run:8"), std::nullopt);
  EXPECT_EQ(Message("slack", "run:7"), std::nullopt);
  EXPECT_TRUE(PendingIds("discord").empty());

  // A later send edits the same message: the upsert replaces it.
  const int64_t next = Enqueue1(E("discord", "run:7"), At(6));
  Complete({.id = next, .state = State::kSent, .message_id = "m-101"}, At(7));
  EXPECT_EQ(Message("discord", "run:7"), "m-101");
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM outbox_messages"), 1);
}

TEST_P(OutboxConformance, CompletePendingSchedulesARetry) {
  Migrate();
  const int64_t id = Enqueue1(E("chat", "run:1"));
  Complete({.id = id, .state = State::kPending, .error = "HTTP 429", .retry_at = At(60)}, At(2));
  EXPECT_EQ(Show(Item(id)), "pending 1'HTTP 429' msg= next=60 sent=- upd=2");
  EXPECT_EQ(PendingIds("chat"), std::vector<int64_t>{id});

  Complete({.id = id, .state = State::kSent}, At(61));
  EXPECT_EQ(Show(Item(id)), "sent 2'' msg= next=- sent=61 upd=61");
  EXPECT_EQ(Message("chat", "run:1"), std::nullopt);  // no message id: nothing recorded
}

TEST_P(OutboxConformance, CompleteOnANonPendingEntryIsRefusedAndChangesNothing) {
  Migrate();
  const int64_t done = Enqueue1(E("discord", "run:1"));
  const int64_t older = Enqueue1(E("discord", "run:1"));  // not yet superseded
  Complete({.id = done, .state = State::kFailed, .error = "HTTP 403"}, At(1));
  const std::string before = Show(Item(done));
  EXPECT_EQ(before, "failed 1'HTTP 403' msg= next=- sent=- upd=1");

  auto again = outbox().Complete({.id = done,
                                  .state = State::kSent,
                                  .message_id = "m-1",
                                  .superseded = {older},
                                  .forget_message = true},
                                 At(2));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(again.error().message.find("outbox entry " + std::to_string(done) + " is not pending"),
            std::string::npos)
      << again.error().message;
  EXPECT_EQ(Show(Item(done)), before);
  EXPECT_EQ(Show(Item(older)), "pending 0'' msg= next=- sent=- upd=0");
  EXPECT_EQ(Message("discord", "run:1"), std::nullopt);

  auto missing = outbox().Complete({.id = older + 100, .state = State::kSent}, At(2));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(missing.error().message.find("does not exist"), std::string::npos);
  auto superseded = outbox().Complete({.id = older, .state = State::kSuperseded}, At(2));
  ASSERT_FALSE(superseded);
  EXPECT_EQ(superseded.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(Show(Item(older)), "pending 0'' msg= next=- sent=- upd=0");
}

TEST_P(OutboxConformance, SupersedesOnlyEarlierPendingEntriesOfTheSameChannelAndSubject) {
  Migrate();
  const int64_t a = Enqueue1(E("chat", "run:1"));  // superseded
  const int64_t b = Enqueue1(E("chat", "run:2"));  // other subject
  const int64_t c = Enqueue1(E("mail", "run:1"));  // other channel
  const int64_t d = Enqueue1(E("chat", "run:1"));  // already failed
  const int64_t sent = Enqueue1(E("chat", "run:1"));
  const int64_t later = Enqueue1(E("chat", "run:1"));  // newer than the send
  Complete({.id = d, .state = State::kFailed, .error = "boom"}, At(1));

  Complete({.id = sent, .state = State::kSent, .superseded = {a, b, c, d, later, 9999}}, At(5));
  EXPECT_EQ(Show(Item(a)), "superseded 0'' msg= next=- sent=- upd=5");
  EXPECT_EQ(Show(Item(b)), "pending 0'' msg= next=- sent=- upd=0");
  EXPECT_EQ(Show(Item(c)), "pending 0'' msg= next=- sent=- upd=0");
  EXPECT_EQ(Show(Item(d)), "failed 1'boom' msg= next=- sent=- upd=1");
  EXPECT_EQ(Show(Item(later)), "pending 0'' msg= next=- sent=- upd=0");
  EXPECT_EQ(Show(Item(sent)), "sent 1'' msg= next=- sent=5 upd=5");
  EXPECT_EQ(PendingIds("chat"), (std::vector<int64_t>{b, later}));
}

TEST_P(OutboxConformance, ForgetMessageDropsTheSubjectsMessageBeforeANewOneIsStored) {
  Migrate();
  const auto ids = Enqueue(
      {E("discord", "run:1"), E("discord", "run:1"), E("discord", "run:1"), E("discord", "run:2")});
  Complete({.id = ids[3], .state = State::kSent, .message_id = "m-other"}, At(1));
  Complete({.id = ids[0], .state = State::kSent, .message_id = "m-1"}, At(1));
  ASSERT_EQ(Message("discord", "run:1"), "m-1");

  // The message was deleted on the chat side and the retry failed: forgotten.
  Complete(
      {.id = ids[1], .state = State::kFailed, .error = "unknown message", .forget_message = true},
      At(2));
  EXPECT_EQ(Message("discord", "run:1"), std::nullopt);
  EXPECT_EQ(Message("discord", "run:2"), "m-other");

  // Forget and a new message in one outcome: the new one stays.
  Complete({.id = ids[2], .state = State::kSent, .message_id = "m-2", .forget_message = true},
           At(3));
  EXPECT_EQ(Message("discord", "run:1"), "m-2");
  EXPECT_EQ(Message("discord", "run:2"), "m-other");
}

std::vector<int64_t> AllPages(OutboxStore& store, OutboxQuery q, int* pages) {
  std::vector<int64_t> out;
  *pages = 0;
  while (*pages < 100) {
    auto page = store.List(q);
    EXPECT_TRUE(page) << page.error().ToString();
    if (!page) break;
    ++*pages;
    for (const auto& it : page->items) out.push_back(it.id);
    if (!page->next) break;
    EXPECT_EQ(page->items.size(), static_cast<size_t>(q.limit));
    q.cursor = page->next;
  }
  return out;
}

TEST_P(OutboxConformance, ListFiltersAndPagesNewestFirstWithoutGapsOrRepeats) {
  Migrate();
  // 30 entries: channels chat/mail alternate, subjects run:0..2, every third sent.
  std::vector<int64_t> all;
  for (int i = 0; i < 30; ++i) {
    all.push_back(Enqueue1(E(i % 2 == 0 ? "chat" : "mail", "run:" + std::to_string(i % 3))));
    if (i % 3 == 0) Complete({.id = all.back(), .state = State::kSent}, At(1));
  }
  auto expect = [&](auto keep) {
    std::vector<int64_t> out;
    for (int i = 29; i >= 0; --i) {
      if (keep(i)) out.push_back(all[i]);
    }
    return out;
  };

  int pages = 0;
  EXPECT_EQ(AllPages(outbox(), {.limit = 12}, &pages), expect([](int) { return true; }));
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(AllPages(outbox(), {.limit = 5, .channel = "chat"}, &pages),
            expect([](int i) { return i % 2 == 0; }));
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(AllPages(outbox(), {.limit = 4, .state = State::kSent}, &pages),
            expect([](int i) { return i % 3 == 0; }));
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(AllPages(outbox(),
                     {.limit = 50, .channel = "mail", .state = State::kPending, .subject = "run:1"},
                     &pages),
            expect([](int i) { return i % 2 == 1 && i % 3 == 1; }));
  EXPECT_EQ(pages, 1);
  EXPECT_TRUE(AllPages(outbox(), {.subject = "run:9"}, &pages).empty());

  auto one = outbox().List({.limit = 0});
  ASSERT_TRUE(one);
  EXPECT_EQ(one->items.size(), 1u);  // clamped to 1
  auto most = outbox().List({.limit = 100000});
  ASSERT_TRUE(most);
  EXPECT_EQ(most->items.size(), 30u);
  EXPECT_FALSE(most->next);
  for (const char* junk : {"zz", "not-a-cursor", ""}) {
    auto bad = outbox().List({.cursor = std::string(junk)});
    ASSERT_FALSE(bad) << junk;
    EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST_P(OutboxConformance, CountsArePerChannelAndState) {
  Migrate();
  auto empty = outbox().Counts();
  ASSERT_TRUE(empty) << empty.error().ToString();
  EXPECT_TRUE(empty->empty());
  const auto ids = Enqueue({E("mail", "run:1"), E("chat", "run:1"), E("chat", "run:1"),
                            E("chat", "run:2"), E("mail", "run:2")});
  Complete({.id = ids[2], .state = State::kSent, .superseded = {ids[1]}}, At(1));
  Complete({.id = ids[4], .state = State::kFailed}, At(1));
  auto counts = outbox().Counts();
  ASSERT_TRUE(counts) << counts.error().ToString();
  std::string got;
  for (const auto& c : *counts) {
    got += c.channel + "/" + std::string(DeliveryStateName(c.state)) + "=" +
           std::to_string(c.count) + " ";
  }
  // By channel, then state in enum order.
  EXPECT_EQ(got, "chat/pending=1 chat/sent=1 chat/superseded=1 mail/pending=1 mail/failed=1 ");
}

TEST_P(OutboxConformance, LeaseIsTakenRefusedRenewedAndTakenOverAfterExpiry) {
  Migrate();
  EXPECT_TRUE(Lease("chat", "instance-a", At(0)));    // free: until 30
  EXPECT_FALSE(Lease("chat", "instance-b", At(10)));  // held by a
  EXPECT_TRUE(Lease("mail", "instance-b", At(10)));   // leases are per channel
  EXPECT_TRUE(Lease("chat", "instance-a", At(20)));   // renewed: until 50
  EXPECT_FALSE(Lease("chat", "instance-b", At(40)));  // would have expired without the renewal
  EXPECT_TRUE(Lease("chat", "instance-b", At(51)));   // expired: b takes it
  EXPECT_FALSE(Lease("chat", "instance-a", At(52)));
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM outbox_leases"), 2);

  // Releasing needs the holder; a released lease is free at once.
  ASSERT_TRUE(outbox().ReleaseLease("chat", "instance-a"));
  EXPECT_FALSE(Lease("chat", "instance-a", At(53)));
  ASSERT_TRUE(outbox().ReleaseLease("chat", "instance-b"));
  EXPECT_TRUE(Lease("chat", "instance-a", At(53)));

  auto bad = outbox().AcquireLease("chat", "instance-a", core::Duration::zero(), At(54));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
}

// Two instances (two connections/pools on one database, like two processes)
// race for a lease another holder let expire: exactly one gets it, every round.
TEST_P(OutboxConformance, TwoInstancesRacingForAnExpiredLeaseExactlyOneWins) {
  Migrate();
  auto second = backend_->Open(clock_);
  ASSERT_TRUE(second) << second.error().ToString();
  std::unique_ptr<SqlStore> other = std::move(*second);
  OutboxStore* stores[2] = {&outbox(), &other->outbox()};

  constexpr int kRounds = 20;
  int wins[2] = {0, 0};
  for (int round = 0; round < kRounds; ++round) {
    const core::TimePoint t = At(round * 100);
    ASSERT_TRUE(Lease("chat", "old-" + std::to_string(round), t));
    const core::TimePoint expired = t + std::chrono::seconds(31);
    std::barrier start(2);
    bool got[2] = {false, false};
    std::string errors[2];
    auto race = [&](int who) {
      start.arrive_and_wait();
      auto r = stores[who]->AcquireLease("chat", "racer-" + std::to_string(who),
                                         std::chrono::seconds(30), expired);
      if (!r) errors[who] = r.error().ToString();
      got[who] = r.value_or(false);
    };
    std::thread a(race, 0);
    std::thread b(race, 1);
    a.join();
    b.join();
    ASSERT_EQ(errors[0], "");
    ASSERT_EQ(errors[1], "");
    ASSERT_NE(got[0], got[1]) << "round " << round;
    const int winner = got[0] ? 0 : 1;
    ++wins[winner];
    // The stored holder is the one told it won.
    EXPECT_FALSE(Lease("chat", "racer-" + std::to_string(1 - winner), expired));
    EXPECT_TRUE(Lease("chat", "racer-" + std::to_string(winner), expired));
  }
  EXPECT_EQ(wins[0] + wins[1], kRounds);
  other->Close();
}

TEST_P(OutboxConformance, PruneDeletesOldFinishedEntriesAndKeepsPending) {
  Migrate();
  const auto ids = Enqueue({E("chat", "run:1"), E("chat", "run:1"), E("chat", "run:2"),
                            E("chat", "run:3"), E("chat", "run:4")},
                           At(0));
  Complete({.id = ids[1], .state = State::kSent, .superseded = {ids[0]}}, At(10));
  Complete({.id = ids[2], .state = State::kFailed}, At(10));
  Complete({.id = ids[3], .state = State::kSent}, At(100));  // finished, but recently
  // ids[4] stays pending, older than the cut-off.
  auto pruned = outbox().Prune(At(50));
  ASSERT_TRUE(pruned) << pruned.error().ToString();
  EXPECT_EQ(*pruned, 3);
  EXPECT_FALSE(outbox().Get(ids[0]).value_or(std::nullopt));
  EXPECT_FALSE(outbox().Get(ids[2]).value_or(std::nullopt));
  EXPECT_EQ(Item(ids[3]).state, State::kSent);
  EXPECT_EQ(PendingIds("chat"), std::vector<int64_t>{ids[4]});
  EXPECT_EQ(outbox().Prune(At(50)).value_or(-1), 0);
}

TEST_P(OutboxConformance, PruneForgetsOldMessageIdsThatNothingPendingNeeds) {
  Migrate();
  const auto ids = Enqueue({E("chat", "run:1"), E("chat", "run:2"), E("chat", "run:2")}, At(0));
  Complete({.id = ids[0], .state = State::kSent, .message_id = "m1"}, At(10));
  Complete({.id = ids[1], .state = State::kSent, .message_id = "m2"}, At(10));  // ids[2] pending
  ASSERT_TRUE(outbox().Prune(At(50)));
  EXPECT_FALSE(outbox().MessageId("chat", "run:1").value_or(std::nullopt));
  // run:2 still has a pending entry: its message stays, so the entry edits it.
  EXPECT_EQ(outbox().MessageId("chat", "run:2").value_or(std::nullopt), std::optional<std::string>("m2"));
}

// 004 on a database already at version 3 that holds data: the outbox tables
// appear, 001's unused notification_outbox goes, nothing else is touched.
TEST_P(OutboxConformance, MigrationAppliesToAPopulatedVersion3Database) {
  const auto all = EmbeddedMigrations();
  ASSERT_GE(all.size(), 4u);
  ASSERT_EQ(all[3].name, "outbox");
  auto v3 = ApplyMigrations(store_->database(), all.first(3), clock_);
  ASSERT_TRUE(v3) << v3.error().ToString();
  ASSERT_EQ(*v3, 3);
  ASSERT_TRUE(
      store_->environments().Sync(Envs({{"staging", false}, {"production", true}}), actor_, ""));
  ASSERT_TRUE(
      store_->runs().SyncPipelines({{"deploy", "production", true, "ops", ""}}, actor_, ""));
  const int64_t audit_rows = Count(*store_, "SELECT COUNT(*) FROM audit_events");
  ASSERT_EQ(audit_rows, 3);

  auto applied = store_->Migrate();
  ASSERT_TRUE(applied) << applied.error().ToString();
  EXPECT_EQ(*applied, KnownSchemaVersion() - 3);
  EXPECT_EQ(store_->SchemaVersion().value_or(-1), KnownSchemaVersion());
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM environments"), 2);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM pipelines"), 1);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM audit_events"), audit_rows);
  auto gone = ReadValue<bool>(store_->database(), [](Tx& tx) -> core::Result<bool> {
    auto rows = tx.Query(tx.dialect().TableExistsSql(), {std::string("notification_outbox")});
    if (!rows) return rows.error();
    return rows->empty();
  });
  ASSERT_TRUE(gone) << gone.error().ToString();
  EXPECT_TRUE(*gone);

  const int64_t id = Enqueue1(E("chat", "run:1"));
  Complete({.id = id, .state = State::kSent, .message_id = "m"}, At(1));
  EXPECT_TRUE(Lease("chat", "a", At(1)));
  EXPECT_EQ(Message("chat", "run:1"), "m");
}

INSTANTIATE_TEST_SUITE_P(Backends, OutboxConformance,
                         ::testing::Values(testing::kSqlite, testing::kPostgres),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace opsdeck::store::conformance
