#include "evidence/log_line.h"

#include <nlohmann/json.hpp>

namespace faultline::evidence {

namespace {

using Json = nlohmann::json;

// The names common loggers give each field, most common first.
constexpr const char* kLevelKeys[] = {"level", "severity", "lvl", "levelname", "log.level", "@level", "loglevel"};
constexpr const char* kLoggerKeys[] = {"logger", "logger_name", "loggerName", "log.logger", "caller", "component"};
constexpr const char* kMessageKeys[] = {"msg", "message", "log", "MESSAGE", "@message", "textPayload", "event"};
constexpr const char* kErrorKeys[] = {"error",      "err",      "exception",     "stack_trace",
                                      "stacktrace", "exc_info", "error.message", "errorMessage"};

// A field as text: strings as they are, numbers printed, objects by their message-like fields.
std::string text_of(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number()) return v.dump();
  if (v.is_object()) {
    std::string out;
    for (const char* k : {"type", "class", "message", "msg", "stack", "stacktrace", "stack_trace"})
      if (auto it = v.find(k); it != v.end() && it->is_string())
        out += (out.empty() ? "" : ": ") + it->get<std::string>();
    return out;
  }
  return "";
}

std::string first_field(const Json& obj, const char* const* keys, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i)
    if (auto it = obj.find(keys[i]); it != obj.end()) {
      std::string t = text_of(*it);
      if (!t.empty()) return t;
    }
  return "";
}

}  // namespace

bool looks_like_json_object(std::string_view line) {
  std::size_t i = line.find_first_not_of(" \t");
  return i != std::string_view::npos && line[i] == '{';
}

std::string readable_line(std::string_view line) {
  if (!looks_like_json_object(line)) return std::string(line);
  Json obj = Json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (!obj.is_object()) return std::string(line);
  std::string level = first_field(obj, kLevelKeys, std::size(kLevelKeys));
  std::string logger = first_field(obj, kLoggerKeys, std::size(kLoggerKeys));
  std::string message = first_field(obj, kMessageKeys, std::size(kMessageKeys));
  std::string error = first_field(obj, kErrorKeys, std::size(kErrorKeys));
  if (message.empty() && error.empty()) return std::string(line);
  std::string out = level;
  if (!logger.empty()) out += (out.empty() ? "" : " ") + logger + ":";
  if (!message.empty()) out += (out.empty() ? "" : " ") + message;
  if (!error.empty()) out += " | error: " + error;
  for (char& c : out)
    if (c == '\n' || c == '\r') c = ' ';  // a stack trace stays on the line it belongs to
  return out + "  \u2016 " + std::string(line);
}

}  // namespace faultline::evidence
