#include "core/incident_notices.h"

#include <algorithm>
#include <cctype>
#include <unordered_map>

#include "core/name_list.h"
#include "core/run_notices.h"

namespace opsdeck::core {

namespace {

// An announcement names at most this many affected targets per root (a
// Discord field holds 1,024 characters; the channel cuts what is left).
constexpr size_t kMaxNames = 50;
constexpr size_t kMaxCauseLines = 10;

std::string_view StateWord(TargetState s) {
  switch (s) {
    case TargetState::kUp:
      return "recovered";
    case TargetState::kDegraded:
      return "degraded";
    case TargetState::kDown:
      return "down";
    case TargetState::kMaintenance:
      return "in maintenance";
    case TargetState::kUnknown:
      return "unknown";
  }
  return "unknown";
}

// Query values are config names; encode anything outside RFC 3986's unreserved set.
std::string QueryEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// The names a field shows (the first kMaxNames) and how many there are:
// NameList's text without copying every name of a large group.
struct CappedNames {
  std::vector<std::string> first;
  size_t total = 0;

  void Add(const std::string& name) {
    if (first.size() < kMaxNames) first.push_back(name);
    ++total;
  }
  std::string Text() const {
    std::string out = NameList(first, kMaxNames);
    if (total > first.size()) out += " and " + std::to_string(total - first.size()) + " more";
    return out;
  }
};

}  // namespace

bool IncidentNoticeContext::IsProtected(std::string_view environment) const {
  return !environment.empty() && std::find(protected_environments.begin(), protected_environments.end(),
                                           environment) != protected_environments.end();
}

bool IncidentGroup::Resolved() const {
  return std::none_of(members.begin(), members.end(), [](const GroupMember& m) { return m.open; });
}

GroupMember* IncidentGroup::Find(std::string_view target) {
  // Members are only appended, so the index catches up with the tail. A name
  // listed twice keeps its first position, as the linear search did.
  if (indexed_ > members.size()) {  // members was replaced: start over
    index_.clear();
    indexed_ = 0;
  }
  for (; indexed_ < members.size(); ++indexed_) index_.try_emplace(members[indexed_].target, indexed_);
  const auto it = index_.find(std::string(target));
  return it == index_.end() || it->second >= members.size() ? nullptr : &members[it->second];
}

std::string GroupSubject(std::string_view environment, TimePoint started_at) {
  return "incidents:" + std::string(environment) + ":" + std::to_string(ToUnixMillis(started_at));
}

Notice GroupNotice(const IncidentGroup& group, std::string kind, TimePoint at,
                   const IncidentNoticeContext& ctx) {
  std::vector<const GroupMember*> roots;
  bool any_down = false;
  for (const auto& m : group.members) {
    if (m.root.empty()) roots.push_back(&m);
    if (m.open && m.state == TargetState::kDown) any_down = true;
  }
  std::vector<const GroupMember*> failing;
  for (const auto* r : roots) {
    if (r->state != TargetState::kUp) failing.push_back(r);
  }
  const bool resolved = group.Resolved();

  Notice n;
  n.kind = std::move(kind);
  n.subject = group.subject;
  n.environment = group.environment;
  n.occurred_at = at;
  n.state = resolved ? NoticeState::kResolved : any_down ? NoticeState::kCritical : NoticeState::kWarning;
  n.severity = n.state == NoticeState::kResolved ? NoticeSeverity::kInfo
               : n.state == NoticeState::kCritical && ctx.IsProtected(group.environment)
                   ? NoticeSeverity::kCritical
                   : NoticeSeverity::kWarning;
  n.mention = n.severity == NoticeSeverity::kCritical;
  const std::string in_env = group.environment.empty() ? "" : " in " + group.environment;
  if (roots.size() == 1) {
    n.target = roots[0]->target;
    n.opsdeck_url = "/incidents?target=" + QueryEncode(roots[0]->target);
  } else {
    n.opsdeck_url = "/incidents?environment=" + QueryEncode(group.environment);
  }

  if (resolved) {
    n.title = roots.size() == 1 ? roots[0]->target + " recovered"
                                : std::to_string(roots.size()) + " targets recovered" + in_env;
  } else if (failing.empty()) {
    n.title = "affected targets still failing" + in_env;
  } else if (failing.size() == 1) {
    n.title = failing[0]->target + " " + std::string(StateWord(failing[0]->state));
  } else {
    const auto down = std::count_if(failing.begin(), failing.end(),
                                    [](const GroupMember* m) { return m->state == TargetState::kDown; });
    const char* word = down == static_cast<long>(failing.size()) ? "down"
                       : down == 0                                ? "degraded"
                                                                  : "down or degraded";
    n.title = std::to_string(failing.size()) + " targets " + word + in_env;
  }

  // Causes, one line per root (the only line when there is one root).
  for (size_t i = 0; i < roots.size() && i < kMaxCauseLines; ++i) {
    if (!n.description.empty()) n.description += '\n';
    n.description += roots.size() == 1 ? roots[i]->cause : roots[i]->target + ": " + roots[i]->cause;
  }
  if (roots.size() > 1) {
    CappedNames by_state[3];  // down, degraded, recovered
    for (const auto* r : roots) {
      const int slot = r->state == TargetState::kDown ? 0 : r->state == TargetState::kUp ? 2 : 1;
      by_state[slot].Add(r->target);
    }
    AddField(n, "Down", by_state[0].Text(), false);
    AddField(n, "Degraded", by_state[1].Text(), false);
    AddField(n, "Recovered", by_state[2].Text(), false);
  }
  // One pass over the members, not one per root: a mass outage makes
  // thousands of roots and members, and this runs on every change.
  std::unordered_map<std::string_view, CappedNames> affected;
  CappedNames flapping;
  for (const auto& m : group.members) {
    if (!m.root.empty()) affected[m.root].Add(m.target);
    if (m.flapping && m.open) flapping.Add(m.target);
  }
  for (const auto* r : roots) {
    const auto a = affected.find(r->target);
    if (a == affected.end()) continue;
    AddField(n, "Affected through " + r->target + " (" + std::to_string(a->second.total) + ")",
             a->second.Text(), false);
  }
  AddField(n, "Flapping", flapping.Text());
  AddField(n, "Environment", group.environment);
  AddField(n, "Started", FormatRfc3339(group.started_at));
  if (resolved) AddField(n, "Duration", FormatDuration(at - group.started_at));
  return n;
}

Notice FlappingNotice(const IncidentGroup& group, const GroupMember& member, Duration window,
                      int changes, TimePoint at, const IncidentNoticeContext& ctx) {
  Notice n = GroupNotice(group, "incident.flapping", at, ctx);
  n.state = NoticeState::kWarning;
  n.severity = NoticeSeverity::kWarning;
  n.mention = false;
  n.target = member.target;
  n.title = member.target + " is flapping";
  n.description = member.target + " changed state " + std::to_string(changes) + " times within " +
                  FormatDuration(window) + "; its incident stays open until it is stable for " +
                  FormatDuration(window) + ".";
  return n;
}

Notice AcknowledgedNotice(const IncidentFacts& incident, std::string_view user, TimePoint at,
                          const IncidentNoticeContext& ctx) {
  (void)ctx;  // acknowledging never pages anyone
  Notice n;
  n.kind = "incident.acknowledged";
  n.subject = incident.subject;
  n.severity = NoticeSeverity::kInfo;
  n.state = incident.ended_at                         ? NoticeState::kResolved
            : incident.state == TargetState::kDown ? NoticeState::kCritical
                                                      : NoticeState::kWarning;
  n.environment = incident.environment;
  n.target = incident.target;
  n.title = incident.target + " " + std::string(StateWord(incident.ended_at ? TargetState::kUp : incident.state)) +
            ": acknowledged by " + std::string(user);
  n.description = incident.cause;
  AddField(n, "Acknowledged by", std::string(user));
  AddField(n, "Affected through", incident.root_target);
  AddField(n, "Environment", incident.environment);
  AddField(n, "Started", FormatRfc3339(incident.started_at));
  n.occurred_at = at;
  n.opsdeck_url = "/incidents?target=" + QueryEncode(incident.target);
  return n;
}

}  // namespace opsdeck::core
