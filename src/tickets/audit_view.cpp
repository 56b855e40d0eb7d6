#include "tickets/audit_view.h"

#include <cctype>

namespace opsdeck::tickets {
namespace {

constexpr std::string_view kRequiredBy = "Required by:";

// Jira issue keys are PROJECT-NUMBER, the project an upper-case letter then
// letters, digits or underscores. Anything else is not put into a URL.
bool LooksLikeIssueKey(std::string_view key) {
  const size_t dash = key.rfind('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 == key.size()) return false;
  if (!std::isupper(static_cast<unsigned char>(key[0]))) return false;
  for (size_t i = 0; i < dash; ++i) {
    const unsigned char c = static_cast<unsigned char>(key[i]);
    if (!std::isupper(c) && !std::isdigit(c) && c != '_') return false;
  }
  for (size_t i = dash + 1; i < key.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(key[i]))) return false;
  }
  return true;
}

bool Passes(const Gap& g, const GapFilter& f) {
  if (f.environment && g.environment != *f.environment) return false;
  if (f.kind && GapKindName(g.kind) != *f.kind) return false;
  if (f.severity && config::SeverityName(g.severity) != *f.severity) return false;
  if (f.subject_kind && g.subject_kind != *f.subject_kind) return false;
  return true;
}

}  // namespace

std::vector<std::string> GapRules(const Gap& gap) {
  std::vector<std::string> out;
  const size_t at = gap.description.find(kRequiredBy);
  if (at == std::string::npos) return out;
  std::string_view rest = std::string_view(gap.description).substr(at + kRequiredBy.size());
  while (!rest.empty()) {
    const size_t eol = rest.find('\n');
    std::string_view line = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
    if (line.empty() && out.empty()) continue;
    if (!line.starts_with("- ")) break;
    out.emplace_back(line.substr(2));
  }
  return out;
}

std::string TicketUrl(std::string_view jira_url, std::string_view key) {
  if (!jira_url.starts_with("https://") && !jira_url.starts_with("http://")) return {};
  if (!LooksLikeIssueKey(key)) return {};
  std::string base(jira_url);
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/browse/" + std::string(key);
}

std::vector<GapView> ViewGaps(const DocsAuditReport& report,
                              const std::vector<store::GapRecord>& stored,
                              std::string_view jira_url, const GapFilter& filter) {
  std::unordered_map<std::string_view, const store::GapRecord*> by_fp;
  for (const store::GapRecord& r : stored) by_fp.emplace(r.fingerprint, &r);
  std::vector<GapView> out;
  for (const Gap& g : report.gaps) {
    if (!Passes(g, filter)) continue;
    GapView v;
    v.gap = &g;
    v.rules = GapRules(g);
    if (const auto it = by_fp.find(g.fingerprint); it != by_fp.end()) {
      v.ticket_key = it->second->ticket_key;
      v.ticket_url = TicketUrl(jira_url, v.ticket_key);
      v.state = it->second->open() ? "open" : "fixed";
      v.first_seen = it->second->first_seen;
    }
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace opsdeck::tickets
