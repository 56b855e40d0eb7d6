#include "notify/dispatcher.h"

#include <algorithm>
#include <condition_variable>
#include <map>
#include <random>
#include <thread>

#include "net/log.h"
#include "notify/notice_json.h"

namespace opsdeck::notify {
namespace {

// Recording an outcome is retried this often before the worker gives up on
// the attempt's bookkeeping (the database is down): a sent entry is then
// sent again later, which the retry contract allows.
constexpr int kRecordTries = 5;
constexpr auto kRecordPause = std::chrono::milliseconds(200);
// A channel whose webhook is gone sends nothing for this long (or until a
// config reload or restart starts a new worker).
constexpr auto kGonePause = std::chrono::hours(1);
// While entries keep arriving, the kept batch is read again at most this often.
constexpr auto kRefresh = std::chrono::milliseconds(100);

std::chrono::steady_clock::duration ToSteady(core::Duration d) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::max(d, core::Duration::zero()));
}

}  // namespace

struct Dispatcher::Counts {
  std::atomic<uint64_t> sent{0}, failed{0}, retried{0}, rate_limited{0}, superseded{0}, paused{0};
};

Pick PickNext(const std::vector<store::OutboxItem>& pending, core::TimePoint now, bool coalesce) {
  Pick pick;
  // A subject is blocked while any of its entries waits for a retry time.
  std::map<std::string_view, core::TimePoint> wait_until;
  for (const store::OutboxItem& item : pending) {
    if (!item.next_attempt_at || *item.next_attempt_at <= now) continue;
    auto [it, fresh] = wait_until.emplace(item.subject, *item.next_attempt_at);
    if (!fresh) it->second = std::max(it->second, *item.next_attempt_at);
  }
  for (const auto& [subject, at] : wait_until) {
    if (!pick.next_due || at < *pick.next_due) pick.next_due = at;
  }
  for (size_t i = 0; i < pending.size(); ++i) {
    const store::OutboxItem& head = pending[i];
    if (wait_until.count(head.subject) != 0) continue;
    size_t chosen = i;
    if (coalesce) {
      for (size_t j = i + 1; j < pending.size(); ++j) {
        if (pending[j].subject != head.subject) continue;
        pick.superseded.push_back(pending[chosen].id);
        chosen = j;
      }
    }
    pick.index = chosen;
    return pick;
  }
  return pick;
}

core::Duration Backoff(int attempts, const DispatcherOptions& options, double jitter) {
  const int shift = std::clamp(attempts - 1, 0, 30);
  const double base = static_cast<double>(options.backoff_min.count()) * static_cast<double>(1LL << std::min(shift, 20));
  const double capped = std::min(base, static_cast<double>(options.backoff_max.count()));
  const double j = std::clamp(jitter, 0.5, 1.0);
  return core::Duration(static_cast<int64_t>(capped * j));
}

class Dispatcher::Worker {
 public:
  Worker(std::string name, std::unique_ptr<Channel> channel, store::OutboxStore& outbox,
         const core::Clock& clock, const DispatcherOptions& options,
         std::shared_ptr<Counts> counters)
      : name_(std::move(name)),
        channel_(std::move(channel)),
        outbox_(outbox),
        clock_(clock),
        options_(options),
        counters_(std::move(counters)),
        coalesce_(channel_->kind() != "webhook"),
        rng_(std::random_device{}()) {
    thread_ = std::thread([this] { Run(); });
  }

  ~Worker() { Stop(); }

  void Wake() {
    std::lock_guard lock(mu_);
    woken_ = true;
    stale_ = true;
    cv_.notify_all();
  }

  void Stop() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
      cv_.notify_all();
    }
    if (thread_.joinable()) thread_.join();
  }

  const std::string& name() const { return name_; }

 private:
  // Sleeps up to `d`; a Wake ends the sleep early only when `wakeable`.
  void Sleep(core::Duration d, bool wakeable) {
    std::unique_lock lock(mu_);
    const auto until = std::chrono::steady_clock::now() + ToSteady(d);
    cv_.wait_until(lock, until, [&] { return stop_ || (wakeable && woken_); });
    if (wakeable) woken_ = false;
  }

  bool stopping() {
    std::lock_guard lock(mu_);
    return stop_;
  }

  bool HoldLease(core::TimePoint now) {
    if (lease_until_ && *lease_until_ - now > options_.lease_ttl / 2) return true;
    auto got = outbox_.AcquireLease(name_, options_.holder, options_.lease_ttl, now);
    if (!got) {
      net::LogWarn("notifications: cannot take the channel lease",
                   {{"channel", name_}, {"error", got.error().ToString()}});
      lease_until_.reset();
      return false;
    }
    if (!*got && options_.holder_is_gone) {
      // Taken by a process that crashed (SIGKILL, OOM): release its lease
      // for it rather than stay silent until it lapses.
      auto holder = outbox_.LeaseHolder(name_);
      if (holder && *holder && **holder != options_.holder && options_.holder_is_gone(**holder)) {
        net::LogInfo("notifications: taking over the lease of a process that is gone",
                     {{"channel", name_}, {"holder", **holder}});
        if (outbox_.ReleaseLease(name_, **holder)) {
          got = outbox_.AcquireLease(name_, options_.holder, options_.lease_ttl, now);
          if (!got) got = false;
        }
      }
    }
    if (*got) {
      lease_until_ = now + options_.lease_ttl;
    } else {
      lease_until_.reset();
    }
    return *got;
  }

  // Reads the channel's pending entries again (they are kept between
  // sends: re-reading a full batch before every send was half the
  // dispatcher's cost, bench/notify.sh).
  bool Reload() {
    auto pending = outbox_.Pending(name_, options_.batch);
    if (!pending) {
      net::LogWarn("notifications: cannot read the outbox",
                   {{"channel", name_}, {"error", pending.error().ToString()}});
      return false;
    }
    batch_ = std::move(*pending);
    loaded_at_ = std::chrono::steady_clock::now();
    {
      std::lock_guard lock(mu_);
      stale_ = false;
    }
    return true;
  }

  // The batch is read again when it is used up, when nothing in it is due,
  // and at most every kRefresh while new entries keep arriving (so a
  // subject's newer state can supersede an older one still waiting).
  bool BatchIsStale() {
    std::lock_guard lock(mu_);
    return stale_ && std::chrono::steady_clock::now() - loaded_at_ > kRefresh;
  }

  void Run() {
    while (!stopping()) {
      core::TimePoint now = clock_.Now();
      if (!HoldLease(now)) {
        batch_.clear();
        Sleep(options_.lease_ttl / 3, false);
        continue;
      }
      bool fresh = false;
      if (batch_.empty() || BatchIsStale()) {
        if (!Reload()) {
          Sleep(options_.idle_poll, false);
          continue;
        }
        fresh = true;
      }
      Pick pick = PickNext(batch_, now, coalesce_);
      if (!pick.index && !fresh) {
        if (!Reload()) {
          Sleep(options_.idle_poll, false);
          continue;
        }
        pick = PickNext(batch_, now, coalesce_);
      }
      if (!pick.index) {
        core::Duration wait = options_.idle_poll;
        if (pick.next_due) wait = std::min(wait, *pick.next_due - now);
        Sleep(wait, true);
        continue;
      }
      const store::OutboxItem item = batch_[*pick.index];
      auto prepared = Prepare(item);
      if (!prepared) continue;
      // The request is ready before a rate limit's wait ends, so it leaves
      // the moment the bucket allows (no request while a wait runs).
      if (const auto left = not_before_ - std::chrono::steady_clock::now(); left.count() > 0) {
        // Rounded up: a wait is never cut short by the conversion.
        Sleep(std::chrono::ceil<core::Duration>(left), false);
        if (stopping()) break;
        if (!HoldLease(clock_.Now())) continue;
      }
      Attempt(item, *prepared, pick.superseded);
    }
    if (lease_until_) (void)outbox_.ReleaseLease(name_, options_.holder);
  }

  struct Prepared {
    core::Notice notice;
    std::string message_id;
  };

  // The notice and the subject's message id; nullopt when the attempt is
  // over already (an unreadable payload is failed; a database error waits).
  std::optional<Prepared> Prepare(const store::OutboxItem& item) {
    auto notice = NoticeFromJson(item.payload_json);
    if (!notice) {
      store::OutboxOutcome out;
      out.id = item.id;
      out.state = store::DeliveryState::kFailed;
      out.error = notice.error().message;
      Record(out);
      Forget(out);
      return std::nullopt;
    }
    Prepared p{std::move(*notice), ""};
    if (channel_->edits_in_place()) {
      auto stored = outbox_.MessageId(name_, item.subject);
      if (!stored) {
        net::LogWarn("notifications: cannot read the message id",
                     {{"channel", name_}, {"error", stored.error().ToString()}});
        batch_.clear();
        Sleep(options_.idle_poll, false);
        return std::nullopt;
      }
      p.message_id = stored->value_or("");
    }
    return p;
  }

  void Attempt(const store::OutboxItem& item, const Prepared& prepared,
               const std::vector<int64_t>& superseded) {
    store::OutboxOutcome out;
    out.id = item.id;
    const std::string& message_id = prepared.message_id;
    const SendResult r = channel_->Send(prepared.notice, message_id, "n-" + std::to_string(item.id));
    const auto sent = std::chrono::steady_clock::now();
    const core::TimePoint now = clock_.Now();
    switch (r.status) {
      case SendStatus::kDelivered:
        out.state = store::DeliveryState::kSent;
        if (channel_->edits_in_place()) out.message_id = r.message_id.empty() ? message_id : r.message_id;
        out.superseded = superseded;
        if (r.retry_after > core::Duration::zero()) not_before_ = sent + r.retry_after;
        counters_->sent++;
        counters_->superseded += superseded.size();
        break;
      case SendStatus::kRetry: {
        std::uniform_real_distribution<double> jitter(0.5, 1.0);
        out.state = store::DeliveryState::kPending;
        out.error = r.error;
        out.retry_at = now + Backoff(item.attempts + 1, options_, jitter(rng_));
        counters_->retried++;
        net::LogInfo("notification will be retried",
                     {{"channel", name_}, {"id", static_cast<long long>(item.id)},
                      {"attempts", item.attempts + 1}, {"error", r.error}});
        break;
      }
      case SendStatus::kRateLimited:
        not_before_ = sent + std::max(r.retry_after, core::Duration(1));
        out.state = store::DeliveryState::kPending;
        out.error = r.error.empty() ? "rate limited" : r.error;
        out.retry_at = now + std::max(r.retry_after, core::Duration(1));
        counters_->rate_limited++;
        break;
      case SendStatus::kRejected:
        if (r.channel_gone) {
          // Paused, not failed: the entry waits (due at once after a reload
          // or restart, which start a fresh worker).
          not_before_ = sent + kGonePause;
          out.state = store::DeliveryState::kPending;
          out.error = r.error + " (channel paused: fix its URL and reload the config)";
          counters_->paused++;
          net::LogError("notification channel paused: the service says the webhook is gone",
                        {{"channel", name_}, {"error", r.error}});
        } else if (r.message_gone) {  // the message to edit is gone: the next attempt creates one
          out.state = store::DeliveryState::kPending;
          out.forget_message = true;
          out.error = r.error;
        } else {
          out.state = store::DeliveryState::kFailed;
          out.error = r.error;
          out.superseded = superseded;
          counters_->failed++;
          net::LogWarn("notification failed",
                       {{"channel", name_}, {"id", static_cast<long long>(item.id)},
                        {"kind", item.kind}, {"error", r.error}});
        }
        break;
    }
    Record(out);
    Forget(out);
  }

  // Keeps the batch in step with what was just recorded.
  void Forget(const store::OutboxOutcome& out) {
    auto gone = [&](const store::OutboxItem& i) {
      if (i.id == out.id) return out.state != store::DeliveryState::kPending;
      return std::find(out.superseded.begin(), out.superseded.end(), i.id) != out.superseded.end();
    };
    batch_.erase(std::remove_if(batch_.begin(), batch_.end(), gone), batch_.end());
    for (store::OutboxItem& i : batch_) {
      if (i.id != out.id) continue;
      i.attempts++;
      i.next_attempt_at = out.retry_at;
      i.last_error = out.error;
    }
  }

  void Record(const store::OutboxOutcome& out) {
    for (int i = 0; i < kRecordTries; ++i) {
      auto done = outbox_.Complete(out, clock_.Now());
      if (done || done.error().code == core::ErrorCode::kInvalidArgument) {
        if (!done) {
          net::LogWarn("notifications: outcome not recorded",
                       {{"channel", name_}, {"error", done.error().ToString()}});
        }
        return;
      }
      net::LogWarn("notifications: recording an outcome failed, retrying",
                   {{"channel", name_}, {"error", done.error().ToString()}});
      Sleep(kRecordPause, false);
    }
  }

  const std::string name_;
  const std::unique_ptr<Channel> channel_;
  store::OutboxStore& outbox_;
  const core::Clock& clock_;
  const DispatcherOptions& options_;
  const std::shared_ptr<Counts> counters_;
  const bool coalesce_;
  std::mt19937_64 rng_;
  std::optional<core::TimePoint> lease_until_;
  // No request before this (a 429's retry_after, an empty bucket): on the
  // steady clock, counted from when the answer arrived.
  std::chrono::steady_clock::time_point not_before_{};

  std::vector<store::OutboxItem> batch_;  // pending entries read last, minus those done
  std::chrono::steady_clock::time_point loaded_at_{};

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool woken_ = false;
  bool stale_ = false;  // entries were appended since the batch was read
  std::thread thread_;  // last: started once everything above exists
};

Dispatcher::Dispatcher(store::OutboxStore& outbox, const core::Clock& clock,
                       DispatcherOptions options)
    : outbox_(outbox), clock_(clock), options_(std::move(options)) {}

Dispatcher::~Dispatcher() { Stop(); }

void Dispatcher::SetChannels(
    std::vector<std::pair<std::string, std::unique_ptr<Channel>>> channels) {
  std::vector<std::unique_ptr<Worker>> old;
  {
    std::lock_guard lock(mu_);
    old.swap(workers_);
  }
  old.clear();  // joins: no two workers of one channel in this process
  std::vector<std::unique_ptr<Worker>> fresh;
  for (auto& [name, channel] : channels) {
    std::shared_ptr<Counts> counters;
    {
      std::lock_guard lock(mu_);
      auto& slot = counts_[name];
      if (!slot) slot = std::make_shared<Counts>();
      counters = slot;
    }
    fresh.push_back(std::make_unique<Worker>(name, std::move(channel), outbox_, clock_, options_,
                                             std::move(counters)));
  }
  std::lock_guard lock(mu_);
  workers_ = std::move(fresh);
}

void Dispatcher::Wake() {
  std::lock_guard lock(mu_);
  for (auto& w : workers_) w->Wake();
}

void Dispatcher::Stop() {
  std::vector<std::unique_ptr<Worker>> old;
  {
    std::lock_guard lock(mu_);
    old.swap(workers_);
  }
  old.clear();
}

std::vector<ChannelCounters> Dispatcher::Counters() const {
  std::vector<ChannelCounters> out;
  std::lock_guard lock(mu_);
  for (const auto& [name, c] : counts_) {
    out.push_back({name, c->sent.load(), c->failed.load(), c->retried.load(),
                   c->rate_limited.load(), c->superseded.load(), c->paused.load()});
  }
  return out;
}

}  // namespace opsdeck::notify
