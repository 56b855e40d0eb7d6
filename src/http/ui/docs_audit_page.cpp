// The documentation audit page: model -> mustache data -> HTML. Keys are
// prefixed per list (c_, g_, e_) like the other pages, so a missing key never
// resolves to an outer one of the same name.
#include "http/ui/docs_audit_page.h"

#include <algorithm>

#include "http/ui/assets.h"
#include "http/ui/list_frame.h"
#include "http/ui/shell.h"

namespace opsdeck::http::ui {
namespace {

using internal::Page;
using internal::SetText;
using internal::SetTime;
using internal::Shorten;
using kainjow::mustache::data;

constexpr std::size_t kMaxName = 120;
constexpr std::size_t kMaxSummary = 300;
constexpr std::size_t kMaxDetail = 300;

struct SeverityView {
  std::string_view label;
  std::string_view icon;
  std::string_view css;  // the status chip modifier of the same meaning
};

SeverityView ViewOf(std::string_view severity) {
  if (severity == "critical") return {"Critical", "down", "failed"};
  if (severity == "warning") return {"Warning", "degraded", "degraded"};
  return {"Info", "alert", "queued"};
}

std::string_view KindLabel(std::string_view kind) {
  if (kind == "missing_field") return "Missing field";
  if (kind == "broken_link") return "Broken link";
  if (kind == "undocumented_resource") return "Undocumented AWS resource";
  if (kind == "missing_resource") return "Missing AWS resource";
  return kind;
}

int Percent(int documented, int items) {
  return items == 0 ? 0 : (documented * 200 + items) / (2 * items);
}

data Coverage(const DocsCoverageRow& row) {
  data c{data::type::object};
  c.set("c_name", Shorten(row.name, kMaxName));
  c.set("c_documented", std::to_string(row.documented));
  c.set("c_items", std::to_string(row.items));
  c.set("c_percent", internal::CoveragePercent(row.documented, row.items));
  // A <meter> draws the bar: no inline style under the CSP, and screen
  // readers announce it.
  c.set("c_max", std::to_string(std::max(row.items, 1)));
  return c;
}

data GapRow(const DocsGapRow& g) {
  data item{data::type::object};
  const SeverityView view = ViewOf(g.severity);
  item.set("g_severity", g.severity);
  item.set("g_severity_label", std::string(view.label));
  item.set("g_severity_icon", std::string(view.icon));
  item.set("g_severity_css", std::string(view.css));
  item.set("g_kind", g.kind);
  item.set("g_kind_label", std::string(KindLabel(g.kind)));
  item.set("g_subject_kind", Shorten(g.subject_kind, kMaxName));
  item.set("g_subject", Shorten(g.subject, kMaxName));
  SetText(item, "g_subject_href", g.subject_href);
  SetText(item, "g_environment", Shorten(g.environment, kMaxName));
  item.set("g_summary", Shorten(g.summary, kMaxSummary));
  SetText(item, "g_detail", Shorten(g.detail, kMaxDetail));
  data rules{data::type::list};
  for (const auto& r : g.rules) {
    data rule{data::type::object};
    rule.set("r_text", Shorten(r, kMaxSummary));
    rules.push_back(rule);
  }
  item.set("g_rules", rules);
  item.set("has_g_rules", !g.rules.empty());
  SetText(item, "g_ticket", Shorten(g.ticket_key, kMaxName));
  SetText(item, "g_ticket_url", g.ticket_url);
  item.set("g_state", g.state);
  item.set("g_fixed", g.state == "fixed");
  SetTime(item, "g_since", g.since);
  return item;
}

data ExportRow(const DocsExportRow& e) {
  data item{data::type::object};
  item.set("e_name", Shorten(e.name, kMaxName));
  item.set("e_commands", Shorten(e.commands, kMaxSummary));
  item.set("e_resources", std::to_string(e.resources));
  SetTime(item, "e_uploaded", e.uploaded_at);
  item.set("e_by", Shorten(e.uploaded_by, kMaxName));
  return item;
}

}  // namespace

std::string RenderDocsAudit(const DocsAuditModel& model) {
  data page{data::type::object};
  page.set("wired", model.wired);
  page.set("ready", model.ready);
  page.set("running", model.running);
  page.set("sequence", std::to_string(model.sequence));
  SetText(page, "trigger", model.trigger);
  SetTime(page, "finished", model.finished_at);
  page.set("overall", Coverage(model.overall));
  data envs{data::type::list};
  for (const auto& r : model.by_environment) envs.push_back(Coverage(r));
  page.set("by_environment", envs);
  data kinds{data::type::list};
  for (const auto& r : model.by_kind) kinds.push_back(Coverage(r));
  page.set("by_kind", kinds);
  page.set("links_text", model.links_text);
  page.set("aws_text", model.aws_text);
  page.set("failing", std::to_string(model.failing));
  page.set("passed", model.failing == 0);
  data gaps{data::type::list};
  for (const auto& g : model.gaps) gaps.push_back(GapRow(g));
  page.set("gaps", gaps);
  page.set("has_gaps", !model.gaps.empty());
  page.set("gap_count", std::to_string(model.gaps.size()));
  page.set("showing_fixed", model.showing_fixed);
  data exports{data::type::list};
  for (const auto& e : model.exports) exports.push_back(ExportRow(e));
  page.set("exports", exports);
  page.set("has_exports", !model.exports.empty());
  page.set("can_act", model.can_act);
  page.set("jira_configured", model.jira_configured);
  page.set("page_js", std::string(StaticUrl("/static/docs_audit.js")));
  internal::SetListFrame(page, model.filters, model.filtered, model.error, Pager{});
  return RenderPage(Page::kDocsAudit, "Documentation audit", model.shell, "docs_audit",
                    std::move(page));
}

namespace internal {

std::string CoveragePercent(int documented, int items) {
  if (items == 0) return "—";
  return std::to_string(Percent(documented, items)) + "%";
}

}  // namespace internal
}  // namespace opsdeck::http::ui
