// scatter_gather: a router fans each query out to `fanout` of `shards` shards and answers when
// the slowest shard has answered.
// Mechanism: queries arrive as a Poisson stream; a query goes to `fanout` distinct shards picked
// at random (fanout = 1: the one shard its key maps to); each shard is a FIFO server with
// shard_workers workers; a sub-request holds a worker for service_time_ms, or for
// slow_service_time_ms with probability slow_probability (a cold cache, a GC pause, a slow
// disk); the query's latency is the latest of its sub-requests' queue wait + service.
// Arrivals run on the engine; each shard's FIFO is exact because sub-requests reach it in time
// order (start = max(arrival, earliest free worker)).
#include <algorithm>
#include <functional>

#include "common/error.h"
#include "sim/engine.h"
#include "sim/models/models.h"

namespace faultline::sim {

namespace {

class ScatterGather : public Model {
 public:
  const ModelInfo& info() const override {
    static const ModelInfo info{
        "scatter_gather",
        "Queries fanned out to several shards, answered when the slowest shard answers; each shard a FIFO "
        "queue with a few workers and an occasional slow request.",
        {{"shards", 16, "shards in the cluster"},
         {"fanout", 16, "shards each query is sent to (1: a shard-key lookup; shards: a scatter to all)"},
         {"arrival_rate_per_s", 200, "queries per second at the router, Poisson, q/s"},
         {"service_time_ms", 8, "time a shard spends on a sub-request normally, ms"},
         {"slow_probability", 0.005, "probability that a sub-request is slow"},
         {"slow_service_time_ms", 400, "time a shard spends on a slow sub-request, ms"},
         {"shard_workers", 8, "sub-requests a shard runs at once (cores, connections)"},
         {"duration_s", 30, "simulated seconds"}},
        {{"mean_latency_ms", "mean query latency, ms"},
         {"p50_latency_ms", "median query latency, ms"},
         {"p99_latency_ms", "99th percentile query latency, ms"},
         {"slow_query_fraction", "share of queries that waited on at least one slow sub-request"},
         {"shard_qps", "sub-requests per second one shard receives, averaged over shards, q/s"},
         {"shard_utilization", "share of shard worker time busy"}},
        "latency_ms"};
    return info;
  }

  RunResult run(const Params& p, std::uint64_t seed) const override {
    const long long shards = p.integer("shards"), fanout = p.integer("fanout"), workers = p.integer("shard_workers");
    if (shards < 1 || fanout < 1 || fanout > shards || workers < 1)
      throw Error({}, "SIM003", "need shards >= 1, 1 <= fanout <= shards, shard_workers >= 1");
    const double rate = p.num("arrival_rate_per_s"), duration = p.num("duration_s");
    const double fast = p.num("service_time_ms") / 1000, slow = p.num("slow_service_time_ms") / 1000;
    const double p_slow = p.num("slow_probability");
    if (rate <= 0 || duration <= 0) throw Error({}, "SIM003", "arrival_rate_per_s and duration_s must be positive");

    Engine engine(seed);
    RunResult result;
    // Per shard, when each of its workers is next free (shards x workers, row by row).
    std::vector<double> free_at(static_cast<std::size_t>(shards * workers), 0.0);
    std::vector<long long> order(static_cast<std::size_t>(shards));
    for (long long s = 0; s < shards; ++s) order[static_cast<std::size_t>(s)] = s;

    std::vector<double> latencies;
    double queries = 0, slow_queries = 0, sub_requests = 0, busy = 0;
    std::function<void()> arrive = [&] {
      double t = engine.now(), done = t;
      bool any_slow = false;
      // Partial Fisher-Yates: the first `fanout` entries of order become a random subset.
      for (long long i = 0; i < fanout; ++i) {
        auto j = i + static_cast<long long>(engine.index(static_cast<std::uint64_t>(shards - i)));
        std::swap(order[static_cast<std::size_t>(i)], order[static_cast<std::size_t>(j)]);
        auto row = free_at.begin() + order[static_cast<std::size_t>(i)] * workers;
        auto worker = std::min_element(row, row + workers);  // FIFO: the next sub-request takes the first free worker
        bool is_slow = engine.chance(p_slow);
        double service = is_slow ? slow : fast;
        double start = std::max(t, *worker);
        *worker = start + service;
        done = std::max(done, start + service);
        any_slow = any_slow || is_slow;
        busy += service;
        ++sub_requests;
      }
      ++queries;
      slow_queries += any_slow ? 1 : 0;
      latencies.push_back((done - t) * 1000);
      if (static_cast<std::size_t>(queries) % 50 == 0) result.series.push_back({t, (done - t) * 1000});
      engine.after(engine.exponential(1 / rate), arrive);
    };
    engine.at(engine.exponential(1 / rate), arrive);
    engine.run_until(duration);

    double sum = 0;
    for (double l : latencies) sum += l;
    result.outputs = {{"mean_latency_ms", latencies.empty() ? 0 : sum / static_cast<double>(latencies.size())},
                      {"p50_latency_ms", percentile(latencies, 50)},
                      {"p99_latency_ms", percentile(latencies, 99)},
                      {"slow_query_fraction", queries > 0 ? slow_queries / queries : 0},
                      {"shard_qps", sub_requests / (static_cast<double>(shards) * duration)},
                      {"shard_utilization", busy / (static_cast<double>(shards * workers) * duration)}};
    return result;
  }
};

}  // namespace

std::unique_ptr<Model> make_scatter_gather() { return std::make_unique<ScatterGather>(); }

}  // namespace faultline::sim
