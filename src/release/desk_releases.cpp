// ReleaseDesk: creating releases and changing them (ticks, unticks, state).
// Every change runs core's decider on the release as read inside the store's
// write transaction, so two people ticking at once cannot both pass a check.
#include <algorithm>
#include <set>

#include "net/log.h"
#include "release/release_desk.h"

namespace opsdeck::release {
namespace {

constexpr size_t kMaxVersion = 100;
constexpr size_t kMaxText = 2000;  // notes and reasons

bool MayRunReleases(core::Role role) {
  return role == core::Role::kReleaseManager || role == core::Role::kAdmin;
}

// Versions name tags, images and pipeline inputs: visible ASCII, no spaces.
core::Result<void> CheckVersion(const std::string& version) {
  if (version.empty()) return core::Error::InvalidArgument("version is required", "version");
  if (version.size() > kMaxVersion) {
    return core::Error::InvalidArgument("version is longer than 100 characters", "version");
  }
  for (const char ch : version) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7f) {
      return core::Error::InvalidArgument(
          "version may hold only visible ASCII characters, without spaces", "version");
    }
  }
  return core::Ok();
}

core::Result<void> CheckText(const std::string& text, std::string_view field) {
  if (text.size() > kMaxText) {
    return core::Error::InvalidArgument(std::string(field) + " is longer than 2000 characters",
                                        std::string(field));
  }
  return core::Ok();
}

// Known names, each once, in promotion order.
core::Result<std::vector<std::string>> OrderEnvironments(const config::Config& config,
                                                         const std::vector<std::string>& names) {
  if (names.empty()) {
    return core::Error::InvalidArgument("name at least one environment", "environments");
  }
  std::vector<const core::Environment*> found;
  std::set<std::string> seen;
  for (const std::string& name : names) {
    const core::Environment* env = config.FindEnvironment(name);
    if (env == nullptr) {
      std::string known;
      for (const auto& e : config.environments) known += (known.empty() ? "" : ", ") + e.name;
      return core::Error::InvalidArgument(
          "unknown environment '" + name + "' (known: " + known + ")", "environments");
    }
    if (seen.insert(name).second) found.push_back(env);
  }
  std::sort(found.begin(), found.end(), [](const core::Environment* a, const core::Environment* b) {
    return a->position < b->position;
  });
  std::vector<std::string> out;
  for (const auto* e : found) out.push_back(e->name);
  return out;
}

std::vector<core::ChecklistItem> ItemsOf(const config::ReleaseTemplateConfig& tmpl) {
  std::vector<core::ChecklistItem> items;
  for (const config::ChecklistItemConfig& c : tmpl.items) {
    core::ChecklistItem item;
    item.id = c.id;
    item.title = c.title;
    item.description = c.description;
    item.phase = std::string(config::PhaseName(c.phase));
    item.role = c.role;
    item.required = c.required;
    item.depends_on = c.depends_on;
    if (c.auto_check) item.auto_check = c.auto_check->text;
    items.push_back(std::move(item));
  }
  return items;
}

}  // namespace

core::Result<core::Release> ReleaseDesk::Create(const CreateRelease& request,
                                                const core::Principal& who,
                                                const std::string& request_id) {
  if (!MayRunReleases(who.role)) {
    return core::Error::PermissionDenied(
        "creating a release needs the release-manager or admin role");
  }
  const auto config = Config();
  if (auto ok = CheckVersion(request.version); !ok) return ok.error();
  const config::ReleaseTemplateConfig* tmpl = config->FindTemplate(request.template_name);
  if (tmpl == nullptr) {
    return core::Error::InvalidArgument(request.template_name.empty()
                                            ? "template is required"
                                            : "unknown template '" + request.template_name + "'",
                                        "template");
  }
  auto environments = OrderEnvironments(*config, request.environments);
  if (!environments) return environments.error();

  std::optional<core::WindowOccurrence> occurrence;
  if (!request.window.empty() || request.window_start) {
    if (request.window.empty()) {
      return core::Error::InvalidArgument("window_start needs a window", "window");
    }
    if (!request.window_start) {
      return core::Error::InvalidArgument("window needs window_start, the occurrence to book",
                                          "window_start");
    }
    const auto schedule = Schedule(config);
    const core::WindowDef* def = schedule->Find(request.window);
    if (def == nullptr) {
      return core::Error::InvalidArgument("unknown window '" + request.window + "'", "window");
    }
    if (def->deny) {
      return core::Error::InvalidArgument(
          "window '" + request.window + "' is a freeze; book an allow window", "window");
    }
    occurrence = schedule->OccurrenceAt(request.window, *request.window_start);
    if (!occurrence) {
      return core::Error::InvalidArgument("window '" + request.window +
                                              "' has no occurrence starting at " +
                                              core::FormatRfc3339(*request.window_start),
                                          "window_start");
    }
  }

  store::NewRelease fresh;
  fresh.version = request.version;
  fresh.environments = std::move(*environments);
  fresh.template_name = tmpl->name;
  fresh.window = request.window;
  fresh.window_start = request.window_start;
  fresh.items = ItemsOf(*tmpl);

  const core::Actor actor = who.ToActor();
  const core::ReleaseChange change{core::ReleaseEvent::kCreated, actor.ToString(), Now(), {}, {}};
  const core::ReleaseNoticeContext ctx = Context(*config);
  size_t appended = 0;
  auto created = deps_.store->releases().CreateRelease(
      fresh, actor, request_id,
      Plan<core::Release>(
          [&](const core::Release& r) { return std::vector{core::ReleaseNotice(r, change, ctx)}; },
          &appended));
  if (!created) return created.error();
  WakeIf(appended);
  PublishRelease(*created, "created");
  if (occurrence) {
    // The release exists either way; a failed request can be made again with Book.
    if (auto booked = RequestBooking(*created, *occurrence, actor, request_id); !booked) {
      net::LogWarn(
          "release created, but its window booking was not requested",
          {{"release", static_cast<long long>(created->id)}, {"error", booked.error().ToString()}});
    }
  }
  QueueAutoItems();
  return created;
}

core::Result<core::Release> ReleaseDesk::ChangeRelease(
    int64_t id, std::string_view action, const core::Principal& who, const std::string& request_id,
    const std::function<core::Result<void>(core::Release&)>& change,
    const core::ReleaseChange& what, bool* started) {
  const auto config = Config();
  const core::ReleaseNoticeContext ctx = Context(*config);
  size_t appended = 0;
  auto plan = Plan<core::Release>(
      [&](const core::Release& r) {
        std::vector<core::Notice> notices{core::ReleaseNotice(r, what, ctx)};
        if (started != nullptr && *started) {
          core::ReleaseChange start = what;
          start.event = core::ReleaseEvent::kStarted;
          notices.push_back(core::ReleaseNotice(r, start, ctx));
        }
        return notices;
      },
      &appended);
  auto updated =
      deps_.store->releases().UpdateRelease(id, change, action, who.ToActor(), request_id, plan);
  if (!updated) return updated.error();
  WakeIf(appended);
  PublishRelease(*updated, action);
  QueueAutoItems();  // a tick may have opened the way for an automatic item
  return updated;
}

core::Result<core::Release> ReleaseDesk::Tick(int64_t release, const std::string& item,
                                              const std::string& note, const core::Principal& who,
                                              const std::string& request_id) {
  if (auto ok = CheckText(note, "note"); !ok) return ok.error();
  const core::ReleaseChange what{
      core::ReleaseEvent::kItemTicked, who.ToActor().ToString(), Now(), item, {}};
  bool started = false;
  auto change = [&](core::Release& r) -> core::Result<void> {
    started = false;
    if (auto ok = core::CheckTick(r, item, who.role); !ok) return ok;
    core::ApplyTick(r, item, what.actor, what.at, note);
    // A person's first tick starts a planned release.
    if (r.state == core::ReleaseState::kPlanned) {
      r.state = core::ReleaseState::kInProgress;
      started = true;
    }
    return core::Ok();
  };
  return ChangeRelease(release, "tick", who, request_id, change, what, &started);
}

core::Result<core::Release> ReleaseDesk::Untick(int64_t release, const std::string& item,
                                                const std::string& reason,
                                                const core::Principal& who,
                                                const std::string& request_id) {
  if (auto ok = CheckText(reason, "reason"); !ok) return ok.error();
  const core::ReleaseChange what{
      core::ReleaseEvent::kItemUnticked, who.ToActor().ToString(), Now(), item, {}};
  auto change = [&](core::Release& r) -> core::Result<void> {
    if (auto ok = core::CheckUntick(r, item, who.role, reason); !ok) return ok;
    core::ApplyUntick(r, item, reason);
    return core::Ok();
  };
  return ChangeRelease(release, "untick", who, request_id, change, what, nullptr);
}

core::Result<core::Release> ReleaseDesk::SetState(int64_t release, core::ReleaseState to,
                                                  const std::string& reason,
                                                  const core::Principal& who,
                                                  const std::string& request_id) {
  if (!MayRunReleases(who.role)) {
    return core::Error::PermissionDenied(
        "changing a release's state needs the release-manager or admin role");
  }
  if (auto ok = CheckText(reason, "reason"); !ok) return ok.error();
  const core::ReleaseChange what{
      core::ReleaseEventFor(to), who.ToActor().ToString(), Now(), {}, reason};
  auto change = [&](core::Release& r) -> core::Result<void> {
    if (auto ok = core::CheckTransition(r, to, who.role); !ok) return ok;
    r.state = to;
    return core::Ok();
  };
  return ChangeRelease(release, "state", who, request_id, change, what, nullptr);
}

}  // namespace opsdeck::release
