// GET /docs-audit: the latest run's coverage and gaps (?environment= &kind=
// &severity=, kind being the item kind), or with ?state=fixed the gaps the
// store has seen fixed, newest first; the uploaded AWS exports; the actions
// for devops and admins. Ticket links go to jira.url only when it is http(s).
#include "http/ui/docs_audit_pages_route.h"

#include <algorithm>
#include <set>

#include "http/routes.h"
#include "http/ui/docs_audit_page.h"
#include "http/ui_list_page.h"
#include "tickets/audit_view.h"

namespace opsdeck::http {
namespace {

using ui_list::HtmlPage;
using ui_list::ListStatus;
using ui_list::Optional;
using ui_list::Param;
using ui_list::StoreErrorPage;

// The most fixed gaps the page lists (the API pages through all).
constexpr int kMaxFixedRows = 200;

bool PlainName(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
  });
}

// A catalog service or server is a monitoring target of its name; a
// pipeline has its runs list. AWS resources have no page of their own.
std::string SubjectHref(std::string_view kind, std::string_view subject) {
  if (kind == "pipeline") return ui_list::Href("/pipelines", {{"pipeline", subject}}, "runs");
  if ((kind == "service" || kind == "server") && PlainName(subject)) {
    return "/targets/" + std::string(subject);
  }
  return {};
}

ui::DocsCoverageRow Row(std::string name, const tickets::Coverage& c) {
  return ui::DocsCoverageRow{std::move(name), c.items, c.documented};
}

std::string LinksText(const tickets::LinkSummary& l) {
  if (!l.checked) return "Links not checked";
  return std::to_string(l.urls) + " link(s) checked, " + std::to_string(l.broken) + " broken";
}

std::string AwsText(const tickets::DocsAuditReport& r) {
  if (!r.aws_checked) return "No AWS export";
  std::string from;
  for (tickets::AwsExportKind k : r.aws_kinds) {
    if (!from.empty()) from += ", ";
    from += tickets::AwsExportCommand(k);
  }
  return std::to_string(r.aws_resources) + " AWS resource(s) from " + from;
}

void FillReport(ui::DocsAuditModel& model, const tickets::AuditSnapshot& s) {
  const tickets::DocsAuditReport& r = s.report;
  model.ready = true;
  model.sequence = s.sequence;
  model.trigger = s.trigger;
  model.finished_at = s.finished_at;
  model.overall = Row("overall", r.coverage.overall);
  for (const auto& [name, c] : r.coverage.by_environment) model.by_environment.push_back(Row(name, c));
  for (const auto& [name, c] : r.coverage.by_kind) model.by_kind.push_back(Row(name, c));
  model.links_text = LinksText(r.links);
  model.aws_text = AwsText(r);
  model.failing = r.FailingGaps();
}

ui::DocsGapRow OpenRow(const tickets::GapView& v) {
  const tickets::Gap& g = *v.gap;
  ui::DocsGapRow row;
  row.severity = std::string(config::SeverityName(g.severity));
  row.kind = std::string(tickets::GapKindName(g.kind));
  row.subject_kind = g.subject_kind;
  row.subject = g.subject;
  row.subject_href = SubjectHref(g.subject_kind, g.subject);
  row.environment = g.environment;
  row.summary = g.summary;
  row.detail = g.detail;
  row.rules = v.rules;
  row.ticket_key = v.ticket_key;
  row.ticket_url = v.ticket_url;
  row.state = v.state;
  row.since = v.first_seen;
  return row;
}

ui::DocsGapRow FixedRow(const store::GapRecord& r, const std::string& jira_url) {
  ui::DocsGapRow row;
  row.severity = "info";
  row.kind = r.kind;
  row.subject_kind = r.subject_kind;
  row.subject = r.subject;
  row.subject_href = SubjectHref(r.subject_kind, r.subject);
  row.environment = r.environment;
  row.summary = r.summary;
  row.ticket_key = r.ticket_key;
  row.ticket_url = tickets::TicketUrl(jira_url, r.ticket_key);
  row.state = "fixed";
  row.since = r.fixed_at;
  return row;
}

Response DocsAuditPage(RequestContext& ctx, const Services& services) {
  const auto cfg = services.config();
  ui::DocsAuditModel model;
  model.shell = ShellFor(services, ctx.principal);
  model.can_act = ctx.principal.authenticated() &&
                  (ctx.principal.role == core::Role::kDevops ||
                   ctx.principal.role == core::Role::kAdmin);
  model.jira_configured = cfg->jira.has_value();
  const std::string jira_url = cfg->jira ? cfg->jira->url : std::string();
  ui_list::ListQuery q = ui_list::ReadListQuery(ctx.query);
  tickets::GapFilter filter;
  filter.environment = Optional(Param(q.params, "environment"));
  filter.subject_kind = Optional(Param(q.params, "kind"));
  filter.severity = Optional(Param(q.params, "severity"));
  const std::string state = Param(q.params, "state");
  if (filter.severity && *filter.severity != "info" && *filter.severity != "warning" &&
      *filter.severity != "critical" && q.error.empty()) {
    q.error = "severity must be one of info, warning, critical";
  }
  if (!state.empty() && state != "open" && state != "fixed" && q.error.empty()) {
    q.error = "state must be open or fixed";
  }
  model.showing_fixed = state == "fixed";
  model.filtered = filter.environment || filter.subject_kind || filter.severity || !state.empty();

  std::vector<std::string> environments;
  for (const auto& e : cfg->environments) environments.push_back(e.name);
  std::set<std::string> kinds = {"service", "server", "pipeline"};

  tickets::AuditDesk* desk = services.docs_audit;
  model.wired = desk != nullptr;
  const auto latest = desk ? desk->Latest() : nullptr;
  model.running = desk && desk->Running();
  if (latest) {
    FillReport(model, *latest);
    for (const auto& g : latest->report.gaps) kinds.insert(g.subject_kind);
  }
  if (desk && q.error.empty()) {
    if (model.showing_fixed) {
      store::GapQuery gq;
      gq.limit = kMaxFixedRows;
      gq.open = false;
      gq.environment = filter.environment;
      auto page = services.store->docs().ListGaps(gq);
      if (!page) return StoreErrorPage(ctx, page.error(), std::move(model.shell));
      for (const auto& r : page->items) {
        if (filter.subject_kind && r.subject_kind != *filter.subject_kind) continue;
        model.gaps.push_back(FixedRow(r, jira_url));
      }
    } else if (latest) {
      auto open = services.store->docs().OpenGaps();
      if (!open) return StoreErrorPage(ctx, open.error(), std::move(model.shell));
      for (const auto& v : tickets::ViewGaps(latest->report, *open, jira_url, filter)) {
        model.gaps.push_back(OpenRow(v));
      }
    }
  }
  if (desk) {
    auto exports = desk->AwsExports();
    if (!exports) return StoreErrorPage(ctx, exports.error(), std::move(model.shell));
    for (const auto& e : *exports) {
      model.exports.push_back({e.name, e.commands, e.resources, e.uploaded_at, e.uploaded_by});
    }
  }
  model.filters = {
      {"environment", "Environment", Param(q.params, "environment"), std::move(environments)},
      {"kind", "Kind", Param(q.params, "kind"), {kinds.begin(), kinds.end()}},
      {"severity", "Severity", Param(q.params, "severity"), {"info", "warning", "critical"}},
      {"state", "State", state, {"open", "fixed"}}};
  model.error = q.error;
  return HtmlPage(ctx.request, ListStatus(model.error), ui::RenderDocsAudit(model));
}

}  // namespace

void AddDocsAuditPageRoutes(Router& router, const Services& services) {
  router.Add({beast_http::verb::get, "/docs-audit", "ui:docs-audit", Access::AnyRole(),
              Exec::kDatabase,
              [&services](RequestContext& ctx) { return DocsAuditPage(ctx, services); }});
}

}  // namespace opsdeck::http
