#include "monitor/held_results.h"

#include <algorithm>
#include <limits>

namespace opsdeck::monitor {
namespace {

constexpr int32_t kAbsent = std::numeric_limits<int32_t>::min();
constexpr int64_t kMaxMicros = std::numeric_limits<int32_t>::max();

int32_t PackMicros(core::Micros us) {
  return static_cast<int32_t>(std::clamp<int64_t>(us.count(), 0, kMaxMicros));
}
int32_t PackMicros(const std::optional<core::Micros>& us) { return us ? PackMicros(*us) : kAbsent; }
std::optional<core::Micros> UnpackMicros(int32_t us) {
  return us == kAbsent ? std::nullopt : std::optional(core::Micros(us));
}

}  // namespace

static_assert(sizeof(HeldResult) <= 48, "HeldResult is held by every target: keep it small");

HeldResult HeldResult::Pack(int check, core::CheckResult result) {
  HeldResult h;
  h.at_ms_ = result.at.time_since_epoch().count();
  h.total_us_ = PackMicros(result.timings.total);
  h.dns_us_ = PackMicros(result.timings.dns);
  h.connect_us_ = PackMicros(result.timings.connect);
  h.tls_us_ = PackMicros(result.timings.tls);
  h.first_byte_us_ = PackMicros(result.timings.first_byte);
  h.check_ = check;
  h.certificate_days_ = result.certificate_days ? *result.certificate_days : kAbsent;
  h.http_status_ = static_cast<int16_t>(std::clamp(result.http_status, 0, 999));
  h.ok_ = result.ok;
  if (!result.error.empty()) h.error_ = std::make_unique<std::string>(std::move(result.error));
  return h;
}

core::CheckResult HeldResult::Unpack() && {
  core::CheckResult r;
  r.at = at();
  r.ok = ok_;
  r.timings.total = core::Micros(total_us_);
  r.timings.dns = UnpackMicros(dns_us_);
  r.timings.connect = UnpackMicros(connect_us_);
  r.timings.tls = UnpackMicros(tls_us_);
  r.timings.first_byte = UnpackMicros(first_byte_us_);
  r.http_status = http_status_;
  if (certificate_days_ != kAbsent) r.certificate_days = certificate_days_;
  if (error_) r.error = std::move(*error_);
  return r;
}

bool HeldResults::Add(int check, core::CheckResult result, size_t limit, uint64_t tick) {
  if (rows_.empty()) {
    first_tick_ = static_cast<uint32_t>(tick);
    if (rows_.capacity() < limit) rows_.reserve(limit);
  }
  rows_.push_back(HeldResult::Pack(check, std::move(result)));
  turn_ = static_cast<uint32_t>((turn_ + 1) % std::max<size_t>(limit, 1));
  return turn_ == 0 || rows_.size() >= limit;
}

bool HeldResults::Waited(uint64_t now_tick, uint64_t ticks) const {
  return !rows_.empty() && static_cast<uint32_t>(now_tick - first_tick_) >= ticks;
}

void HeldResults::MoveTo(const std::string& target, std::vector<store::ResultRecord>& out) {
  for (HeldResult& h : rows_) {
    const int check = h.check();
    out.push_back({core::CheckKey{target, check}, std::move(h).Unpack()});
  }
  rows_.clear();
}

}  // namespace opsdeck::monitor
