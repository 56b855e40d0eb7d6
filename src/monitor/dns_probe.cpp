// A dns probe run: the query, the whole-probe timer, and the comparison with
// `expect`. c-ares cannot cancel one query, so on timeout the run reports
// and the late reply is dropped when it comes.
#include "monitor/dns_probe.h"

#include <boost/asio/steady_timer.hpp>

#include "config/internal/formats.h"
#include "monitor/ares_channel.h"
#include "monitor/dns_answers.h"
#include "monitor/resolver.h"

namespace opsdeck::monitor {

namespace {

using Clock = std::chrono::steady_clock;

struct DnsSpec {
  std::string name;
  std::string record;
  int rr_type = 1;
  std::vector<std::string> expect;
  core::Duration timeout{};
  std::string summary;
  std::string host;  // empty: the probe talks to the resolver, not a target host
};

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

class DnsRun final : public std::enable_shared_from_this<DnsRun> {
 public:
  DnsRun(ProbeEnv& env, std::shared_ptr<const DnsSpec> spec, ProbeDone done)
      : spec_(std::move(spec)), done_(std::move(done)), timer_(env.io) {}

  void Start(ProbeEnv& env) {
    start_ = Clock::now();
    result_.at = env.clock.Now();
    timer_.expires_after(spec_->timeout);
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec || self->reported_) return;
      self->Report(false, "timeout after " +
                              config::internal::FormatDuration(self->spec_->timeout) + " (dns)");
    });
    env.resolver.Query(spec_->name, spec_->rr_type,
                       [self = shared_from_this()](int status, std::span<const unsigned char> m) {
                         self->OnAnswer(status, m);
                       });
  }

 private:
  void OnAnswer(int status, std::span<const unsigned char> message) {
    if (reported_) return;
    result_.timings.dns = std::chrono::duration_cast<core::Micros>(Clock::now() - start_);
    if (status == ARES_ENODATA) return Report(false, "dns: no " + spec_->record + " records");
    if (status != ARES_SUCCESS) return Report(false, "dns: " + AresStatusText(status));
    auto answers = DecodeDnsAnswers(spec_->rr_type, message);
    if (!answers) return Report(false, "dns: " + answers.error().message);
    if (answers->empty()) return Report(false, "dns: no " + spec_->record + " records");
    std::vector<std::string> missing;
    for (const auto& want : spec_->expect) {
      bool found = false;
      for (const auto& got : *answers) found = found || DnsAnswerMatches(spec_->rr_type, want, got);
      if (!found) missing.push_back(want);
    }
    if (!missing.empty()) {
      return Report(false,
                    "expected " + Join(missing) + " not among the answers: " + Join(*answers));
    }
    Report(true, {});
  }

  void Report(bool ok, std::string error) {
    reported_ = true;
    timer_.cancel();
    result_.ok = ok;
    result_.error = std::move(error);
    result_.timings.total = std::chrono::duration_cast<core::Micros>(Clock::now() - start_);
    ProbeDone done = std::move(done_);
    done(std::move(result_));
  }

  std::shared_ptr<const DnsSpec> spec_;
  ProbeDone done_;
  boost::asio::steady_timer timer_;
  Clock::time_point start_;
  core::CheckResult result_;
  bool reported_ = false;
};

class DnsProbe final : public Probe {
 public:
  explicit DnsProbe(DnsSpec spec) : spec_(std::make_shared<const DnsSpec>(std::move(spec))) {}
  void Start(ProbeEnv& env, ProbeDone done) override {
    std::make_shared<DnsRun>(env, spec_, std::move(done))->Start(env);
  }
  const std::string& Host() const override { return spec_->host; }
  const std::string& Summary() const override { return spec_->summary; }

 private:
  std::shared_ptr<const DnsSpec> spec_;
};

}  // namespace

core::Result<std::unique_ptr<Probe>> MakeDnsProbe(const config::CheckConfig& check,
                                                  const config::DnsCheck& dns) {
  auto type = DnsRecordType(dns.record);
  if (!type) {
    return core::Error::InvalidArgument("record must be A, AAAA, CNAME, MX, TXT, NS or SRV",
                                        "record");
  }
  if (dns.name.empty()) return core::Error::InvalidArgument("dns check needs a name", "name");
  DnsSpec spec{dns.name, dns.record, *type, dns.expect, check.timeout, {}, {}};
  spec.summary = "dns " + dns.record + " " + dns.name;
  return std::unique_ptr<Probe>(std::make_unique<DnsProbe>(std::move(spec)));
}

}  // namespace opsdeck::monitor
