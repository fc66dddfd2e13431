// hash_ring: keys placed on nodes by consistent hashing (each node at virtual_nodes points of a
// 64-bit ring, a key on the first point clockwise of its hash) or by hash modulo the node count,
// before and after nodes are added. What moves is what a cache in front of those nodes loses.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "common/error.h"
#include "sim/models/models.h"

namespace faultline::sim {

namespace {

// SplitMix64: a well-mixed 64-bit hash of an integer.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

class Ring {
 public:
  Ring(long long nodes, long long virtual_nodes, std::uint64_t salt) {
    for (long long n = 0; n < nodes; ++n)
      for (long long v = 0; v < virtual_nodes; ++v)
        points_.push_back(
            {mix(salt ^ mix(static_cast<std::uint64_t>(n) * 1000003ull + static_cast<std::uint64_t>(v))), n});
    std::sort(points_.begin(), points_.end());
  }
  long long owner(std::uint64_t key_hash) const {
    auto it = std::lower_bound(points_.begin(), points_.end(), std::make_pair(key_hash, 0LL));
    return (it == points_.end() ? points_.front() : *it).second;
  }

 private:
  std::vector<std::pair<std::uint64_t, long long>> points_;
};

class HashRing : public Model {
 public:
  const ModelInfo& info() const override {
    static const ModelInfo info{
        "hash_ring",
        "Keys spread over nodes by consistent hashing (with virtual nodes) or hash modulo N, before and after "
        "nodes are added: the share of keys that move and how evenly load is spread.",
        {{"nodes", 8, "nodes before the change"},
         {"added_nodes", 1, "nodes added"},
         {"virtual_nodes", 160, "points per node on the ring (consistent strategy)"},
         {"keys", 100000, "distinct keys"},
         {"strategy", "consistent", "consistent (ring) or modulo (hash mod N)"},
         {"hit_rate_before", 0.9, "cache hit rate before the change, for hit_rate_after_change"}},
        {{"remapped_fraction", "share of keys whose node changed"},
         {"hit_rate_after_change", "hit rate right after the change: moved keys miss until refilled"},
         {"max_load_ratio", "largest node's share of keys over the mean share, after the change"}},
        ""};
    return info;
  }

  RunResult run(const Params& p, std::uint64_t seed) const override {
    long long nodes = p.integer("nodes"), added = p.integer("added_nodes"), vnodes = p.integer("virtual_nodes");
    long long keys = p.integer("keys");
    std::string strategy = p.text("strategy");
    if (nodes < 1 || added < 0 || vnodes < 1 || keys < 1)
      throw Error({}, "SIM003", "nodes, virtual_nodes and keys must be at least 1, added_nodes at least 0");
    if (strategy != "consistent" && strategy != "modulo")
      throw Error({}, "SIM003", "strategy must be consistent or modulo, not '" + strategy + "'");
    std::uint64_t salt = mix(seed);
    Ring before(nodes, vnodes, salt), after(nodes + added, vnodes, salt);
    std::vector<long long> load(static_cast<std::size_t>(nodes + added), 0);
    long long moved = 0;
    for (long long k = 0; k < keys; ++k) {
      std::uint64_t h = mix(salt + static_cast<std::uint64_t>(k) * 0x2545f4914f6cdd1dull);
      long long a =
          strategy == "modulo" ? static_cast<long long>(h % static_cast<std::uint64_t>(nodes)) : before.owner(h);
      long long b =
          strategy == "modulo" ? static_cast<long long>(h % static_cast<std::uint64_t>(nodes + added)) : after.owner(h);
      moved += a != b;
      ++load[static_cast<std::size_t>(b)];
    }
    double remapped = static_cast<double>(moved) / static_cast<double>(keys);
    double mean = static_cast<double>(keys) / static_cast<double>(nodes + added);
    double max_load = static_cast<double>(*std::max_element(load.begin(), load.end()));
    RunResult r;
    r.outputs = {{"remapped_fraction", remapped},
                 {"hit_rate_after_change", p.num("hit_rate_before") * (1 - remapped)},
                 {"max_load_ratio", max_load / mean}};
    return r;
  }
};

}  // namespace

std::unique_ptr<Model> make_hash_ring() { return std::make_unique<HashRing>(); }

}  // namespace faultline::sim
