// The cache family: copies of data kept for a while in front of (or apart from) the origin.
//
// cache: LRU caches, one per instance (replicas behind a round-robin load balancer, or regions
//   each with its own cache over its own replica). Keys follow a Zipf (or uniform) popularity;
//   a read that hits returns the cached copy, a miss reads the instance's store and fills the
//   cache (evicting the least recently used entry when full), with an optional TTL. Some
//   instances may start warmed with the most popular keys. Writes commit at instance 0's store,
//   reach the other stores replication_lag_ms later, and delete the key from the caches of the
//   first invalidated_instances instances once applied there; other caches keep serving the old
//   copy until it expires or is evicted.
// session_expiry: one session entry with a sliding TTL renewed on every request and an absolute
//   cap counted from creation (cookie Expires fixed at login, absexp, a token's exp).
// backup_retention: periodic snapshots of a live store, each kept retention_s; an erasure
//   deletes a record from the live store deletion_lag_s after the request, and every snapshot
//   taken before that keeps a copy until it expires.
#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "common/error.h"
#include "sim/engine.h"
#include "sim/models/models.h"

namespace faultline::sim {

namespace {

constexpr double kNever = std::numeric_limits<double>::infinity();

void require(bool ok, const std::string& what) {
  if (!ok) throw Error({}, "SIM003", what);
}

// An LRU cache over keys 0..key_space-1: a table from key to a slot in a pool of nodes chained
// in recency order (head: most recent, tail: the next to evict).
class Lru {
 public:
  struct Entry {
    std::uint64_t key = 0, version = 0;
    double expires_at = kNever;
  };

  Lru(std::size_t capacity, std::size_t key_space) : capacity_(std::min(capacity, key_space)), slot_(key_space, -1) {
    nodes_.reserve(capacity_);
  }

  /// The live entry for key, made most recent; nullptr if absent. An entry whose expiry time
  /// has come is removed here (lazy expiry, as Redis and Memcached do on access).
  const Entry* get(std::uint64_t key, double now) {
    std::int32_t s = slot_[key];
    if (s < 0) return nullptr;
    if (now >= nodes_[s].e.expires_at) {
      remove(s);
      ++expirations;
      return nullptr;
    }
    unlink(s);
    push_front(s);
    return &nodes_[s].e;
  }

  /// Stores (or replaces) key as the most recent entry, evicting the least recent when full.
  void put(const Entry& e) {
    if (capacity_ == 0) return;
    if (slot_[e.key] >= 0) remove(slot_[e.key]);
    if (size_ >= capacity_) {
      remove(tail_);
      ++evictions;
    }
    std::int32_t s;
    if (!free_.empty()) {
      s = free_.back();
      free_.pop_back();
    } else {
      s = static_cast<std::int32_t>(nodes_.size());
      nodes_.push_back({});
    }
    nodes_[s].e = e;
    push_front(s);
    slot_[e.key] = s;
    ++size_;
  }

  void erase(std::uint64_t key) {
    if (slot_[key] >= 0) remove(slot_[key]);
  }

  std::uint64_t evictions = 0, expirations = 0;

 private:
  struct Node {
    Entry e;
    std::int32_t prev = -1, next = -1;
  };
  void unlink(std::int32_t s) {
    Node& n = nodes_[s];
    (n.prev >= 0 ? nodes_[n.prev].next : head_) = n.next;
    (n.next >= 0 ? nodes_[n.next].prev : tail_) = n.prev;
  }
  void push_front(std::int32_t s) {
    nodes_[s].prev = -1;
    nodes_[s].next = head_;
    (head_ >= 0 ? nodes_[head_].prev : tail_) = s;
    head_ = s;
  }
  void remove(std::int32_t s) {
    unlink(s);
    slot_[nodes_[s].e.key] = -1;
    free_.push_back(s);
    --size_;
  }

  std::size_t capacity_, size_ = 0;
  std::vector<std::int32_t> slot_;
  std::vector<Node> nodes_;
  std::vector<std::int32_t> free_;
  std::int32_t head_ = -1, tail_ = -1;
};

// Key k (0-based) has popularity (k+1)^-s; s = 0 is uniform. Draws by inverting the CDF.
class KeySampler {
 public:
  KeySampler(std::uint64_t n, double s) : n_(n) {
    if (s <= 0) return;
    cdf_.resize(n);
    double sum = 0;
    for (std::uint64_t k = 0; k < n; ++k) cdf_[k] = sum += std::pow(static_cast<double>(k + 1), -s);
  }
  std::uint64_t draw(Engine& e) const {
    if (cdf_.empty()) return e.index(n_);
    double u = e.uniform() * cdf_.back();
    auto k = static_cast<std::uint64_t>(std::upper_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin());
    return std::min(k, n_ - 1);
  }

 private:
  std::uint64_t n_;
  std::vector<double> cdf_;
};

class Cache : public Model {
 public:
  const ModelInfo& info() const override {
    static const ModelInfo info{
        "cache",
        "LRU caches, one per instance (replicas behind a round-robin balancer, or regions), over Zipf or "
        "uniform keys, with optional TTL, warm-up of some instances, and writes that replicate with a lag "
        "and invalidate the caches of only some instances.",
        {{"instances", 1,
          "cache instances: replicas behind a round-robin load balancer, or regions each with its own cache"},
         {"capacity", 10000, "entries each instance's cache holds; the least recently used is evicted (0: no cache)"},
         {"key_space", 10000, "distinct keys read (pages, rows, objects)"},
         {"zipf_s", 0, "Zipf exponent of key popularity: key k is read with weight k^-s; 0: uniform"},
         {"requests", 10000, "reads in the run, spread round-robin over the instances"},
         {"read_rate_per_s", 100, "reads per second, all instances together (Poisson); the run lasts requests / rate"},
         {"ttl_s", 0, "seconds an entry lives after it is filled; 0: no expiry"},
         {"warmed_instances", 0, "instances (the first ones) whose cache starts with the warm_keys most popular keys"},
         {"warm_keys", 0, "keys the warm-up preloads, most popular first (up to capacity)"},
         {"write_rate_per_s", 0, "writes per second (Poisson, keys drawn like reads), committed at instance 0's store"},
         {"replication_lag_ms", 0,
          "delay before a write reaches the stores of instances 1.. (other regions' replicas)"},
         {"invalidated_instances", -1,
          "the first N instances delete a written key from their cache once the write is applied there; -1: all"},
         {"hit_latency_ms", 1, "latency of a read served from the cache, ms"},
         {"miss_latency_ms", 10, "latency of a read that misses and goes to the store, ms"}},
        {{"hit_rate", "fraction of reads served from the cache, all instances"},
         {"min_instance_hit_rate", "lowest hit rate of one instance"},
         {"max_instance_hit_rate", "highest hit rate of one instance (what a dashboard of the warm one shows)"},
         {"mean_latency_ms", "mean read latency, ms"},
         {"total_latency_ms", "sum of read latencies (time a sequential reader spends), ms"},
         {"evictions", "entries evicted to make room (LRU)"},
         {"expirations", "entries found expired on access (TTL)"},
         {"stale_read_fraction", "fraction of reads that returned a version older than the latest committed write"},
         {"max_stale_ms", "longest time a read lagged behind the write it did not see, ms"}},
        "hit_rate"};
    return info;
  }

  RunResult run(const Params& p, std::uint64_t seed) const override {
    const long long instances = p.integer("instances"), capacity = p.integer("capacity");
    const long long key_space = p.integer("key_space"), requests = p.integer("requests");
    const long long warmed = p.integer("warmed_instances"), warm_keys = p.integer("warm_keys");
    long long invalidated = p.integer("invalidated_instances");
    const double zipf_s = p.num("zipf_s"), rate = p.num("read_rate_per_s"), ttl = p.num("ttl_s");
    const double write_rate = p.num("write_rate_per_s"), lag = p.num("replication_lag_ms") / 1000;
    const double hit_ms = p.num("hit_latency_ms"), miss_ms = p.num("miss_latency_ms");
    require(instances >= 1 && instances <= 10000, "instances must be between 1 and 10000");
    require(key_space >= 1 && key_space * instances <= 50000000,
            "key_space x instances must be between 1 and 50,000,000");
    require(capacity >= 0 && requests >= 1 && requests <= 10000000,
            "capacity must be >= 0 and requests between 1 and 10,000,000");
    require(rate > 0 && ttl >= 0 && write_rate >= 0 && lag >= 0, "rates must be positive, ttl_s and lag >= 0");
    require(warmed >= 0 && warm_keys >= 0, "warmed_instances and warm_keys must be >= 0");
    if (invalidated < 0) invalidated = instances;
    const double duration = static_cast<double>(requests) / rate;

    Engine engine(seed);
    KeySampler keys(static_cast<std::uint64_t>(key_space), zipf_s);
    std::vector<Lru> caches;
    for (long long i = 0; i < instances; ++i)
      caches.emplace_back(static_cast<std::size_t>(capacity), static_cast<std::size_t>(key_space));
    for (long long i = 0; i < std::min(warmed, instances); ++i)
      for (long long k = std::min({warm_keys, capacity, key_space}) - 1; k >= 0; --k)
        caches[static_cast<std::size_t>(i)].put({static_cast<std::uint64_t>(k), 0, ttl > 0 ? ttl : kNever});

    // commits[key][v-1]: when version v of key was committed; replica[i][key]: the version the
    // store behind instance i holds (0, the initial one, when absent).
    std::unordered_map<std::uint64_t, std::vector<double>> commits;
    std::vector<std::unordered_map<std::uint64_t, std::uint64_t>> replica(static_cast<std::size_t>(instances));
    std::function<void()> write = [&] {
      std::uint64_t key = keys.draw(engine);
      std::vector<double>& c = commits[key];
      c.push_back(engine.now());
      const std::uint64_t v = c.size();
      replica[0][key] = v;
      if (invalidated > 0) caches[0].erase(key);
      for (std::size_t i = 1; i < replica.size(); ++i)
        engine.after(lag, [&, i, key, v] {
          std::uint64_t& held = replica[i][key];
          held = std::max(held, v);
          if (static_cast<long long>(i) < invalidated) caches[i].erase(key);
        });
      double next = engine.now() + engine.exponential(1 / write_rate);
      if (next < duration) engine.at(next, write);
    };
    if (write_rate > 0) engine.at(engine.exponential(1 / write_rate), write);

    RunResult result;
    std::vector<std::uint64_t> reads(caches.size(), 0), hits(caches.size(), 0);
    std::uint64_t stale = 0, window_reads = 0, window_hits = 0;
    double max_stale = 0, total_ms = 0, t = 0;
    const long long window = std::max(1LL, requests / 50);
    for (long long n = 0; n < requests; ++n) {
      t += engine.exponential(1 / rate);
      engine.run_until(t);
      const std::size_t inst = static_cast<std::size_t>(n % instances);
      const std::uint64_t key = keys.draw(engine);
      std::uint64_t served;
      ++reads[inst];
      ++window_reads;
      if (const Lru::Entry* e = caches[inst].get(key, t)) {
        served = e->version;
        ++hits[inst];
        ++window_hits;
        total_ms += hit_ms;
      } else {
        auto it = replica[inst].find(key);
        served = it == replica[inst].end() ? 0 : it->second;
        caches[inst].put({key, served, ttl > 0 ? t + ttl : kNever});
        total_ms += miss_ms;
      }
      if (!commits.empty())
        if (auto c = commits.find(key); c != commits.end() && served < c->second.size()) {
          ++stale;
          max_stale = std::max(max_stale, t - c->second[served]);
        }
      if ((n + 1) % window == 0 || n + 1 == requests) {
        result.series.push_back({t, static_cast<double>(window_hits) / static_cast<double>(window_reads)});
        window_hits = window_reads = 0;
      }
    }

    double all_hits = 0, min_rate = 1, max_rate = 0, evictions = 0, expirations = 0;
    for (std::size_t i = 0; i < caches.size(); ++i) {
      all_hits += static_cast<double>(hits[i]);
      evictions += static_cast<double>(caches[i].evictions);
      expirations += static_cast<double>(caches[i].expirations);
      if (!reads[i]) continue;
      double r = static_cast<double>(hits[i]) / static_cast<double>(reads[i]);
      min_rate = std::min(min_rate, r);
      max_rate = std::max(max_rate, r);
    }
    const double total = static_cast<double>(requests);
    result.outputs = {{"hit_rate", all_hits / total},      {"min_instance_hit_rate", min_rate},
                      {"max_instance_hit_rate", max_rate}, {"mean_latency_ms", total_ms / total},
                      {"total_latency_ms", total_ms},      {"evictions", evictions},
                      {"expirations", expirations},        {"stale_read_fraction", static_cast<double>(stale) / total},
                      {"max_stale_ms", max_stale * 1000}};
    return result;
  }
};

class SessionExpiry : public Model {
 public:
  const ModelInfo& info() const override {
    static const ModelInfo info{
        "session_expiry",
        "One session entry with a sliding TTL renewed on every request, capped by an absolute lifetime "
        "counted from creation; an active user whose request finds the session gone logs in again.",
        {{"ttl_s", 3600, "sliding (idle) TTL: each request sets the expiry to now + ttl_s"},
         {"absolute_ttl_s", 0, "cap counted from creation (cookie Expires set at login, absexp, token exp); 0: none"},
         {"request_interval_s", 60, "the active user sends a request this often, starting at login (time 0)"},
         {"active_duration_s", 3600, "how long the user stays active; requests are sent while time < this"}},
        {{"forced_expiries", "requests of the active user that found the session expired (logged out mid-use)"},
         {"sessions_created", "sessions created: the first login plus one per forced expiry"},
         {"max_entry_age_s", "longest lifetime of one session entry, creation to expiry"}},
        "session_age_s"};
    return info;
  }

  RunResult run(const Params& p, std::uint64_t seed) const override {
    const double ttl = p.num("ttl_s"), cap = p.num("absolute_ttl_s");
    const double interval = p.num("request_interval_s"), active = p.num("active_duration_s");
    require(ttl > 0 && cap >= 0, "ttl_s must be > 0 and absolute_ttl_s >= 0");
    require(interval > 0 && active >= 0 && active / interval <= 10000000,
            "request_interval_s must be > 0 and active_duration_s / request_interval_s at most 10,000,000");
    Engine engine(seed);
    RunResult result;
    bool live = false;
    double created = 0, expires_at = 0, max_age = 0, forced = 0, sessions = 0;
    auto expire = [&] {
      live = false;
      max_age = std::max(max_age, expires_at - created);
    };
    auto deadline = [&](double now) { return cap > 0 ? std::min(now + ttl, created + cap) : now + ttl; };
    std::function<void()> request = [&] {
      const double now = engine.now();
      if (live && now >= expires_at) expire();
      if (!live) {
        if (sessions > 0) ++forced;
        ++sessions;
        live = true;
        created = now;
      }
      expires_at = deadline(now);
      // The store's own expiry: the key is removed at expires_at unless renewed before.
      const double due = expires_at;
      engine.at(due, [&, due] {
        if (live && expires_at == due) expire();
      });
      result.series.push_back({now, now - created});
      if (now + interval < active) engine.after(interval, request);
    };
    if (active > 0) engine.at(0, request);
    engine.run_until(kNever);
    result.outputs = {{"forced_expiries", forced}, {"sessions_created", sessions}, {"max_entry_age_s", max_age}};
    return result;
  }
};

class BackupRetention : public Model {
 public:
  const ModelInfo& info() const override {
    static const ModelInfo info{
        "backup_retention",
        "Snapshots of a live store taken periodically and kept for a retention period; erasure requests delete "
        "a record from the live store after a lag, and older snapshots keep copies until they expire.",
        {{"retention_s", 7776000, "how long each snapshot is kept, s (90 d = 7,776,000)"},
         {"snapshot_interval_s", 86400, "a snapshot is taken this often, s"},
         {"deletion_lag_s", 0, "from an erasure request until the record is deleted from the live store, s"},
         {"erasure_requests", 100, "erasure requests, at uniformly random times over duration_s"},
         {"duration_s", 31536000, "span over which requests arrive (after one retention period of snapshots), s"},
         {"deadline_s", 2592000, "time allowed to complete an erasure, s (30 d = 2,592,000)"}},
        {{"max_exposure_s",
          "longest time from an erasure request until no copy (live or snapshot) holds the record, s"},
         {"mean_exposure_s", "mean of that time over requests, s"},
         {"past_deadline_fraction", "fraction of requests with a copy still held after deadline_s"},
         {"max_copies_at_deadline", "most snapshots still holding one erased record when its deadline passed"}},
        "erased_copies_held"};
    return info;
  }

  RunResult run(const Params& p, std::uint64_t seed) const override {
    const double retention = p.num("retention_s"), interval = p.num("snapshot_interval_s");
    const double lag = p.num("deletion_lag_s"), duration = p.num("duration_s"), deadline = p.num("deadline_s");
    const long long n = p.integer("erasure_requests");
    require(retention > 0 && interval > 0 && lag >= 0 && duration > 0 && deadline >= 0,
            "retention_s, snapshot_interval_s and duration_s must be > 0, deletion_lag_s and deadline_s >= 0");
    require(n >= 1 && n <= 10000, "erasure_requests must be between 1 and 10,000");
    const double last_deletion = retention + duration + lag;
    require(last_deletion / interval <= 100000, "too many snapshots: raise snapshot_interval_s");

    Engine engine(seed);
    RunResult result;
    const auto subjects = static_cast<std::size_t>(n);
    std::vector<double> requested(subjects), deleted_at(subjects, kNever), gone(subjects, 0);
    std::vector<long long> held_by(subjects, 0);  // live snapshots holding each record
    double max_copies = 0;
    for (std::size_t j = 0; j < subjects; ++j) {
      requested[j] = retention + engine.uniform() * duration;
      engine.at(requested[j], [&, j] {
        engine.after(lag, [&, j] {
          deleted_at[j] = engine.now();
          gone[j] = std::max(gone[j], engine.now());
        });
        engine.after(deadline, [&, j] { max_copies = std::max(max_copies, static_cast<double>(held_by[j])); });
      });
    }
    std::function<void()> snapshot = [&] {
      std::vector<std::size_t> holds;
      for (std::size_t j = 0; j < subjects; ++j)
        if (deleted_at[j] > engine.now()) holds.push_back(j), ++held_by[j];
      engine.after(retention, [&, holds] {
        for (std::size_t j : holds) {
          --held_by[j];
          gone[j] = std::max(gone[j], engine.now());
        }
      });
      // The series: copies of already-erased records that snapshots still hold.
      double erased_copies = 0;
      for (std::size_t j = 0; j < subjects; ++j)
        if (deleted_at[j] <= engine.now()) erased_copies += static_cast<double>(held_by[j]);
      result.series.push_back({engine.now(), erased_copies});
      if (engine.now() + interval <= last_deletion) engine.after(interval, snapshot);
    };
    engine.at(0, snapshot);
    engine.run_until(kNever);

    double max_exposure = 0, sum = 0, late = 0;
    for (std::size_t j = 0; j < subjects; ++j) {
      double exposure = gone[j] - requested[j];
      max_exposure = std::max(max_exposure, exposure);
      sum += exposure;
      if (exposure > deadline) ++late;
    }
    result.outputs = {{"max_exposure_s", max_exposure},
                      {"mean_exposure_s", sum / static_cast<double>(n)},
                      {"past_deadline_fraction", late / static_cast<double>(n)},
                      {"max_copies_at_deadline", max_copies}};
    return result;
  }
};

}  // namespace

std::unique_ptr<Model> make_cache() { return std::make_unique<Cache>(); }
std::unique_ptr<Model> make_session_expiry() { return std::make_unique<SessionExpiry>(); }
std::unique_ptr<Model> make_backup_retention() { return std::make_unique<BackupRetention>(); }

}  // namespace faultline::sim
