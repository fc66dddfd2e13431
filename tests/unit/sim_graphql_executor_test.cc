// sim/models/graphql_executor.cc: resolver calls = fanout + fanout^2 + ... + fanout^depth, busy
// slots = arrival rate x holding time (Little's law), the normal operations' mean latency against
// Erlang C (M/M/c), the depth rule and the execution timeout, saturation once attack work needs
// more slots than there are; determinism; parameter errors; case 11 and its bind.
#include <doctest/doctest.h>

#include <cmath>
#include <map>

#include "sim_support.h"

namespace faultline::sim {
namespace {

using Json = nlohmann::ordered_json;
using namespace faultline::test;

const ModelRunner run{"graphql_executor"};

double erlang_c(int c, double a) {
  double term = 1, sum = 0;
  for (int k = 0; k < c; ++k) {
    sum += term;
    term *= a / (k + 1);
  }
  double top = term * c / (c - a);  // a^c / c! x c / (c - a)
  return top / (sum + top);
}

TEST_CASE("graphql_executor: a query of depth d over lists of f items costs f + f^2 + ... + f^d resolver calls") {
  CHECK(run({{"attack_query_depth", 3}, {"list_fanout", 2}})["resolver_calls_per_attack"] == 14);
  CHECK(run({{"attack_query_depth", 5}, {"list_fanout", 1}})["resolver_calls_per_attack"] == 5);
  CHECK(run({{"attack_query_depth", 50}, {"list_fanout", 2}})["resolver_calls_per_attack"] ==
        doctest::Approx(std::pow(2.0, 51) - 2));
}

TEST_CASE("graphql_executor: busy slots = arrival rate x holding time (Little's law)") {
  // 200 ops/s x (1 ms validation + 20 ms mean) = 4.2 slots. The second half of a 60 s run holds
  // ~6,000 operations; the seeds spread ~2%: each within 8%, the 10-seed mean within 3%.
  double sum = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    double busy = run({{"arrival_rate_per_s", 200}, {"service_time_ms", 20}}, seed)["busy_workers"];
    CHECK(busy == doctest::Approx(4.2).epsilon(0.08));
    sum += busy;
  }
  CHECK(sum / 10 == doctest::Approx(4.2).epsilon(0.03));
}

TEST_CASE("graphql_executor: normal operations alone are an M/M/c queue (Erlang C)") {
  // c = 4, lambda = 150/s, mean 20 ms: a = 3, C(4, 3) = 0.509, mean latency = 20 + C / (c mu -
  // lambda) = 20 + 10.2 = 30.2 ms. 18,000 operations a run; the seeds' means spread ~5% (queue
  // autocorrelation at 75% load): each within 15%, the 10-seed mean within 5%.
  const double expected = 20 + erlang_c(4, 3.0) / (4 * 50.0 - 150) * 1000;
  CHECK(expected == doctest::Approx(30.19).epsilon(0.001));
  double sum = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    auto out = run({{"workers", 4},
                    {"arrival_rate_per_s", 150},
                    {"service_time_ms", 20},
                    {"validation_time_ms", 0},
                    {"duration_s", 120}},
                   seed);
    CHECK(out["mean_latency_ms"] == doctest::Approx(expected).epsilon(0.15));
    sum += out["mean_latency_ms"];
  }
  CHECK(sum / 10 == doctest::Approx(expected).epsilon(0.05));
}

TEST_CASE("graphql_executor: the depth rule rejects deeper operations; the timeout cuts off long ones") {
  Json p = {{"attack_rate_per_s", 2}, {"list_fanout", 2}, {"max_depth", 12}};
  p["attack_query_depth"] = 13;
  CHECK(run(p)["rejected_attack_fraction"] == 1);
  p["attack_query_depth"] = 12;
  CHECK(run(p)["rejected_attack_fraction"] == 0);
  // 2^21 - 2 calls x 10 us = 21 s < 30 s; 2^22 - 2 calls = 42 s > 30 s.
  p["max_depth"] = 100;
  p["attack_query_depth"] = 20;
  CHECK(run(p)["timed_out_attack_fraction"] == 0);
  p["attack_query_depth"] = 21;
  CHECK(run(p)["timed_out_attack_fraction"] == 1);
}

TEST_CASE("graphql_executor: attack work needing more slots than there are takes them all") {
  // 2 ops/s x 30 s = 60 slots > 16: every slot ends up holding an attack and normal operations
  // queue behind them. 0.2 ops/s x 30 s = 6 slots < 16: 4.2 + 6 busy on average (Little), and
  // normal operations rarely wait.
  Json p = {{"workers", 16}, {"attack_rate_per_s", 2}, {"attack_query_depth", 50}};
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    CAPTURE(seed);
    auto out = run(p, seed);
    CHECK(out["busy_workers"] == doctest::Approx(16));
    CHECK(out["p99_latency_ms"] > 10000);
  }
  p["attack_rate_per_s"] = 0.2;
  p["duration_s"] = 600;
  double busy = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) busy += run(p, seed)["busy_workers"];
  // 300 s x 0.2/s = 60 attacks in the measured half: Poisson sd ~13%, so the 10-seed mean
  // (sd ~4%) within 12%.
  CHECK(busy / 10 == doctest::Approx(10.2).epsilon(0.12));
}

TEST_CASE("graphql_executor: same seed, same outputs; an unknown parameter is an Error naming it") {
  Json p = {{"attack_rate_per_s", 1}, {"attack_query_depth", 20}};
  check_deterministic("graphql_executor", p, 3, 4);
  check_unknown_parameter("graphql_executor", {{"execution_timeout_ms", 1000}}, "execution_timeout_ms");
}

TEST_CASE("graphql_executor: case 11 reproduces the symptom and its fix; its bind drives the depth") {
  check_case_verifies(11);
  // An observed depth of 8 is cheap (2^9 calls): no saturation.
  Verification shallow = verify_case(bundled_case(11), 1, {{"graphql.query_depth", 8}});
  CHECK(shallow.bound.at("attack_query_depth") == 8);
  CHECK(shallow.cause.outputs.at("p99_latency_ms") < 1000);
}

}  // namespace
}  // namespace faultline::sim
