// Jira's REST wire formats, pure: the JQL that finds a gap's issue, the
// search, create-issue and add-comment requests for API version 2 (plain
// text) and 3 (Atlassian Document Format), and reading Jira's answers and
// error collections. The HTTP exchange is jira_client.h's.
// Contract: /work/shared/CONTRACTS.md §3. Thread-safety: free functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace opsdeck::tickets::jira {

// Jira's field limits. Summary: a longer one is refused with "Summary must
// be less than 255 characters." Text fields (description, comment):
// jira.text.field.character.limit, 32,767 by default,
// https://confluence.atlassian.com/adminjiraserver/configuring-advanced-settings-938847830.html
// (kept under it: v3 counts the ADF JSON, not just the text).
inline constexpr size_t kMaxSummaryChars = 254;
inline constexpr size_t kMaxTextChars = 30'000;
// Issues asked for per search: a gap's label should match one issue; a few
// more show duplicates someone made by hand (the oldest is used).
inline constexpr int kSearchMaxResults = 10;

struct IssueFields {
  std::string project;     // key, e.g. "OPS"
  std::string issue_type;  // name, e.g. "Task"
  std::string summary;
  std::string description;  // plain text; blank lines separate paragraphs
  std::vector<std::string> labels;
};

// `project = "OPS" AND labels = "opsdeck-gap-..." ORDER BY created ASC`:
// the oldest issue with the label (bounded by project and label, as the
// enhanced search requires).
std::string LabelJql(std::string_view project, std::string_view label);

// The path and query of a search for `jql`, asking for keys only:
// v3 /rest/api/3/search/jql (Cloud's current search), v2 /rest/api/2/search
// (Data Center's, also still on Cloud for v2 clients).
std::string SearchTarget(int api_version, std::string_view jql);
std::string CreateIssuePath(int api_version);
std::string CommentPath(int api_version, std::string_view issue_key);

// JSON bodies. The summary is one line, cut to Jira's limit; texts are cut
// to kMaxTextChars. v3 wraps texts in an ADF document (AdfDocument).
std::string CreateIssueBody(int api_version, const IssueFields& fields);
std::string CommentBody(int api_version, std::string_view text);
// {"type":"doc","version":1,"content":[paragraph...]}: one paragraph per
// blank-line-separated block, its lines joined by hardBreak nodes. ADF text
// nodes must not be empty, so empty lines make no node.
std::string AdfDocument(std::string_view text);

// The issue keys of a search answer, in Jira's order (an issue without a
// `key` contributes its `id`, which Jira accepts wherever a key goes).
// kInternal when the answer is not a search result.
core::Result<std::vector<std::string>> ParseSearchKeys(std::string_view body);
// The `key` of a create-issue answer; kInternal when absent.
core::Result<std::string> ParseCreatedKey(std::string_view body);
// Jira's ErrorCollection ({"errorMessages":[...],"errors":{field: msg}}) as
// one line, "Field 'x' is required; summary: ..."; empty when the body has
// neither. Bounded in length.
std::string DescribeErrors(std::string_view body);

// `text` as one line of at most `max_chars` code points (newlines become
// spaces; a cut ends in "…"), never splitting a UTF-8 sequence.
std::string OneLine(std::string_view text, size_t max_chars);
// `text` cut to at most `max_chars` code points (a cut ends in "…").
std::string CutChars(std::string_view text, size_t max_chars);

}  // namespace opsdeck::tickets::jira
