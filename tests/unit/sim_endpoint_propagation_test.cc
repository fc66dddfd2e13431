// sim/models/endpoint_propagation.cc: the share of failing requests = the share of pooled
// connections on the dead node's pods, the error window = max(dead-peer timeout, endpoint
// removal + connect timeout), the NotReady timing from the grace period; determinism;
// parameter errors; case 1.
#include <doctest/doctest.h>

#include <map>

#include "sim_support.h"

namespace faultline::sim {
namespace {

using Json = nlohmann::ordered_json;
using namespace faultline::test;

const ModelRunner run{"endpoint_propagation"};

TEST_CASE("endpoint_propagation: the failing share is the share of pods on the dead node") {
  // 200 connections dialled uniformly: the share leading to the dead pods is binomial, sd
  // sqrt(q(1-q)/200) = 0.021 for q = 0.1 and 0.032 for q = 0.3; the requests add a little. The
  // 10-seed mean has sd ~0.01: within 0.03 (3 sd); each seed within 0.1 (~4 sd).
  for (auto [dead, share] : {std::pair{1, 0.1}, std::pair{3, 0.3}}) {
    CAPTURE(dead);
    double sum = 0;
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
      auto out = run({{"replicas", 10}, {"replicas_on_failed_node", dead}, {"client_dead_peer_timeout_s", 600}}, seed);
      CHECK(std::abs(out["error_rate"] - share) < 0.1);
      sum += out["error_rate"];
    }
    CHECK(std::abs(sum / 10 - share) < 0.03);
  }
  CHECK(run({{"replicas_on_failed_node", 0}})["failed_requests"] == 0);
}

TEST_CASE("endpoint_propagation: errors last until the dead-peer timeout when it outlasts endpoint removal") {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    CAPTURE(seed);
    auto out = run({{"client_dead_peer_timeout_s", 924}}, seed);
    CHECK(out["error_window_s"] == 924);  // the pinned connections fail every second until then
    // NotReady: the last lease renewal was 0-10 s before the failure, + 40 s grace, then the next
    // 5 s controller check; kube-proxy 2 s later.
    CHECK(out["endpoint_removed_s"] >= 40 - 10 + 2);
    CHECK(out["endpoint_removed_s"] <= 40 + 5 + 2);
    CHECK(out["replaced_s"] == doctest::Approx(out["endpoint_removed_s"] - 2 + 300 + 30));
  }
}

TEST_CASE("endpoint_propagation: with a short dead-peer timeout errors end once the endpoint is gone") {
  // Redials before the removal can still pick the dead pod; such a dial fails for connect_timeout_s
  // and is retried, so the last error comes before removal + connect timeout (+1 s tick).
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    CAPTURE(seed);
    auto out = run({{"client_dead_peer_timeout_s", 20}, {"connect_timeout_s", 5}}, seed);
    CHECK(out["error_window_s"] >= 20);
    CHECK(out["error_window_s"] <= out["endpoint_removed_s"] + 5 + 1);
    // A dead-peer timeout after the removal: every redial lands on a live pod.
    out = run({{"client_dead_peer_timeout_s", 120}}, seed);
    CHECK(out["error_window_s"] == 120);
  }
}

TEST_CASE("endpoint_propagation: same seed, same outputs; an unknown parameter is an Error naming it") {
  check_deterministic("endpoint_propagation", Json::object(), 4, 5);
  check_unknown_parameter("endpoint_propagation", {{"request_rate_per_s", 200}}, "request_rate_per_s");
}

TEST_CASE("endpoint_propagation: case 1 reproduces the symptom and its fix") { check_case_verifies(1); }

}  // namespace
}  // namespace faultline::sim
