// Field names are those of the AWS CLI's JSON output, which are the API's
// response members: EC2 DescribeInstances (Reservation: OwnerId, Instances;
// Instance: InstanceId, State.Name, Placement.AvailabilityZone, Tags), RDS
// DescribeDBInstances (DBInstanceIdentifier, DBInstanceArn, TagList), ELBv2
// DescribeLoadBalancers (LoadBalancerArn, LoadBalancerName), Lambda
// ListFunctions (FunctionName, FunctionArn), Resource Groups Tagging API
// GetResources (ResourceTagMappingList: ResourceARN, Tags) and CodePipeline
// ListPipelines (pipelines: name). Tags are [{"Key", "Value"}] everywhere.
#include "tickets/aws_readers.h"

#include <algorithm>
#include <boost/json.hpp>

namespace opsdeck::tickets::internal {
namespace {

namespace json = boost::json;

struct KindKey {
  std::string_view key;
  AwsExportKind kind;
};
constexpr KindKey kKindKeys[] = {
    {"Reservations", AwsExportKind::kEc2Instances},
    {"DBInstances", AwsExportKind::kRdsInstances},
    {"LoadBalancers", AwsExportKind::kLoadBalancers},
    {"Functions", AwsExportKind::kLambdaFunctions},
    {"ResourceTagMappingList", AwsExportKind::kTaggedResources},
    {"pipelines", AwsExportKind::kCodePipelines},
};

// The CLI prints NextToken when --max-items cut the output; --no-paginate
// prints the service's own token member.
constexpr std::string_view kTokenKeys[] = {"NextToken", "nextToken", "Marker", "NextMarker",
                                           "PaginationToken"};

core::Error Bad(const std::string& pointer, const std::string& message) {
  return core::Error::InvalidArgument(pointer + ": " + message);
}

std::string Str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return {};
  return std::string(v->get_string());
}

// The array at `key`, or an empty one when absent. Anything else is an error.
core::Result<const json::array*> ArrayAt(const json::object& o, std::string_view key,
                                         const std::string& pointer) {
  static const json::array kEmpty;
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return &kEmpty;
  if (!v->is_array()) return Bad(pointer + "/" + std::string(key), "expected an array");
  return &v->get_array();
}

core::Result<const json::object*> ObjectAt(const json::array& list, size_t i,
                                           const std::string& pointer) {
  if (!list[i].is_object()) return Bad(pointer + "/" + std::to_string(i), "expected an object");
  return &list[i].get_object();
}

core::Result<TagList> ReadTags(const json::object& o, std::string_view key,
                               const std::string& pointer) {
  auto list = ArrayAt(o, key, pointer);
  if (!list) return list.error();
  TagList tags;
  const std::string at = pointer + "/" + std::string(key);
  for (size_t i = 0; i < (*list)->size(); ++i) {
    auto tag = ObjectAt(**list, i, at);
    if (!tag) return tag.error();
    std::string k = Str(**tag, "Key");
    if (k.empty()) return Bad(at + "/" + std::to_string(i), "a tag without a Key");
    tags.emplace_back(std::move(k), Str(**tag, "Value"));
  }
  std::stable_sort(tags.begin(), tags.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  return tags;
}

// Fills arn, region and account from an ARN the export printed.
void FromArn(const std::string& text, AwsResource* r) {
  auto arn = ParseArn(text);
  if (!arn) return;
  const ArnIdentity identity = IdentifyArn(*arn);
  r->arn = identity.arn;
  r->region = arn->region;
  r->account = arn->account;
}

// Calls `read` for each object of the top-level array `key`.
template <typename Read>
core::Result<void> EachItem(const json::object& doc, std::string_view key, Read read) {
  const std::string pointer;
  auto list = ArrayAt(doc, key, pointer);
  if (!list) return list.error();
  const std::string at = "/" + std::string(key);
  for (size_t i = 0; i < (*list)->size(); ++i) {
    auto item = ObjectAt(**list, i, at);
    if (!item) return item.error();
    if (auto ok = read(**item, at + "/" + std::to_string(i)); !ok) return ok.error();
  }
  return core::Ok();
}

core::Result<void> ReadEc2(const json::object& doc, AwsExportPage* page) {
  return EachItem(doc, "Reservations", [&](const json::object& reservation,
                                           const std::string& at) -> core::Result<void> {
    const std::string owner = Str(reservation, "OwnerId");
    auto instances = ArrayAt(reservation, "Instances", at);
    if (!instances) return instances.error();
    for (size_t i = 0; i < (*instances)->size(); ++i) {
      const std::string item_at = at + "/Instances/" + std::to_string(i);
      auto instance = ObjectAt(**instances, i, at + "/Instances");
      if (!instance) return instance.error();
      const json::object& o = **instance;
      AwsResource r;
      r.kind = kEc2Instance;
      r.id = Str(o, "InstanceId");
      if (r.id.empty()) return Bad(item_at, "no InstanceId");
      // Terminated instances linger in the output for up to an hour; they
      // are gone, not undocumented.
      if (const json::value* state = o.if_contains("State"); state && state->is_object() &&
                                                             Str(state->get_object(), "Name") == "terminated")
        continue;
      auto tags = ReadTags(o, "Tags", item_at);
      if (!tags) return tags.error();
      r.tags = std::move(*tags);
      r.name = TagValue(r.tags, "Name");
      r.account = owner;
      if (const json::value* placement = o.if_contains("Placement");
          placement && placement->is_object())
        r.region = RegionOfZone(Str(placement->get_object(), "AvailabilityZone"));
      page->resources.push_back(std::move(r));
    }
    return core::Ok();
  });
}

core::Result<void> ReadRds(const json::object& doc, AwsExportPage* page) {
  return EachItem(doc, "DBInstances", [&](const json::object& o,
                                          const std::string& at) -> core::Result<void> {
    AwsResource r;
    r.kind = kRdsDb;
    r.id = Str(o, "DBInstanceIdentifier");
    if (r.id.empty()) return Bad(at, "no DBInstanceIdentifier");
    FromArn(Str(o, "DBInstanceArn"), &r);
    auto tags = ReadTags(o, "TagList", at);
    if (!tags) return tags.error();
    r.tags = std::move(*tags);
    r.name = TagValue(r.tags, "Name");
    page->resources.push_back(std::move(r));
    return core::Ok();
  });
}

core::Result<void> ReadLoadBalancers(const json::object& doc, AwsExportPage* page) {
  return EachItem(doc, "LoadBalancers", [&](const json::object& o,
                                            const std::string& at) -> core::Result<void> {
    AwsResource r;
    r.kind = kLoadBalancer;
    const std::string arn = Str(o, "LoadBalancerArn");
    if (arn.empty() || !ParseArn(arn)) return Bad(at, "no LoadBalancerArn");
    FromArn(arn, &r);
    r.name = Str(o, "LoadBalancerName");
    r.id = r.name.empty() ? IdentifyArn(*ParseArn(arn)).id : r.name;
    page->resources.push_back(std::move(r));
    return core::Ok();
  });
}

core::Result<void> ReadLambda(const json::object& doc, AwsExportPage* page) {
  return EachItem(doc, "Functions", [&](const json::object& o,
                                        const std::string& at) -> core::Result<void> {
    AwsResource r;
    r.kind = kLambdaFunction;
    r.id = Str(o, "FunctionName");
    if (r.id.empty()) return Bad(at, "no FunctionName");
    FromArn(Str(o, "FunctionArn"), &r);
    r.name = r.id;
    page->resources.push_back(std::move(r));
    return core::Ok();
  });
}

core::Result<void> ReadTagged(const json::object& doc, AwsExportPage* page) {
  return EachItem(doc, "ResourceTagMappingList", [&](const json::object& o,
                                                     const std::string& at) -> core::Result<void> {
    const std::string text = Str(o, "ResourceARN");
    auto arn = ParseArn(text);
    if (!arn) return Bad(at, text.empty() ? "no ResourceARN" : "ResourceARN is not an ARN");
    const ArnIdentity identity = IdentifyArn(*arn);
    AwsResource r;
    r.kind = identity.kind;
    r.id = identity.id;
    r.arn = identity.arn;
    r.region = arn->region;
    r.account = arn->account;
    auto tags = ReadTags(o, "Tags", at);
    if (!tags) return tags.error();
    r.tags = std::move(*tags);
    r.name = TagValue(r.tags, "Name");
    page->resources.push_back(std::move(r));
    return core::Ok();
  });
}

core::Result<void> ReadPipelines(const json::object& doc, AwsExportPage* page) {
  return EachItem(doc, "pipelines", [&](const json::object& o,
                                        const std::string& at) -> core::Result<void> {
    AwsResource r;
    r.kind = kCodePipeline;
    r.id = Str(o, "name");
    if (r.id.empty()) return Bad(at, "no name");
    r.name = r.id;
    page->resources.push_back(std::move(r));
    return core::Ok();
  });
}

}  // namespace

std::optional<AwsExportKind> DetectExportKind(const json::object& doc) {
  for (const auto& [key, kind] : kKindKeys) {
    if (doc.contains(key)) return kind;
  }
  return std::nullopt;
}

core::Result<AwsExportPage> ReadExportPage(const json::object& doc, AwsExportKind kind,
                                           const std::string& source) {
  AwsExportPage page;
  page.kind = kind;
  for (std::string_view key : kTokenKeys) {
    const json::value* token = doc.if_contains(key);
    if (token != nullptr && token->is_string() && !token->get_string().empty())
      page.more_pages = true;
  }
  core::Result<void> read = core::Ok();
  switch (kind) {
    case AwsExportKind::kEc2Instances:
      read = ReadEc2(doc, &page);
      break;
    case AwsExportKind::kRdsInstances:
      read = ReadRds(doc, &page);
      break;
    case AwsExportKind::kLoadBalancers:
      read = ReadLoadBalancers(doc, &page);
      break;
    case AwsExportKind::kLambdaFunctions:
      read = ReadLambda(doc, &page);
      break;
    case AwsExportKind::kTaggedResources:
      read = ReadTagged(doc, &page);
      break;
    case AwsExportKind::kCodePipelines:
      read = ReadPipelines(doc, &page);
      break;
  }
  if (!read) return read.error();
  for (AwsResource& r : page.resources) r.source = source;
  return page;
}

}  // namespace opsdeck::tickets::internal
