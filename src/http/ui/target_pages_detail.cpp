// The /targets/{name} page: model -> mustache data -> HTML. Keys are prefixed
// per list (ck_, tm_, w_, r_, res_, dep_, aws_) so that a missing key never
// resolves to an outer one of the same name.
#include <algorithm>
#include <charconv>

#include "http/ui/assets.h"
#include "http/ui/list_frame.h"
#include "http/ui/shell.h"
#include "http/ui/target_pages.h"
#include "http/ui/target_pages_view.h"

namespace opsdeck::http::ui {
namespace {

using internal::FilterList;
using internal::FormatDuration;
using internal::FormatLatency;
using internal::LinkableUrl;
using internal::Page;
using internal::RenderPage;
using internal::SetLatency;
using internal::SetText;
using internal::SetTime;
using internal::SetUptime;
using internal::Shorten;
using kainjow::mustache::data;

constexpr std::size_t kMaxSummary = 200;  // a check's summary ("GET https://...")
constexpr std::size_t kMaxError = 500;    // a result's error
constexpr std::size_t kMaxValue = 200;    // a tag, an AWS identifier

std::string Percent(double fraction) {
  char buf[32];
  const auto [end, ec] = std::to_chars(
      buf, buf + sizeof buf, std::clamp(fraction, 0.0, 1.0) * 100.0, std::chars_format::fixed, 2);
  return ec == std::errc() ? std::string(buf, end) : std::string("0");
}

// The phases of one probe, each with its share of the total as a segment of
// a stacked bar. "transfer" is what the phases do not account for (reading
// the body, or time a probe kind does not break down).
data Timings(const core::ProbeTimings& t) {
  struct Phase {
    std::string_view name;
    std::string_view label;
    std::optional<core::Micros> value;
  };
  const core::Micros total = std::max(t.total, core::Micros{0});
  core::Micros accounted{0};
  for (const auto& v : {t.dns, t.connect, t.tls, t.first_byte})
    accounted += v.value_or(core::Micros{0});
  std::optional<core::Micros> rest;
  if (total > accounted && accounted.count() > 0) rest = total - accounted;
  const Phase phases[] = {{"dns", "DNS", t.dns},
                          {"connect", "Connect", t.connect},
                          {"tls", "TLS", t.tls},
                          {"first-byte", "First byte", t.first_byte},
                          {"transfer", "Transfer", rest}};
  data list{data::type::list};
  const double span = static_cast<double>(std::max(total, accounted).count());
  double x = 0;
  for (const Phase& p : phases) {
    if (!p.value) continue;
    data item{data::type::object};
    item.set("tm_phase", std::string(p.name));
    item.set("tm_label", std::string(p.label));
    item.set("tm_value", FormatLatency(*p.value));
    const double w = span > 0 ? static_cast<double>(p.value->count()) / span : 0;
    item.set("tm_x", Percent(x));
    item.set("tm_w", Percent(w));
    x += w;
    list.push_back(item);
  }
  return list;
}

std::string CheckLabel(int index) {
  return core::IsExternalCheck(index) ? "signal " + std::to_string(-index)
                                      : "#" + std::to_string(index + 1);
}

void SetResult(data& d, const std::string& prefix, const core::CheckResult& r) {
  d.set(prefix + "ok", r.ok);
  d.set(prefix + "outcome", std::string(r.ok ? "ok" : "failed"));
  d.set(prefix + "outcome_label", std::string(r.ok ? "OK" : "Failed"));
  d.set(prefix + "outcome_icon", std::string(r.ok ? "up" : "down"));
  d.set(prefix + "outcome_css", std::string(r.ok ? "up" : "down"));
  SetTime(d, prefix + "at", r.at);
  SetText(d, prefix + "error", Shorten(r.error, kMaxError));
  d.set(prefix + "total", FormatLatency(r.timings.total));
  SetText(d, prefix + "http_status", r.http_status > 0 ? std::to_string(r.http_status) : "");
  SetText(d, prefix + "cert_days",
          r.certificate_days ? std::to_string(*r.certificate_days) : std::string());
}

data Checks(const std::vector<CheckView>& checks) {
  data list{data::type::list};
  for (const CheckView& c : checks) {
    data item{data::type::object};
    item.set("ck_index", std::to_string(c.index));
    item.set("ck_label", CheckLabel(c.index));
    item.set("ck_type", c.type);
    item.set("ck_summary", Shorten(c.summary, kMaxSummary));
    item.set("ck_passive", c.interval_ms <= 0);
    item.set("ck_interval", FormatDuration(core::Duration(std::max<int64_t>(c.interval_ms, 0))));
    item.set("ck_has_latest", c.latest.has_value());
    if (c.latest) {
      SetResult(item, "ck_", *c.latest);
      data timings = Timings(c.latest->timings);
      item.set("ck_has_timings", !timings.list_value().empty());
      item.set("ck_timings", timings);
    }
    list.push_back(item);
  }
  return list;
}

data Windows(const std::vector<WindowStats>& windows) {
  data list{data::type::list};
  for (const WindowStats& w : windows) {
    data item{data::type::object};
    item.set("w_key", w.key);
    item.set("w_label", w.label);
    SetUptime(item, "w_uptime", w.uptime);
    SetLatency(item, "w_p50", w.p50);
    SetLatency(item, "w_p95", w.p95);
    SetLatency(item, "w_p99", w.p99);
    item.set("w_count", std::to_string(w.count));
    item.set("w_failures", std::to_string(w.failures));
    list.push_back(item);
  }
  return list;
}

data Links(const std::vector<NamedLink>& links, const std::string& prefix) {
  data list{data::type::list};
  for (const NamedLink& l : links) {
    data item{data::type::object};
    item.set(prefix + "label", l.label);
    item.set(prefix + "href", l.href);
    item.set(prefix + "selected", l.selected);
    list.push_back(item);
  }
  return list;
}

data Results(const std::vector<ResultView>& results) {
  data list{data::type::list};
  for (const ResultView& r : results) {
    data item{data::type::object};
    item.set("res_id", std::to_string(r.id));
    item.set("res_check", r.check_label);
    SetResult(item, "res_", r.result);
    list.push_back(item);
  }
  return list;
}

// An outside URL as a link when it is http(s), else as text.
void SetUrl(data& d, const std::string& key, const std::string& url) {
  const std::string link = LinkableUrl(url);
  SetText(d, key + "_url", link);
  SetText(d, key + "_text", link.empty() ? Shorten(url, kMaxValue) : std::string());
}

}  // namespace

std::string RenderTarget(const TargetModel& model) {
  data page = internal::TargetItem(model.target);
  SetText(page, "owner", model.owner);
  SetUrl(page, "docs", model.docs);
  SetUrl(page, "runbook", model.runbook);
  data tags{data::type::list};
  for (const std::string& tag : model.tags)
    tags.push_back(data("tag_name", Shorten(tag, kMaxValue)));
  page.set("has_tags", !model.tags.empty());
  page.set("tags", tags);
  page.set("has_depends", !model.depends_on.empty());
  page.set("depends", Links(model.depends_on, "dep_"));
  data aws{data::type::list};
  for (const auto& [key, value] : model.aws) {
    data item{data::type::object};
    item.set("aws_key", key);
    item.set("aws_value", Shorten(value, kMaxValue));
    aws.push_back(item);
  }
  page.set("has_aws", !model.aws.empty());
  page.set("aws", aws);

  page.set("has_checks", !model.checks.empty());
  page.set("checks", Checks(model.checks));
  page.set("windows", Windows(model.windows));
  page.set("ranges", Links(model.ranges, "r_"));
  page.set("range", model.range);
  page.set("series_url", model.series_url);
  page.set("page_js", std::string(StaticUrl("/static/vendor/uplot.min.js")) + " " +
                          std::string(StaticUrl("/static/monitoring.js")));
  page.set("page_css", std::string(StaticUrl("/static/vendor/uplot.min.css")));

  page.set("has_incident", model.open_incident.has_value());
  if (model.open_incident) {
    const OpenIncidentView& inc = *model.open_incident;
    page.set("inc_id", std::to_string(inc.id));
    page.set("inc_href", "/incidents/" + std::to_string(inc.id));
    SetTime(page, "inc_started", inc.started_at);
    SetText(page, "inc_cause", Shorten(inc.cause, kMaxError));
    page.set("inc_acknowledged", inc.acknowledged);
  }

  page.set("result_filters", FilterList(model.result_filters));
  page.set("results_filtered", model.results_filtered);
  SetText(page, "results_error", model.results_error);
  page.set("has_results", !model.results.empty());
  page.set("results", Results(model.results));
  SetText(page, "newest_href", model.pager.newest_href);
  SetText(page, "older_href", model.pager.older_href);
  page.set("has_pager", !model.pager.newest_href.empty() || !model.pager.older_href.empty());
  return RenderPage(internal::Page::kServices, model.target.name, model.shell, "target",
                    std::move(page));
}

}  // namespace opsdeck::http::ui
