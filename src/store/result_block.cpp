#include "store/result_block.h"

#include <array>
#include <charconv>
#include <optional>

namespace opsdeck::store {
namespace {

void AppendInt(std::string& out, int64_t v) {
  std::array<char, 24> buf;
  const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  out.append(buf.data(), r.ptr);
}

void AppendField(std::string& out, const std::optional<core::Micros>& us) {
  out.push_back(',');
  if (us) AppendInt(out, us->count());
}

// Reads one comma-terminated integer field; empty means absent.
struct FieldReader {
  std::string_view line;
  bool bad = false;

  std::optional<int64_t> Next() {
    const size_t comma = line.find(',');
    if (comma == std::string_view::npos) {
      bad = true;
      return std::nullopt;
    }
    const std::string_view field = line.substr(0, comma);
    line.remove_prefix(comma + 1);
    if (field.empty()) return std::nullopt;
    int64_t v = 0;
    const auto r = std::from_chars(field.data(), field.data() + field.size(), v);
    if (r.ec != std::errc() || r.ptr != field.data() + field.size()) bad = true;
    return v;
  }
  int64_t Required() {
    auto v = Next();
    if (!v) bad = true;
    return v.value_or(0);
  }
  std::optional<core::Micros> Micros() {
    auto v = Next();
    return v ? std::optional(core::Micros(*v)) : std::nullopt;
  }
};

bool Unescape(std::string_view in, std::string& out) {
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '\\') {
      out.push_back(in[i]);
      continue;
    }
    if (++i == in.size()) return false;
    if (in[i] == '\\') {
      out.push_back('\\');
    } else if (in[i] == 'n') {
      out.push_back('\n');
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

void AppendBlockLine(std::string& out, int64_t first_at_ms, int64_t at_ms,
                     const core::CheckResult& r) {
  AppendInt(out, at_ms - first_at_ms);
  out.append(r.ok ? ",1," : ",0,");
  AppendInt(out, r.timings.total.count());
  AppendField(out, r.timings.dns);
  AppendField(out, r.timings.connect);
  AppendField(out, r.timings.tls);
  AppendField(out, r.timings.first_byte);
  out.push_back(',');
  if (r.http_status != 0) AppendInt(out, r.http_status);
  out.push_back(',');
  if (r.certificate_days) AppendInt(out, *r.certificate_days);
  out.push_back(',');
  for (const char c : r.error) {
    if (c == '\\') {
      out.append("\\\\");
    } else if (c == '\n') {
      out.append("\\n");
    } else {
      out.push_back(c);
    }
  }
}

core::Result<std::vector<core::CheckResult>> DecodeBlock(int64_t first_at_ms, std::string_view text) {
  std::vector<core::CheckResult> out;
  if (text.empty()) return core::Error::Internal("result block is empty");
  size_t line_no = 0;
  while (true) {
    ++line_no;
    const size_t end = text.find('\n');
    FieldReader f{text.substr(0, end)};
    core::CheckResult& r = out.emplace_back();
    const int64_t dt = f.Required();
    const int64_t ok = f.Required();
    r.at = core::FromUnixMillis(first_at_ms + dt);
    r.ok = ok == 1;
    r.timings.total = core::Micros(f.Required());
    r.timings.dns = f.Micros();
    r.timings.connect = f.Micros();
    r.timings.tls = f.Micros();
    r.timings.first_byte = f.Micros();
    r.http_status = static_cast<int>(f.Next().value_or(0));
    if (const auto days = f.Next()) r.certificate_days = static_cast<int>(*days);
    if (f.bad || dt < 0 || (ok != 0 && ok != 1) || !Unescape(f.line, r.error)) {
      return core::Error::Internal("result block line " + std::to_string(line_no) +
                                   " is malformed");
    }
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return out;
}

}  // namespace opsdeck::store
