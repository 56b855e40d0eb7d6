#include "tickets/aws_import.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "tickets/aws_readers.h"

namespace opsdeck::tickets {
namespace {

namespace json = boost::json;

constexpr std::string_view kExpected =
    "expected the JSON printed by aws ec2 describe-instances, aws rds describe-db-instances, "
    "aws elbv2 describe-load-balancers, aws lambda list-functions, aws resourcegroupstaggingapi "
    "get-resources or aws codepipeline list-pipelines (--output json, without --query)";

core::Error FileError(const std::string& file, const std::string& message) {
  return core::Error::InvalidArgument(message, file);
}

// "line 3, column 7" of a byte offset.
std::string Position(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  size_t line = 1, column = 1;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

size_t SkipSpace(std::string_view text, size_t pos) {
  while (pos < text.size() &&
         (text[pos] == ' ' || text[pos] == '\n' || text[pos] == '\r' || text[pos] == '\t'))
    ++pos;
  return pos;
}

std::string KeysOf(const json::object& doc) {
  std::string out;
  size_t shown = 0;
  for (const auto& member : doc) {
    if (shown == 5) {
      out += ", ...";
      break;
    }
    if (shown++ > 0) out += ", ";
    out += std::string(member.key());
  }
  return out.empty() ? "none" : out;
}

// Adds what `from` knows and `into` does not (the same resource seen by two
// exports: describe-instances has no ARN, get-resources has no zone).
void Merge(const AwsResource& from, AwsResource* into) {
  for (std::string AwsResource::*field :
       {&AwsResource::arn, &AwsResource::name, &AwsResource::region, &AwsResource::account}) {
    if ((into->*field).empty()) into->*field = from.*field;
  }
  for (const auto& tag : from.tags) {
    const bool known = std::any_of(into->tags.begin(), into->tags.end(),
                                   [&](const auto& t) { return t.first == tag.first; });
    if (!known) into->tags.push_back(tag);
  }
  std::stable_sort(into->tags.begin(), into->tags.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
}

}  // namespace

std::string_view AwsExportCommand(AwsExportKind kind) {
  switch (kind) {
    case AwsExportKind::kEc2Instances:
      return "aws ec2 describe-instances";
    case AwsExportKind::kRdsInstances:
      return "aws rds describe-db-instances";
    case AwsExportKind::kLoadBalancers:
      return "aws elbv2 describe-load-balancers";
    case AwsExportKind::kLambdaFunctions:
      return "aws lambda list-functions";
    case AwsExportKind::kTaggedResources:
      return "aws resourcegroupstaggingapi get-resources";
    case AwsExportKind::kCodePipelines:
      return "aws codepipeline list-pipelines";
  }
  return "aws";
}

core::Result<std::vector<AwsExportPage>> ParseAwsExport(std::string_view text,
                                                        const std::string& file_name) {
  if (text.size() >= 2 && ((text[0] == '\xFF' && text[1] == '\xFE') ||
                           (text[0] == '\xFE' && text[1] == '\xFF'))) {
    return FileError(file_name,
                     "UTF-16 text (Windows PowerShell's `>` writes it); save the output as "
                     "UTF-8, e.g. `| Out-File -Encoding utf8`");
  }
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a UTF-8 byte order mark
  std::vector<AwsExportPage> pages;
  json::stream_parser parser;
  size_t pos = SkipSpace(text, 0);
  if (pos == text.size()) return FileError(file_name, "empty; " + std::string(kExpected));
  while (pos < text.size()) {
    const size_t doc_number = pages.size() + 1;
    const std::string doc_label =
        doc_number > 1 ? "document " + std::to_string(doc_number) + " (appended pages)" : "";
    parser.reset();
    boost::system::error_code ec;
    const size_t used = parser.write_some(text.data() + pos, text.size() - pos, ec);
    if (!ec && !parser.done()) parser.finish(ec);
    if (ec) {
      return FileError(file_name, "not valid JSON at " + Position(text, pos + used) + " (" +
                                      ec.message() + "); " + std::string(kExpected));
    }
    const json::value doc = parser.release();
    const std::string where = doc_label.empty() ? "" : doc_label + ": ";
    if (!doc.is_object()) {
      return FileError(file_name, where + "a JSON " + std::string(doc.is_array() ? "array" : "value") +
                                      " is not a known aws CLI export (was --query used?); " +
                                      std::string(kExpected));
    }
    const auto kind = internal::DetectExportKind(doc.get_object());
    if (!kind) {
      return FileError(file_name, where + "not a known aws CLI export (top-level keys: " +
                                      KeysOf(doc.get_object()) + "); " + std::string(kExpected));
    }
    auto page = internal::ReadExportPage(doc.get_object(), *kind, file_name);
    if (!page) {
      return FileError(file_name, where + page.error().message + " (in the output of " +
                                      std::string(AwsExportCommand(*kind)) + ")");
    }
    pages.push_back(std::move(*page));
    pos = SkipSpace(text, pos + used);
  }
  return pages;
}

AwsInventory MergeAwsExports(const std::vector<AwsExportFile>& files) {
  AwsInventory out;
  std::map<std::string, AwsResource> by_key;
  struct PageCount {
    int pages = 0;
    int last_pages = 0;  // pages without a token
    std::vector<std::string> files;
  };
  std::map<AwsExportKind, PageCount> counts;
  for (const AwsExportFile& file : files) {
    out.files.push_back(file.name);
    for (const AwsExportPage& page : file.pages) {
      PageCount& count = counts[page.kind];
      ++count.pages;
      if (!page.more_pages) ++count.last_pages;
      if (std::find(count.files.begin(), count.files.end(), file.name) == count.files.end())
        count.files.push_back(file.name);
      for (const AwsResource& r : page.resources) {
        auto [it, inserted] = by_key.emplace(ResourceKey(r), r);
        if (!inserted) Merge(r, &it->second);
      }
    }
  }
  for (auto& [key, resource] : by_key) out.resources.push_back(std::move(resource));
  for (const auto& [kind, count] : counts) {
    out.kinds.push_back(kind);
    if (kind == AwsExportKind::kTaggedResources) continue;
    if (count.last_pages > 0) {
      out.complete_kinds.push_back(kind);
      continue;
    }
    std::string names;
    for (const std::string& f : count.files) names += (names.empty() ? "" : ", ") + f;
    out.warnings.push_back(
        "the " + std::string(AwsExportCommand(kind)) + " export (" + names +
        ") ends with a pagination token, so its later pages seem missing; no catalog entry is "
        "reported missing from it. Pass every page, or run the command without --max-items "
        "and --no-paginate.");
  }
  return out;
}

core::Result<AwsInventory> ImportAwsFiles(const std::vector<std::string>& paths) {
  std::vector<AwsExportFile> files;
  for (const std::string& path : paths) {
    std::error_code fs_error;
    if (std::filesystem::is_directory(path, fs_error))
      return FileError(path, "is a directory; " + std::string(kExpected));
    std::ifstream in(path, std::ios::binary);
    if (!in) return FileError(path, std::string("cannot read: ") + std::strerror(errno));
    std::string text;
    char buffer[1 << 16];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
      text.append(buffer, static_cast<size_t>(in.gcount()));
      if (text.size() > kMaxAwsExportBytes) {
        return FileError(path, "larger than " + std::to_string(kMaxAwsExportBytes >> 20) +
                                   " MiB; split the export by region or resource type");
      }
    }
    if (in.bad()) return FileError(path, std::string("cannot read: ") + std::strerror(errno));
    auto pages = ParseAwsExport(text, path);
    if (!pages) return pages.error();
    files.push_back({path, std::move(*pages)});
  }
  return MergeAwsExports(files);
}

}  // namespace opsdeck::tickets
