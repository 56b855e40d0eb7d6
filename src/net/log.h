// Structured logging over spdlog: one line per event, as `msg k=v k=v` (text)
// or one JSON object per line (json), chosen by `log.format`. Values are
// escaped in both forms, so a hostile path cannot forge a log line.
// Thread-safe: the underlying spdlog logger is thread-safe; Configure() may be
// called again on reload (level and format change atomically per line).
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace opsdeck::net {

enum class LogLevel { kDebug, kInfo, kWarn, kError };
enum class LogFormat { kText, kJson };

struct LogField {
  std::string_view key;
  std::string value;
  bool quoted = true;  // false for numbers and booleans in JSON

  LogField(std::string_view k, std::string_view v) : key(k), value(v) {}
  LogField(std::string_view k, const std::string& v) : key(k), value(v) {}
  LogField(std::string_view k, const char* v) : key(k), value(v) {}
  LogField(std::string_view k, long long v) : key(k), value(std::to_string(v)), quoted(false) {}
  LogField(std::string_view k, int v) : key(k), value(std::to_string(v)), quoted(false) {}
  LogField(std::string_view k, unsigned v) : key(k), value(std::to_string(v)), quoted(false) {}
  LogField(std::string_view k, unsigned long v) : key(k), value(std::to_string(v)), quoted(false) {}
  LogField(std::string_view k, unsigned long long v)
      : key(k), value(std::to_string(v)), quoted(false) {}
  LogField(std::string_view k, long v) : key(k), value(std::to_string(v)), quoted(false) {}
  LogField(std::string_view k, double v);
};

// Parses "debug|info|warn|error" and "text|json"; unknown values keep the default.
LogLevel ParseLogLevel(std::string_view s);
LogFormat ParseLogFormat(std::string_view s);

// Sets up the process logger (stderr, buffered: flushed every second, at once
// for warn and error, and by FlushLogs). Safe to call again.
void ConfigureLogging(LogLevel level, LogFormat format);
bool LogEnabled(LogLevel level);
// Writes out buffered lines (call before exit).
void FlushLogs();

void Log(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields = {});
inline void LogDebug(std::string_view m, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kDebug, m, f);
}
inline void LogInfo(std::string_view m, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kInfo, m, f);
}
inline void LogWarn(std::string_view m, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kWarn, m, f);
}
inline void LogError(std::string_view m, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kError, m, f);
}

// Formats one line without the timestamp/level prefix (exposed for tests).
std::string FormatLogLine(LogFormat format, std::string_view msg,
                          std::initializer_list<LogField> fields);

}  // namespace opsdeck::net
