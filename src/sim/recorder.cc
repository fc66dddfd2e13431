#include "sim/recorder.h"

#include <algorithm>
#include <numeric>

namespace faultline::sim {

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  double rank = std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(v.size() - 1);
  auto lo = static_cast<std::size_t>(rank);
  std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (rank - static_cast<double>(lo));
}

const std::vector<double>& Recorder::samples(const std::string& name) const {
  static const std::vector<double> none;
  auto it = samples_.find(name);
  return it == samples_.end() ? none : it->second;
}

double Recorder::mean(const std::string& name) const {
  const auto& v = samples(name);
  return v.empty() ? 0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

double Recorder::max(const std::string& name) const {
  const auto& v = samples(name);
  return v.empty() ? 0 : *std::max_element(v.begin(), v.end());
}

}  // namespace faultline::sim
