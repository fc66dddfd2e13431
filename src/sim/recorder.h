// What a simulation run records: samples (for percentiles), time series (for the sketch that
// verify draws), and named outputs (the values a case's expectations test). Plain values.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace faultline::sim {

/// Percentile of samples (p in [0, 100]) by linear interpolation; 0 for no samples.
double percentile(std::vector<double> samples, double p);

class Recorder {
 public:
  /// A latency or size sample under name.
  void sample(const std::string& name, double v) { samples_[name].push_back(v); }
  /// A point of the time series name.
  void point(const std::string& name, double t, double v) { series_[name].push_back({t, v}); }

  const std::vector<double>& samples(const std::string& name) const;
  double percentile(const std::string& name, double p) const { return sim::percentile(samples(name), p); }
  double mean(const std::string& name) const;
  double max(const std::string& name) const;

  struct Point {
    double t, v;
  };
  const std::map<std::string, std::vector<Point>>& series() const { return series_; }

 private:
  std::map<std::string, std::vector<double>> samples_;
  std::map<std::string, std::vector<Point>> series_;
};

}  // namespace faultline::sim
