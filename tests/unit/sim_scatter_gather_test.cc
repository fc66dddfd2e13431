// sim/models/scatter_gather.cc: the share of queries that wait on a slow shard against
// P(at least one slow) = 1 - (1 - p)^n, per-shard load = rate * fanout / shards, the p99 jump
// once that share passes 1%, M/D/1 queueing at a shard (Pollaczek-Khinchine); determinism;
// parameter errors; case 21.
#include <doctest/doctest.h>

#include <cmath>
#include <map>

#include "common/error.h"
#include "sim_support.h"

namespace faultline::sim {
namespace {

using Json = nlohmann::ordered_json;
using namespace faultline::test;

const ModelRunner run{"scatter_gather"};

TEST_CASE("scatter_gather: the slow-query share is 1 - (1 - p)^fanout") {
  // 200 q/s for 30 s = ~6,000 queries: the share's binomial sd is at most sqrt(0.15 x 0.85 /
  // 6000) = 0.0046 (fanout 16). Each seed within 0.02 (> 4 sd); the 10-seed mean within 0.005
  // (> 3 sd of the mean, 0.0015).
  const double p = 0.01;
  for (int fanout : {1, 4, 16}) {
    CAPTURE(fanout);
    double expected = 1 - std::pow(1 - p, fanout), sum = 0;
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
      auto out = run({{"shards", 16}, {"fanout", fanout}, {"slow_probability", p}}, seed);
      CHECK(std::abs(out["slow_query_fraction"] - expected) < 0.02);
      sum += out["slow_query_fraction"];
    }
    CHECK(std::abs(sum / 10 - expected) < 0.005);
  }
}

TEST_CASE("scatter_gather: each shard sees rate * fanout / shards") {
  // Poisson arrivals: 6,000 expected queries, relative sd 1.3%; within 5% (~4 sd).
  for (int fanout : {1, 8, 16}) {
    CAPTURE(fanout);
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
      auto out = run({{"shards", 16}, {"fanout", fanout}, {"arrival_rate_per_s", 200}}, seed);
      CHECK(out["shard_qps"] == doctest::Approx(200.0 * fanout / 16).epsilon(0.05));
    }
  }
}

TEST_CASE("scatter_gather: p99 is the slow time once more than 1% of queries wait on a slow shard") {
  // fanout 16, p 0.005: 7.7% > 1% -> p99 = 400 ms; fanout 1: 0.5% < 1% -> p99 = 8 ms (no queueing
  // at 1.6% utilisation).
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    CHECK(run({{"fanout", 16}}, seed)["p99_latency_ms"] >= 400);
    CHECK(run({{"fanout", 1}}, seed)["p99_latency_ms"] == doctest::Approx(8));
  }
}

TEST_CASE("scatter_gather: one shard, one worker, constant service is M/D/1") {
  // Pollaczek-Khinchine: mean wait = rho * S / (2 (1 - rho)); rho = 50/s x 10 ms = 0.5, so the
  // mean latency is 10 + 5 = 15 ms. 200 s = ~10,000 queries; the seeds' means spread by ~0.2 ms
  // (sd); each seed within 1.2 ms, the 10-seed mean within 0.4 ms.
  double sum = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    auto out = run({{"shards", 1},
                    {"fanout", 1},
                    {"arrival_rate_per_s", 50},
                    {"service_time_ms", 10},
                    {"slow_probability", 0},
                    {"shard_workers", 1},
                    {"duration_s", 200}},
                   seed);
    CHECK(std::abs(out["mean_latency_ms"] - 15) < 1.2);
    CHECK(out["shard_utilization"] == doctest::Approx(0.5).epsilon(0.05));
    sum += out["mean_latency_ms"];
  }
  CHECK(std::abs(sum / 10 - 15) < 0.4);
}

TEST_CASE("scatter_gather: same seed, same outputs; bad parameters are Errors naming them") {
  check_deterministic("scatter_gather", Json::object(), 2, 3);
  check_unknown_parameter("scatter_gather", {{"qps", 200}}, "qps");
  CHECK_THROWS_AS(run({{"shards", 4}, {"fanout", 5}}), Error);
}

TEST_CASE("scatter_gather: case 21 reproduces the symptom and its fix") {
  check_case_verifies(21);
  // bind: the observed shards-per-query drives the fanout.
  Verification bound = verify_case(bundled_case(21), 1, {{"sharding.shards_per_query", 1}});
  CHECK(bound.cause.outputs.at("p99_latency_ms") < 400);
}

}  // namespace
}  // namespace faultline::sim
