// broker_queue: publishers feeding queues of a message broker (RabbitMQ classic queues), each
// queue a single process on its own core, with a memory limit beyond which it pages to disk.
// Mechanism: publishes arrive as a Poisson stream spread evenly over `queues` queues; each queue
// moves at most queue_capacity_per_s messages a second to its (always ready) consumers while
// the messages it holds fit in RAM (ram_message_limit); while it holds more, it pages them to
// and from disk and delivers only paged_capacity_per_s. Ticks of tick_ms on the engine; the queue
// depth is what was published and not yet delivered.
#include <algorithm>
#include <random>

#include "common/error.h"
#include "sim/engine.h"
#include "sim/models/models.h"

namespace faultline::sim {

namespace {

class BrokerQueue : public Model {
 public:
  const ModelInfo& info() const override {
    static const ModelInfo info{
        "broker_queue",
        "Broker queues, each a single process with a delivery capacity that falls to a paged rate once its "
        "messages exceed the RAM limit; publishes spread over the queues.",
        {{"arrival_rate_per_s", 10000, "messages published per second in total, Poisson, msg/s"},
         {"queues", 1, "queues the publishes are spread over, each its own process"},
         {"queue_capacity_per_s", 12000, "messages per second one queue process delivers while in RAM, msg/s"},
         {"paged_capacity_per_s", 2000, "messages per second one queue delivers while paging to disk, msg/s"},
         {"ram_message_limit", 500000, "messages one queue holds in RAM before paging (memory watermark)"},
         {"tick_ms", 100, "simulation step, ms"},
         {"duration_s", 600, "simulated seconds"}},
        {{"delivery_rate_per_s", "messages delivered per second over the last quarter of the run, msg/s"},
         {"queue_depth", "messages waiting in all queues at the end"},
         {"depth_growth_per_s", "growth of the total depth per second over the last quarter of the run, msg/s"},
         {"paging_started_s", "when a queue first exceeded its RAM limit, s; -1: never"},
         {"max_queue_depth", "largest total depth during the run"}},
        "queue_depth"};
    return info;
  }

  RunResult run(const Params& p, std::uint64_t seed) const override {
    const long long queues = p.integer("queues");
    const double rate = p.num("arrival_rate_per_s"), capacity = p.num("queue_capacity_per_s");
    const double paged = p.num("paged_capacity_per_s"), limit = p.num("ram_message_limit");
    const double dt = p.num("tick_ms") / 1000, duration = p.num("duration_s");
    if (queues < 1 || rate < 0 || capacity < 0 || paged < 0 || dt <= 0 || duration <= 0)
      throw Error({}, "SIM003", "need queues >= 1, tick_ms and duration_s positive, rates not negative");

    Engine engine(seed);
    RunResult result;
    std::vector<double> depth(static_cast<std::size_t>(queues), 0);
    const double per_queue = rate / static_cast<double>(queues) * dt;
    const double tail_start = duration * 0.75;
    double delivered_tail = 0, depth_at_tail = -1, paging_started = -1, max_depth = 0, total = 0;
    std::function<void()> tick = [&] {
      double t = engine.now();
      if (t >= tail_start - 1e-9 && depth_at_tail < 0) depth_at_tail = total;
      total = 0;
      for (double& d : depth) {
        double in =
            per_queue > 0 ? static_cast<double>(std::poisson_distribution<long long>(per_queue)(engine.rng())) : 0;
        bool paging = d > limit;
        if (paging && paging_started < 0) paging_started = t;
        double out = std::min(d + in, (paging ? paged : capacity) * dt);
        d += in - out;
        if (t >= tail_start - 1e-9) delivered_tail += out;
        total += d;
      }
      max_depth = std::max(max_depth, total);
      result.series.push_back({t + dt, total});
      if (t + 2 * dt <= duration + 1e-9) engine.after(dt, tick);
    };
    engine.at(0, tick);
    engine.run_until(duration);

    double tail = duration - tail_start;
    result.outputs = {{"delivery_rate_per_s", delivered_tail / tail},
                      {"queue_depth", total},
                      {"depth_growth_per_s", (total - std::max(depth_at_tail, 0.0)) / tail},
                      {"paging_started_s", paging_started},
                      {"max_queue_depth", max_depth}};
    return result;
  }
};

}  // namespace

std::unique_ptr<Model> make_broker_queue() { return std::make_unique<BrokerQueue>(); }

}  // namespace faultline::sim
