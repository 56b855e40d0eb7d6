// What an incident announcement says (the `incident.*` kinds of
// docs/notifications.md): one living message per group of root incidents,
// edited as members fail, recover, flap or are acknowledged. Pure functions
// of plain values; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/health.h"
#include "core/notification.h"

namespace opsdeck::core {

struct IncidentNoticeContext {
  // Environments where a failure is critical and mentions people.
  std::vector<std::string> protected_environments;
  bool IsProtected(std::string_view environment) const;
};

// One target in an announcement.
struct GroupMember {
  std::string target;
  std::string environment;
  TargetState state = TargetState::kDown;  // what it shows now (kUp once recovered)
  std::string cause;                       // the failure that opened its incident
  // Empty: a root incident of the group. Otherwise the root target it is
  // affected through (depends_on); listed, never announced on its own.
  std::string root;
  bool open = true;  // its incident is still open
  bool flapping = false;
  bool operator==(const GroupMember&) const = default;
};

// Root incidents of one environment opened within the group window, with
// the incidents linked to them: one subject, one message.
struct IncidentGroup {
  std::string subject;  // "incidents:<environment>:<first start, unix ms>"
  std::string environment;
  TimePoint started_at{};
  std::vector<GroupMember> members;  // in the order they joined (only appended to)
  bool announced = false;            // incident.opened went out

  bool Resolved() const;  // no member's incident is open
  // By target name, in constant time: a group of a mass outage holds
  // thousands of members, and every change of one looks it up.
  GroupMember* Find(std::string_view target);

 private:
  // Target name -> position in members, for the members indexed so far
  // (Find indexes the ones appended since).
  std::unordered_map<std::string, size_t> index_;
  size_t indexed_ = 0;  // members[0, indexed_) are in index_
};

// "incidents:production:1790000000000".
std::string GroupSubject(std::string_view environment, TimePoint started_at);

// The group's message as it stands: kind is "incident.opened",
// "incident.updated" or "incident.resolved" (the caller knows which).
// State: critical while a member is down, warning while members are only
// degraded (or in maintenance), resolved when every incident closed.
Notice GroupNotice(const IncidentGroup& group, std::string kind, TimePoint at,
                   const IncidentNoticeContext& ctx);

// "incident.flapping" for a root member, under the group's subject.
Notice FlappingNotice(const IncidentGroup& group, const GroupMember& member, Duration window,
                      int changes, TimePoint at, const IncidentNoticeContext& ctx);

// A stored incident as far as its acknowledgement notice cares.
struct IncidentFacts {
  std::string target;
  std::string environment;
  std::string subject;
  std::string cause;
  std::string root_target;  // set when linked to a dependency's incident
  TimePoint started_at{};
  std::optional<TimePoint> ended_at;
  TargetState state = TargetState::kDown;  // the target's current state
};

// "incident.acknowledged", under the incident's own subject (so the
// announcement's message is edited), built from the row and the person.
Notice AcknowledgedNotice(const IncidentFacts& incident, std::string_view user, TimePoint at,
                          const IncidentNoticeContext& ctx);

}  // namespace opsdeck::core
