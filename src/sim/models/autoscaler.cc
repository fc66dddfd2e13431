// autoscaler: a Kubernetes HorizontalPodAutoscaler scaling a Deployment that serves a request
// stream. Mechanism, per the HPA algorithm:
//  - each ready pod serves up to pod_capacity_per_s; what the ready pods cannot serve is shed;
//  - a pod's CPU utilisation is the share of its capacity in use, so it saturates at 1.0 (a pod
//    cannot report more demand than it can serve);
//  - metrics-server scrapes every metrics_resolution_s the mean utilisation of the ready pods over
//    the last resolution window; the HPA syncs every sync_period_s from the latest scrape;
//  - desired = ceil(ready * metric / target) unless |metric/target - 1| <= tolerance, where ready
//    counts the pods sampled over the whole scrape window; pods not ready yet, or ready only for
//    part of the window, count as idle for a scale-up (which then must still be one); a scale-down takes the
//    highest recommendation of the last scale_down_stabilization_s; min/max replicas clamp it;
//  - new pods serve pod_ready_delay_s after the HPA asks for them; removed pods go at once.
// Traffic is a fluid arrival_rate_per_s from t = 0 (the cut-over), optionally stepping to
// step_arrival_rate_per_s at step_at_s. The engine's RNG sets the phases of the scrape and sync
// loops relative to t = 0, as in a real cluster where the cut-over falls anywhere in them.
#include <algorithm>
#include <cmath>
#include <deque>

#include "common/error.h"
#include "sim/engine.h"
#include "sim/models/models.h"

namespace faultline::sim {

namespace {

class Autoscaler : public Model {
 public:
  const ModelInfo& info() const override {
    static const ModelInfo info{
        "autoscaler",
        "A HorizontalPodAutoscaler control loop (scrape, sync, ceil(current * metric / target), "
        "tolerance, scale-down stabilisation, pod ready delay) in front of pods that shed load beyond capacity.",
        {{"arrival_rate_per_s", 1000, "requests per second offered from t = 0 (the cut-over), req/s"},
         {"step_at_s", -1, "time the offered load steps to step_arrival_rate_per_s, s; -1: no step"},
         {"step_arrival_rate_per_s", 0, "offered load after step_at_s, req/s"},
         {"pod_capacity_per_s", 100, "requests per second one ready pod can serve (100% CPU), req/s"},
         {"initial_replicas", 10, "pods running and ready at t = 0"},
         {"min_replicas", 1, "HPA minReplicas"},
         {"max_replicas", 100, "HPA maxReplicas"},
         {"target_utilization", 0.7, "HPA target average CPU utilisation, fraction of a pod's capacity"},
         {"tolerance", 0.1, "HPA tolerance: no scaling while |metric/target - 1| is within it (default 0.1)"},
         {"metrics_resolution_s", 15, "metrics-server scrape interval and averaging window, s (default 15)"},
         {"sync_period_s", 15, "HPA sync period (--horizontal-pod-autoscaler-sync-period), s (default 15)"},
         {"pod_ready_delay_s", 60, "from the HPA's request to a new pod serving (schedule, pull, start, readiness), s"},
         {"scale_down_stabilization_s", 300, "scale-down stabilisation window, s (default 300)"},
         {"duration_s", 600, "simulated seconds"}},
        {{"peak_error_rate", "highest share of requests shed in any one second"},
         {"error_rate", "share of all requests shed over the run"},
         {"error_window_s", "seconds in which more than 1% of requests were shed"},
         {"final_replicas", "replicas the HPA asks for at the end"},
         {"peak_replicas", "most replicas asked for during the run"},
         {"first_scale_s", "time of the first change of replicas, s; -1: none"}},
        "replicas"};
    return info;
  }

  RunResult run(const Params& p, std::uint64_t seed) const override {
    const double capacity = p.num("pod_capacity_per_s"), target = p.num("target_utilization");
    const double tolerance = p.num("tolerance"), resolution = p.num("metrics_resolution_s");
    const double sync = p.num("sync_period_s"), ready_delay = p.num("pod_ready_delay_s");
    const double window = p.num("scale_down_stabilization_s"), duration = p.num("duration_s");
    const long long min_r = p.integer("min_replicas"), max_r = p.integer("max_replicas");
    if (capacity <= 0 || target <= 0 || resolution <= 0 || sync <= 0 || duration <= 0)
      throw Error({}, "SIM003",
                  "pod_capacity_per_s, target_utilization, metrics_resolution_s, sync_period_s and duration_s must be "
                  "positive");
    if (min_r < 1 || max_r < min_r) throw Error({}, "SIM003", "need 1 <= min_replicas <= max_replicas");
    const double step_at = p.num("step_at_s");
    auto offered = [&](double t) {
      return step_at >= 0 && t >= step_at ? p.num("step_arrival_rate_per_s") : p.num("arrival_rate_per_s");
    };

    Engine engine(seed);
    RunResult result;
    long long spec = std::clamp(p.integer("initial_replicas"), min_r, max_r);
    std::vector<double> ready_at(static_cast<std::size_t>(spec), 0.0);  // one entry per pod
    auto ready_count = [&](double t) {
      return static_cast<long long>(std::count_if(ready_at.begin(), ready_at.end(), [&](double r) { return r <= t; }));
    };

    // Traffic, one-second ticks: the pods ready at the start of a second serve it.
    std::deque<std::pair<double, double>> utilisation;  // (tick end, mean utilisation of ready pods)
    double offered_total = 0, shed_total = 0, peak_error = 0, error_seconds = 0;
    const double tick = 1.0;
    std::function<void()> serve = [&] {
      double t = engine.now(), rate = offered(t);
      long long ready = ready_count(t);
      double cap = static_cast<double>(ready) * capacity, served = std::min(rate, cap);
      double shed = (rate - served) * tick;
      offered_total += rate * tick;
      shed_total += shed;
      double err = rate > 0 ? shed / (rate * tick) : 0;
      peak_error = std::max(peak_error, err);
      if (err > 0.01) error_seconds += tick;
      if (ready > 0) utilisation.push_back({t + tick, served / cap});
      while (!utilisation.empty() && utilisation.front().first < t + tick - 2 * resolution - sync)
        utilisation.pop_front();
      result.series.push_back({t + tick, static_cast<double>(spec)});
      if (t + 2 * tick <= duration + 1e-9) engine.after(tick, serve);
    };
    engine.at(0, serve);

    // metrics-server: mean utilisation over the last window (only time since the cut-over). A pod
    // that became ready inside the window has no full sample yet: the HPA sets it aside as unready.
    double metric = -1;
    long long sampled_pods = 0;
    std::function<void()> scrape = [&] {
      double t = engine.now(), sum = 0, n = 0;
      for (const auto& [end, u] : utilisation)
        if (end > t - resolution && end <= t + 1e-9) sum += u, ++n;
      if (n > 0) {
        metric = sum / n;
        sampled_pods = static_cast<long long>(std::count_if(
            ready_at.begin(), ready_at.end(), [&](double r) { return r <= std::max(0.0, t - resolution); }));
      }
      engine.after(resolution, scrape);
    };
    engine.at(resolution * (1 - engine.uniform()), scrape);

    // The HPA controller.
    std::deque<std::pair<double, long long>> recommendations;
    double first_scale = -1;
    long long peak = spec;
    std::function<void()> reconcile = [&] {
      double t = engine.now();
      engine.after(sync, reconcile);
      if (metric < 0) return;
      long long ready = std::min(sampled_pods, ready_count(t)),
                unready = static_cast<long long>(ready_at.size()) - ready;
      double ratio = metric / target;
      long long rec = spec;
      if (std::abs(ratio - 1) > tolerance && ready > 0) {
        rec = static_cast<long long>(std::ceil(static_cast<double>(ready) * metric / target - 1e-9));
        // Scaling up with pods still starting: they count as idle, and the result must still be a scale-up.
        if (ratio > 1 && unready > 0 && rec <= spec) rec = spec;
      }
      recommendations.push_back({t, rec});
      while (recommendations.front().first < t - window) recommendations.pop_front();
      long long desired = rec;
      if (rec < spec)
        for (const auto& [when, r] : recommendations) desired = std::max(desired, r);
      desired = std::clamp(desired, min_r, max_r);
      if (desired == spec) return;
      if (first_scale < 0) first_scale = t;
      if (desired > spec) {
        for (long long i = spec; i < desired; ++i) ready_at.push_back(t + ready_delay);
      } else {
        // Scale-down removes pods that are not ready first, then the newest.
        std::stable_sort(ready_at.begin(), ready_at.end());
        ready_at.resize(static_cast<std::size_t>(desired));
      }
      spec = desired;
      peak = std::max(peak, spec);
    };
    engine.at(sync * (1 - engine.uniform()), reconcile);

    engine.run_until(duration);
    result.outputs = {{"peak_error_rate", peak_error},
                      {"error_rate", offered_total > 0 ? shed_total / offered_total : 0},
                      {"error_window_s", error_seconds},
                      {"final_replicas", static_cast<double>(spec)},
                      {"peak_replicas", static_cast<double>(peak)},
                      {"first_scale_s", first_scale}};
    return result;
  }
};

}  // namespace

std::unique_ptr<Model> make_autoscaler() { return std::make_unique<Autoscaler>(); }

}  // namespace faultline::sim
