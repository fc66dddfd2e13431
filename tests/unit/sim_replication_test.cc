// sim/models/replication.cc: data lost on failover = time since the newest archived WAL
// (bounded by archive_timeout when archiving works, ~the failure's age when it silently does
// not), recovery after repair, and the async replica's replay lag against M/M/1 (mean sojourn
// 1 / (mu - lambda), P(lag > d) = exp(-(mu - lambda) d)); determinism; parameter errors; case 121.
#include <doctest/doctest.h>

#include <cmath>
#include <map>

#include "sim_support.h"

namespace faultline::sim {
namespace {

using Json = nlohmann::ordered_json;
using namespace faultline::test;

const ModelRunner run{"replication"};

TEST_CASE("replication: working archiving loses at most one archive_timeout plus an upload") {
  // A segment closes every 60 s and uploads in 1-3 s: the archive is never more than 63 s behind.
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    CAPTURE(seed);
    auto out = run({{"archive_timeout_s", 60}, {"archive_time_s", 2}}, seed);
    CHECK(out["data_loss_s"] >= 0);
    CHECK(out["data_loss_s"] <= 63);
    CHECK(out["max_archive_age_s"] <= 63);
    CHECK(out["failed_archive_attempts"] == 0);
    CHECK(out["rpo_violated"] == 0);
  }
  // Without archive_timeout a quiet database only switches when a segment fills: 16 MB at
  // 0.01 MB/s is 1600 s of writes at risk (the hour simulated holds at least one full segment).
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    auto quiet = run({{"archive_timeout_s", 0}, {"wal_rate_mb_per_s", 0.01}}, seed);
    CHECK(quiet["data_loss_s"] <= 1600 + 3);
    CHECK(quiet["max_archive_age_s"] >= 1600);
  }
}

TEST_CASE("replication: an unnoticed archive failure loses everything since it started") {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    CAPTURE(seed);
    auto out = run({{"failure_before_disaster_s", 10800}, {"detection_delay_s", 86400}}, seed);
    // The newest archived WAL ends at the last switch before the failure, up to 60 s + an upload
    // earlier (an upload in flight when the failure starts fails too).
    CHECK(out["data_loss_s"] >= 10800);
    CHECK(out["data_loss_s"] <= 10800 + 63);
    CHECK(out["unarchived_segments"] >= 179);  // 10,800 s / 60 s
    CHECK(out["rpo_violated"] == 1);
    // Noticed after 5 min and repaired 30 min later: the backlog drains and the loss is back
    // within one segment.
    auto fixed = run({{"failure_before_disaster_s", 10800}, {"detection_delay_s", 300}}, seed);
    CHECK(fixed["data_loss_s"] <= 63);
    CHECK(fixed["max_archive_age_s"] >= 300 + 1800);
    CHECK(fixed["unarchived_segments"] <= 1);
  }
}

TEST_CASE("replication: the replica's replay lag is M/M/1's sojourn time") {
  // lambda = 500 writes/s, mu = 1000/s (1 ms exponential), no network delay: mean lag 1/(mu -
  // lambda) = 2 ms, P(lag > 5 ms) = exp(-500 x 0.005) = 0.0821. 30,000 writes a run; the seeds'
  // means spread ~0.02 ms and the stale shares ~0.003 (autocorrelated queue): each seed within
  // 0.1 ms / 0.012, the 10-seed mean within 0.05 ms / 0.005.
  double lag = 0, stale = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    auto out = run(
        {{"write_rate_per_s", 500}, {"replay_time_ms", 1}, {"network_delay_ms", 0}, {"read_after_write_ms", 5}}, seed);
    CHECK(std::abs(out["replication_lag_ms"] - 2) < 0.1);
    CHECK(std::abs(out["stale_read_fraction"] - std::exp(-2.5)) < 0.012);
    lag += out["replication_lag_ms"];
    stale += out["stale_read_fraction"];
  }
  CHECK(std::abs(lag / 10 - 2) < 0.05);
  CHECK(std::abs(stale / 10 - std::exp(-2.5)) < 0.005);
  // Reading after the network delay plus a few replay times almost always sees the write.
  CHECK(run({{"write_rate_per_s", 100}, {"read_after_write_ms", 50}})["stale_read_fraction"] < 0.001);
}

TEST_CASE("replication: same seed, same outputs; an unknown parameter is an Error naming it") {
  Json p = {{"failure_before_disaster_s", 3600}, {"detection_delay_s", 600}, {"write_rate_per_s", 200}};
  check_deterministic("replication", p, 9, 10);
  check_unknown_parameter("replication", {{"repair_s", 1800}}, "repair_s");
}

TEST_CASE("replication: case 121 reproduces the symptom and its fix") { check_case_verifies(121); }

}  // namespace
}  // namespace faultline::sim
