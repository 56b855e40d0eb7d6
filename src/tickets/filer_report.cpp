#include "tickets/filer_report.h"

#include <algorithm>
#include <array>
#include <boost/json.hpp>

namespace opsdeck::tickets {
namespace {

namespace json = boost::json;

constexpr std::array kActions = {
    FilingAction::kFiled,       FilingAction::kFound,        FilingAction::kAlreadyFiled,
    FilingAction::kCommented,   FilingAction::kFailed,       FilingAction::kWouldFile,
    FilingAction::kWouldRecord, FilingAction::kWouldComment,
};

std::string Label(FilingAction action) {
  std::string out(FilingActionName(action));
  for (char& c : out) {
    if (c == '_') c = ' ';
  }
  return out;
}

std::string Pad(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

}  // namespace

std::string FilingReportText(const FilingReport& report) {
  std::string out =
      report.dry_run ? "Jira tickets (dry run: nothing filed or commented)\n" : "Jira tickets\n";
  size_t key_width = 1;
  for (const FilingLine& l : report.lines) key_width = std::max(key_width, l.ticket_key.size());
  for (const FilingLine& l : report.lines) {
    out += "  " + Pad(Label(l.action), 14) +
           Pad(l.ticket_key.empty() ? "-" : l.ticket_key, key_width) + "  " + l.summary;
    if (!l.error.empty()) out += "  (" + l.error + ")";
    out += "\n";
  }
  std::string counts;
  for (FilingAction a : kActions) {
    const int n = report.Count(a);
    if (n == 0) continue;
    if (!counts.empty()) counts += ", ";
    counts += std::to_string(n) + " " + Label(a);
  }
  out += "  " + (counts.empty() ? std::string("no gaps, nothing to file") : counts) + "\n";
  if (report.stopped) {
    out += "  stopped: " + report.stopped->message;
    if (report.not_attempted > 0) {
      out += " (" + std::to_string(report.not_attempted) + " more not attempted)";
    }
    out += "\n";
  }
  return out;
}

json::object FilingReportJson(const FilingReport& report) {
  json::object counts;
  for (FilingAction a : kActions) counts[FilingActionName(a)] = report.Count(a);
  json::array items;
  for (const FilingLine& l : report.lines) {
    json::object item{{"action", FilingActionName(l.action)},
                      {"fingerprint", l.fingerprint},
                      {"label", GapLabel(l.fingerprint)},
                      {"summary", l.summary}};
    item["ticket"] = l.ticket_key.empty() ? json::value(nullptr) : json::value(l.ticket_key);
    item["error"] = l.error.empty() ? json::value(nullptr) : json::value(l.error);
    items.push_back(std::move(item));
  }
  json::value stopped = nullptr;
  if (report.stopped) {
    stopped = json::object{{"code", core::ErrorCodeName(report.stopped->code)},
                           {"message", report.stopped->message}};
  }
  return json::object{{"dry_run", report.dry_run},
                      {"counts", std::move(counts)},
                      {"items", std::move(items)},
                      {"stopped", std::move(stopped)},
                      {"not_attempted", report.not_attempted}};
}

}  // namespace opsdeck::tickets
