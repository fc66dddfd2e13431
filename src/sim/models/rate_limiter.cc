// rate_limiter: a per-key rate limit in front of traffic spread over many keys (client IPs,
// users, API keys).
// Mechanism: each key's traffic is bursts of burst_size requests spread evenly over
// burst_duration_ms, the bursts arriving as a Poisson process (or periodically, at a random
// phase per key) so that the key's average is arrival_rate_per_s / keys. Each key has its own
// limiter, selected by `algorithm`:
//   token_bucket   starts full with bucket_capacity tokens, refills refill_rate_per_s
//                  continuously up to the capacity; a request takes one token or is rejected.
//   leaky_bucket   nginx limit_req without nodelay: excess = max(0, excess - rate x dt + 1);
//                  rejected if excess > bucket_capacity (the burst), else delayed excess / rate.
//   fixed_window   at most limit_per_window requests per key in each [k W, (k+1) W).
//   sliding_window at most limit_per_window requests admitted in any trailing window_s (a log).
// Keys never interact, so each key's limiter is fed its own arrivals in time order, key after
// key, all from the engine's one seeded random stream.
#include <algorithm>
#include <cmath>
#include <deque>

#include "common/error.h"
#include "sim/engine.h"
#include "sim/models/models.h"

namespace faultline::sim {

namespace {

class RateLimiter : public Model {
 public:
  const ModelInfo& info() const override {
    static const ModelInfo info{
        "rate_limiter",
        "A per-key rate limiter (token_bucket, leaky_bucket, fixed_window, sliding_window) over bursty "
        "traffic spread across many keys.",
        {{"algorithm", "token_bucket",
          "token_bucket, leaky_bucket (nginx limit_req, delaying), fixed_window or sliding_window"},
         {"refill_rate_per_s", 10, "token_bucket refill / leaky_bucket drain rate per key, requests per second"},
         {"bucket_capacity", 10,
          "token_bucket capacity (tokens, the bucket starts full) / leaky_bucket burst (requests)"},
         {"limit_per_window", 100, "fixed_window / sliding_window: requests admitted per key per window"},
         {"window_s", 60, "fixed_window / sliding_window: window length, seconds"},
         {"keys", 1, "limiter keys the traffic is spread over evenly (client IPs, users)"},
         {"arrival_rate_per_s", 5, "average requests per second over all keys together"},
         {"arrival_pattern", "poisson", "when a key's bursts start: poisson or periodic (random phase per key)"},
         {"burst_size", 1, "requests per burst (1: plain Poisson or evenly spaced requests)"},
         {"burst_duration_ms", 0, "a burst's requests are spread evenly over this time, ms (0: all at once)"},
         {"duration_s", 600, "simulated seconds"}},
        {{"admitted_fraction", "fraction of requests the limiter admitted"},
         {"rejected_fraction", "fraction of requests the limiter rejected"},
         {"admitted_per_s", "requests admitted per second, all keys"},
         {"rejected_per_s", "requests rejected per second, all keys"},
         {"offered_per_key_per_min", "requests offered per key per minute, measured"},
         {"offered_to_limit_ratio",
          "offered per key over the limiter's long-run allowance per key (refill rate, or limit per window)"},
         {"mean_delay_ms", "mean delay of admitted requests (leaky_bucket only; else 0), ms"},
         {"p99_delay_ms", "99th percentile delay of admitted requests (leaky_bucket only; else 0), ms"}},
        "rejected_per_s"};
    return info;
  }

  RunResult run(const Params& p, std::uint64_t seed) const override {
    const std::string algorithm = p.text("algorithm"), pattern = p.text("arrival_pattern");
    enum Kind { Token, Leaky, Fixed, Sliding } kind;
    if (algorithm == "token_bucket")
      kind = Token;
    else if (algorithm == "leaky_bucket")
      kind = Leaky;
    else if (algorithm == "fixed_window")
      kind = Fixed;
    else if (algorithm == "sliding_window")
      kind = Sliding;
    else
      throw Error(
          {}, "SIM003",
          "algorithm must be token_bucket, leaky_bucket, fixed_window or sliding_window, not '" + algorithm + "'");
    if (pattern != "poisson" && pattern != "periodic")
      throw Error({}, "SIM003", "arrival_pattern must be poisson or periodic, not '" + pattern + "'");
    const double refill = p.num("refill_rate_per_s"), capacity = p.num("bucket_capacity");
    const double limit = p.num("limit_per_window"), window = p.num("window_s");
    const long long keys = p.integer("keys"), burst = p.integer("burst_size");
    const double rate = p.num("arrival_rate_per_s"), spread = p.num("burst_duration_ms") / 1000.0;
    const double duration = p.num("duration_s");
    if (keys < 1 || burst < 1) throw Error({}, "SIM003", "keys and burst_size must be at least 1");
    if (duration <= 0 || rate < 0 || spread < 0 || capacity < 0 || limit < 0)
      throw Error({}, "SIM003", "duration_s must be positive; rates, sizes and limits must not be negative");
    if ((kind == Token || kind == Leaky) && refill <= 0)
      throw Error({}, "SIM003", "refill_rate_per_s must be positive");
    if ((kind == Fixed || kind == Sliding) && window <= 0) throw Error({}, "SIM003", "window_s must be positive");
    if (rate * duration > 5e6) throw Error({}, "SIM003", "arrival_rate_per_s x duration_s exceeds 5,000,000 requests");

    Engine engine(seed);
    const double burst_rate = rate / static_cast<double>(keys) / static_cast<double>(burst);  // bursts per s per key
    const std::size_t bins = static_cast<std::size_t>(std::clamp(std::ceil(duration), 1.0, 120.0));
    const double bin_width = duration / static_cast<double>(bins);
    std::vector<double> rejected_in_bin(bins, 0);
    std::vector<double> times, delays;
    long long offered = 0, admitted = 0;

    for (long long key = 0; key < keys; ++key) {
      // This key's arrivals, in time order.
      times.clear();
      if (burst_rate > 0) {
        double t = pattern == "periodic" ? engine.uniform() / burst_rate : engine.exponential(1 / burst_rate);
        while (t < duration) {
          for (long long j = 0; j < burst; ++j) {
            double at = t + spread * static_cast<double>(j) / static_cast<double>(burst);
            if (at < duration) times.push_back(at);
          }
          t += pattern == "periodic" ? 1 / burst_rate : engine.exponential(1 / burst_rate);
        }
        if (!std::is_sorted(times.begin(), times.end())) std::sort(times.begin(), times.end());
      }
      // This key's limiter.
      double tokens = capacity, excess = 0, last = -1;
      long long window_index = -1, in_window = 0;
      std::deque<double> log;
      for (double t : times) {
        bool ok = false;
        switch (kind) {
          case Token:
            tokens = std::min(capacity, tokens + refill * (t - std::max(last, 0.0)));
            last = t;
            if (tokens >= 1 - 1e-9) {
              tokens -= 1;
              ok = true;
            }
            break;
          case Leaky: {
            double e = last < 0 ? 0 : std::max(0.0, excess - refill * (t - last) + 1);
            if (e <= capacity + 1e-9) {
              ok = true;
              excess = e;
              last = t;
              delays.push_back(e / refill * 1000);
            }
            break;
          }
          case Fixed: {
            auto w = static_cast<long long>(std::floor(t / window));
            if (w != window_index) {
              window_index = w;
              in_window = 0;
            }
            ok = static_cast<double>(in_window) < limit;
            in_window += ok;
            break;
          }
          case Sliding:
            while (!log.empty() && log.front() <= t - window) log.pop_front();
            ok = static_cast<double>(log.size()) < limit;
            if (ok) log.push_back(t);
            break;
        }
        ++offered;
        if (ok)
          ++admitted;
        else
          rejected_in_bin[std::min(bins - 1, static_cast<std::size_t>(t / bin_width))] += 1;
      }
    }

    RunResult result;
    for (std::size_t b = 0; b < bins; ++b)
      result.series.push_back({(static_cast<double>(b) + 1) * bin_width, rejected_in_bin[b] / bin_width});
    double n = static_cast<double>(std::max(offered, 1LL));
    double per_key_per_s = static_cast<double>(offered) / static_cast<double>(keys) / duration;
    double allowance = (kind == Token || kind == Leaky) ? refill : limit / window;
    double delay_sum = 0;
    for (double d : delays) delay_sum += d;
    result.outputs = {{"admitted_fraction", offered ? static_cast<double>(admitted) / n : 1},
                      {"rejected_fraction", static_cast<double>(offered - admitted) / n},
                      {"admitted_per_s", static_cast<double>(admitted) / duration},
                      {"rejected_per_s", static_cast<double>(offered - admitted) / duration},
                      {"offered_per_key_per_min", per_key_per_s * 60},
                      {"offered_to_limit_ratio", allowance > 0 ? per_key_per_s / allowance : (offered ? 1e300 : 0)},
                      {"mean_delay_ms", delays.empty() ? 0 : delay_sum / static_cast<double>(delays.size())},
                      {"p99_delay_ms", percentile(std::move(delays), 99)}};
    return result;
  }
};

}  // namespace

std::unique_ptr<Model> make_rate_limiter() { return std::make_unique<RateLimiter>(); }

}  // namespace faultline::sim
