// sim/models/cache.cc: the cache, session_expiry and backup_retention models held to known
// results (LRU hit rate under uniform and Zipf access, sliding vs absolute TTL, staleness bounds
// from TTL and replication lag, backup exposure = lag + retention), determinism, parameter
// errors, and the cases that use them.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <vector>

#include "sim_support.h"

namespace faultline::sim {
namespace {

using Json = nlohmann::ordered_json;
using namespace faultline::test;

// Exact stationary hit rate of an LRU cache of capacity c under independent references with
// probabilities p, by brute force: the Markov chain over every ordered tuple of c distinct keys
// (the cache contents in recency order), iterated to its stationary distribution.
double exact_lru_hit_rate(const std::vector<double>& p, std::size_t c) {
  const std::size_t n = p.size();
  std::vector<std::vector<std::size_t>> states;
  std::vector<std::size_t> cur;
  std::function<void()> build = [&] {
    if (cur.size() == c) {
      states.push_back(cur);
      return;
    }
    for (std::size_t k = 0; k < n; ++k)
      if (std::find(cur.begin(), cur.end(), k) == cur.end()) {
        cur.push_back(k);
        build();
        cur.pop_back();
      }
  };
  build();
  std::map<std::vector<std::size_t>, std::size_t> index;
  for (std::size_t i = 0; i < states.size(); ++i) index[states[i]] = i;
  // next[i][k]: the state after key k is requested in state i.
  std::vector<std::vector<std::size_t>> next(states.size(), std::vector<std::size_t>(n));
  for (std::size_t i = 0; i < states.size(); ++i)
    for (std::size_t k = 0; k < n; ++k) {
      std::vector<std::size_t> s = states[i];
      auto it = std::find(s.begin(), s.end(), k);
      if (it != s.end())
        s.erase(it);
      else
        s.pop_back();
      s.insert(s.begin(), k);
      next[i][k] = index.at(s);
    }
  std::vector<double> pi(states.size(), 1.0 / static_cast<double>(states.size()));
  for (int iter = 0; iter < 5000; ++iter) {
    std::vector<double> to(states.size(), 0);
    for (std::size_t i = 0; i < states.size(); ++i)
      for (std::size_t k = 0; k < n; ++k) to[next[i][k]] += pi[i] * p[k];
    pi.swap(to);
  }
  double hit = 0;
  for (std::size_t i = 0; i < states.size(); ++i)
    for (std::size_t k : states[i]) hit += pi[i] * p[k];
  return hit;
}

TEST_CASE("cache: LRU hit rate under uniform access is capacity / key_space") {
  // 1,000 keys, 250 cached, 100,000 reads. Across seeds the hit rate's spread is ~0.0015 (binomial
  // sd sqrt(0.25 x 0.75 / 1e5) ~ 0.0014) and the cold start costs ~0.001; each seed within 0.006
  // (4 sd), the 10-seed mean within 0.003.
  double sum = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    auto out = run_outputs("cache", {{"key_space", 1000}, {"capacity", 250}, {"requests", 100000}}, seed);
    CHECK(std::abs(out["hit_rate"] - 0.25) < 0.006);
    sum += out["hit_rate"];
  }
  CHECK(std::abs(sum / 10 - 0.25) < 0.003);
}

TEST_CASE("cache: LRU hit rate under Zipf access matches the exact Markov-chain value") {
  // 8 keys with weights k^-1, 3 cached: the exact stationary hit rate from the brute-force chain.
  // 200,000 reads per seed: binomial sd ~ 0.0011; each seed within 0.005, the mean within 0.002.
  std::vector<double> p;
  double total = 0;
  for (int k = 1; k <= 8; ++k) total += 1.0 / k;
  for (int k = 1; k <= 8; ++k) p.push_back(1.0 / k / total);
  const double exact = exact_lru_hit_rate(p, 3);
  CHECK(exact > 0.5);
  CHECK(exact < 0.8);
  double sum = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    auto out = run_outputs("cache", {{"key_space", 8}, {"capacity", 3}, {"zipf_s", 1.0}, {"requests", 200000}}, seed);
    CHECK(std::abs(out["hit_rate"] - exact) < 0.005);
    sum += out["hit_rate"];
  }
  CHECK(std::abs(sum / 10 - exact) < 0.002);
}

TEST_CASE("cache: a cache that holds every key misses once per key") {
  // 500 keys, room for all, 50,000 uniform reads: every key is read (P(a key unread) = e^-100),
  // so exactly 500 misses and no eviction, whatever the seed.
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    auto out = run_outputs("cache", {{"key_space", 500}, {"capacity", 1000}, {"requests", 50000}}, seed);
    CHECK(out["hit_rate"] == doctest::Approx(1 - 500.0 / 50000));
    CHECK(out["evictions"] == 0);
  }
}

TEST_CASE("cache: a warmed instance hits at least the share of the warm keys, a cold one less") {
  // Zipf 1.2 over 200,000 keys; the top 10,000 carry share = H(10^4, 1.2) / H(2x10^5, 1.2).
  // The warmed instance hits that share plus re-reads of keys it filled; with 1,000 reads per
  // instance the sd is ~0.008, so each seed >= share - 0.03 (4 sd); the cold one stays below.
  double top = 0, all = 0;
  for (int k = 1; k <= 200000; ++k) {
    double w = std::pow(k, -1.2);
    all += w;
    if (k <= 10000) top += w;
  }
  const double share = top / all;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    auto out = run_outputs("cache",
                           {{"instances", 2},
                            {"warmed_instances", 1},
                            {"warm_keys", 10000},
                            {"key_space", 200000},
                            {"zipf_s", 1.2},
                            {"capacity", 50000},
                            {"requests", 2000}},
                           seed);
    CHECK(out["max_instance_hit_rate"] >= share - 0.03);
    CHECK(out["min_instance_hit_rate"] < share - 0.1);
  }
}

TEST_CASE("cache: an absolute TTL expires an entry once per ttl however often it is read") {
  // One key read 100 times a second for 600 s with ttl_s 30: the entry is refilled on the first
  // read after each expiry (within ~0.01 s), so 19 or 20 expirations, never fewer or more.
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    auto out =
        run_outputs("cache", {{"key_space", 1}, {"ttl_s", 30}, {"requests", 60000}, {"read_rate_per_s", 100}}, seed);
    CHECK(out["expirations"] >= 19);
    CHECK(out["expirations"] <= 20);
  }
}

TEST_CASE("cache: staleness is bounded by the TTL without invalidation and by the lag with it") {
  // Bounds, not estimates: every seed must respect them. Without invalidation a read can lag a
  // write by at most TTL + lag: a miss in another region while the write is still in flight
  // re-reads the old row from its replica and caches it for a full TTL (the race of case 31),
  // which some seeds hit. With invalidation in every region, by at most the lag.
  bool race_seen = false;
  Json base = {{"instances", 3},
               {"key_space", 5},
               {"ttl_s", 10},
               {"replication_lag_ms", 250},
               {"read_rate_per_s", 300},
               {"requests", 60000},
               {"write_rate_per_s", 0.5}};
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    Json none = base, all = base;
    none["invalidated_instances"] = 0;
    all["invalidated_instances"] = 3;
    auto stale = run_outputs("cache", none, seed), fresh = run_outputs("cache", all, seed);
    CHECK(stale["max_stale_ms"] <= 10000 + 250 + 1e-6);
    CHECK(stale["max_stale_ms"] > 5000);
    race_seen = race_seen || stale["max_stale_ms"] > 10000;
    CHECK(fresh["max_stale_ms"] <= 250 + 1e-6);
    CHECK(fresh["stale_read_fraction"] < stale["stale_read_fraction"]);
  }
  CHECK(race_seen);
}

TEST_CASE("session_expiry: a sliding TTL renewed more often than it lasts never expires") {
  auto out = run_outputs("session_expiry", {{"ttl_s", 600}, {"request_interval_s", 60}, {"active_duration_s", 36000}});
  CHECK(out["forced_expiries"] == 0);
  CHECK(out["sessions_created"] == 1);
  CHECK(out["max_entry_age_s"] == doctest::Approx(35940 + 600));  // last request + one idle TTL
}

TEST_CASE("session_expiry: an absolute cap expires the session every cap seconds") {
  // Requests every 60 s for 10 h, cap 1,800 s: the cap ends entries at 1800, 3600, ..., 34200.
  auto out =
      run_outputs("session_expiry",
                  {{"ttl_s", 600}, {"absolute_ttl_s", 1800}, {"request_interval_s", 60}, {"active_duration_s", 36000}});
  CHECK(out["forced_expiries"] == 19);
  CHECK(out["sessions_created"] == 20);
  CHECK(out["max_entry_age_s"] == doctest::Approx(1800));
}

TEST_CASE("session_expiry: requests further apart than the sliding TTL find the session gone each time") {
  auto out = run_outputs("session_expiry", {{"ttl_s", 50}, {"request_interval_s", 60}, {"active_duration_s", 600}});
  CHECK(out["forced_expiries"] == 9);  // requests at 0, 60, ..., 540: all but the first
  CHECK(out["max_entry_age_s"] == doctest::Approx(50));
}

TEST_CASE("backup_retention: the last copy goes between lag + retention - interval and lag + retention") {
  // The last snapshot before the deletion is taken at most one interval before it, so exposure
  // lies in [lag + retention - interval, lag + retention] for every request: exact bounds.
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    auto out = run_outputs("backup_retention",
                           {{"retention_s", 864000}, {"snapshot_interval_s", 86400}, {"deletion_lag_s", 3600}}, seed);
    CHECK(out["max_exposure_s"] <= 867600 + 1e-6);
    CHECK(out["max_exposure_s"] >= 867600 - 86400);
    CHECK(out["mean_exposure_s"] == doctest::Approx(867600 - 43200).epsilon(0.02));  // offset uniform in the interval
  }
}

TEST_CASE("cache family: same seed, same outputs; other seed, other outputs") {
  Json cache = {{"instances", 2},
                {"key_space", 50},
                {"zipf_s", 0.8},
                {"capacity", 10},
                {"ttl_s", 5},
                {"requests", 5000},
                {"write_rate_per_s", 1},
                {"replication_lag_ms", 100},
                {"invalidated_instances", 1}};
  check_deterministic("cache", cache, 7, 8);
  check_deterministic("backup_retention", {{"retention_s", 864000}}, 3);
  check_deterministic("session_expiry", {{"absolute_ttl_s", 900}}, 3);
}

TEST_CASE("cache family: an unknown parameter is an Error naming it") {
  for (const char* model : {"cache", "session_expiry", "backup_retention"})
    check_unknown_parameter(model, {{"ttl_seconds", 30}}, "ttl_seconds");
}

TEST_CASE("cache family: the cases' simulations reproduce the symptom and its fix") {
  for (int id : {31, 36, 46, 51, 151}) check_case_verifies(id);
}

}  // namespace
}  // namespace faultline::sim
