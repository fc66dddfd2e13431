// worker_pool: one FIFO queue of tasks served by N workers (threads), on the discrete-event
// engine. Mechanism: a submitted task starts at once if a worker is idle, else waits in the queue
// (a full bounded queue rejects it); a worker that frees up takes the head of the queue. A request
// holds its worker for its CPU work (service_time_ms), then optionally for a blocking call that
// uses no CPU (blocking_call_ms), then optionally submits subtasks to the SAME pool and blocks its
// worker until they all finish: when every worker holds such a parent, the subtasks wait behind
// them forever (thread-starvation deadlock, no lock cycle). Requests come as a batch at time 0
// (jobs), as Poisson arrivals (arrival_rate_per_s) or as a closed loop (parent_concurrency kept
// in flight). Optionally the CPU work runs under a CFS bandwidth limit: the pool may use
// cpu_limit_cores x cfs_period_ms of CPU per period and is frozen (throttled) until the next
// period once it has.
//
// CPU is simulated as a fluid: every running task advances at one core while the pool is not
// throttled, so a single progress clock V (seconds of CPU each running task has received) tells
// when each task ends (V at start + its work), and CPU used = running tasks x elapsed time.
#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <queue>

#include "common/error.h"
#include "sim/engine.h"
#include "sim/models/models.h"

namespace faultline::sim {

namespace {

struct Task {
  double submitted = 0;   ///< s
  int parent = -1;        ///< the request blocked on this subtask; -1 for a request
  long long pending = 0;  ///< subtasks not yet finished
  bool failed = false;    ///< a subtask of it was rejected
};

struct Config {
  long long workers = 1, jobs = 0, parent_concurrency = 0, subtasks = 0, queue_capacity = -1;
  double rate = 0, duration = 0, service = 0, call = 0, subtask = 0, quota = 0, period = 0.1;
  bool constant = false;
  double arrivals_end = 0;  ///< requests are submitted until then (0 for a batch only)
};

class Pool {
 public:
  Pool(const Config& c, Engine& e) : c_(c), e_(e), idle_(c.workers) {}

  RunResult run() {
    double per_job = c_.service + c_.call + static_cast<double>(c_.subtasks) * c_.subtask;
    double horizon =
        std::max(c_.arrivals_end, static_cast<double>(c_.jobs) * per_job / static_cast<double>(c_.workers));
    point_dt_ = horizon > 0 ? horizon / 200 : 1e-3;
    bucket_end_ = point_dt_;
    e_.at(0, [this] {
      for (long long i = 0; i < c_.jobs; ++i) submit(new_task(-1));
      for (long long i = 0; i < c_.parent_concurrency && c_.arrivals_end > 0; ++i) submit(new_task(-1));
      reschedule_cpu();
    });
    if (c_.rate > 0) schedule_arrival(0);
    e_.run_until(std::numeric_limits<double>::infinity());

    const bool stuck = !queue_.empty() || waiting_ > 0;
    const double window = std::max(c_.arrivals_end, stuck ? last_t_ : last_completion_);
    advance(window);
    if (window > bucket_end_ - point_dt_)
      series_.push_back({window, bucket_area_ / (window - (bucket_end_ - point_dt_))});
    const double cores = c_.quota > 0 ? std::min(static_cast<double>(c_.workers), c_.quota / c_.period)
                                      : static_cast<double>(c_.workers);
    const double per_window = window > 0 ? 1 / window : 0;
    const double accepted = static_cast<double>(requests_ - rejected_requests_);
    std::sort(latency_.begin(), latency_.end());
    std::sort(wait_.begin(), wait_.end());
    RunResult r;
    r.outputs = {
        {"p50_latency_ms", sorted_percentile(latency_, 50) * 1000},
        {"p99_latency_ms", sorted_percentile(latency_, 99) * 1000},
        {"mean_latency_ms", mean(latency_) * 1000},
        {"p99_queue_wait_ms", sorted_percentile(wait_, 99) * 1000},
        {"mean_queue_wait_ms", mean(wait_) * 1000},
        {"max_queue_length", static_cast<double>(max_queue_)},
        {"mean_queue_length", queue_area_ * per_window},
        {"makespan_ms", last_completion_ * 1000},
        {"completed", static_cast<double>(completed_)},
        {"completed_per_s", static_cast<double>(completed_) * per_window},
        {"rejected", static_cast<double>(rejected_)},
        {"rejected_fraction", requests_ ? static_cast<double>(rejected_requests_) / static_cast<double>(requests_) : 0},
        {"unfinished_requests", accepted - static_cast<double>(completed_ + failed_)},
        {"deadlocked", stuck ? 1.0 : 0.0},
        {"utilization", busy_area_ * per_window / static_cast<double>(c_.workers)},
        {"cpu_utilization", cpu_used_ * per_window / cores},
        {"blocked_threads", static_cast<double>(max_waiting_)},
        {"throttled_period_ratio",
         periods_ ? static_cast<double>(throttled_periods_) / static_cast<double>(periods_) : 0},
    };
    r.series = std::move(series_);
    return r;
  }

 private:
  // sim::percentile's interpolation, on samples already sorted (it would sort a copy per call).
  static double sorted_percentile(const std::vector<double>& v, double p) {
    if (v.empty()) return 0;
    double rank = p / 100 * static_cast<double>(v.size() - 1);
    auto lo = static_cast<std::size_t>(rank);
    std::size_t hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (v[hi] - v[lo]) * (rank - static_cast<double>(lo));
  }
  static double mean(const std::vector<double>& v) {
    double sum = 0;
    for (double x : v) sum += x;
    return v.empty() ? 0 : sum / static_cast<double>(v.size());
  }

  double draw(double avg) { return c_.constant ? avg : e_.exponential(avg); }

  int new_task(int parent) {
    tasks_.push_back({e_.now(), parent, 0, false});
    if (parent < 0) ++requests_;
    return static_cast<int>(tasks_.size() - 1);
  }

  // Accounts the time since the last event: queue and busy areas, CPU, the progress clock.
  void advance(double now) {
    double dt = now - last_t_;
    if (dt <= 0) return;
    const double q = static_cast<double>(queue_.size());
    queue_area_ += q * dt;
    // The sketch: the time-average queue length per bucket, at most kMaxPoints buckets.
    double from = last_t_;
    while (now >= bucket_end_) {
      series_.push_back({bucket_end_, (bucket_area_ + q * (bucket_end_ - from)) / point_dt_});
      from = bucket_end_;
      bucket_area_ = 0;
      bucket_end_ += point_dt_;
      if (series_.size() == kMaxPoints) {
        for (std::size_t i = 0; i < kMaxPoints / 2; ++i)
          series_[i] = {series_[2 * i + 1].t, (series_[2 * i].v + series_[2 * i + 1].v) / 2};
        series_.resize(kMaxPoints / 2);
        bucket_end_ += point_dt_;
        point_dt_ *= 2;
      }
    }
    bucket_area_ += q * (now - from);
    busy_area_ += static_cast<double>(c_.workers - idle_) * dt;
    if (!throttled_) {
      double n = static_cast<double>(running_.size());
      v_ += dt;
      cpu_used_ += n * dt;
      quota_left_ -= n * dt;
    }
    last_t_ = now;
  }

  void schedule_arrival(double t) {
    double next = t + e_.exponential(1 / c_.rate);
    if (next >= c_.arrivals_end) return;
    e_.at(next, [this, next] {
      advance(next);
      submit(new_task(-1));
      schedule_arrival(next);
      reschedule_cpu();
    });
  }

  // A task is submitted to the pool: runs now, waits, or is rejected. False if rejected.
  bool submit(int id) {
    if (idle_ > 0) {
      start(id);
      return true;
    }
    if (c_.queue_capacity >= 0 && static_cast<long long>(queue_.size()) >= c_.queue_capacity) {
      ++rejected_;
      if (tasks_[static_cast<std::size_t>(id)].parent < 0) ++rejected_requests_;
      return false;
    }
    queue_.push_back(id);
    max_queue_ = std::max(max_queue_, static_cast<long long>(queue_.size()));
    return true;
  }

  void start(int id) {
    --idle_;
    const Task& t = tasks_[static_cast<std::size_t>(id)];
    if (t.parent < 0) wait_.push_back(e_.now() - t.submitted);
    running_.push({v_ + draw(t.parent < 0 ? c_.service : c_.subtask), id});
    ensure_tick();
  }

  void dispatch() {
    while (idle_ > 0 && !queue_.empty()) {
      int id = queue_.front();
      queue_.pop_front();
      start(id);
    }
  }

  // A task's CPU work is done: a request goes on to its blocking call and subtasks.
  void cpu_done(int id) {
    if (tasks_[static_cast<std::size_t>(id)].parent >= 0 || c_.call <= 0) return call_done(id);
    set_waiting(+1);
    double t = e_.now() + draw(c_.call);
    e_.at(t, [this, id, t] {
      advance(t);
      set_waiting(-1);
      call_done(id);
      reschedule_cpu();
    });
  }

  void call_done(int id) {
    Task& t = tasks_[static_cast<std::size_t>(id)];
    if (t.parent >= 0 || c_.subtasks <= 0) return complete(id);
    // Submit the subtasks to this same pool and park this worker until they all finish.
    t.pending = c_.subtasks;
    set_waiting(+1);
    for (long long k = 0; k < c_.subtasks; ++k)
      if (!submit(new_task(id))) {
        Task& parent = tasks_[static_cast<std::size_t>(id)];  // new_task may have moved it
        parent.failed = true;
        if (--parent.pending == 0) {
          set_waiting(-1);
          return complete(id);
        }
      }
  }

  void complete(int id) {
    ++idle_;
    last_completion_ = e_.now();
    Task& t = tasks_[static_cast<std::size_t>(id)];
    if (t.parent >= 0) {
      Task& parent = tasks_[static_cast<std::size_t>(t.parent)];
      if (--parent.pending == 0) {
        set_waiting(-1);
        complete(t.parent);
      }
    } else {
      if (t.failed) {
        ++failed_;
      } else {
        ++completed_;
        latency_.push_back(e_.now() - t.submitted);
      }
      // Closed loop: the replacement is submitted after the freed worker took the queue's head.
      dispatch();
      if (c_.parent_concurrency > 0 && e_.now() < c_.arrivals_end) submit(new_task(-1));
    }
    dispatch();
  }

  void set_waiting(int d) {
    waiting_ += d;
    max_waiting_ = std::max(max_waiting_, waiting_);
  }

  // CFS: the quota is refilled at every period boundary while anything runs.
  void ensure_tick() {
    if (c_.quota <= 0 || tick_scheduled_) return;
    auto k = static_cast<long long>(std::floor(e_.now() / c_.period + 1e-9));
    if (k != quota_period_) {
      quota_period_ = k;
      quota_left_ = c_.quota;
    }
    tick_scheduled_ = true;
    double t = static_cast<double>(k + 1) * c_.period;
    e_.at(t, [this, t, k] { tick(t, k + 1); });
  }

  void tick(double t, long long k) {
    advance(t);
    tick_scheduled_ = false;
    ++periods_;
    if (throttled_in_period_) ++throttled_periods_;
    throttled_in_period_ = throttled_ = false;
    quota_period_ = k;
    quota_left_ = c_.quota;
    if (!running_.empty()) ensure_tick();
    reschedule_cpu();
  }

  double eps() const { return 1e-12 * std::max(1.0, e_.now()); }

  // One pending CPU event: the earliest task end, or the moment the quota runs out.
  void reschedule_cpu() {
    if (running_.empty() || throttled_) {
      ++gen_;
      scheduled_ = false;
      return;
    }
    double t = e_.now() + std::max(0.0, running_.top().first - v_);
    if (c_.quota > 0) {
      // Quota that runs out at the period boundary itself (within rounding) throttles nothing.
      double dt = std::max(0.0, quota_left_) / static_cast<double>(running_.size());
      if (dt > eps()) t = std::min(t, e_.now() + dt);
    }
    if (scheduled_ && t == scheduled_t_) return;
    scheduled_ = true;
    scheduled_t_ = t;
    e_.at(t, [this, t, g = ++gen_] {
      if (g != gen_) return;
      scheduled_ = false;
      advance(t);
      on_cpu();
      reschedule_cpu();
    });
  }

  void on_cpu() {
    double boundary = static_cast<double>(quota_period_ + 1) * c_.period;
    if (c_.quota > 0 && !throttled_ && !running_.empty() &&
        quota_left_ / static_cast<double>(running_.size()) <= eps() && boundary - e_.now() > eps()) {
      throttled_ = throttled_in_period_ = true;
      quota_left_ = 0;
    }
    while (!running_.empty() && running_.top().first <= v_ + eps()) {
      int id = running_.top().second;
      running_.pop();
      cpu_done(id);
    }
  }

  const Config& c_;
  Engine& e_;
  std::vector<double> latency_, wait_;  ///< of requests, s
  std::vector<Task> tasks_;
  std::deque<int> queue_;
  using Run = std::pair<double, int>;  ///< (progress clock value at which it ends, task)
  std::priority_queue<Run, std::vector<Run>, std::greater<>> running_;
  long long idle_;
  long long waiting_ = 0, max_waiting_ = 0, max_queue_ = 0;
  long long requests_ = 0, completed_ = 0, failed_ = 0, rejected_ = 0, rejected_requests_ = 0;
  long long periods_ = 0, throttled_periods_ = 0, quota_period_ = -1;
  double v_ = 0, last_t_ = 0, quota_left_ = 0, cpu_used_ = 0, queue_area_ = 0, busy_area_ = 0;
  double last_completion_ = 0, scheduled_t_ = 0;
  static constexpr std::size_t kMaxPoints = 1000;
  double point_dt_ = 1, bucket_end_ = 1, bucket_area_ = 0;
  bool throttled_ = false, throttled_in_period_ = false, tick_scheduled_ = false, scheduled_ = false;
  std::uint64_t gen_ = 0;
  std::vector<Recorder::Point> series_;
};

class WorkerPool : public Model {
 public:
  const ModelInfo& info() const override {
    static const ModelInfo info{
        "worker_pool",
        "A FIFO queue served by N workers: Poisson arrivals, a batch or a closed loop; blocking calls; "
        "subtasks submitted to the same pool with the parent blocking on them (pool-induced deadlock); "
        "an optional bounded queue and CFS CPU quota (throttling).",
        {{"workers", 1, "workers (threads, processes, in-flight slots) serving the queue; default 1"},
         {"arrival_rate_per_s", 0, "Poisson arrivals of requests per second during duration_s; default 0: none"},
         {"duration_s", 60,
          "seconds during which requests arrive (arrivals and closed loop); the run then drains; default 60"},
         {"jobs", 0, "a batch of requests all submitted at time 0 (see makespan_ms); default 0"},
         {"parent_concurrency", 0,
          "closed loop: requests kept in flight, each finished one replaced at once until duration_s; default 0: none"},
         {"service_time_ms", 10, "mean CPU time a worker spends on a request, ms; default 10"},
         {"blocking_call_ms", 0,
          "mean time a request then holds its worker in a blocking call using no CPU, ms; default 0"},
         {"subtasks_per_parent", 0,
          "subtasks a request then submits to the same pool, blocking its worker until all finish; default 0"},
         {"subtask_time_ms", 1, "mean CPU time of a subtask, ms; default 1"},
         {"service_distribution", "exponential",
          "distribution of every CPU and call time: exponential or constant; default exponential"},
         {"queue_capacity", -1,
          "tasks that may wait; a submission finding the queue full is rejected; default -1: unbounded"},
         {"cpu_limit_cores", 0,
          "CFS bandwidth limit: the pool may use this many cores' worth of CPU per period; default 0: none"},
         {"cfs_period_ms", 100, "CFS period (cpu.cfs_period_us), ms; default 100"}},
        {{"p50_latency_ms", "median request latency, submission to completion (ms)"},
         {"p99_latency_ms", "99th percentile request latency, submission to completion (ms)"},
         {"mean_latency_ms", "mean request latency (ms)"},
         {"p99_queue_wait_ms", "99th percentile time a request waits in the queue before a worker takes it (ms)"},
         {"mean_queue_wait_ms", "mean queue wait of requests, zero waits included (ms)"},
         {"max_queue_length", "most tasks (requests and subtasks) waiting at once"},
         {"mean_queue_length", "time-average number of tasks waiting over the run"},
         {"makespan_ms", "when the last task finished (ms); for a batch, its makespan"},
         {"completed", "requests completed"},
         {"completed_per_s", "requests completed per second of the run (max of duration_s and the last event)"},
         {"rejected", "submissions (requests and subtasks) rejected by a full queue"},
         {"rejected_fraction", "fraction of requests rejected by a full queue"},
         {"unfinished_requests", "accepted requests that never finished (stuck in a deadlock)"},
         {"deadlocked", "1 if the run ended with tasks that can never run: every worker parked on queued subtasks"},
         {"utilization", "fraction of worker-time held by a task (running, in a call, or parked)"},
         {"cpu_utilization", "CPU used / (min(workers, cpu_limit_cores) x run time)"},
         {"blocked_threads", "most workers parked at once (waiting on subtasks or in a blocking call)"},
         {"throttled_period_ratio", "CFS periods in which the quota ran out / periods with CPU demand"}},
        "queue_length"};
    return info;
  }

  RunResult run(const Params& p, std::uint64_t seed) const override {
    Config c;
    c.workers = p.integer("workers");
    c.rate = p.num("arrival_rate_per_s");
    c.duration = p.num("duration_s");
    c.jobs = p.integer("jobs");
    c.parent_concurrency = p.integer("parent_concurrency");
    c.service = p.num("service_time_ms") / 1000;
    c.call = p.num("blocking_call_ms") / 1000;
    c.subtasks = p.integer("subtasks_per_parent");
    c.subtask = p.num("subtask_time_ms") / 1000;
    c.queue_capacity = p.integer("queue_capacity");
    c.period = p.num("cfs_period_ms") / 1000;
    c.quota = p.num("cpu_limit_cores") * c.period;
    std::string dist = p.text("service_distribution");
    if (dist != "exponential" && dist != "constant")
      throw Error({}, "SIM003", "service_distribution must be exponential or constant, not '" + dist + "'");
    c.constant = dist == "constant";
    if (c.workers < 1) throw Error({}, "SIM003", "workers must be at least 1");
    if (c.rate < 0 || c.duration < 0 || c.jobs < 0 || c.parent_concurrency < 0 || c.service < 0 || c.call < 0 ||
        c.subtasks < 0 || c.subtask < 0 || c.quota < 0)
      throw Error({}, "SIM003", "worker_pool parameters must not be negative (queue_capacity: -1 for unbounded)");
    if (c.quota > 0 && c.period <= 0)
      throw Error({}, "SIM003", "cfs_period_ms must be positive with a cpu_limit_cores");
    if (c.parent_concurrency > 0 && c.service + c.call + static_cast<double>(c.subtasks) * c.subtask <= 0)
      throw Error({}, "SIM003", "a closed loop (parent_concurrency) needs requests that take time");
    c.arrivals_end = c.rate > 0 || c.parent_concurrency > 0 ? c.duration : 0;
    Engine engine(seed);
    return Pool(c, engine).run();
  }
};

}  // namespace

std::unique_ptr<Model> make_worker_pool() { return std::make_unique<WorkerPool>(); }

}  // namespace faultline::sim
