// Mustache data shared by the release pages (releases, a release, windows,
// rollbacks): each state as a chip (a word and an icon as well as a colour),
// progress per role, and URL pieces built from outside names. Internal to
// http/ui. Pure functions; any thread.
#pragma once

#include <kainjow/mustache.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/release.h"
#include "core/role.h"
#include "http/ui/run_pages.h"
#include "store/release_store.h"

namespace opsdeck::http::ui::internal {

// {"in-progress", "In progress", "running"}: the css modifier is the state's
// API name, so a test or a script can find it as data and as a class.
StatusView ViewOf(core::ReleaseState state);
StatusView ViewOf(store::BookingState state);
StatusView ViewOf(store::RollbackStatus status);

// `<prefix>state`, `<prefix>state_label`, `<prefix>state_icon`.
void SetStatus(kainjow::mustache::data& d, const std::string& prefix, const StatusView& view);

// How a role reads in a dense cell: "RM" for release-manager (the full name
// goes in a title), the role's name otherwise.
std::string_view RoleShort(core::Role role);

// The progress of each role with items: pr_role, pr_role_short, pr_done,
// pr_total, pr_complete, pr_last; in core::Progress's order.
kainjow::mustache::data ProgressList(const core::Release& release);
// "RM 3/5 · devops 2/6", the same figures as one line of text.
std::string ProgressText(const core::Release& release);

// `text` percent-encoded down to unreserved characters: a path segment or a
// query value that came from outside ("weekday releases").
std::string Encode(std::string_view text);
// `path?k=v&...` with every non-empty value encoded.
std::string WithQuery(std::string path,
                      const std::vector<std::pair<std::string_view, std::string>>& params);

// The signed-in role may do what the Roles table says (PRODUCT.md): run
// releases and book windows (release-manager), confirm windows and roll back
// (devops); admin may do both. A reader without a role (anonymous) may not.
bool MayRunReleases(const std::optional<core::Role>& role);
bool MayActAsDevops(const std::optional<core::Role>& role);

}  // namespace opsdeck::http::ui::internal
