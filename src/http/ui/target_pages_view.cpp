// Target states, uptime and latency as the monitoring pages show them.
#include "http/ui/target_pages_view.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "http/ui/list_frame.h"

namespace opsdeck::http::ui::internal {
namespace {

using kainjow::mustache::data;

constexpr std::size_t kMaxLabel = 80;    // a name, environment or component in a cell
constexpr std::size_t kMaxReason = 300;  // a failing check's error in the list

std::string Fixed(double value, int digits) {
  char buf[48];
  const auto [end, ec] =
      std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, digits);
  return ec == std::errc() ? std::string(buf, end) : std::string("0");
}

}  // namespace

TargetStateView ViewOf(core::TargetState state) {
  switch (state) {
    case core::TargetState::kUp:
      return {"up", "Up", "up"};
    case core::TargetState::kDegraded:
      return {"degraded", "Degraded", "degraded"};
    case core::TargetState::kDown:
      return {"down", "Down", "down"};
    case core::TargetState::kMaintenance:
      return {"maintenance", "Maintenance", "maintenance"};
    case core::TargetState::kUnknown:
      break;
  }
  return {"unknown", "Unknown", "unknown"};
}

std::string FormatUptime(double fraction) {
  fraction = std::clamp(fraction, 0.0, 1.0);
  if (fraction >= 1.0) return "100%";
  // Truncate, not round: 99.999% must not read as a perfect 100.00%.
  const double hundredths = std::floor(fraction * 10000.0) / 100.0;
  return Fixed(hundredths, 2) + "%";
}

std::string FormatLatency(core::Micros latency) {
  const double us = static_cast<double>(std::max<int64_t>(latency.count(), 0));
  if (us >= 1'000'000.0) return Fixed(us / 1'000'000.0, 2) + " s";
  const double ms = us / 1000.0;
  if (ms >= 100.0) return Fixed(ms, 0) + " ms";
  if (ms >= 10.0) return Fixed(ms, 1) + " ms";
  return Fixed(ms, 2) + " ms";
}

void SetState(data& d, const std::string& prefix, core::TargetState state) {
  const TargetStateView view = ViewOf(state);
  d.set(prefix + "state", std::string(view.css));
  d.set(prefix + "state_label", std::string(view.label));
  d.set(prefix + "state_icon", std::string(view.icon));
}

void SetUptime(data& d, const std::string& key, const std::optional<double>& uptime) {
  d.set("has_" + key, uptime.has_value());
  d.set(key, uptime ? FormatUptime(*uptime) : std::string());
}

void SetLatency(data& d, const std::string& key, const std::optional<core::Micros>& latency) {
  d.set("has_" + key, latency.has_value());
  d.set(key, latency ? FormatLatency(*latency) : std::string());
}

data TargetItem(const TargetRow& row) {
  data item{data::type::object};
  item.set("t_name", row.name);
  item.set("t_href", row.href);
  item.set("t_kind", row.kind);
  SetText(item, "t_environment", Shorten(row.environment, kMaxLabel));
  SetText(item, "t_component", Shorten(row.component, kMaxLabel));
  SetState(item, "t_", row.state);
  SetTime(item, "t_since", row.since);
  item.set("t_flapping", row.flapping);
  SetText(item, "t_reason", Shorten(row.reason, kMaxReason));
  SetUptime(item, "t_uptime", row.uptime_24h);
  SetText(item, "t_incident_href",
          row.incident_id ? "/incidents/" + std::to_string(*row.incident_id) : std::string());
  return item;
}

}  // namespace opsdeck::http::ui::internal
