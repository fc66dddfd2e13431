// sim/models/hash_ring.cc: remapping on a node added, against theory.
#include <doctest/doctest.h>

#include <cmath>

#include "sim_support.h"

namespace faultline::sim {
namespace {

using test::ModelRunner;
using Json = nlohmann::ordered_json;
const ModelRunner run{"hash_ring"};

// Adding one node to n moves 1/(n+1) of the keys under consistent hashing. With 160 virtual
// nodes a node's arc is ~1/sqrt(160) = 8% from its ideal size, so a single seed is within ~1%
// of 1/9; we allow 0.02 per seed and 0.006 for the mean of 10 seeds.
TEST_CASE("hash_ring: a node added to n moves about 1/(n+1) of the keys with virtual nodes") {
  double sum = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    double f = run({{"nodes", 8}, {"virtual_nodes", 160}, {"keys", 50000}}, seed).at("remapped_fraction");
    CHECK(std::abs(f - 1.0 / 9) < 0.02);
    sum += f;
  }
  CHECK(std::abs(sum / 10 - 1.0 / 9) < 0.006);
}

TEST_CASE("hash_ring: modulo hashing moves about n/(n+1) of the keys") {
  // A key stays only if h mod 8 == h mod 9: 8 of every 72 residues, 1/9 of keys.
  double f = run({{"nodes", 8}, {"strategy", "modulo"}, {"keys", 90000}}, 1).at("remapped_fraction");
  CHECK(std::abs(f - 8.0 / 9) < 0.01);
}

TEST_CASE("hash_ring: one point per node leaves load uneven; many points even it out") {
  double few = 0, many = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    few += run({{"nodes", 8}, {"virtual_nodes", 1}}, seed).at("max_load_ratio");
    many += run({{"nodes", 8}, {"virtual_nodes", 160}}, seed).at("max_load_ratio");
  }
  CHECK(few / 10 > 1.8);  // the largest of 9 random arcs averages ~2.8 times the mean
  CHECK(many / 10 < 1.25);
}

TEST_CASE("hash_ring: the hit rate right after the change loses the moved keys") {
  auto o = run({{"nodes", 8}, {"strategy", "modulo"}, {"hit_rate_before", 0.9}}, 1);
  CHECK(o.at("hit_rate_after_change") == doctest::Approx(0.9 * (1 - o.at("remapped_fraction"))));
  CHECK(run({{"added_nodes", 0}}, 1).at("remapped_fraction") == 0);
}

TEST_CASE("hash_ring: same seed, same outputs; bad parameters are Errors naming them") {
  test::check_deterministic("hash_ring", Json{{"nodes", 5}}, 3, 4);
  test::check_unknown_parameter("hash_ring", Json{{"vnodes", 10}}, "vnodes");
  test::check_error_naming("hash_ring", Json{{"strategy", "rendezvous"}}, "rendezvous");
}

}  // namespace
}  // namespace faultline::sim
