#include "core/notification.h"

#include <array>
#include <utility>

namespace opsdeck::core {
namespace {

constexpr std::array<std::pair<NoticeSeverity, std::string_view>, 3> kSeverities{{
    {NoticeSeverity::kInfo, "info"},
    {NoticeSeverity::kWarning, "warning"},
    {NoticeSeverity::kCritical, "critical"},
}};

constexpr std::array<std::pair<NoticeState, std::string_view>, 10> kStates{{
    {NoticeState::kQueued, "queued"},
    {NoticeState::kRunning, "running"},
    {NoticeState::kSucceeded, "succeeded"},
    {NoticeState::kFailed, "failed"},
    {NoticeState::kCanceled, "canceled"},
    {NoticeState::kSuperseded, "superseded"},
    {NoticeState::kInfo, "info"},
    {NoticeState::kWarning, "warning"},
    {NoticeState::kCritical, "critical"},
    {NoticeState::kResolved, "resolved"},
}};

template <typename E, size_t N>
std::string_view NameOf(const std::array<std::pair<E, std::string_view>, N>& table, E value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return table.front().second;
}

template <typename E, size_t N>
std::optional<E> Parse(const std::array<std::pair<E, std::string_view>, N>& table,
                       std::string_view name) {
  for (const auto& [v, n] : table) {
    if (n == name) return v;
  }
  return std::nullopt;
}

}  // namespace

std::string_view NoticeSeverityName(NoticeSeverity s) { return NameOf(kSeverities, s); }
std::optional<NoticeSeverity> ParseNoticeSeverity(std::string_view name) {
  return Parse(kSeverities, name);
}
std::string_view NoticeStateName(NoticeState s) { return NameOf(kStates, s); }
std::optional<NoticeState> ParseNoticeState(std::string_view name) { return Parse(kStates, name); }

void AddField(Notice& notice, std::string name, std::string value, bool is_inline) {
  if (value.empty()) return;
  notice.fields.push_back({std::move(name), std::move(value), is_inline});
}

}  // namespace opsdeck::core
