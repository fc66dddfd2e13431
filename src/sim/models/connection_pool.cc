// connection_pool: a bounded pool of database connections shared by request traffic and,
// optionally, one heavy tenant.
// Mechanism: requests arrive as a Poisson process and each borrows a connection for a hold
// time; when none is free they wait in one FIFO queue and give up after acquire_timeout_ms. A
// heavy tenant runs heavy_tenant_concurrency jobs in a closed loop (each borrows a connection,
// holds it heavy_hold_time_ms, returns it and immediately asks again); its jobs wait without a
// timeout and may hold at most per_tenant_max_connections at once (a per-tenant semaphore, as
// PgBouncer max_user_connections). A returned connection goes to the oldest waiter allowed to
// take one. The request traffic comes from many small tenants, each far below the cap, so the
// cap binds the heavy tenant only. Requests arriving in [0, duration_s) are measured; the load
// goes on after that until each of them has its connection or has given up.
#include <algorithm>
#include <cmath>

#include "common/error.h"
#include "sim/engine.h"
#include "sim/models/models.h"
#include "sim/models/service_time.h"

namespace faultline::sim {

namespace {

class ConnectionPool : public Model {
 public:
  const ModelInfo& info() const override {
    static const ModelInfo info{
        "connection_pool",
        "A bounded connection pool: Poisson requests borrow a connection for a hold time, wait FIFO and give "
        "up after an acquire timeout; optionally a heavy tenant's closed-loop jobs under a per-tenant cap.",
        {{"pool_size", 10, "connections in the pool (or the database's usable max_connections)"},
         {"arrival_rate_per_s", 100, "requests per second (Poisson), each needing one connection"},
         {"hold_time_ms", 20, "mean time a request holds its connection, ms"},
         {"hold_time_dist", "exponential",
          "distribution of hold times (requests' and heavy jobs'): exponential or constant"},
         {"acquire_timeout_ms", 30000, "a request waiting this long for a connection gives up (an error), ms"},
         {"heavy_tenant_concurrency", 0, "jobs the heavy tenant keeps asking for connections (closed loop); 0: none"},
         {"heavy_hold_time_ms", 45000, "mean time a heavy job holds its connection, ms"},
         {"per_tenant_max_connections", 0, "most connections one tenant may hold at once; 0: no cap"},
         {"duration_s", 60, "simulated seconds whose arrivals are measured (the load continues until they are done)"}},
        {{"error_rate", "fraction of requests that gave up waiting for a connection"},
         {"p50_latency_ms", "median request time: wait + hold, or the timeout for one that gave up, ms"},
         {"p99_latency_ms", "99th percentile request time, as p50_latency_ms, ms"},
         {"mean_wait_ms", "mean wait for a connection of the requests that got one, ms"},
         {"wait_probability", "fraction of requests that got a connection only after waiting"},
         {"mean_in_use", "time-averaged connections in use over duration_s (all tenants)"},
         {"heavy_in_use", "time-averaged connections held by the heavy tenant over duration_s"},
         {"throughput_per_s", "requests that got a connection per second, over duration_s"}},
        "waiting"};
    return info;
  }

  RunResult run(const Params& p, std::uint64_t seed) const override {
    Sim s(p, seed);
    return s.run();
  }

 private:
  struct Sim {
    Sim(const Params& p, std::uint64_t seed)
        : engine(seed),
          pool(p.integer("pool_size")),
          rate(p.num("arrival_rate_per_s")),
          hold(service_time("hold_time_dist", p.text("hold_time_dist"), p.num("hold_time_ms"))),
          heavy_hold(service_time("hold_time_dist", p.text("hold_time_dist"), p.num("heavy_hold_time_ms"))),
          timeout(p.num("acquire_timeout_ms") / 1000.0),
          heavy_jobs(p.integer("heavy_tenant_concurrency")),
          cap(p.integer("per_tenant_max_connections")),
          duration(p.num("duration_s")),
          light(timeout) {
      if (pool < 1) throw Error({}, "SIM003", "pool_size must be at least 1");
      if (rate < 0 || heavy_jobs < 0 || cap < 0)
        throw Error({}, "SIM003", "rates, concurrency and caps must not be negative");
      if (timeout <= 0) throw Error({}, "SIM003", "acquire_timeout_ms must be positive");
      if (duration <= 0) throw Error({}, "SIM003", "duration_s must be positive");
      if (rate * duration > 2e6)
        throw Error({}, "SIM003", "arrival_rate_per_s x duration_s exceeds 2,000,000 requests");
      free = pool;
    }

    Engine engine;
    long long pool;
    double rate;
    ServiceTime hold, heavy_hold;
    double timeout;
    long long heavy_jobs, cap;
    double duration;

    long long free = 0, heavy_in_use = 0;
    TimedQueue light;                // request traffic, gives up after the timeout
    std::deque<double> heavy_queue;  // heavy jobs, wait as long as it takes
    double area = 0, heavy_area = 0, last_t = 0;
    long long arrivals = 0, timeouts = 0, served = 0, waited = 0, pending = 0,
              started = 0;  // pending: measured, waiting
    double wait_sum = 0;
    std::vector<double> latency;
    RunResult result;

    // Time integral of connections in use, over [0, duration].
    void account() {
      double t = std::min(engine.now(), duration);
      if (t <= last_t) return;
      area += static_cast<double>(pool - free) * (t - last_t);
      heavy_area += static_cast<double>(heavy_in_use) * (t - last_t);
      last_t = t;
    }

    // Drops the requests that have given up by now.
    void expire() {
      std::size_t gone = light.expire(engine.now(), duration);
      timeouts += static_cast<long long>(gone);
      pending -= static_cast<long long>(gone);
      for (std::size_t i = 0; i < gone; ++i) latency.push_back(timeout * 1000);
    }

    // Hands free connections to the oldest eligible waiters.
    void dispatch() {
      while (free > 0) {
        expire();
        bool heavy_ok = !heavy_queue.empty() && (cap == 0 || heavy_in_use < cap);
        if (!heavy_ok && light.empty()) return;
        if (heavy_ok && (light.empty() || heavy_queue.front() < light.front())) {
          heavy_queue.pop_front();
          --free;
          ++heavy_in_use;
          engine.after(heavy_hold.draw(engine), [this] { heavy_done(); });
        } else {
          double arrived = light.pop();
          double wait = engine.now() - arrived, h = hold.draw(engine);
          --free;
          if (engine.now() < duration) ++started;
          if (arrived < duration) {
            --pending;
            ++served;
            wait_sum += wait;
            if (wait > 0) ++waited;
            latency.push_back((wait + h) * 1000);
          }
          engine.after(h, [this] { light_done(); });
        }
      }
    }

    void light_done() {
      account();
      ++free;
      dispatch();
    }

    void heavy_done() {
      account();
      ++free;
      --heavy_in_use;
      if (open()) heavy_queue.push_back(engine.now());  // the job's next query
      dispatch();
    }

    // The load goes on while measured requests are still waiting.
    // (Bounded, in case a measured request can never be served and never times out.)
    bool open() const { return engine.now() < duration || (pending > 0 && engine.now() < 11 * duration + timeout); }

    void arrive() {
      account();
      if (engine.now() < duration) ++arrivals, ++pending;
      light.push(engine.now());
      dispatch();
      if (open()) engine.after(engine.exponential(1 / rate), [this] { arrive(); });
    }

    void tick() {
      expire();
      result.series.push_back({engine.now(), static_cast<double>(light.size() + heavy_queue.size())});
      if (engine.now() + 1 <= duration) engine.after(1, [this] { tick(); });
    }

    RunResult run() {
      for (long long j = 0; j < heavy_jobs; ++j) heavy_queue.push_back(0);
      dispatch();
      if (rate > 0) engine.at(engine.exponential(1 / rate), [this] { arrive(); });
      engine.at(1, [this] { tick(); });
      engine.run_until(1e300);
      account();
      while (!light.empty()) {  // left only if the run was cut short (see open())
        if (light.pop() >= duration) continue;
        ++timeouts;
        latency.push_back(timeout * 1000);
      }
      double n = static_cast<double>(std::max(arrivals, 1LL));
      result.outputs = {{"error_rate", static_cast<double>(timeouts) / n},
                        {"p50_latency_ms", fast_percentile(latency, 50)},
                        {"p99_latency_ms", fast_percentile(latency, 99)},
                        {"mean_wait_ms", served ? wait_sum / static_cast<double>(served) * 1000 : 0},
                        {"wait_probability", served ? static_cast<double>(waited) / static_cast<double>(served) : 0},
                        {"mean_in_use", area / duration},
                        {"heavy_in_use", heavy_area / duration},
                        {"throughput_per_s", static_cast<double>(started) / duration}};
      return std::move(result);
    }
  };
};

}  // namespace

std::unique_ptr<Model> make_connection_pool() { return std::make_unique<ConnectionPool>(); }

}  // namespace faultline::sim
