// What a structured log line says, as text the log patterns can match. A JSON line (logback
// and log4j JSON layouts, zap, bunyan/pino, python-json-logger, Kubernetes/Docker json-file,
// GCP/AWS structured logs) keeps its message in escaped JSON strings: "\"GET /x\" 503" never
// matches a pattern written against what the software printed. readable_line() puts the level,
// logger, message and error fields first, unescaped, then the raw line, so that patterns written
// for the plain message and patterns written for the raw JSON both match, once per line.
#pragma once

#include <string>
#include <string_view>

namespace faultline::evidence {

/// True if line (after leading blanks) starts with '{'.
bool looks_like_json_object(std::string_view line);

/// "ERROR orders.Consumer: message | error: ...  ‖ {raw}" for a JSON object line with any of
/// the known fields; otherwise the line unchanged. Never throws.
std::string readable_line(std::string_view line);

}  // namespace faultline::evidence
