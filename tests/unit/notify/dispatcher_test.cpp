// The dispatcher's stages over an in-memory outbox and a scripted channel:
// pick (per subject, coalescing), rate limits, retries with backoff, the
// message id kept for edits, leases.
#include "notify/dispatcher.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "net/system_clock.h"
#include "notify/notice_json.h"

namespace opsdeck::notify {
namespace {

using namespace std::chrono_literals;
using store::DeliveryState;
using store::OutboxItem;

store::OutboxItem Item(int64_t id, std::string subject,
                       std::optional<core::TimePoint> next = std::nullopt) {
  store::OutboxItem i;
  i.id = id;
  i.subject = std::move(subject);
  i.next_attempt_at = next;
  return i;
}

const core::TimePoint kNow = core::FromUnixMillis(1'800'000'000'000);

TEST(PickNextTest, CoalescingSendsTheSubjectsLatestAndSupersedesTheRest) {
  std::vector<OutboxItem> p = {Item(1, "run:1"), Item(2, "run:2"), Item(3, "run:1"),
                               Item(4, "run:1")};
  Pick pick = PickNext(p, kNow, true);
  ASSERT_TRUE(pick.index);
  EXPECT_EQ(p[*pick.index].id, 4);
  EXPECT_EQ(pick.superseded, (std::vector<int64_t>{1, 3}));
}

TEST(PickNextTest, WithoutCoalescingEveryEntryInOrder) {
  std::vector<OutboxItem> p = {Item(1, "run:1"), Item(2, "run:1")};
  Pick pick = PickNext(p, kNow, false);
  ASSERT_TRUE(pick.index);
  EXPECT_EQ(p[*pick.index].id, 1);
  EXPECT_TRUE(pick.superseded.empty());
}

TEST(PickNextTest, ABackingOffSubjectDoesNotHoldTheOthers) {
  std::vector<OutboxItem> p = {Item(1, "run:1", kNow + 5s), Item(2, "run:2"), Item(3, "run:1")};
  Pick pick = PickNext(p, kNow, true);
  ASSERT_TRUE(pick.index);
  EXPECT_EQ(p[*pick.index].id, 2);
  ASSERT_TRUE(pick.next_due);
  EXPECT_EQ(*pick.next_due, kNow + 5s);
  // Only blocked subjects left: nothing to send, and when to look again.
  std::vector<OutboxItem> q = {Item(1, "run:1"), Item(3, "run:1", kNow + 2s)};
  Pick none = PickNext(q, kNow, true);
  EXPECT_FALSE(none.index);
  EXPECT_EQ(*none.next_due, kNow + 2s);
}

TEST(BackoffTest, DoublesUpToTheCapWithJitter) {
  DispatcherOptions o;
  o.backoff_min = 1s;
  o.backoff_max = 60s;
  EXPECT_EQ(Backoff(1, o, 1.0), 1s);
  EXPECT_EQ(Backoff(2, o, 1.0), 2s);
  EXPECT_EQ(Backoff(4, o, 1.0), 8s);
  EXPECT_EQ(Backoff(30, o, 1.0), 60s);
  EXPECT_EQ(Backoff(3, o, 0.5), 2s);
  EXPECT_EQ(Backoff(3, o, 0.1), 2s);  // jitter clamped to [0.5, 1]
}

// An outbox in memory with the store's semantics (enough for the dispatcher).
class MemoryOutbox final : public store::OutboxStore {
 public:
  int64_t Add(std::string subject, std::string state_word) {
    std::lock_guard lock(mu_);
    core::Notice n;
    n.kind = "pipeline." + state_word;
    n.subject = subject;
    n.title = subject + " " + state_word;
    OutboxItem i;
    i.id = ++next_id_;
    i.channel = "chat";
    i.kind = n.kind;
    i.subject = subject;
    i.payload_json = NoticeToJson(n);
    items_.push_back(i);
    return i.id;
  }
  core::Result<std::vector<int64_t>> Enqueue(const std::vector<store::OutboxEntry>&,
                                             core::TimePoint) override {
    return std::vector<int64_t>{};
  }
  core::Result<std::vector<OutboxItem>> Pending(std::string_view channel, size_t limit) override {
    std::lock_guard lock(mu_);
    std::vector<OutboxItem> out;
    for (const auto& i : items_) {
      if (i.channel == channel && i.state == DeliveryState::kPending && out.size() < limit)
        out.push_back(i);
    }
    return out;
  }
  core::Result<std::optional<std::string>> MessageId(std::string_view channel,
                                                     std::string_view subject) override {
    std::lock_guard lock(mu_);
    auto it = messages_.find(std::string(channel) + "|" + std::string(subject));
    if (it == messages_.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }
  core::Result<void> Complete(const store::OutboxOutcome& o, core::TimePoint now) override {
    std::lock_guard lock(mu_);
    OutboxItem* item = Find(o.id);
    if (item == nullptr || item->state != DeliveryState::kPending) {
      return core::Error::InvalidArgument("not pending");
    }
    item->attempts++;
    item->state = o.state;
    item->last_error = o.error;
    item->next_attempt_at = o.retry_at;
    item->message_id = o.message_id;
    for (int64_t id : o.superseded) {
      if (OutboxItem* s = Find(id); s != nullptr && s->state == DeliveryState::kPending) {
        s->state = DeliveryState::kSuperseded;
      }
    }
    const std::string key = item->channel + "|" + item->subject;
    if (o.forget_message) messages_.erase(key);
    if (!o.message_id.empty()) messages_[key] = o.message_id;
    completions_.push_back({o, now});
    return core::Ok();
  }
  core::Result<store::Page<OutboxItem>> List(const store::OutboxQuery&) override {
    return store::Page<OutboxItem>{};
  }
  core::Result<std::optional<OutboxItem>> Get(int64_t id) override {
    std::lock_guard lock(mu_);
    OutboxItem* i = Find(id);
    return i == nullptr ? std::optional<OutboxItem>() : std::optional<OutboxItem>(*i);
  }
  core::Result<std::vector<store::OutboxCount>> Counts() override {
    return std::vector<store::OutboxCount>{};
  }
  core::Result<bool> AcquireLease(std::string_view, std::string_view holder, core::Duration,
                                  core::TimePoint) override {
    std::lock_guard lock(mu_);
    if (lease_holder_.empty()) lease_holder_ = holder;
    return lease_holder_ == holder;
  }
  core::Result<std::optional<std::string>> LeaseHolder(std::string_view) override {
    std::lock_guard lock(mu_);
    if (lease_holder_.empty()) return std::optional<std::string>();
    return std::optional<std::string>(lease_holder_);
  }
  core::Result<void> ReleaseLease(std::string_view, std::string_view holder) override {
    std::lock_guard lock(mu_);
    if (lease_holder_ == holder) lease_holder_.clear();
    return core::Ok();
  }
  core::Result<int64_t> Prune(core::TimePoint) override { return int64_t{0}; }

  bool AllDone() {
    std::lock_guard lock(mu_);
    return std::none_of(items_.begin(), items_.end(),
                        [](const OutboxItem& i) { return i.state == DeliveryState::kPending; });
  }
  OutboxItem At(int64_t id) {
    std::lock_guard lock(mu_);
    return *Find(id);
  }
  void TakeLease(std::string holder) {
    std::lock_guard lock(mu_);
    lease_holder_ = std::move(holder);
  }

 private:
  OutboxItem* Find(int64_t id) {
    for (auto& i : items_) {
      if (i.id == id) return &i;
    }
    return nullptr;
  }
  std::mutex mu_;
  int64_t next_id_ = 0;
  std::vector<OutboxItem> items_;
  std::map<std::string, std::string> messages_;
  std::vector<std::pair<store::OutboxOutcome, core::TimePoint>> completions_;
  std::string lease_holder_;
};

// A channel that edits in place, answering from a script, recording calls.
class ScriptedChannel final : public Channel {
 public:
  struct Call {
    std::string title;
    std::string message_id;
    std::chrono::steady_clock::time_point at;
  };
  std::string_view kind() const override { return "discord"; }
  bool edits_in_place() const override { return true; }
  SendResult Send(const core::Notice& n, const std::string& message_id, std::string_view) override {
    std::lock_guard lock(mu_);
    calls_.push_back({n.title, message_id, std::chrono::steady_clock::now()});
    if (!script_.empty()) {
      SendResult r = script_.front();
      script_.pop_front();
      return r;
    }
    SendResult ok;
    ok.message_id = message_id.empty() ? "m" + std::to_string(++created_) : message_id;
    return ok;
  }
  void Then(SendResult r) {
    std::lock_guard lock(mu_);
    script_.push_back(std::move(r));
  }
  std::vector<Call> calls() {
    std::lock_guard lock(mu_);
    return calls_;
  }

 private:
  std::mutex mu_;
  std::deque<SendResult> script_;
  std::vector<Call> calls_;
  int created_ = 0;
};

DispatcherOptions FastOptions() {
  DispatcherOptions o;
  o.holder = "test-holder";
  o.idle_poll = 20ms;
  o.backoff_min = 30ms;
  o.backoff_max = 200ms;
  return o;
}

// Starts `d` with `channel` as its one channel, "chat".
void StartOne(Dispatcher& d, std::unique_ptr<Channel> channel) {
  std::vector<std::pair<std::string, std::unique_ptr<Channel>>> set;
  set.emplace_back("chat", std::move(channel));
  d.SetChannels(std::move(set));
}

bool WaitFor(const std::function<bool()>& done) {
  for (int i = 0; i < 300; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return done();
}

TEST(DispatcherTest, CreatesOnceThenEditsTheSameMessage) {
  MemoryOutbox outbox;
  net::SystemClock clock;
  auto channel = std::make_unique<ScriptedChannel>();
  ScriptedChannel* ch = channel.get();
  Dispatcher d(outbox, clock, FastOptions());
  const int64_t first = outbox.Add("run:1", "running");
  StartOne(d, std::move(channel));
  ASSERT_TRUE(WaitFor([&] { return outbox.AllDone(); }));
  const int64_t second = outbox.Add("run:1", "succeeded");
  d.Wake();
  ASSERT_TRUE(WaitFor([&] { return outbox.AllDone(); }));
  auto calls = ch->calls();  // the channel goes with its worker
  d.Stop();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].message_id, "");    // create
  EXPECT_EQ(calls[1].message_id, "m1");  // edit of what the create returned
  EXPECT_EQ(outbox.At(first).state, DeliveryState::kSent);
  EXPECT_EQ(outbox.At(second).message_id, "m1");
}

TEST(DispatcherTest, RetriesWithBackoffAndHonoursRateLimits) {
  MemoryOutbox outbox;
  net::SystemClock clock;
  auto channel = std::make_unique<ScriptedChannel>();
  ScriptedChannel* ch = channel.get();
  SendResult retry;
  retry.status = SendStatus::kRetry;
  retry.error = "HTTP 502";
  SendResult limited;
  limited.status = SendStatus::kRateLimited;
  limited.retry_after = 150ms;
  ch->Then(retry);
  ch->Then(limited);
  const int64_t id = outbox.Add("run:7", "failed");
  Dispatcher d(outbox, clock, FastOptions());
  StartOne(d, std::move(channel));
  ASSERT_TRUE(WaitFor([&] { return outbox.AllDone(); }));
  auto calls = ch->calls();  // the channel goes with its worker
  d.Stop();
  ASSERT_EQ(calls.size(), 3u);
  // Backoff: >= 0.5 x 30 ms, on the store's millisecond clock (so up to 1 ms
  // early against this steady clock). A retry_after is exact (next line).
  EXPECT_GE(calls[1].at - calls[0].at, 14ms);
  EXPECT_GE(calls[2].at - calls[1].at, 150ms);  // nothing while retry_after runs
  const OutboxItem item = outbox.At(id);
  EXPECT_EQ(item.state, DeliveryState::kSent);
  EXPECT_EQ(item.attempts, 3);
  auto counters = d.Counters();
  ASSERT_EQ(counters.size(), 1u);
  EXPECT_EQ(counters[0].retried, 1u);
  EXPECT_EQ(counters[0].rate_limited, 1u);
  EXPECT_EQ(counters[0].sent, 1u);
}

TEST(DispatcherTest, RejectedIsFailedAndAGoneMessageIsCreatedAgain) {
  MemoryOutbox outbox;
  net::SystemClock clock;
  auto channel = std::make_unique<ScriptedChannel>();
  ScriptedChannel* ch = channel.get();
  SendResult bad;
  bad.status = SendStatus::kRejected;
  bad.error = "discord: HTTP 400 code 50035: Invalid Form Body";
  ch->Then(bad);
  const int64_t failed = outbox.Add("run:1", "running");
  Dispatcher d(outbox, clock, FastOptions());
  StartOne(d, std::move(channel));
  ASSERT_TRUE(WaitFor([&] { return outbox.AllDone(); }));
  EXPECT_EQ(outbox.At(failed).state, DeliveryState::kFailed);
  EXPECT_EQ(outbox.At(failed).last_error, bad.error);

  // A message that was deleted: the edit says so, the next attempt creates.
  outbox.Add("run:2", "running");
  ASSERT_TRUE(WaitFor([&] { return outbox.AllDone(); }));
  SendResult gone;
  gone.status = SendStatus::kRejected;
  gone.message_gone = true;
  ch->Then(gone);
  const int64_t edit = outbox.Add("run:2", "succeeded");
  d.Wake();
  ASSERT_TRUE(WaitFor([&] { return outbox.AllDone(); }));
  auto calls = ch->calls();  // the channel goes with its worker
  d.Stop();
  ASSERT_GE(calls.size(), 4u);
  EXPECT_FALSE(calls[calls.size() - 2].message_id.empty());  // the edit that found nothing
  EXPECT_EQ(calls.back().message_id, "");                    // then a create
  EXPECT_EQ(outbox.At(edit).state, DeliveryState::kSent);
  EXPECT_EQ(outbox.At(edit).attempts, 2);
}

TEST(DispatcherTest, SendsNothingWithoutTheLease) {
  MemoryOutbox outbox;
  net::SystemClock clock;
  outbox.TakeLease("another-instance");
  auto channel = std::make_unique<ScriptedChannel>();
  ScriptedChannel* ch = channel.get();
  outbox.Add("run:1", "running");
  Dispatcher d(outbox, clock, FastOptions());
  StartOne(d, std::move(channel));
  std::this_thread::sleep_for(100ms);
  EXPECT_TRUE(ch->calls().empty());
  d.Stop();
  EXPECT_FALSE(outbox.AllDone());
}

}  // namespace
}  // namespace opsdeck::notify

namespace opsdeck::notify {
namespace {

TEST(DispatcherLeaseTest, ALeaseOfAProcessThatIsGoneIsTakenOverAtOnce) {
  MemoryOutbox outbox;
  net::SystemClock clock;
  outbox.TakeLease("crashed-process");
  auto channel = std::make_unique<ScriptedChannel>();
  ScriptedChannel* ch = channel.get();
  outbox.Add("run:1", "running");
  DispatcherOptions o = FastOptions();
  o.holder_is_gone = [](std::string_view holder) { return holder == "crashed-process"; };
  Dispatcher d(outbox, clock, o);
  StartOne(d, std::move(channel));
  ASSERT_TRUE(WaitFor([&] { return outbox.AllDone(); }));  // well before the 30 s lease lapses
  EXPECT_EQ(ch->calls().size(), 1u);
  d.Stop();
}

}  // namespace
}  // namespace opsdeck::notify

namespace opsdeck::notify {
namespace {

TEST(DispatcherGoneTest, AWebhookThatIsGonePausesTheChannelAndLosesNothing) {
  MemoryOutbox outbox;
  net::SystemClock clock;
  auto channel = std::make_unique<ScriptedChannel>();
  ScriptedChannel* ch = channel.get();
  SendResult gone;
  gone.status = SendStatus::kRejected;
  gone.channel_gone = true;
  gone.error = "discord: HTTP 404 code 10015: Unknown Webhook";
  ch->Then(gone);
  const int64_t first = outbox.Add("run:1", "running");
  Dispatcher d(outbox, clock, FastOptions());
  StartOne(d, std::move(channel));
  ASSERT_TRUE(WaitFor([&] { return outbox.At(first).attempts == 1; }));
  outbox.Add("run:2", "running");
  d.Wake();
  std::this_thread::sleep_for(150ms);
  EXPECT_EQ(ch->calls().size(), 1u);  // paused: nothing more is sent
  const OutboxItem item = outbox.At(first);
  EXPECT_EQ(item.state, DeliveryState::kPending);  // kept for when the URL is fixed
  EXPECT_FALSE(item.next_attempt_at.has_value());  // due at once for a new worker
  EXPECT_NE(item.last_error.find("paused"), std::string::npos);
  EXPECT_EQ(d.Counters()[0].paused, 1u);
  d.Stop();
}

}  // namespace
}  // namespace opsdeck::notify
