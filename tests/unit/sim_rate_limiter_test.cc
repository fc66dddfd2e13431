// sim/models/rate_limiter.cc: token bucket burst = capacity then the refill rate, fixed and
// sliding windows admit the limit per window, leaky bucket delays, per-key independence, and
// the cases that use it (71, 91).
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "sim_support.h"

namespace faultline::sim {
namespace {

using Json = nlohmann::ordered_json;
using namespace faultline::test;

const ModelRunner run{"rate_limiter"};

TEST_CASE("rate_limiter: a token bucket admits exactly its capacity of an instantaneous burst") {
  // One burst of 100 requests at once (1 req/s on average in bursts of 100 = one burst per
  // 100 s, at a random phase inside the 100 s run): a full bucket of 20 admits 20. Exact for
  // every seed, since only the phase is random.
  Json p = {
      {"algorithm", "token_bucket"},   {"refill_rate_per_s", 1}, {"bucket_capacity", 20}, {"arrival_rate_per_s", 1},
      {"arrival_pattern", "periodic"}, {"burst_size", 100},      {"duration_s", 100}};
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    Outputs r = run(p, seed);
    CHECK(std::abs(r.at("admitted_fraction") - 0.2) < 1e-12);
    CHECK(r.at("p99_delay_ms") == 0);  // a token bucket rejects, it never delays
  }
}

TEST_CASE("rate_limiter: then the bucket refills at its rate") {
  // Bursts of 100 every 10 s: the first finds 20 tokens, each later one the 10 refilled in
  // 10 s; 10 bursts in 100 s: 20 + 9 x 10 = 110 admitted. Exact for every seed.
  Json p = {
      {"algorithm", "token_bucket"},   {"refill_rate_per_s", 1}, {"bucket_capacity", 20}, {"arrival_rate_per_s", 10},
      {"arrival_pattern", "periodic"}, {"burst_size", 100},      {"duration_s", 100}};
  for (std::uint64_t seed = 1; seed <= 10; ++seed) CHECK(std::abs(run(p, seed).at("admitted_per_s") - 1.1) < 1e-12);
  // Poisson overload at 10x the refill: every token is used, none overflows the bucket, so
  // 1000 s admit the 5 initial tokens plus 10,000 refilled, less the fraction of one token
  // still accruing at the end: between 10,004 and 10,005.
  Json q = {{"algorithm", "token_bucket"},
            {"refill_rate_per_s", 10},
            {"bucket_capacity", 5},
            {"arrival_rate_per_s", 100},
            {"duration_s", 1000}};
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    double admitted = run(q, seed).at("admitted_per_s") * 1000;
    CHECK(admitted >= 10004 - 1e-6);
    CHECK(admitted <= 10005 + 1e-6);
  }
}

TEST_CASE("rate_limiter: a fixed window admits its limit per window; a sliding window never more") {
  // Poisson 100/s against 50 per 1 s window: every window has at least 50 arrivals (P(fewer)
  // ~ 1e-7 per window), so exactly 50/s are admitted, for every seed.
  Json p = {{"algorithm", "fixed_window"},
            {"limit_per_window", 50},
            {"window_s", 1},
            {"arrival_rate_per_s", 100},
            {"duration_s", 100}};
  for (std::uint64_t seed = 1; seed <= 10; ++seed) CHECK(std::abs(run(p, seed).at("admitted_per_s") - 50) < 1e-9);
  // A sliding log admits at most 50 in any trailing second, so at most 50/s; a freed slot is
  // taken by the next arrival (~10 ms later), so a little less: 49.05..49.18 over seeds 1..12.
  p["algorithm"] = "sliding_window";
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    double admitted = run(p, seed).at("admitted_per_s");
    CHECK(admitted <= 50 + 1e-9);
    CHECK(admitted >= 48.5);
  }
}

TEST_CASE("rate_limiter: a leaky bucket (nginx limit_req, no nodelay) admits burst + 1 and delays them") {
  // A burst of 30 at once into burst=10 at 5/s: 11 admitted with delays 0, 0.2, ..., 2 s:
  // mean 1 s, p99 1.98 s (interpolated between the two largest). Exact.
  Json p = {
      {"algorithm", "leaky_bucket"},   {"refill_rate_per_s", 5}, {"bucket_capacity", 10}, {"arrival_rate_per_s", 0.3},
      {"arrival_pattern", "periodic"}, {"burst_size", 30},       {"duration_s", 100}};
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    Outputs r = run(p, seed);
    CHECK(std::abs(r.at("admitted_fraction") - 11.0 / 30) < 1e-12);
    CHECK(std::abs(r.at("mean_delay_ms") - 1000) < 1e-6);
    CHECK(std::abs(r.at("p99_delay_ms") - 1980) < 1e-6);
  }
}

TEST_CASE("rate_limiter: keys are limited independently, so spreading traffic over keys admits more") {
  Json p = {{"algorithm", "token_bucket"},
            {"refill_rate_per_s", 1},
            {"bucket_capacity", 20},
            {"arrival_rate_per_s", 50},
            {"keys", 5},
            {"arrival_pattern", "periodic"},
            {"burst_size", 100},
            {"duration_s", 100}};
  CHECK(std::abs(run(p, 3).at("admitted_per_s") - 5 * 1.1) < 1e-12);
  // The same 50/s on one key: 50 bursts, one every 2 s; the first finds 20 tokens, each later
  // one the 2 refilled since: (20 + 49 x 2) / 100 s = 1.18/s instead of 5.5/s.
  p["keys"] = 1;
  CHECK(std::abs(run(p, 3).at("admitted_per_s") - 1.18) < 1e-9);
}

TEST_CASE("rate_limiter: same seed, same outputs; unknown parameters and algorithms are errors naming them") {
  Json p = {{"keys", 50}, {"arrival_rate_per_s", 400}, {"refill_rate_per_s", 5}, {"bucket_capacity", 3}};
  check_deterministic("rate_limiter", p, 4, 5);
  check_unknown_parameter("rate_limiter", {{"bucket_capacty", 5}}, "bucket_capacty");
  check_error_naming("rate_limiter", {{"algorithm", "gcra"}}, "'gcra'");
}

TEST_CASE("rate_limiter: cases 71 and 91 verify (symptom with the cause, gone with the fix)") {
  for (int id : {71, 91}) {
    CAPTURE(id);
    CHECK(bundled_case(id).simulation->model == "rate_limiter");
    check_case_verifies(id);
  }
}

}  // namespace
}  // namespace faultline::sim
