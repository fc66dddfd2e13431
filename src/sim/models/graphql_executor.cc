// graphql_executor: a GraphQL server's executor pool under normal operations and deep, nested
// attack queries, with an optional depth rule in validation.
// Mechanism: operations arrive as two Poisson streams and wait in one FIFO for one of `workers`
// executor slots. A normal operation holds a slot for an exponential time of mean
// service_time_ms. An attack operation of depth d over lists of list_fanout items is validated
// first (validation_time_ms): deeper than max_depth, it is rejected there; otherwise it runs
// fanout + fanout^2 + ... + fanout^d resolver calls of resolver_time_us each, cut off at
// timeout_ms. Latency is from arrival to completion; operations still queued or running at the
// end count with their age so far.
#include <algorithm>
#include <cmath>
#include <deque>

#include "common/error.h"
#include "sim/engine.h"
#include "sim/models/models.h"

namespace faultline::sim {

namespace {

class GraphqlExecutor : public Model {
 public:
  const ModelInfo& info() const override {
    static const ModelInfo info{
        "graphql_executor",
        "A pool of GraphQL executor slots shared by normal operations and deep nested queries whose "
        "resolver calls grow as fanout^depth, with an execution timeout and a max-depth validation rule.",
        {{"workers", 16, "executor slots (threads, event-loop concurrency)"},
         {"arrival_rate_per_s", 200, "normal operations per second, Poisson, ops/s"},
         {"service_time_ms", 20, "mean execution time of a normal operation (exponential), ms"},
         {"attack_rate_per_s", 0, "attack operations per second, Poisson, ops/s"},
         {"attack_query_depth", 10, "nesting depth of an attack operation, levels"},
         {"list_fanout", 2, "items each nested list field returns"},
         {"resolver_time_us", 10, "time of one resolver call, us"},
         {"timeout_ms", 30000, "execution timeout: an operation is cut off after this long, ms"},
         {"max_depth", 1000, "depth rule: deeper operations are rejected in validation, levels"},
         {"validation_time_ms", 1, "time to parse and validate an operation, ms"},
         {"duration_s", 60, "simulated seconds"}},
        {{"busy_workers", "mean executor slots busy over the second half of the run"},
         {"mean_latency_ms", "mean latency of normal operations, ms"},
         {"p50_latency_ms", "median latency of normal operations, ms"},
         {"p99_latency_ms", "99th percentile latency of normal operations, ms"},
         {"rejected_attack_fraction",
          "share of the attack operations that reached a slot which the depth rule rejected"},
         {"timed_out_attack_fraction",
          "share of the attack operations that reached a slot which the execution timeout cut off"},
         {"resolver_calls_per_attack", "resolver calls one attack operation asks for"}},
        "busy_workers"};
    return info;
  }

  RunResult run(const Params& p, std::uint64_t seed) const override {
    const long long workers = p.integer("workers");
    const double rate = p.num("arrival_rate_per_s"), attack_rate = p.num("attack_rate_per_s");
    const double service = p.num("service_time_ms") / 1000, timeout = p.num("timeout_ms") / 1000;
    const double validation = p.num("validation_time_ms") / 1000, duration = p.num("duration_s");
    const double depth = p.num("attack_query_depth"), fanout = p.num("list_fanout");
    if (workers < 1 || rate < 0 || attack_rate < 0 || duration <= 0 || timeout <= 0 || depth < 0 || fanout < 0)
      throw Error({}, "SIM003",
                  "need workers >= 1, positive duration_s and timeout_ms, rates, depth and fanout not negative");

    // Resolver calls of one attack operation: one list per level, each item resolving the next.
    double calls = 0;
    for (double level = 1, width = 1; level <= depth && calls < 1e300; ++level) calls += (width *= fanout);
    const double max_depth = p.num("max_depth"), resolver_s = p.num("resolver_time_us") / 1e6;

    Engine engine(seed);
    RunResult result;
    struct Op {
      double arrived;
      bool attack;
    };
    std::deque<Op> queue;
    long long busy = 0;
    double busy_area = 0, last_change = 0;
    const double half = duration / 2;
    std::vector<double> latencies;
    std::vector<double> running;  // arrival times of the normal operations holding a slot
    double attacks_validated = 0, attacks_rejected = 0, attacks_timed_out = 0;
    auto account = [&](double to) {
      double from = std::max(last_change, half);
      if (to > from) busy_area += static_cast<double>(busy) * (to - from);
      last_change = to;
    };
    std::function<void()> dispatch = [&] {
      while (busy < workers && !queue.empty()) {
        Op op = queue.front();
        queue.pop_front();
        account(engine.now());
        ++busy;
        double hold = validation;
        if (op.attack) {
          ++attacks_validated;
          if (depth > max_depth) {
            ++attacks_rejected;
          } else {
            double run_s = calls * resolver_s;
            if (run_s >= timeout) ++attacks_timed_out;
            hold += std::min(run_s, timeout);
          }
        } else {
          hold += std::min(engine.exponential(service), timeout);
          running.push_back(op.arrived);
        }
        engine.after(hold, [&, op] {
          account(engine.now());
          --busy;
          if (!op.attack) {
            latencies.push_back((engine.now() - op.arrived) * 1000);
            running.erase(std::find(running.begin(), running.end(), op.arrived));
          }
          dispatch();
        });
      }
    };
    std::function<void()> normal = [&] {
      queue.push_back({engine.now(), false});
      dispatch();
      engine.after(engine.exponential(1 / rate), normal);
    };
    std::function<void()> attack = [&] {
      queue.push_back({engine.now(), true});
      dispatch();
      engine.after(engine.exponential(1 / attack_rate), attack);
    };
    if (rate > 0) engine.at(engine.exponential(1 / rate), normal);
    if (attack_rate > 0) engine.at(engine.exponential(1 / attack_rate), attack);
    // Sketch: busy slots once a second.
    std::function<void()> sample = [&] {
      result.series.push_back({engine.now(), static_cast<double>(busy)});
      engine.after(1, sample);
    };
    engine.at(0, sample);
    engine.run_until(duration);
    account(duration);

    // Unfinished normal operations count with their age at the end.
    for (const Op& op : queue)
      if (!op.attack) latencies.push_back((duration - op.arrived) * 1000);
    for (double arrived : running) latencies.push_back((duration - arrived) * 1000);

    double sum = 0;
    for (double l : latencies) sum += l;
    result.outputs = {{"busy_workers", busy_area / (duration - half)},
                      {"mean_latency_ms", latencies.empty() ? 0 : sum / static_cast<double>(latencies.size())},
                      {"p50_latency_ms", percentile(latencies, 50)},
                      {"p99_latency_ms", percentile(latencies, 99)},
                      {"rejected_attack_fraction", attacks_validated > 0 ? attacks_rejected / attacks_validated : 0},
                      {"timed_out_attack_fraction", attacks_validated > 0 ? attacks_timed_out / attacks_validated : 0},
                      {"resolver_calls_per_attack", calls}};
    return result;
  }
};

}  // namespace

std::unique_ptr<Model> make_graphql_executor() { return std::make_unique<GraphqlExecutor>(); }

}  // namespace faultline::sim
