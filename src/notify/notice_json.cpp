#include "notify/notice_json.h"

#include <boost/json.hpp>

#include <exception>

namespace opsdeck::notify {
namespace json = boost::json;
namespace {

std::string Str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return {};
  return std::string(v->get_string());
}

}  // namespace

std::string NoticeToJson(const core::Notice& n) {
  json::object o;
  o["kind"] = n.kind;
  o["subject"] = n.subject;
  o["severity"] = core::NoticeSeverityName(n.severity);
  o["state"] = core::NoticeStateName(n.state);
  if (!n.environment.empty()) o["environment"] = n.environment;
  if (!n.pipeline.empty()) o["pipeline"] = n.pipeline;
  if (!n.target.empty()) o["target"] = n.target;
  o["title"] = n.title;
  if (!n.url.empty()) o["url"] = n.url;
  if (!n.description.empty()) o["description"] = n.description;
  json::array fields;
  for (const core::NoticeField& f : n.fields) {
    fields.push_back(json::object{{"name", f.name}, {"value", f.value}, {"inline", f.is_inline}});
  }
  o["fields"] = std::move(fields);
  if (!n.footer.empty()) o["footer"] = n.footer;
  if (n.occurred_at) o["occurred_at_ms"] = core::ToUnixMillis(*n.occurred_at);
  if (n.mention) o["mention"] = true;
  if (!n.opsdeck_url.empty()) o["opsdeck_url"] = n.opsdeck_url;
  return json::serialize(o);
}

core::Result<core::Notice> NoticeFromJson(std::string_view text) {
  json::value doc;
  try {
    doc = json::parse(text);
  } catch (const std::exception& e) {
    return core::Error::InvalidArgument(std::string("outbox payload is not JSON: ") + e.what());
  }
  const json::object* o = doc.if_object();
  if (o == nullptr) return core::Error::InvalidArgument("outbox payload is not a JSON object");
  core::Notice n;
  n.kind = Str(*o, "kind");
  n.subject = Str(*o, "subject");
  if (n.kind.empty() || n.subject.empty()) {
    return core::Error::InvalidArgument("outbox payload lacks kind or subject");
  }
  n.severity = core::ParseNoticeSeverity(Str(*o, "severity")).value_or(core::NoticeSeverity::kInfo);
  n.state = core::ParseNoticeState(Str(*o, "state")).value_or(core::NoticeState::kInfo);
  n.environment = Str(*o, "environment");
  n.pipeline = Str(*o, "pipeline");
  n.target = Str(*o, "target");
  n.title = Str(*o, "title");
  n.url = Str(*o, "url");
  n.description = Str(*o, "description");
  if (const json::value* f = o->if_contains("fields"); f != nullptr && f->is_array()) {
    for (const json::value& item : f->get_array()) {
      const json::object* fo = item.if_object();
      if (fo == nullptr) continue;
      const json::value* inl = fo->if_contains("inline");
      n.fields.push_back({Str(*fo, "name"), Str(*fo, "value"),
                          inl == nullptr || !inl->is_bool() || inl->get_bool()});
    }
  }
  n.footer = Str(*o, "footer");
  if (const json::value* t = o->if_contains("occurred_at_ms"); t != nullptr && t->is_int64()) {
    n.occurred_at = core::FromUnixMillis(t->get_int64());
  }
  if (const json::value* m = o->if_contains("mention"); m != nullptr && m->is_bool()) {
    n.mention = m->get_bool();
  }
  n.opsdeck_url = Str(*o, "opsdeck_url");
  return n;
}

}  // namespace opsdeck::notify
