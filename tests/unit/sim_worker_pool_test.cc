// sim/models/worker_pool.cc: a FIFO queue served by N workers, held to queueing theory (Erlang C,
// M/M/1/K blocking, Little's law), batch makespan, CFS quota arithmetic and the pool-induced
// deadlock of parents blocking on subtasks in their own pool.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "common/error.h"
#include "sim_support.h"

namespace faultline::sim {
namespace {

using namespace faultline::test;

const ModelRunner run{"worker_pool"};

// Erlang C: the probability that an arrival waits in M/M/c with offered load a = lambda / mu.
double erlang_c(int c, double a) {
  double term = 1, sum = 1;  // sum_{k<c} a^k / k!
  for (int k = 1; k < c; ++k) {
    term *= a / k;
    sum += term;
  }
  double last = term * a / c;  // a^c / c!
  double rho = a / c;
  return last / (1 - rho) / (sum + last / (1 - rho));
}

struct Spread {
  double mean = 0, min = 1e300, max = -1e300;
};

Spread over_seeds(const nlohmann::ordered_json& params, const std::string& output, int seeds = 10) {
  Spread s;
  for (int seed = 1; seed <= seeds; ++seed) {
    double v = run(params, static_cast<std::uint64_t>(seed)).at(output);
    s.mean += v / seeds;
    s.min = std::min(s.min, v);
    s.max = std::max(s.max, v);
  }
  return s;
}

TEST_CASE("worker_pool: M/M/c mean queue wait matches Erlang C") {
  // c = 4, mean service 50 ms (mu = 20/s), lambda = 64/s: rho = 0.8, a = 3.2.
  // Erlang C = 0.5964, Wq = C / (c mu - lambda) = 0.5964 / 16 s = 37.3 ms.
  // Over 600 s (38,400 requests) seeds 1-10 spread from -12% to +8% around it (waits are
  // strongly correlated at rho = 0.8), so the mean of 10 seeds has a standard error of ~2%:
  // allow 6% for the mean and 30% for any single seed.
  nlohmann::ordered_json p = {{"workers", 4}, {"service_time_ms", 50}, {"arrival_rate_per_s", 64}, {"duration_s", 600}};
  double theory_ms = erlang_c(4, 3.2) / (4 * 20.0 - 64) * 1000;
  CHECK(erlang_c(4, 3.2) == doctest::Approx(0.5964).epsilon(0.001));
  Spread wq = over_seeds(p, "mean_queue_wait_ms");
  CHECK(wq.mean == doctest::Approx(theory_ms).epsilon(0.06));
  CHECK(wq.min > theory_ms * 0.7);
  CHECK(wq.max < theory_ms * 1.3);
  // The queue length by Little's law from the theory: Lq = lambda Wq = 2.39.
  Spread lq = over_seeds(p, "mean_queue_length");
  CHECK(lq.mean == doctest::Approx(64 * theory_ms / 1000).epsilon(0.06));
  // Busy workers = lambda x mean service (Little on the servers): utilisation = rho = 0.8,
  // seeds spread +-1%; allow 2% for the mean of 10.
  CHECK(over_seeds(p, "utilization").mean == doctest::Approx(0.8).epsilon(0.02));

  // M/M/1 at rho = 0.5 (mu = 100/s, lambda = 50/s): Wq = rho / (mu - lambda) = 10 ms; C(1, a) = a.
  // 300 s gives 15,000 requests; seeds spread +-7%, so the mean of 10 (s.e. ~2%) is held to 5%.
  CHECK(erlang_c(1, 0.5) == doctest::Approx(0.5));
  nlohmann::ordered_json m1 = {
      {"workers", 1}, {"service_time_ms", 10}, {"arrival_rate_per_s", 50}, {"duration_s", 300}};
  CHECK(over_seeds(m1, "mean_queue_wait_ms").mean == doctest::Approx(10).epsilon(0.05));
}

TEST_CASE("worker_pool: Little's law holds on the queue") {
  // On a drained run every queued request's wait lies inside the window, so the time-average
  // queue length equals the accepted arrival rate times the mean wait on each sample path; the
  // two are computed independently (area under the queue vs per-request waits), so they must
  // agree to rounding (1e-6), seed after seed, with and without a bounded queue.
  for (const nlohmann::ordered_json& p :
       {nlohmann::ordered_json{
            {"workers", 3}, {"service_time_ms", 20}, {"arrival_rate_per_s", 140}, {"duration_s", 120}},
        nlohmann::ordered_json{{"workers", 2},
                               {"service_time_ms", 30},
                               {"arrival_rate_per_s", 80},
                               {"duration_s", 120},
                               {"queue_capacity", 10}}}) {
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
      auto out = run(p, seed);
      double lambda = out.at("completed_per_s");  // accepted and completed, over the same window
      CAPTURE(seed);
      CHECK(out.at("mean_queue_length") > 0.1);
      CHECK(out.at("mean_queue_length") == doctest::Approx(lambda * out.at("mean_queue_wait_ms") / 1000).epsilon(1e-6));
    }
  }
}

TEST_CASE("worker_pool: a bounded queue rejects like M/M/1/K") {
  // One worker, 4 waiting places (K = 5 in the system), rho = 0.9:
  // P(block) = (1 - rho) rho^K / (1 - rho^(K+1)) = 0.1260. 600 s at 90/s gives 54,000
  // arrivals; seeds 1-10 spread from -1.5% to +4%, the mean of 10 is held to 4%.
  nlohmann::ordered_json p = {
      {"workers", 1}, {"service_time_ms", 10}, {"arrival_rate_per_s", 90}, {"duration_s", 600}, {"queue_capacity", 4}};
  double rho = 0.9, theory = (1 - rho) * std::pow(rho, 5) / (1 - std::pow(rho, 6));
  CHECK(over_seeds(p, "rejected_fraction").mean == doctest::Approx(theory).epsilon(0.04));
  CHECK(run(p).at("max_queue_length") == 4);
}

TEST_CASE("worker_pool: a batch's makespan is its work divided over the workers") {
  // 10 jobs of exactly 100 ms on 4 workers run in 3 waves: 300 ms.
  auto out = run({{"jobs", 10}, {"workers", 4}, {"service_time_ms", 100}, {"service_distribution", "constant"}});
  CHECK(out.at("makespan_ms") == doctest::Approx(300));
  CHECK(out.at("completed") == 10);
  CHECK(out.at("max_queue_length") == 6);
  // 20,000 exponential jobs of mean 1 ms on 4 workers: about 20,000 / 4 = 5,000 ms. Each worker's
  // total has a standard deviation of sqrt(5000) = 71 ms (1.4%), and the greedy pool ends within
  // one job of even; seeds 1-10 fall within 1.1%, each is held to 4% (about 3 sigma).
  Spread m = over_seeds({{"jobs", 20000}, {"workers", 4}, {"service_time_ms", 1}}, "makespan_ms");
  CHECK(m.min > 5000 * 0.96);
  CHECK(m.max < 5000 * 1.04);
}

TEST_CASE("worker_pool: a CFS quota throttles the pool every period") {
  // 90 jobs of 10 ms CPU on 2 workers under 0.4 cores (40 ms per 100 ms period): both workers
  // burn the quota in 20 ms and wait 80 ms. 900 ms of CPU = 22 full periods (880 ms) and then
  // 20 ms at 2 cores = 10 ms: makespan 2,210 ms instead of 450 ms unthrottled. 22 of the 23
  // periods ran out of quota.
  nlohmann::ordered_json p = {
      {"jobs", 90}, {"workers", 2}, {"service_time_ms", 10}, {"service_distribution", "constant"}};
  CHECK(run(p).at("makespan_ms") == doctest::Approx(450));
  p["cpu_limit_cores"] = 0.4;
  auto out = run(p);
  CHECK(out.at("makespan_ms") == doctest::Approx(2210));
  CHECK(out.at("throttled_period_ratio") == doctest::Approx(22.0 / 23));
  CHECK(out.at("cpu_utilization") == doctest::Approx(900.0 / 2210 / 0.4));
  // A limit at or above the demand never throttles.
  p["cpu_limit_cores"] = 2;
  CHECK(run(p).at("throttled_period_ratio") == 0);
  CHECK(run(p).at("makespan_ms") == doctest::Approx(450));
}

TEST_CASE("worker_pool: a blocking call holds the worker but uses no CPU") {
  auto out = run({{"jobs", 20},
                  {"workers", 10},
                  {"service_time_ms", 0},
                  {"blocking_call_ms", 1000},
                  {"service_distribution", "constant"}});
  CHECK(out.at("makespan_ms") == doctest::Approx(2000));
  CHECK(out.at("utilization") == doctest::Approx(1));
  CHECK(out.at("cpu_utilization") == 0);
  CHECK(out.at("blocked_threads") == 10);
}

TEST_CASE("worker_pool: parents blocking on subtasks in their own pool deadlock once they fill it") {
  // A closed loop of parents, each submitting 3 subtasks to the same 10-thread pool. With 10 or
  // more parents in flight every thread ends up parked on queued subtasks: nothing completes.
  // With 9, one thread is always free for subtasks and the pool makes progress.
  nlohmann::ordered_json p = {
      {"workers", 10}, {"subtasks_per_parent", 3}, {"subtask_time_ms", 2}, {"service_time_ms", 1}, {"duration_s", 1}};
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    CAPTURE(seed);
    p["parent_concurrency"] = 10;
    auto stuck = run(p, seed);
    CHECK(stuck.at("deadlocked") == 1);
    CHECK(stuck.at("completed") == 0);
    CHECK(stuck.at("blocked_threads") == 10);
    CHECK(stuck.at("unfinished_requests") == 10);
    CHECK(stuck.at("max_queue_length") == 30);
    p["parent_concurrency"] = 9;
    auto ok = run(p, seed);
    CHECK(ok.at("deadlocked") == 0);
    CHECK(ok.at("unfinished_requests") == 0);
    // A parent needs 1 + 3 x 2 = 7 ms of CPU: 10 threads finish at most 10 / 7 ms = 1429
    // parents/s, fewer since parked parents hold threads; at least one thread always serves
    // subtasks, 1000 / 6 = 167 parents/s. Seeds 1-10 give 600-650.
    CHECK(ok.at("completed_per_s") > 167);
    CHECK(ok.at("completed_per_s") < 1429);
  }
}

TEST_CASE("worker_pool: the same seed gives the same run") {
  nlohmann::ordered_json p = {{"workers", 2},
                              {"service_time_ms", 0.35},
                              {"arrival_rate_per_s", 1000},
                              {"duration_s", 5},
                              {"cpu_limit_cores", 0.5}};
  check_deterministic("worker_pool", p, 7, 8, "p99_latency_ms");
}

TEST_CASE("worker_pool: an unknown parameter is an error naming it") {
  check_unknown_parameter("worker_pool", {{"threads", 100}}, "threads");
  CHECK_THROWS_AS(run({{"service_distribution", "pareto"}}), Error);
  CHECK_THROWS_AS(run({{"workers", 0}}), Error);
}

TEST_CASE("worker_pool: its cases reproduce the symptom and its fix") {
  for (int id : {26, 41, 66, 76, 81, 131}) {
    CAPTURE(id);
    CHECK(check_case_verifies(id).model == "worker_pool");
  }
}

}  // namespace
}  // namespace faultline::sim
