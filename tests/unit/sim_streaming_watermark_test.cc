// sim/models/streaming_watermark.cc: events later than the watermark delay are all dropped,
// events earlier than it minus a batch are all kept, the dropped share matches the late events'
// share of what arrived, the watermark trails the clock by its delay; determinism; parameter
// errors; case 111.
#include <doctest/doctest.h>

#include <cmath>
#include <map>

#include "sim_support.h"

namespace faultline::sim {
namespace {

using Json = nlohmann::ordered_json;
using namespace faultline::test;

const ModelRunner run{"streaming_watermark"};

TEST_CASE("streaming_watermark: events later than the watermark delay are dropped, earlier ones kept") {
  // The watermark before the batch at t is the previous batch's newest event time (t - 10 - 2:
  // the 10 s trigger, the 2 s on-time delay) minus the delay: t - 612. That batch's late events
  // have event times in (t - 10 - L, t - L]: all behind the watermark if L > 612, all ahead of it
  // if L <= 602. L = 620 and 580 are exact for every seed.
  Json base = {{"arrival_rate_per_s", 500}, {"late_fraction", 0.1}, {"watermark_delay_s", 600}, {"duration_s", 3600}};
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    CAPTURE(seed);
    Json late = base, early = base;
    late["late_delay_s"] = 620;
    early["late_delay_s"] = 580;
    CHECK(run(late, seed)["late_dropped_fraction"] == 1);
    CHECK(run(early, seed)["dropped_events"] == 0);
    CHECK(run(late, seed)["watermark_lag_s"] == doctest::Approx(600 + 2).epsilon(0.001));
  }
}

TEST_CASE("streaming_watermark: the dropped share is the late events' share of what arrived") {
  // Late events arrive from t = L on: expected dropped share = f (D - L) / ((1 - f)(D - d0) + f (D - L)).
  // Here 0.05 x 6300 / (0.95 x 7198 + 0.05 x 6300) = 0.04403. ~8.3M events a run, binomial sd
  // ~7e-5: within 0.001.
  const double f = 0.05, d = 7200, l = 900, d0 = 2;
  double expected = f * (d - l) / ((1 - f) * (d - d0) + f * (d - l));
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    auto out = run({{"arrival_rate_per_s", 1160},
                    {"late_fraction", f},
                    {"late_delay_s", l},
                    {"watermark_delay_s", 600},
                    {"duration_s", d}},
                   seed);
    CHECK(std::abs(out["dropped_fraction"] - expected) < 0.001);
  }
}

TEST_CASE("streaming_watermark: a watermark delay inside the late window drops part of the late events") {
  // Late events 605 s late: event times (t - 615, t - 605] against a watermark of t - 612 (delay
  // 600) lose 3/10 of them, against t - 608 (delay 596) 7/10.
  Json p = {{"late_fraction", 0.1}, {"late_delay_s", 605}, {"duration_s", 3600}};
  p["watermark_delay_s"] = 600;
  double at600 = run(p)["late_dropped_fraction"];
  p["watermark_delay_s"] = 596;
  double at596 = run(p)["late_dropped_fraction"];
  // ~150,000 late events: binomial sd ~0.001, plus the max-of-uniforms jitter of the newest event
  // time (~10 s / 5,000 events): within 0.01.
  CHECK(at600 == doctest::Approx(0.3).epsilon(0.03));
  CHECK(at596 == doctest::Approx(0.7).epsilon(0.015));
}

TEST_CASE("streaming_watermark: same seed, same outputs; an unknown parameter is an Error naming it") {
  Json p = {{"late_delay_s", 605}, {"duration_s", 1800}};
  check_deterministic("streaming_watermark", p, 3, 4);
  check_unknown_parameter("streaming_watermark", {{"event_rate_per_s", 1000}}, "event_rate_per_s");
}

TEST_CASE("streaming_watermark: case 111 reproduces the symptom and its fix") { check_case_verifies(111); }

}  // namespace
}  // namespace faultline::sim
