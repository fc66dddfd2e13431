// sim/models/autoscaler.cc: the HPA control loop held to its formula, desired =
// ceil(current * metric / target), sync after sync; the error window = first scale + ready delay;
// the scale-down stabilisation window; max replicas; determinism; parameter errors; case 56.
#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <vector>

#include "sim/model.h"
#include "sim_support.h"

namespace faultline::sim {
namespace {

using Json = nlohmann::ordered_json;
using namespace faultline::test;

const ModelRunner run{"autoscaler"};

// The successive distinct values of the replicas series.
std::vector<long long> steps(const RunResult& r) {
  std::vector<long long> out;
  for (const auto& point : r.series)
    if (out.empty() || out.back() != static_cast<long long>(point.v)) out.push_back(static_cast<long long>(point.v));
  return out;
}

TEST_CASE("autoscaler: replicas follow desired = ceil(current * metric / target), sync after sync") {
  // 10,000 req/s, 100 req/s per pod, target 50%, 2 pods to start. Saturated pods report 100%, so
  // each sync doubles (ceil(r * 1.0 / 0.5)) until the pods are no longer saturated: at 128 the
  // utilisation is 10000/12800 = 0.78125 and ceil(128 * 0.78125 / 0.5) = 200, where it is 50%
  // and stays. Pods are ready at once and scrapes come every second, so each sync sees a full
  // window of the current pods whatever the loops' phases: exact for every seed.
  Json p = {{"arrival_rate_per_s", 10000}, {"pod_capacity_per_s", 100}, {"initial_replicas", 2},
            {"target_utilization", 0.5},   {"metrics_resolution_s", 1}, {"sync_period_s", 15},
            {"pod_ready_delay_s", 0},      {"max_replicas", 500},       {"duration_s", 300}};
  std::vector<long long> expected{2};
  const double rate = 10000, capacity = 100, target = 0.5, tolerance = 0.1;
  for (int sync = 0; sync < 20; ++sync) {
    double r = static_cast<double>(expected.back());
    double metric = std::min(1.0, rate / (r * capacity));
    if (std::abs(metric / target - 1) <= tolerance) break;
    expected.push_back(static_cast<long long>(std::ceil(r * metric / target)));
  }
  CHECK(expected == std::vector<long long>{2, 4, 8, 16, 32, 64, 128, 200});
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    CAPTURE(seed);
    RunResult r = run_model("autoscaler", p, seed);
    CHECK(steps(r) == expected);
    // The first sync with a scrape behind it comes within two sync periods.
    CHECK(r.outputs.at("first_scale_s") <= 30 + 1e-9);
  }
}

TEST_CASE("autoscaler: within the tolerance nothing scales; outside it one sync reaches the target") {
  // 10 pods at 90% with target 50%: ceil(10 * 0.9 / 0.5) = 18, then 900/1800 = 50% holds.
  auto out = run({{"arrival_rate_per_s", 900},
                  {"pod_capacity_per_s", 100},
                  {"initial_replicas", 10},
                  {"target_utilization", 0.5},
                  {"metrics_resolution_s", 1},
                  {"pod_ready_delay_s", 0}});
  CHECK(out["final_replicas"] == 18);
  CHECK(out["peak_replicas"] == 18);
  // 10 pods at 54% with target 50%: ratio 1.08 is within the 10% tolerance.
  out = run({{"arrival_rate_per_s", 540},
             {"pod_capacity_per_s", 100},
             {"initial_replicas", 10},
             {"target_utilization", 0.5},
             {"metrics_resolution_s", 1}});
  CHECK(out["final_replicas"] == 10);
  CHECK(out["first_scale_s"] == -1);
}

TEST_CASE("autoscaler: errors last from the cut-over to the first scale-up plus the pod ready delay") {
  // Case 56's numbers: 8 saturated pods shed 20%; the HPA's first change comes after the first
  // scrape and sync, 0-30 s in; 12 pods serve pod_ready_delay_s later, and the one-second ticks
  // add up to 2 s (the pods count from the first whole second they are ready). Exact bounds.
  Json p = {{"arrival_rate_per_s", 2000}, {"pod_capacity_per_s", 200},  {"initial_replicas", 8},
            {"target_utilization", 0.7},  {"metrics_resolution_s", 15}, {"sync_period_s", 15},
            {"pod_ready_delay_s", 75},    {"max_replicas", 30}};
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    CAPTURE(seed);
    auto out = run(p, seed);
    CHECK(out["peak_error_rate"] == doctest::Approx(0.2));
    CHECK(out["first_scale_s"] > 0);
    CHECK(out["first_scale_s"] <= 30);
    CHECK(out["error_window_s"] >= out["first_scale_s"] + 75 - 1);
    CHECK(out["error_window_s"] <= out["first_scale_s"] + 75 + 2);
    CHECK(out["final_replicas"] == 15);  // 12 at 83% -> ceil(12 * 0.833 / 0.7) = 15 at 67%
  }
}

TEST_CASE("autoscaler: a scale-down waits for the stabilisation window") {
  // 20 pods at 50% target; at 100 s the load drops to a fifth. The HPA recommends 4 at the next
  // syncs, but a scale-down takes the highest recommendation of the last 300 s, which holds 20
  // until 300 s after the last sync that saw the full load. That sync came in [87, 102) (the
  // tick ending at 100 s is the last at full load, scrapes come every second, syncs every 15 s),
  // so the scale-down comes at a sync in [387, 417]; without the window, at the first sync whose
  // scrape saw the drop, by 117 s.
  Json p = {{"arrival_rate_per_s", 1000}, {"step_at_s", 100},       {"step_arrival_rate_per_s", 200},
            {"pod_capacity_per_s", 100},  {"initial_replicas", 20}, {"target_utilization", 0.5},
            {"metrics_resolution_s", 1},  {"pod_ready_delay_s", 0}, {"duration_s", 600}};
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    CAPTURE(seed);
    RunResult r = run_model("autoscaler", p, seed);
    CHECK(r.outputs.at("final_replicas") == 4);
    CHECK(r.outputs.at("first_scale_s") >= 387 - 1e-6);
    CHECK(r.outputs.at("first_scale_s") <= 417 + 1e-6);
    Json quick = p;
    quick["scale_down_stabilization_s"] = 0;
    auto fast = run(quick, seed);
    CHECK(fast["first_scale_s"] > 100);
    CHECK(fast["first_scale_s"] <= 117 + 1e-6);
    CHECK(fast["final_replicas"] == 4);
  }
}

TEST_CASE("autoscaler: max_replicas caps the scale-up and the shedding goes on") {
  auto out = run({{"arrival_rate_per_s", 5000},
                  {"pod_capacity_per_s", 100},
                  {"initial_replicas", 10},
                  {"max_replicas", 30},
                  {"pod_ready_delay_s", 10},
                  {"duration_s", 300}});
  CHECK(out["final_replicas"] == 30);
  CHECK(out["peak_replicas"] == 30);
  CHECK(out["error_rate"] > 0.35);  // 3000 of 5000 served once at the cap
}

TEST_CASE("autoscaler: same seed, same outputs; an unknown parameter is an Error naming it") {
  Json p = {{"arrival_rate_per_s", 2000}, {"pod_capacity_per_s", 200}, {"initial_replicas", 8}};
  check_deterministic("autoscaler", p, 5, 6, "first_scale_s");  // the loops' phases differ
  check_unknown_parameter("autoscaler", {{"hpa_sync_period_s", 15}}, "hpa_sync_period_s");
}

TEST_CASE("autoscaler: case 56 reproduces the symptom and its fix") { check_case_verifies(56); }

}  // namespace
}  // namespace faultline::sim
