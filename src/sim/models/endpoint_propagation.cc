// endpoint_propagation: a Kubernetes node dies under a Service, and clients with pooled
// connections keep sending to the pods that were on it.
// Mechanism:
//  - the node stops renewing its lease at t = 0; its last renewal was up to heartbeat_interval_s
//    earlier; the node controller, checking every node_monitor_period_s, marks it NotReady once
//    node_monitor_grace_period_s has passed since that renewal, which marks its pods not ready;
//    kube-proxy drops them from the Service endpoint_propagation_delay_s later;
//  - the pods are evicted unreachable_toleration_s after the NotReady taint, and replacements
//    serve pod_startup_s after that;
//  - each client pooled connection was dialled before the failure to a random pod of the
//    Service; a request uses a random pooled connection and fails if that connection leads to a
//    dead pod; a connection to a dead pod is noticed client_dead_peer_timeout_s after the failure
//    (TCP retransmission timeout or keepalive), then redialled through the Service: the dial
//    picks a random current endpoint, and a dial to the dead pod fails after connect_timeout_s
//    and is tried again.
#include <algorithm>
#include <cmath>
#include <random>

#include "common/error.h"
#include "sim/engine.h"
#include "sim/models/models.h"

namespace faultline::sim {

namespace {

class EndpointPropagation : public Model {
 public:
  const ModelInfo& info() const override {
    static const ModelInfo info{
        "endpoint_propagation",
        "A node failure under a Service: NotReady after the grace period, endpoint removal, eviction after "
        "the unreachable toleration, and pooled client connections pinned to the dead pods until the client's "
        "dead-peer timeout.",
        {{"replicas", 10, "pods behind the Service"},
         {"replicas_on_failed_node", 1, "of them, pods on the node that fails at t = 0"},
         {"arrival_rate_per_s", 200, "client requests per second, req/s"},
         {"pooled_connections", 200, "client keep-alive connections, each dialled to a random pod before the failure"},
         {"heartbeat_interval_s", 10, "node lease renewal interval, s (default 10)"},
         {"node_monitor_period_s", 5, "node controller check interval (--node-monitor-period), s (default 5)"},
         {"node_monitor_grace_period_s", 40,
          "--node-monitor-grace-period: no renewal for this long -> NotReady, s (default 40)"},
         {"endpoint_propagation_delay_s", 2, "from pods marked not ready to kube-proxy rules without them, s"},
         {"unreachable_toleration_s", 300,
          "tolerationSeconds for node.kubernetes.io/unreachable: eviction delay, s (default 300)"},
         {"pod_startup_s", 30, "from eviction to a replacement pod serving, s"},
         {"client_dead_peer_timeout_s", 924,
          "how long a client takes to give up a connection to a dead peer, s (TCP retries2=15: ~924)"},
         {"connect_timeout_s", 5, "client timeout of a new connection attempt, s"},
         {"duration_s", 1800, "simulated seconds after the failure"}},
        {{"error_window_s", "from the failure to the end of the last second with failed requests, s"},
         {"error_rate", "share of requests that failed during the error window"},
         {"failed_requests", "requests that failed"},
         {"endpoint_removed_s", "when kube-proxy stopped sending new connections to the dead pods, s"},
         {"replaced_s", "when replacement pods started serving, s"}},
        "failed_per_s"};
    return info;
  }

  RunResult run(const Params& p, std::uint64_t seed) const override {
    const long long replicas = p.integer("replicas"), dead_pods = p.integer("replicas_on_failed_node");
    const long long conns = p.integer("pooled_connections");
    if (replicas < 1 || dead_pods < 0 || dead_pods > replicas || conns < 1)
      throw Error({}, "SIM003",
                  "need replicas >= 1, 0 <= replicas_on_failed_node <= replicas, pooled_connections >= 1");
    const double rate = p.num("arrival_rate_per_s"), duration = p.num("duration_s");
    const double dead_peer = p.num("client_dead_peer_timeout_s"), connect_timeout = p.num("connect_timeout_s");
    const double monitor = p.num("node_monitor_period_s");
    if (monitor <= 0 || connect_timeout <= 0)
      throw Error({}, "SIM003", "node_monitor_period_s and connect_timeout_s must be positive");

    Engine engine(seed);
    RunResult result;
    // Pods [0, dead_pods) are on the failed node.
    auto is_dead = [&](long long pod) { return pod < dead_pods; };

    // Control plane timeline.
    double last_renewal = -p.num("heartbeat_interval_s") * engine.uniform();
    double stale_at = last_renewal + p.num("node_monitor_grace_period_s");
    double phase = monitor * engine.uniform();  // node controller checks at phase + k * monitor
    double not_ready = phase + monitor * std::max(0.0, std::ceil((stale_at - phase) / monitor));
    double removed = not_ready + p.num("endpoint_propagation_delay_s");
    double replaced = not_ready + p.num("unreachable_toleration_s") + p.num("pod_startup_s");
    bool in_endpoints = dead_pods > 0;
    engine.at(removed, [&] { in_endpoints = false; });

    // Pooled connections: the pod each leads to (dialled before the failure, uniformly).
    std::vector<long long> target(static_cast<std::size_t>(conns));
    long long to_dead = 0;
    for (auto& pod : target) {
      pod = static_cast<long long>(engine.index(static_cast<std::uint64_t>(replicas)));
      to_dead += is_dead(pod) ? 1 : 0;
    }
    // Redial through the Service until a live pod answers.
    std::function<void(std::size_t)> dial = [&](std::size_t c) {
      long long endpoints = in_endpoints ? replicas : replicas - dead_pods;
      long long pick = static_cast<long long>(engine.index(static_cast<std::uint64_t>(endpoints)));
      long long pod = in_endpoints ? pick : dead_pods + pick;
      if (endpoints == 0) pod = 0;  // nothing to connect to: keep failing
      bool was_dead = is_dead(target[c]);
      target[c] = pod;
      to_dead += (is_dead(pod) ? 1 : 0) - (was_dead ? 1 : 0);
      if (is_dead(pod)) engine.after(connect_timeout, [&dial, c] { dial(c); });
    };
    for (std::size_t c = 0; c < target.size(); ++c)
      if (is_dead(target[c])) engine.at(dead_peer, [&dial, c] { dial(c); });

    // Requests, one-second ticks: Poisson arrivals, each on a random pooled connection.
    double failed_total = 0, last_failed_end = 0;
    std::vector<double> requests_per_s;
    std::function<void()> tick = [&] {
      double t = engine.now();
      long long n = rate > 0 ? std::poisson_distribution<long long>(rate)(engine.rng()) : 0;
      double share = static_cast<double>(to_dead) / static_cast<double>(conns);
      long long failed = n > 0 ? std::binomial_distribution<long long>(n, std::min(1.0, share))(engine.rng()) : 0;
      requests_per_s.push_back(static_cast<double>(n));
      failed_total += static_cast<double>(failed);
      if (failed > 0) last_failed_end = t + 1;
      result.series.push_back({t + 1, static_cast<double>(failed)});
      if (t + 2 <= duration + 1e-9) engine.after(1, tick);
    };
    engine.at(0, tick);
    engine.run_until(duration);

    double window_requests = 0;
    for (std::size_t s = 0; s < requests_per_s.size() && static_cast<double>(s) < last_failed_end; ++s)
      window_requests += requests_per_s[s];
    result.outputs = {{"error_window_s", last_failed_end},
                      {"error_rate", window_requests > 0 ? failed_total / window_requests : 0},
                      {"failed_requests", failed_total},
                      {"endpoint_removed_s", dead_pods > 0 ? removed : 0},
                      {"replaced_s", dead_pods > 0 ? replaced : 0}};
    return result;
  }
};

}  // namespace

std::unique_ptr<Model> make_endpoint_propagation() { return std::make_unique<EndpointPropagation>(); }

}  // namespace faultline::sim
