#include "tickets/aws_resource.h"

#include <cctype>

namespace opsdeck::tickets {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Services whose ARNs name the resource without a type.
std::string_view UntypedKind(std::string_view service) {
  if (service == "codepipeline") return kCodePipeline;
  if (service == "s3") return "s3-bucket";
  if (service == "sns") return "sns-topic";
  if (service == "sqs") return "sqs-queue";
  return {};
}

}  // namespace

std::string ResourceKey(const AwsResource& resource) {
  const bool by_id = resource.kind == kEc2Instance || resource.kind == kCodePipeline ||
                     resource.arn.empty();
  return resource.kind + ":" + (by_id ? resource.id : resource.arn);
}

std::optional<Arn> ParseArn(std::string_view text) {
  // arn:partition:service:region:account:resource; the resource may itself
  // hold colons ("function:name:alias").
  std::string_view parts[5];
  std::string_view rest = text;
  for (auto& part : parts) {
    const size_t colon = rest.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    part = rest.substr(0, colon);
    rest.remove_prefix(colon + 1);
  }
  if (parts[0] != "arn" || parts[1].empty() || parts[2].empty() || rest.empty())
    return std::nullopt;
  return Arn{std::string(parts[1]), std::string(parts[2]), std::string(parts[3]),
             std::string(parts[4]), std::string(rest)};
}

ArnIdentity IdentifyArn(const Arn& arn) {
  const std::string full = "arn:" + arn.partition + ":" + arn.service + ":" + arn.region + ":" +
                           arn.account + ":" + arn.resource;
  const std::string_view resource = arn.resource;
  const size_t sep = resource.find_first_of("/:");
  if (sep == std::string_view::npos) {
    std::string_view kind = UntypedKind(arn.service);
    return {kind.empty() ? arn.service : std::string(kind), arn.resource, full};
  }
  const std::string_view type = resource.substr(0, sep);
  std::string_view id = resource.substr(sep + 1);
  if (arn.service == "ec2" && type == "instance") return {std::string(kEc2Instance), std::string(id), full};
  if (arn.service == "rds" && type == "db") return {std::string(kRdsDb), std::string(id), full};
  if (arn.service == "elasticloadbalancing" && type == "loadbalancer") {
    // Version 2: loadbalancer/{app|net|gwy}/NAME/ID; classic: loadbalancer/NAME.
    const size_t slash = id.find('/');
    if (slash != std::string_view::npos && (id.substr(0, slash) == "app" ||
                                            id.substr(0, slash) == "net" ||
                                            id.substr(0, slash) == "gwy")) {
      std::string_view name = id.substr(slash + 1);
      name = name.substr(0, name.find('/'));
      return {std::string(kLoadBalancer), std::string(name), full};
    }
    return {"elb-load-balancer", std::string(id), full};
  }
  if (arn.service == "lambda" && type == "function") {
    const size_t colon = id.find(':');
    if (colon == std::string_view::npos) return {std::string(kLambdaFunction), std::string(id), full};
    const std::string_view name = id.substr(0, colon);
    return {std::string(kLambdaFunction), std::string(name),
            full.substr(0, full.size() - (id.size() - colon))};
  }
  return {arn.service + "-" + std::string(type), std::string(id), full};
}

std::string RegionOfZone(std::string_view zone) {
  // Standard zones are REGION + one letter, and a region is 3 or 4 dash
  // parts ending in a number: eu-central-1, us-gov-west-1.
  if (zone.size() < 2) return {};
  const char last = zone.back();
  if (last < 'a' || last > 'z') return {};
  const std::string_view region = zone.substr(0, zone.size() - 1);
  size_t parts = 1;
  for (char c : region) parts += c == '-' ? 1 : 0;
  const size_t dash = region.rfind('-');
  if ((parts != 3 && parts != 4) || dash == std::string_view::npos ||
      !AllDigits(region.substr(dash + 1)))
    return {};
  return std::string(region);
}

std::string TagValue(const TagList& tags, std::string_view key) {
  for (const auto& [k, v] : tags) {
    if (EqualsIgnoreCase(k, key)) return v;
  }
  return {};
}

}  // namespace opsdeck::tickets
