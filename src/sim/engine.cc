#include "sim/engine.h"

#include <algorithm>

namespace faultline::sim {

void Engine::at(double t, std::function<void()> fn) { queue_.push({std::max(t, now_), seq_++, std::move(fn)}); }

std::uint64_t Engine::run_until(double end) {
  std::uint64_t ran = 0;
  while (!queue_.empty() && queue_.top().t <= end) {
    // Copy out before pop: the event may schedule more.
    Event e = queue_.top();
    queue_.pop();
    now_ = e.t;
    e.fn();
    ++ran;
  }
  now_ = std::max(now_, end);
  return ran;
}

}  // namespace faultline::sim
