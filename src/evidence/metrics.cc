#include "evidence/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>
#include <limits>
#include <sstream>

#include "common/error.h"
#include "evidence/expr.h"

namespace faultline::evidence {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':'; }
bool name_char(char c) { return name_start(c) || std::isdigit(static_cast<unsigned char>(c)); }

// Prometheus sample values: floats plus NaN, +Inf, -Inf.
std::optional<double> parse_prom_value(std::string_view s) {
  if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (s == "+Inf" || s == "Inf") return std::numeric_limits<double>::infinity();
  if (s == "-Inf") return -std::numeric_limits<double>::infinity();
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// Parses `{a="x",b="y\"z"}` starting at s[i] == '{'; advances i past '}'.
bool parse_labels(std::string_view s, std::size_t& i, std::map<std::string, std::string>& labels) {
  ++i;
  for (;;) {
    while (i < s.size() && (s[i] == ' ' || s[i] == ',')) ++i;
    if (i < s.size() && s[i] == '}') {
      ++i;
      return true;
    }
    std::size_t start = i;
    while (i < s.size() && name_char(s[i])) ++i;
    if (i == start || i >= s.size() || s[i] != '=') return false;
    std::string key(s.substr(start, i - start));
    if (++i >= s.size() || s[i] != '"') return false;
    std::string value;
    for (++i; i < s.size() && s[i] != '"'; ++i) {
      if (s[i] == '\\' && i + 1 < s.size()) {
        char e = s[++i];
        value += e == 'n' ? '\n' : e;
      } else {
        value += s[i];
      }
    }
    if (i >= s.size()) return false;
    ++i;
    labels[key] = value;
  }
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || s[i] == sep) {
      out.push_back(trim(s.substr(start, i - start)));
      start = i + 1;
    }
  return out;
}

std::map<std::string, std::string> parse_csv_labels(std::string_view s) {
  std::map<std::string, std::string> labels;
  if (s.size() >= 2 && s.front() == '{' && s.back() == '}') s = s.substr(1, s.size() - 2);
  for (std::string_view part : split(s, s.find(';') != std::string_view::npos ? ';' : ' ')) {
    auto eq = part.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view v = trim(part.substr(eq + 1));
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    labels[std::string(trim(part.substr(0, eq)))] = std::string(v);
  }
  return labels;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

}  // namespace

void MetricStore::add(const std::string& name, const std::map<std::string, std::string>& labels, Point p,
                      const std::string& source) {
  auto key = std::make_pair(name, labels);
  auto it = index_.find(key);
  if (it == index_.end()) {
    it = index_.emplace(key, series_.size()).first;
    by_name_[name].push_back(series_.size());
    series_.push_back({name, labels, {}, source});
  }
  series_[it->second].points.push_back(p);
}

std::vector<const Series*> MetricStore::named(const std::string& name) const {
  std::vector<const Series*> out;
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return out;
  for (std::size_t i : it->second) out.push_back(&series_[i]);
  return out;
}

void MetricStore::finish() {
  for (Series& s : series_)
    std::stable_sort(s.points.begin(), s.points.end(), [](const Point& a, const Point& b) { return a.t < b.t; });
}

bool looks_like_prometheus(std::string_view line) {
  line = trim(line);
  if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) return true;
  if (line.empty() || !name_start(line[0])) return false;
  MetricStore scratch;
  return read_prometheus_line(line, "", scratch);
}

bool read_prometheus_line(std::string_view line, const std::string& source, MetricStore& store) {
  line = trim(line);
  if (line.empty() || line[0] == '#') return true;
  std::size_t i = 0;
  while (i < line.size() && name_char(line[i])) ++i;
  if (i == 0 || !name_start(line[0])) return false;
  std::string name(line.substr(0, i));
  std::map<std::string, std::string> labels;
  if (i < line.size() && line[i] == '{' && !parse_labels(line, i, labels)) return false;
  std::vector<std::string_view> rest;
  for (std::string_view part : split(trim(line.substr(i)), ' '))
    if (!part.empty()) rest.push_back(part);
  if (rest.empty() || rest.size() > 2) return false;
  auto value = parse_prom_value(rest[0]);
  if (!value) return false;
  double t = 0;
  if (rest.size() == 2) {
    auto ts = parse_prom_value(rest[1]);
    if (!ts) return false;
    t = *ts / 1000.0;  // exposition timestamps are milliseconds
  }
  store.add(name, labels, {t, *value}, source);
  return true;
}

ReadReport read_prometheus(std::string_view text, const std::string& file, MetricStore& store) {
  ReadReport report;
  std::size_t line_no = 0;
  for (std::string_view line : split(text, '\n')) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    std::string source = file + ":" + std::to_string(line_no);
    if (read_prometheus_line(line, source, store))
      ++report.samples;
    else
      report.warnings.push_back(source + ": skipped malformed Prometheus line");
  }
  return report;
}

std::optional<double> parse_timestamp(std::string_view s) {
  s = trim(s);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  double num = 0;
  if (auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), num); ec == std::errc() && p == s.data() + s.size())
    return num > 1e11 ? num / 1000.0 : num;  // milliseconds past 1973 look like this
  std::tm tm{};
  int year, mon, day, hh = 0, mm = 0;
  double sec = 0;
  char sep = 0;
  std::string copy(s);
  int n = std::sscanf(copy.c_str(), "%4d-%2d-%2d%c%2d:%2d:%lf", &year, &mon, &day, &sep, &hh, &mm, &sec);
  if (n < 3 || (n > 3 && n < 6) || (n >= 4 && sep != 'T' && sep != ' ')) return std::nullopt;
  tm.tm_year = year - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = day;
  tm.tm_hour = hh;
  tm.tm_min = mm;
  double t = static_cast<double>(timegm(&tm)) + sec;
  // A trailing offset such as +02:00 or -0500.
  auto plus = copy.find_last_of("+-");
  if (n >= 6 && plus != std::string::npos && plus > 10) {
    // +05:30, +0530 or +05: read the digits, skipping one optional colon.
    std::string digits;
    for (std::size_t i = plus + 1; i < copy.size() && digits.size() < 4; ++i) {
      if (std::isdigit(static_cast<unsigned char>(copy[i])))
        digits += copy[i];
      else if (copy[i] != ':' || digits.size() != 2)
        break;
    }
    if (digits.size() == 2 || digits.size() == 4) {
      double offset =
          std::stoi(digits.substr(0, 2)) * 3600.0 + (digits.size() == 4 ? std::stoi(digits.substr(2)) * 60.0 : 0);
      t += copy[plus] == '+' ? -offset : offset;
    }
  }
  return t;
}

bool looks_like_csv_header(std::string_view line) {
  auto cols = split(trim(line), ',');
  if (cols.size() < 2) return false;
  std::string first = lower(cols[0]);
  return first == "timestamp" || first == "time" || first == "ts" || first == "date" || first == "datetime";
}

ReadReport read_csv_series(std::string_view text, const std::string& file, MetricStore& store, int first_line) {
  ReadReport report;
  auto lines = split(text, '\n');
  std::size_t header_at = 0;
  while (header_at < lines.size() && lines[header_at].empty()) ++header_at;
  if (header_at == lines.size()) return report;
  auto header = split(lines[header_at], ',');
  std::vector<std::string> cols;
  for (auto c : header) cols.push_back(lower(c));
  bool long_form = cols.size() >= 3 && cols[1] == "metric" && cols.back() == "value";
  if (!looks_like_csv_header(lines[header_at]))
    throw Error({file, static_cast<int>(header_at) + first_line, 1}, "IN004",
                "CSV series need a header whose first column is timestamp (long form: timestamp,metric,labels,value)");
  for (std::size_t i = header_at + 1; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    std::string source = file + ":" + std::to_string(static_cast<int>(i) + first_line);
    auto cells = split(lines[i], ',');
    auto t = parse_timestamp(cells[0]);
    if (!t) {
      report.warnings.push_back(source + ": skipped row with an unreadable timestamp");
      continue;
    }
    if (long_form) {
      if (cells.size() != cols.size()) {
        report.warnings.push_back(source + ": skipped row with " + std::to_string(cells.size()) + " columns");
        continue;
      }
      auto v = parse_quantity(cells.back());
      if (!v || cells[1].empty()) {
        report.warnings.push_back(source + ": skipped row with an unreadable value");
        continue;
      }
      store.add(std::string(cells[1]),
                cols.size() > 3 ? parse_csv_labels(cells[2]) : std::map<std::string, std::string>{}, {*t, *v}, source);
      ++report.samples;
    } else {
      for (std::size_t c = 1; c < cells.size() && c < header.size(); ++c) {
        if (cells[c].empty()) continue;
        auto v = parse_quantity(cells[c]);
        if (!v) {
          report.warnings.push_back(source + ": skipped unreadable value in column " + std::string(header[c]));
          continue;
        }
        store.add(std::string(header[c]), {}, {*t, *v}, source);
        ++report.samples;
      }
    }
  }
  return report;
}

void read_metric_argument(std::string_view arg, MetricStore& store) {
  auto eq = arg.find('=');
  std::string name(trim(arg.substr(0, eq)));
  if (eq == std::string_view::npos || name.empty() || !name_start(name[0]) ||
      !std::all_of(name.begin(), name.end(), name_char))
    throw Error({"--metric"}, "IN005", "expected NAME=VALUE, got '" + std::string(arg) + "'");
  auto v = parse_quantity(arg.substr(eq + 1));
  if (!v)
    throw Error({"--metric"}, "IN005",
                "'" + std::string(arg.substr(eq + 1)) + "' is not a number (units allowed: 250ms, 40%, 2GiB)");
  store.add(name, {}, {0, *v}, "--metric " + name);
}

}  // namespace faultline::evidence
