// What documentation-audit announcements say (the `docs.*` kinds of
// docs/notifications.md): after a server run, the gaps it found new (or
// again) and the gaps it no longer finds; after filing, the Jira issues
// filed. One notice per run or filing, listing its gaps (capped), so a run
// that finds forty gaps is one message, not forty. Gaps are tickets:: types,
// which core cannot name, so the builders take the plain facts below.
// Pure functions of plain values; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/notification.h"

namespace opsdeck::core {

enum class DocsEvent { kGapsOpened, kGapsFixed, kTicketsFiled };
// "docs.gaps_opened", "docs.gaps_fixed", "docs.tickets_filed".
std::string_view DocsEventKind(DocsEvent e);

// One gap as an announcement shows it.
struct DocsGapFact {
  std::string summary;      // "Document the runbook of service api (production)"
  NoticeSeverity severity = NoticeSeverity::kWarning;
  std::string environment;  // may be empty (AWS resources without one)
  std::string ticket_key;   // "OPS-12", or empty
  bool reopened = false;    // had been fixed, found again
};

struct DocsNoticeContext {
  std::string public_url;  // server.public_url (a trailing '/' is ignored), or empty
  // Coverage after the run, "4 of 7 items fully documented (57%)"; empty
  // leaves the field out.
  std::string coverage;
  std::string trigger;  // "start", "schedule", ...; empty leaves it out
};

// At most this many gaps are named in one notice (a chat field holds about
// a thousand characters); the rest are counted ("and 12 more").
inline constexpr size_t kMaxDocsGapsNamed = 10;

// New and reopened gaps of one run; nullopt when there are none. Severity is
// the highest gap's; environment the gaps' common one, else empty (so an
// environment route only gets runs about its own environment).
// Subject "docs-audit:opened:<unix ms of `at`>": each run is its own message.
std::optional<Notice> DocsGapsOpenedNotice(const std::vector<DocsGapFact>& gaps,
                                           const DocsNoticeContext& ctx, TimePoint at);
// Gaps one run no longer finds; nullopt when none. Always info, state
// resolved.
std::optional<Notice> DocsGapsFixedNotice(const std::vector<DocsGapFact>& gaps,
                                          const DocsNoticeContext& ctx, TimePoint at);
// Issues filed (or found in Jira and recorded) by one filing, by `actor`
// ("user:alice"); nullopt when none was. `failed` counts gaps Jira refused.
std::optional<Notice> DocsTicketsFiledNotice(const std::vector<DocsGapFact>& filed, int failed,
                                             std::string_view actor, const DocsNoticeContext& ctx,
                                             TimePoint at);

}  // namespace opsdeck::core
