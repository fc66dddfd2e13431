// sim/models/broker_queue.cc: a queue whose arrival rate is below its service rate stays
// bounded; above it, it grows at (arrival - service); past the RAM limit delivery falls to the
// paged rate; more queues split the load; determinism; parameter errors; case 161.
#include <doctest/doctest.h>

#include <cmath>
#include <map>

#include "sim_support.h"

namespace faultline::sim {
namespace {

using Json = nlohmann::ordered_json;
using namespace faultline::test;

const ModelRunner run{"broker_queue"};

TEST_CASE("broker_queue: arrival below the service rate stays bounded, above it grows at the difference") {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    CAPTURE(seed);
    // 5,500/s into 6,000/s: per 100 ms tick 550 +- 23 arrive and 600 can leave; a backlog needs
    // 2+ sd in a tick and drains the next. Bounded by a few ticks' excess: < 300 messages.
    auto under = run({{"arrival_rate_per_s", 5500}, {"queue_capacity_per_s", 6000}, {"ram_message_limit", 1e9}}, seed);
    CHECK(under["max_queue_depth"] < 300);
    CHECK(under["delivery_rate_per_s"] == doctest::Approx(5500).epsilon(0.01));
    // 8,000/s into 6,000/s: growth 2,000/s; over the last 150 s the arrivals' sd is
    // sqrt(8000 x 150) / 150 = 7.3/s, so within 1% (20/s, ~3 sd).
    auto over = run({{"arrival_rate_per_s", 8000}, {"queue_capacity_per_s", 6000}, {"ram_message_limit", 1e9}}, seed);
    CHECK(over["depth_growth_per_s"] == doctest::Approx(2000).epsilon(0.01));
    CHECK(over["delivery_rate_per_s"] == doctest::Approx(6000));
    CHECK(over["queue_depth"] == doctest::Approx(2000.0 * 600).epsilon(0.01));
  }
}

TEST_CASE("broker_queue: past the RAM limit delivery falls to the paged rate") {
  // 15,000/s into 12,000/s: the backlog passes 500,000 at 500,000 / 3,000 = 167 s; then 2,000/s
  // leave and the depth grows 13,000/s.
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    auto out =
        run({{"arrival_rate_per_s", 15000}, {"queue_capacity_per_s", 12000}, {"paged_capacity_per_s", 2000}}, seed);
    CHECK(out["paging_started_s"] == doctest::Approx(500000.0 / 3000).epsilon(0.01));
    CHECK(out["delivery_rate_per_s"] == doctest::Approx(2000));
    CHECK(out["depth_growth_per_s"] == doctest::Approx(13000).epsilon(0.01));
  }
}

TEST_CASE("broker_queue: spreading over queues divides each queue's load") {
  // 15,000/s over 2 queues of 12,000/s: 7,500/s each, bounded; over 4 queues of 3,000/s:
  // 3,750/s each, growing 4 x 750 = 3,000/s in total.
  auto two = run({{"arrival_rate_per_s", 15000}, {"queues", 2}, {"queue_capacity_per_s", 12000}});
  CHECK(two["queue_depth"] < 1000);
  CHECK(two["paging_started_s"] == -1);
  auto four =
      run({{"arrival_rate_per_s", 15000}, {"queues", 4}, {"queue_capacity_per_s", 3000}, {"ram_message_limit", 1e9}});
  CHECK(four["depth_growth_per_s"] == doctest::Approx(3000).epsilon(0.02));
}

TEST_CASE("broker_queue: same seed, same outputs; an unknown parameter is an Error naming it") {
  Json p = {{"arrival_rate_per_s", 11000}};
  check_deterministic("broker_queue", p, 3, 4);
  check_unknown_parameter("broker_queue", {{"publish_rate_per_s", 15000}}, "publish_rate_per_s");
}

TEST_CASE("broker_queue: case 161 reproduces the symptom and its fix") { check_case_verifies(161); }

}  // namespace
}  // namespace faultline::sim
