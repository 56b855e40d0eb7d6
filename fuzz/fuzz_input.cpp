#include "fuzz_input.h"

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "core/clock.h"
#include "core/error.h"
#include "ingest/json_reader.h"
#include "ingest/time_parse.h"
#include "net/secrets.h"

namespace opsdeck::fuzz {
namespace {

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz invariant broken: %s: %s\n", what, detail.c_str());
  std::abort();
}

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r' || s.back() == '\t'))
    s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return std::string(s);
}

std::string Lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

void ReplaceAll(std::string& s, std::string_view from, const std::string& to) {
  for (size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size()) {
    s.replace(at, from.size(), to);
  }
}

// A time the parser produced must survive the way it is shown and stored:
// formatted as RFC 3339 and read back, it is the same instant.
void CheckTime(const std::optional<core::TimePoint>& t) {
  if (!t) return;
  const std::string text = core::FormatRfc3339(*t);
  const auto back = ingest::ParseRfc3339(text);
  if (!back || *back != *t) Fail("time does not round-trip through RFC 3339", text);
}

}  // namespace

FuzzInput SplitInput(const uint8_t* data, size_t size, const std::string& secret) {
  FuzzInput in;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  unsigned control = 0;
  if (!text.empty() && static_cast<unsigned char>(text[0]) < 0x08) {
    control = static_cast<unsigned char>(text[0]);
    text.remove_prefix(1);
  }
  in.credential_forced = (control & 0x3) != 0x3;

  // Headers end at the first empty line ("\n\n" or "\n\r\n").
  size_t body_at = std::string_view::npos;
  for (size_t pos = 0; pos < text.size();) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) break;
    const std::string_view line = text.substr(pos, eol - pos);
    if (line.empty() || line == "\r") {
      body_at = eol + 1;
      break;
    }
    pos = eol + 1;
  }
  if (body_at == std::string_view::npos) {
    in.delivery.body = std::string(text);
    return in;
  }
  in.delivery.body = std::string(text.substr(body_at));
  const std::string sign = net::HmacSha256Hex(secret, in.delivery.body);
  std::string upper = sign;
  for (char& c : upper) {
    if (c >= 'a' && c <= 'f') c = static_cast<char>(c - 'a' + 'A');
  }
  for (size_t pos = 0; pos < body_at;) {
    const size_t eol = text.find('\n', pos);
    const std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;  // not a header line: skipped
    std::string value = Trim(line.substr(colon + 1));
    ReplaceAll(value, "{{sign}}", sign);
    ReplaceAll(value, "{{SIGN}}", upper);
    in.delivery.headers[Lower(Trim(line.substr(0, colon)))] = std::move(value);
  }
  return in;
}

void ParseAndCheck(const ingest::Source& source, const ingest::Delivery& delivery,
                   bool credential_forced,
                   const std::function<void(ingest::Delivery&)>& strip_credential) {
  const auto outcome = source.Parse(delivery);
  if (!outcome) {
    const core::Error& e = outcome.error();
    if (e.code != core::ErrorCode::kUnauthenticated &&
        e.code != core::ErrorCode::kInvalidArgument) {
      Fail("unexpected error code", e.ToString());
    }
    if (credential_forced && e.code == core::ErrorCode::kUnauthenticated) {
      Fail("a valid credential was refused", e.ToString());
    }
  } else {
    switch (outcome->kind) {
      case ingest::ParseOutcome::kEvents:
        if (outcome->events.empty()) Fail("kEvents without events", "");
        for (const core::RunEvent& ev : outcome->events) {
          if (ev.source != source.kind()) Fail("event of another source", ev.external_run_id);
          if (ev.external_run_id.empty()) Fail("event without a run id", "");
          if (ev.attempt < 1) Fail("attempt below 1", std::to_string(ev.attempt));
          if (!ev.url.empty() && !ingest::IsHttpUrl(ev.url)) Fail("run url not http(s)", ev.url);
          for (const auto* t : {&ev.created_at, &ev.started_at, &ev.finished_at, &ev.occurred_at}) {
            CheckTime(*t);
          }
          for (const core::StageEvent& st : ev.stages) {
            if (!st.url.empty() && !ingest::IsHttpUrl(st.url))
              Fail("stage url not http(s)", st.url);
            CheckTime(st.started_at);
            CheckTime(st.finished_at);
          }
        }
        break;
      case ingest::ParseOutcome::kPing:
      case ingest::ParseOutcome::kIgnored:
        if (outcome->reason.empty()) Fail("ping/ignored without a reason", "");
        break;
      default:
        break;
    }
  }
  if (credential_forced) {
    ingest::Delivery stripped = delivery;
    strip_credential(stripped);
    const auto refused = source.Parse(stripped);
    if (refused || refused.error().code != core::ErrorCode::kUnauthenticated) {
      Fail("a delivery without its credential was not refused", "");
    }
  }
}

}  // namespace opsdeck::fuzz
