// Metric series as the user supplied them: a Prometheus scrape (one sample per series), a CSV
// of a metric over time (long `timestamp,metric,labels,value` or wide `timestamp,m1,m2,...`),
// or `--metric name=value`. Readers skip malformed lines with a warning and never throw for
// content; they throw Error only when nothing of a file can be read as the kind it was named.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace faultline::evidence {

struct Point {
  double t = 0;  ///< seconds (Unix time, or the row index when the input has no time)
  double v = 0;
};

struct Series {
  std::string name;
  std::map<std::string, std::string> labels;
  std::vector<Point> points;  ///< sorted by t
  std::string source;         ///< "metrics.prom:12" of its first sample
};

/// All series of an incident, keyed by name and label set.
class MetricStore {
 public:
  /// Adds a sample to the series (name, labels), creating it if new.
  void add(const std::string& name, const std::map<std::string, std::string>& labels, Point p,
           const std::string& source);
  /// Series with this name, in insertion order.
  std::vector<const Series*> named(const std::string& name) const;
  std::size_t size() const { return series_.size(); }
  /// Sorts each series' points by time; call once after reading.
  void finish();
  const std::vector<Series>& all() const { return series_; }

 private:
  std::vector<Series> series_;
  std::map<std::string, std::vector<std::size_t>> by_name_;
  std::map<std::pair<std::string, std::map<std::string, std::string>>, std::size_t> index_;
};

/// Per-reader outcome: how many samples were taken, and what was skipped.
struct ReadReport {
  std::size_t samples = 0;
  std::vector<std::string> warnings;  ///< "metrics.prom:7: skipped malformed line"
};

/// True if the line looks like Prometheus text exposition (a sample or a # HELP/# TYPE line).
bool looks_like_prometheus(std::string_view line);

/// Reads one line of Prometheus text exposition into store. Returns false if malformed.
bool read_prometheus_line(std::string_view line, const std::string& source, MetricStore& store);

/// Reads a whole Prometheus text exposition.
ReadReport read_prometheus(std::string_view text, const std::string& file, MetricStore& store);

/// True if the line is a CSV header this reader understands (first column a time).
bool looks_like_csv_header(std::string_view line);

/// Reads CSV series: long (`timestamp,metric,labels,value`, labels as `k=v;k2=v2`) or wide
/// (`timestamp,name1,name2,...`). Timestamps: Unix seconds or ms, or ISO 8601. first_line is
/// the line number of text's first line in file (a CSV block inside a paste starts later).
ReadReport read_csv_series(std::string_view text, const std::string& file, MetricStore& store, int first_line = 1);

/// Parses `name=value` with units (250ms, 40%, 2GiB) into store. Throws Error (exit 2) if the
/// value is not a number.
void read_metric_argument(std::string_view arg, MetricStore& store);

/// ISO 8601 (2026-11-28T10:02:11Z, with optional fraction and offset, or a space for T), or
/// Unix seconds/milliseconds. nullopt if neither.
std::optional<double> parse_timestamp(std::string_view text);

}  // namespace faultline::evidence
