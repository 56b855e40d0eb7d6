#include "net/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdio>
#include <memory>

namespace opsdeck::net {
namespace {

std::atomic<LogFormat> g_format{LogFormat::kText};  // NOLINT: process-wide logging mode
std::atomic<LogLevel> g_level{LogLevel::kInfo};     // NOLINT

spdlog::level::level_enum ToSpd(LogLevel l) {
  switch (l) {
    case LogLevel::kDebug: return spdlog::level::debug;
    case LogLevel::kInfo: return spdlog::level::info;
    case LogLevel::kWarn: return spdlog::level::warn;
    case LogLevel::kError: return spdlog::level::err;
  }
  return spdlog::level::info;
}

void AppendJsonString(std::string& out, std::string_view s) {
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

// Text values: bare when safe, else quoted with escapes, so one event is one line.
void AppendTextValue(std::string& out, std::string_view s) {
  bool bare = !s.empty();
  for (unsigned char c : s) {
    if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c >= 0x7f) {
      bare = false;
      break;
    }
  }
  if (bare) {
    out += s;
  } else {
    AppendJsonString(out, s);
  }
}

std::shared_ptr<spdlog::logger> MakeLogger() {
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>("opsdeck", sink);
  return logger;
}

spdlog::logger& Logger() {
  static const std::shared_ptr<spdlog::logger> logger = MakeLogger();  // NOLINT
  return *logger;
}

}  // namespace

LogField::LogField(std::string_view k, double v) : key(k), quoted(false) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  value = buf;
}

LogLevel ParseLogLevel(std::string_view s) {
  if (s == "debug") return LogLevel::kDebug;
  if (s == "warn") return LogLevel::kWarn;
  if (s == "error") return LogLevel::kError;
  return LogLevel::kInfo;
}

LogFormat ParseLogFormat(std::string_view s) {
  return s == "json" ? LogFormat::kJson : LogFormat::kText;
}

void ConfigureLogging(LogLevel level, LogFormat format) {
  g_level = level;
  g_format = format;
  auto& logger = Logger();
  logger.set_level(ToSpd(level));
  logger.flush_on(spdlog::level::warn);
  // The line itself is built by FormatLogLine; spdlog adds time (UTC) and level.
  if (format == LogFormat::kJson) {
    logger.set_pattern("{\"ts\":\"%Y-%m-%dT%H:%M:%S.%eZ\",\"level\":\"%l\",%v}",
                       spdlog::pattern_time_type::utc);
  } else {
    logger.set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %-5l %v", spdlog::pattern_time_type::utc);
  }
}

bool LogEnabled(LogLevel level) { return level >= g_level.load(std::memory_order_relaxed); }

std::string FormatLogLine(LogFormat format, std::string_view msg,
                          std::initializer_list<LogField> fields) {
  std::string line;
  line.reserve(128);
  if (format == LogFormat::kJson) {
    line += "\"msg\":";
    AppendJsonString(line, msg);
    for (const auto& f : fields) {
      line.push_back(',');
      AppendJsonString(line, f.key);
      line.push_back(':');
      if (f.quoted) {
        AppendJsonString(line, f.value);
      } else {
        line += f.value;
      }
    }
  } else {
    line += msg;
    for (const auto& f : fields) {
      line.push_back(' ');
      line += f.key;
      line.push_back('=');
      AppendTextValue(line, f.value);
    }
  }
  return line;
}

void Log(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields) {
  if (!LogEnabled(level)) return;
  Logger().log(ToSpd(level), "{}", FormatLogLine(g_format.load(), msg, fields));
}

}  // namespace opsdeck::net
