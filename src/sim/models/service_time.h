// Helpers shared by the queueing models (connection_pool, load_balancer): how long a request
// holds a server, and a FIFO of waiters that all give up after the same timeout.
#pragma once

#include <algorithm>
#include <deque>
#include <string>
#include <vector>

#include "common/error.h"
#include "sim/engine.h"

namespace faultline::sim {

/// How long a request holds a server (a connection, a worker): exponential or constant.
struct ServiceTime {
  double mean_s = 0;
  bool constant = false;
  double draw(Engine& engine) const { return constant ? mean_s : engine.exponential(mean_s); }
};

/// Reads a distribution parameter ("exponential" or "constant"); throws Error naming it otherwise.
inline ServiceTime service_time(const std::string& param, const std::string& kind, double mean_ms) {
  if (kind != "exponential" && kind != "constant")
    throw Error({}, "SIM003", "parameter '" + param + "' must be exponential or constant, not '" + kind + "'");
  if (mean_ms < 0) throw Error({}, "SIM003", "mean service time must not be negative");
  return {mean_ms / 1000.0, kind == "constant"};
}

/// Waiters in arrival order, all with the same timeout: the ones that have given up are always
/// a prefix, so they are dropped when the queue is next looked at, which is exact at that time
/// (a waiter still queued at now > arrived + timeout had given up at arrived + timeout).
class TimedQueue {
 public:
  explicit TimedQueue(double timeout_s) : timeout_(timeout_s) {}
  void push(double arrived) { q_.push_back(arrived); }
  /// Drops the waiters that gave up before now; returns how many of them arrived before
  /// `counted_before` (the ones a run measures).
  std::size_t expire(double now, double counted_before) {
    std::size_t n = 0;
    while (!q_.empty() && now - q_.front() > timeout_) {
      if (q_.front() < counted_before) ++n;
      q_.pop_front();
    }
    return n;
  }
  bool empty() const { return q_.empty(); }
  std::size_t size() const { return q_.size(); }
  double front() const { return q_.front(); }
  double pop() {
    double t = q_.front();
    q_.pop_front();
    return t;
  }

 private:
  double timeout_;
  std::deque<double> q_;
};

/// The same percentile as sim::percentile (linear interpolation between ranks) by selection
/// instead of a full sort; reorders v.
inline double fast_percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  double rank = std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(v.size() - 1);
  auto lo = static_cast<std::size_t>(rank);
  auto lo_it = v.begin() + static_cast<std::ptrdiff_t>(lo);
  std::nth_element(v.begin(), lo_it, v.end());
  double a = *lo_it, b = lo + 1 < v.size() ? *std::min_element(lo_it + 1, v.end()) : a;
  return a + (b - a) * (rank - static_cast<double>(lo));
}

}  // namespace faultline::sim
