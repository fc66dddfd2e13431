// streaming_watermark: an event-time streaming job (Spark Structured Streaming, Flink) whose
// stateful operator drops events that arrive behind its watermark.
// Mechanism: events are generated from t = 0 at arrival_rate_per_s (Poisson); most reach the
// job on_time_delay_s after their event time, a late_fraction of them late_delay_s after it
// (devices offline, a lagging partition). The job runs a micro-batch every trigger_interval_s on
// what arrived since the last one. Before each batch the watermark is the largest event time
// seen in earlier batches minus watermark_delay_s; rows of the batch with an event time below it
// are dropped, silently. A batch's rows of one kind have event times uniform over the arrival
// window shifted back by that kind's delay, so the dropped count is a binomial draw over them
// and the batch's largest event time is the largest of n uniform draws (both exact samples of
// the per-event process, which at 1000+ events per second would cost too much to draw one by one).
#include <algorithm>
#include <cmath>
#include <random>

#include "common/error.h"
#include "sim/engine.h"
#include "sim/models/models.h"

namespace faultline::sim {

namespace {

class StreamingWatermark : public Model {
 public:
  const ModelInfo& info() const override {
    static const ModelInfo info{
        "streaming_watermark",
        "An event-time streaming job with micro-batches and a watermark (max event time seen - delay) "
        "that silently drops events arriving later than the watermark delay.",
        {{"arrival_rate_per_s", 1000, "events generated per second, Poisson, events/s"},
         {"late_fraction", 0.05, "share of events that arrive late"},
         {"late_delay_s", 900, "how long after its event time a late event reaches the job, s"},
         {"on_time_delay_s", 2, "how long after its event time an on-time event reaches the job, s"},
         {"watermark_delay_s", 600, "the watermark's allowed lateness (withWatermark delay), s"},
         {"trigger_interval_s", 10, "micro-batch interval, s"},
         {"duration_s", 7200, "simulated seconds"}},
        {{"dropped_fraction", "share of the events that reached the job which were dropped as too late"},
         {"dropped_events", "events dropped as too late"},
         {"late_dropped_fraction", "share of the late events that were dropped"},
         {"watermark_lag_s", "how far the watermark trails the job's clock at the end, s"}},
        "dropped_per_batch"};
    return info;
  }

  RunResult run(const Params& p, std::uint64_t seed) const override {
    const double rate = p.num("arrival_rate_per_s"), late_fraction = p.num("late_fraction");
    const double late_delay = p.num("late_delay_s"), on_time_delay = p.num("on_time_delay_s");
    const double wm_delay = p.num("watermark_delay_s"), trigger = p.num("trigger_interval_s");
    const double duration = p.num("duration_s");
    if (rate < 0 || late_fraction < 0 || late_fraction > 1 || late_delay < 0 || on_time_delay < 0)
      throw Error({}, "SIM003", "rates and delays must not be negative; late_fraction must be in [0, 1]");
    if (trigger <= 0 || duration <= 0) throw Error({}, "SIM003", "trigger_interval_s and duration_s must be positive");

    Engine engine(seed);
    RunResult result;
    struct Kind {
      double rate, delay;
    };
    const Kind kinds[] = {{rate * (1 - late_fraction), on_time_delay}, {rate * late_fraction, late_delay}};
    double max_seen = -1e300, watermark = -1e300;
    double arrived = 0, dropped = 0, late_arrived = 0, late_dropped = 0;
    std::function<void()> batch = [&] {
      double t = engine.now(), batch_max = -1e300, batch_dropped = 0;
      for (std::size_t k = 0; k < 2; ++k) {
        // Events reaching the job in (t - trigger, t] have event times in (lo, hi], but none before 0.
        double lo = std::max(t - trigger - kinds[k].delay, 0.0), hi = t - kinds[k].delay;
        if (hi <= lo || kinds[k].rate <= 0) continue;
        long long n = std::poisson_distribution<long long>(kinds[k].rate * (hi - lo))(engine.rng());
        if (n == 0) continue;
        double below = std::clamp((watermark - lo) / (hi - lo), 0.0, 1.0);
        long long d = std::binomial_distribution<long long>(n, below)(engine.rng());
        batch_max = std::max(batch_max, lo + (hi - lo) * std::pow(engine.uniform(), 1.0 / static_cast<double>(n)));
        arrived += static_cast<double>(n);
        dropped += static_cast<double>(d);
        batch_dropped += static_cast<double>(d);
        if (k == 1) late_arrived += static_cast<double>(n), late_dropped += static_cast<double>(d);
      }
      // The watermark for the next batch comes from what this batch saw.
      max_seen = std::max(max_seen, batch_max);
      if (max_seen > -1e300) watermark = std::max(watermark, max_seen - wm_delay);
      result.series.push_back({t, batch_dropped});
      if (t + trigger <= duration + 1e-9) engine.after(trigger, batch);
    };
    engine.at(trigger, batch);
    engine.run_until(duration);

    result.outputs = {{"dropped_fraction", arrived > 0 ? dropped / arrived : 0},
                      {"dropped_events", dropped},
                      {"late_dropped_fraction", late_arrived > 0 ? late_dropped / late_arrived : 0},
                      {"watermark_lag_s", watermark > -1e300 ? duration - watermark : duration}};
    return result;
  }
};

}  // namespace

std::unique_ptr<Model> make_streaming_watermark() { return std::make_unique<StreamingWatermark>(); }

}  // namespace faultline::sim
