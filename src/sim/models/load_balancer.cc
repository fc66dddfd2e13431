// load_balancer: a request balancer in front of backends with a bounded number of workers.
// Mechanism: requests arrive as a Poisson process; the policy picks a backend per request
// (round_robin: the next in turn; least_conn: the fewest requests in flight as the balancer
// counts them, ties broken in turn; random: uniform). A backend runs up to
// backend_max_concurrency requests at once and queues the rest FIFO; a request not answered
// within request_timeout_ms is an error (the balancer gives up and closes it, so a queued one
// leaves the queue). One backend may also hold long_poll_in_flight long-polling requests for
// the whole run: they occupy workers and count as in flight. Requests arriving in
// [0, duration_s) are measured; the load goes on after that until each of them has started.
#include <algorithm>
#include <cmath>

#include "common/error.h"
#include "sim/engine.h"
#include "sim/models/models.h"
#include "sim/models/service_time.h"

namespace faultline::sim {

namespace {

class LoadBalancer : public Model {
 public:
  const ModelInfo& info() const override {
    static const ModelInfo info{
        "load_balancer",
        "Poisson requests spread over backends by round_robin, least_conn or random; each backend has a "
        "bounded worker pool and a FIFO queue; optional long polls pinning one backend's workers.",
        {{"backends", 4, "number of backends"},
         {"policy", "round_robin", "balancing policy: round_robin, least_conn or random"},
         {"arrival_rate_per_s", 100, "requests per second (Poisson)"},
         {"service_time_ms", 50, "mean time a worker spends on a request, ms"},
         {"service_time_dist", "exponential", "distribution of service times: exponential or constant"},
         {"backend_max_concurrency", 100, "workers per backend (requests served at once); more wait in its queue"},
         {"long_poll_backend", -1, "0-based index of the backend holding long polls; -1: none"},
         {"long_poll_in_flight", 0,
          "long-polling requests held on that backend for the whole run (each pins a worker)"},
         {"request_timeout_ms", 60000, "a request not answered within this time is an error, ms"},
         {"duration_s", 60, "simulated seconds whose arrivals are measured (the load continues until they are done)"}},
        {{"error_rate", "fraction of requests not answered within the timeout"},
         {"p50_latency_ms", "median response time (the timeout for an error), ms"},
         {"p99_latency_ms", "99th percentile response time (the timeout for an error), ms"},
         {"mean_latency_ms", "mean response time (the timeout for an error), ms"},
         {"max_backend_share", "largest fraction of requests sent to one backend"},
         {"min_backend_share", "smallest fraction of requests sent to one backend"},
         {"long_poll_backend_share", "fraction of requests sent to the long-poll backend (0 if none)"},
         {"long_poll_backend_error_rate", "fraction of the long-poll backend's requests that were errors (0 if none)"},
         {"max_in_flight_spread", "largest difference in in-flight requests between two backends, seen at arrivals"}},
        "queued"};
    return info;
  }

  RunResult run(const Params& p, std::uint64_t seed) const override {
    Sim s(p, seed);
    return s.run();
  }

 private:
  struct Backend {
    explicit Backend(double timeout) : queue(timeout) {}
    long long busy = 0, held = 0, sent = 0, errors = 0;
    TimedQueue queue;
    long long in_flight() const { return busy + held + static_cast<long long>(queue.size()); }
  };

  struct Sim {
    Sim(const Params& p, std::uint64_t seed)
        : engine(seed),
          policy(p.text("policy")),
          rate(p.num("arrival_rate_per_s")),
          service(service_time("service_time_dist", p.text("service_time_dist"), p.num("service_time_ms"))),
          workers(p.integer("backend_max_concurrency")),
          long_poll(p.integer("long_poll_backend")),
          timeout(p.num("request_timeout_ms") / 1000.0),
          duration(p.num("duration_s")) {
      long long n = p.integer("backends");
      if (n < 1 || n > 100000) throw Error({}, "SIM003", "backends must be between 1 and 100000");
      if (policy != "round_robin" && policy != "least_conn" && policy != "random")
        throw Error({}, "SIM003", "policy must be round_robin, least_conn or random, not '" + policy + "'");
      if (workers < 1) throw Error({}, "SIM003", "backend_max_concurrency must be at least 1");
      if (long_poll >= n) throw Error({}, "SIM003", "long_poll_backend must be below backends (0-based)");
      if (rate < 0 || timeout <= 0 || duration <= 0)
        throw Error({}, "SIM003", "rate must not be negative; timeout and duration must be positive");
      if (rate * duration > 2e6)
        throw Error({}, "SIM003", "arrival_rate_per_s x duration_s exceeds 2,000,000 requests");
      backends.assign(static_cast<std::size_t>(n), Backend(timeout));
      if (long_poll >= 0)
        backends[static_cast<std::size_t>(long_poll)].held = std::max(0LL, p.integer("long_poll_in_flight"));
    }

    Engine engine;
    std::string policy;
    double rate;
    ServiceTime service;
    long long workers, long_poll;
    double timeout, duration;
    std::vector<Backend> backends;
    std::size_t next = 0;                                         // round-robin position
    long long arrivals = 0, errors = 0, spread = 0, pending = 0;  // pending: measured, queued
    std::vector<double> latency;
    RunResult result;

    void expire(Backend& b) {
      std::size_t gone = b.queue.expire(engine.now(), duration);
      b.errors += static_cast<long long>(gone);
      errors += static_cast<long long>(gone);
      pending -= static_cast<long long>(gone);
      for (std::size_t i = 0; i < gone; ++i) latency.push_back(timeout * 1000);
    }

    // Starts a request that waited since `arrived` on a free worker of b. The worker finishes
    // the request even if the client gave up meanwhile.
    void start(std::size_t i, double arrived) {
      Backend& b = backends[i];
      ++b.busy;
      double work = service.draw(engine);
      engine.after(work, [this, i] { done(i); });
      if (arrived >= duration) return;  // not measured
      double total = engine.now() - arrived + work;
      if (total > timeout) {
        ++b.errors;
        ++errors;
        total = timeout;
      }
      latency.push_back(total * 1000);
    }

    void done(std::size_t i) {
      Backend& b = backends[i];
      --b.busy;
      expire(b);
      if (b.queue.empty()) return;
      double arrived = b.queue.pop();
      if (arrived < duration) --pending;
      start(i, arrived);
    }

    std::size_t pick() {
      std::size_t n = backends.size();
      if (policy == "random") return static_cast<std::size_t>(engine.index(n));
      if (policy == "round_robin") {
        std::size_t i = next;
        next = (next + 1) % n;
        return i;
      }
      std::size_t best = next;
      for (std::size_t k = 1; k < n; ++k) {
        std::size_t i = (next + k) % n;
        if (backends[i].in_flight() < backends[best].in_flight()) best = i;
      }
      next = (best + 1) % n;
      return best;
    }

    // The load goes on while measured requests are still queued.
    // (Bounded, in case a measured request can never be served and never times out.)
    bool open() const { return engine.now() < duration || (pending > 0 && engine.now() < 11 * duration + timeout); }

    void arrive() {
      bool measured = engine.now() < duration;
      long long lo = -1, hi = 0;
      for (Backend& b : backends) {  // the balancer sees requests its clients gave up on closed
        expire(b);
        long long f = b.in_flight();
        lo = lo < 0 ? f : std::min(lo, f);
        hi = std::max(hi, f);
      }
      std::size_t i = pick();
      Backend& b = backends[i];
      if (measured) {
        ++arrivals;
        ++b.sent;
        spread = std::max(spread, hi - lo);
      }
      if (b.busy + b.held < workers && b.queue.empty()) {
        start(i, engine.now());
      } else {
        b.queue.push(engine.now());
        if (measured) ++pending;
      }
      if (open()) engine.after(engine.exponential(1 / rate), [this] { arrive(); });
    }

    void tick() {
      double queued = 0;
      for (Backend& b : backends) {
        expire(b);
        queued += static_cast<double>(b.queue.size());
      }
      result.series.push_back({engine.now(), queued});
      if (engine.now() + 1 <= duration) engine.after(1, [this] { tick(); });
    }

    RunResult run() {
      if (rate > 0) engine.at(engine.exponential(1 / rate), [this] { arrive(); });
      engine.at(1, [this] { tick(); });
      engine.run_until(1e300);
      for (Backend& b : backends)  // left only if the run was cut short (see open())
        while (!b.queue.empty()) {
          if (b.queue.pop() >= duration) continue;
          ++b.errors;
          ++errors;
          latency.push_back(timeout * 1000);
        }
      double n = static_cast<double>(std::max(arrivals, 1LL));
      double hi = 0, lo = 1;
      for (const Backend& b : backends) {
        hi = std::max(hi, static_cast<double>(b.sent) / n);
        lo = std::min(lo, static_cast<double>(b.sent) / n);
      }
      double lp_share = 0, lp_errors = 0;
      if (long_poll >= 0) {
        const Backend& b = backends[static_cast<std::size_t>(long_poll)];
        lp_share = static_cast<double>(b.sent) / n;
        lp_errors = b.sent ? static_cast<double>(b.errors) / static_cast<double>(b.sent) : 0;
      }
      double sum = 0;
      for (double v : latency) sum += v;  // before fast_percentile reorders it (order does not matter)
      result.outputs = {{"error_rate", static_cast<double>(errors) / n},
                        {"p50_latency_ms", fast_percentile(latency, 50)},
                        {"p99_latency_ms", fast_percentile(latency, 99)},
                        {"mean_latency_ms", latency.empty() ? 0 : sum / static_cast<double>(latency.size())},
                        {"max_backend_share", arrivals ? hi : 0},
                        {"min_backend_share", arrivals ? lo : 0},
                        {"long_poll_backend_share", lp_share},
                        {"long_poll_backend_error_rate", lp_errors},
                        {"max_in_flight_spread", static_cast<double>(spread)}};
      return std::move(result);
    }
  };
};

}  // namespace

std::unique_ptr<Model> make_load_balancer() { return std::make_unique<LoadBalancer>(); }

}  // namespace faultline::sim
