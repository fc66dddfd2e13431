// The discrete-event core of the simulator: a virtual clock, a queue of timed events, and a
// seeded random source. Same seed and same events, same run, byte for byte: ties in time run
// in the order they were scheduled. Single-threaded; nothing here reads the wall clock.
#pragma once

#include <cstdint>
#include <functional>
#include <queue>
#include <random>
#include <vector>

namespace faultline::sim {

class Engine {
 public:
  explicit Engine(std::uint64_t seed) : rng_(seed) {}

  /// Virtual time, in seconds since the start of the run.
  double now() const { return now_; }

  /// Runs fn at absolute time t (never earlier than now).
  void at(double t, std::function<void()> fn);
  /// Runs fn dt seconds from now.
  void after(double dt, std::function<void()> fn) { at(now_ + dt, std::move(fn)); }

  /// Runs events in time order until none is left or the next is later than end.
  /// Returns the number of events run.
  std::uint64_t run_until(double end);

  /// Uniform in [0, 1).
  double uniform() { return std::uniform_real_distribution<double>(0, 1)(rng_); }
  /// Exponentially distributed with the given mean (inter-arrival times of a Poisson process).
  double exponential(double mean) { return mean <= 0 ? 0 : std::exponential_distribution<double>(1 / mean)(rng_); }
  /// True with probability p.
  bool chance(double p) { return uniform() < p; }
  /// Uniform integer in [0, n).
  std::uint64_t index(std::uint64_t n) { return n ? std::uniform_int_distribution<std::uint64_t>(0, n - 1)(rng_) : 0; }
  std::mt19937_64& rng() { return rng_; }

 private:
  struct Event {
    double t;
    std::uint64_t seq;
    std::function<void()> fn;
  };
  struct Later {
    bool operator()(const Event& a, const Event& b) const { return a.t != b.t ? a.t > b.t : a.seq > b.seq; }
  };
  std::priority_queue<Event, std::vector<Event>, Later> queue_;
  double now_ = 0;
  std::uint64_t seq_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace faultline::sim
