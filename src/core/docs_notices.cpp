#include "core/docs_notices.h"

#include <algorithm>

#include "core/name_list.h"

namespace opsdeck::core {
namespace {

constexpr std::string_view kPagePath = "/docs-audit";

std::string PageUrl(const DocsNoticeContext& ctx) {
  std::string base = ctx.public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (base.empty()) return {};
  return base + std::string(kPagePath);
}

std::string Plural(size_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

// "critical  Document the runbook of service api (production) [OPS-12]", one
// per line: severity first, as text, so it reads without colour.
std::string GapLines(const std::vector<DocsGapFact>& gaps, bool with_severity) {
  std::vector<std::string> lines;
  lines.reserve(gaps.size());
  for (const DocsGapFact& g : gaps) {
    std::string line;
    if (with_severity) line = std::string(NoticeSeverityName(g.severity)) + ": ";
    line += g.summary;
    if (g.reopened) line += " (again)";
    if (!g.ticket_key.empty()) line += " [" + g.ticket_key + "]";
    lines.push_back(std::move(line));
  }
  return NameList(lines, kMaxDocsGapsNamed, "\n");
}

std::string CommonEnvironment(const std::vector<DocsGapFact>& gaps) {
  if (gaps.empty()) return {};
  const std::string& first = gaps.front().environment;
  for (const DocsGapFact& g : gaps) {
    if (g.environment != first) return {};
  }
  return first;
}

Notice Base(DocsEvent event, const std::vector<DocsGapFact>& gaps, const DocsNoticeContext& ctx,
            TimePoint at) {
  Notice n;
  n.kind = std::string(DocsEventKind(event));
  const std::string_view kind = n.kind;
  n.subject = "docs-audit:" + std::string(kind.substr(kind.find('.') + 1)) + ":" +
              std::to_string(ToUnixMillis(at));
  n.environment = CommonEnvironment(gaps);
  n.occurred_at = at;
  n.opsdeck_url = PageUrl(ctx);
  n.url = n.opsdeck_url;
  n.footer = "opsdeck documentation audit";
  return n;
}

void AddContext(Notice& n, const DocsNoticeContext& ctx) {
  AddField(n, "Environment", n.environment);
  AddField(n, "Coverage", ctx.coverage, false);
  AddField(n, "Trigger", ctx.trigger);
}

}  // namespace

std::string_view DocsEventKind(DocsEvent e) {
  switch (e) {
    case DocsEvent::kGapsOpened:
      return "docs.gaps_opened";
    case DocsEvent::kGapsFixed:
      return "docs.gaps_fixed";
    case DocsEvent::kTicketsFiled:
      return "docs.tickets_filed";
  }
  return "docs.unknown";
}

std::optional<Notice> DocsGapsOpenedNotice(const std::vector<DocsGapFact>& gaps,
                                           const DocsNoticeContext& ctx, TimePoint at) {
  if (gaps.empty()) return std::nullopt;
  Notice n = Base(DocsEvent::kGapsOpened, gaps, ctx, at);
  NoticeSeverity worst = NoticeSeverity::kInfo;
  for (const DocsGapFact& g : gaps) worst = std::max(worst, g.severity);
  n.severity = worst;
  n.state = worst == NoticeSeverity::kCritical ? NoticeState::kCritical
            : worst == NoticeSeverity::kWarning ? NoticeState::kWarning
                                                : NoticeState::kInfo;
  const size_t again = static_cast<size_t>(
      std::count_if(gaps.begin(), gaps.end(), [](const DocsGapFact& g) { return g.reopened; }));
  n.title = "Documentation audit: " + Plural(gaps.size(), "new gap", "new gaps");
  if (again > 0) n.title += " (" + std::to_string(again) + " found again)";
  n.description = GapLines(gaps, true);
  AddContext(n, ctx);
  return n;
}

std::optional<Notice> DocsGapsFixedNotice(const std::vector<DocsGapFact>& gaps,
                                          const DocsNoticeContext& ctx, TimePoint at) {
  if (gaps.empty()) return std::nullopt;
  Notice n = Base(DocsEvent::kGapsFixed, gaps, ctx, at);
  n.severity = NoticeSeverity::kInfo;
  n.state = NoticeState::kResolved;
  n.title = "Documentation audit: " + Plural(gaps.size(), "gap", "gaps") + " fixed";
  n.description = GapLines(gaps, false);
  AddContext(n, ctx);
  return n;
}

std::optional<Notice> DocsTicketsFiledNotice(const std::vector<DocsGapFact>& filed, int failed,
                                             std::string_view actor, const DocsNoticeContext& ctx,
                                             TimePoint at) {
  if (filed.empty()) return std::nullopt;
  Notice n = Base(DocsEvent::kTicketsFiled, filed, ctx, at);
  n.severity = failed > 0 ? NoticeSeverity::kWarning : NoticeSeverity::kInfo;
  n.state = failed > 0 ? NoticeState::kWarning : NoticeState::kInfo;
  n.title = "Documentation audit: " + Plural(filed.size(), "Jira issue", "Jira issues") + " filed";
  n.description = GapLines(filed, false);
  std::string who(actor);
  if (who.starts_with("user:")) who.erase(0, 5);
  AddField(n, "By", who);
  if (failed > 0) AddField(n, "Refused by Jira", std::to_string(failed));
  AddContext(n, ctx);
  return n;
}

}  // namespace opsdeck::core
