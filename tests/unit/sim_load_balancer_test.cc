// sim/models/load_balancer.cc: round robin's 1/n shares, random's binomial shares, least_conn
// keeping in-flight counts within 1, random splitting giving M/M/c backends (Erlang C), the
// long-poll backend, and case 101.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "common/error.h"
#include "sim_support.h"

namespace faultline::sim {
namespace {

using Json = nlohmann::ordered_json;
using namespace faultline::test;

const ModelRunner run{"load_balancer"};

TEST_CASE("load_balancer: round robin gives each backend 1/n of the requests") {
  // ~42,000 requests over 7 backends: counts differ by at most one, so shares are 1/7 within
  // 1/42,000 (allow 3e-5). Exact by construction for every seed.
  Json p = {{"backends", 7}, {"policy", "round_robin"}, {"arrival_rate_per_s", 700}, {"duration_s", 60}};
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    Outputs r = run(p, seed);
    CHECK(std::abs(r.at("max_backend_share") - 1.0 / 7) < 3e-5);
    CHECK(std::abs(r.at("min_backend_share") - 1.0 / 7) < 3e-5);
  }
}

TEST_CASE("load_balancer: random gives each backend 1/n within the binomial spread") {
  // One share's sd is sqrt(p (1 - p) / N) = sqrt(1/7 x 6/7 / 42,000) = 0.0017; the largest
  // deviation of 7 shares across seeds 1..12 was 0.0041. Allow 0.008 (4.7 sd).
  Json p = {{"backends", 7}, {"policy", "random"}, {"arrival_rate_per_s", 700}, {"duration_s", 60}};
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    Outputs r = run(p, seed);
    CHECK(std::abs(r.at("max_backend_share") - 1.0 / 7) < 0.008);
    CHECK(std::abs(r.at("min_backend_share") - 1.0 / 7) < 0.008);
  }
}

TEST_CASE("load_balancer: least_conn keeps in-flight counts within 1 of each other under equal service times") {
  // Constant service times, 5 backends of 10 workers, loads from half to 120% of capacity
  // (then requests queue on the backends, and the queue counts as in flight). At every
  // arrival the largest minus the smallest in-flight count is at most 1, for every seed.
  for (double rho : {0.5, 0.9, 1.2}) {
    Json p = {{"backends", 5},          {"policy", "least_conn"},          {"arrival_rate_per_s", 500 * rho},
              {"service_time_ms", 100}, {"service_time_dist", "constant"}, {"backend_max_concurrency", 10},
              {"duration_s", 100}};
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
      CAPTURE(rho);
      CAPTURE(seed);
      CHECK(run(p, seed).at("max_in_flight_spread") <= 1);
    }
  }
}

TEST_CASE("load_balancer: random splitting of Poisson traffic makes each backend an M/M/c queue") {
  // 4 backends of c = 2 workers, 60/s split at random = 15/s each, 100 ms exponential service:
  // a = 1.5 Erlangs, C(2, 1.5) = 0.643, mean response = C / (c mu - lambda) + 1 / mu =
  // 0.643 / 5 + 0.1 s = 228.6 ms. Over 1000 s, seeds 1..12 gave sd 9 ms: per seed allow 40 ms
  // (4.4 sd), the mean of 12 seeds 10 ms (3.8 sd of the mean).
  Json p = {{"backends", 4},          {"policy", "random"},           {"arrival_rate_per_s", 60},
            {"service_time_ms", 100}, {"backend_max_concurrency", 2}, {"duration_s", 1000}};
  double a = 1.5, c = (a * a / 2 * 2 / (2 - a)) / (1 + a + a * a / 2 * 2 / (2 - a));
  double expected = (c / (20 - 15) + 0.1) * 1000;
  REQUIRE(expected == doctest::Approx(228.57).epsilon(0.001));
  double sum = 0;
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    double mean = run(p, seed).at("mean_latency_ms");
    CHECK(std::abs(mean - expected) < 40);
    sum += mean;
  }
  CHECK(std::abs(sum / 12 - expected) < 10);
}

TEST_CASE("load_balancer: long polls pin one backend; round robin overloads it, least_conn avoids it") {
  // 4 backends of 10 workers, 200/s of 50 ms: 2.5 busy workers each. Backend 0 holds 9 long
  // polls, leaving 1 worker = 20/s for its 50/s share under round robin: at least 60% of its
  // requests fail once its queue reaches the timeout (more, as what it serves late also
  // fails). least_conn sends it nothing while it holds 9 and the others ~3.
  Json p = {{"backends", 4},
            {"policy", "round_robin"},
            {"arrival_rate_per_s", 200},
            {"service_time_ms", 50},
            {"backend_max_concurrency", 10},
            {"long_poll_backend", 0},
            {"long_poll_in_flight", 9},
            {"request_timeout_ms", 2000},
            {"duration_s", 200}};
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    Outputs r = run(p, seed);
    CHECK(r.at("long_poll_backend_error_rate") >= 0.6);
    CHECK(std::abs(r.at("long_poll_backend_share") - 0.25) < 1e-3);
  }
  p["policy"] = "least_conn";
  Outputs r = run(p, 1);
  CHECK(r.at("long_poll_backend_share") < 0.01);
  CHECK(r.at("error_rate") == 0);
}

TEST_CASE("load_balancer: same seed, same outputs; unknown parameters and policies are errors naming them") {
  Json p = {{"backends", 3}, {"policy", "least_conn"}, {"arrival_rate_per_s", 300}, {"backend_max_concurrency", 4}};
  check_deterministic("load_balancer", p, 2, 3);
  check_unknown_parameter("load_balancer", {{"backend", 3}}, "backend");
  check_error_naming("load_balancer", {{"policy", "weighted"}}, "'weighted'");
  CHECK_THROWS_AS(run({{"backends", 3}, {"long_poll_backend", 3}}, 1), Error);
}

TEST_CASE("load_balancer: case 101 verifies (symptom with round robin, gone with least_conn)") {
  CHECK(bundled_case(101).simulation->model == "load_balancer");
  check_case_verifies(101);
}

}  // namespace
}  // namespace faultline::sim
