// replication: copies of a database's writes at another site, and what a failover to them loses.
// Two mechanisms, both optional:
//  1. WAL archiving to the DR site (PostgreSQL archive_command). WAL is written at
//     wal_rate_mb_per_s; a segment is closed when it holds segment_size_mb or archive_timeout_s
//     after the previous switch; closed segments are archived one at a time, in order, each
//     upload taking about archive_time_s. From failure_before_disaster_s before the disaster the
//     upload fails silently; the failure is noticed detection_delay_s after it starts and
//     repaired repair_time_s later; a failed upload is retried archive_retry_s later. At the
//     disaster the primary and its unarchived WAL are lost: recovery replays the archive up to
//     the end of the newest archived segment, so data_loss_s = disaster - that point.
//  2. An async streaming replica (write_rate_per_s > 0): writes arrive as a Poisson stream, are
//     shipped after network_delay_ms and replayed one at a time by a single replay process
//     (replay_time_ms each, exponential); a client reading its own write from the replica
//     read_after_write_ms after writing sees stale data if the write is not replayed yet.
#include <algorithm>
#include <cmath>
#include <deque>

#include "common/error.h"
#include "sim/engine.h"
#include "sim/models/models.h"

namespace faultline::sim {

namespace {

class Replication : public Model {
 public:
  const ModelInfo& info() const override {
    static const ModelInfo info{
        "replication",
        "Copies of a database at a DR site: WAL archiving that can fail silently (data lost on failover = "
        "age of the newest archived WAL) and an async replica's replay lag and stale reads.",
        {{"wal_rate_mb_per_s", 0.02, "WAL written per second, MB/s"},
         {"segment_size_mb", 16, "WAL segment size, MB (default 16)"},
         {"archive_timeout_s", 60, "archive_timeout: a segment switch at least this often, s; 0: only when full"},
         {"archive_time_s", 2, "mean time to upload one segment, s (each upload 0.5x to 1.5x of it)"},
         {"archive_retry_s", 60, "wait before retrying a failed upload, s"},
         {"failure_before_disaster_s", -1, "archiving starts failing this long before the disaster, s; -1: never"},
         {"detection_delay_s", 86400, "from the archive failure to someone noticing it, s"},
         {"repair_time_s", 1800, "from noticing the failure to archiving working again, s"},
         {"rpo_target_s", 300, "the recovery point objective, s"},
         {"write_rate_per_s", 0, "writes per second streamed to an async replica; 0: no replica"},
         {"network_delay_ms", 1, "shipping delay from primary to replica, ms"},
         {"replay_time_ms", 1, "mean time the replica's single replay process spends on a write, ms"},
         {"read_after_write_ms", 50, "how soon after its write a client reads it back from the replica, ms"},
         {"replica_duration_s", 60, "simulated seconds of replica traffic"}},
        {{"data_loss_s", "writes lost on failover: disaster time minus the end of the newest archived WAL, s"},
         {"rpo_violated", "1 if data_loss_s exceeds rpo_target_s, else 0"},
         {"failed_archive_attempts", "archive uploads that failed"},
         {"unarchived_segments", "closed WAL segments not archived at the disaster"},
         {"max_archive_age_s",
          "longest time during the run since the newest archived WAL, s (what an archive-age alert watches)"},
         {"replication_lag_ms", "mean time from a write on the primary to its replay on the replica, ms"},
         {"p99_replication_lag_ms", "99th percentile of that lag, ms"},
         {"stale_read_fraction", "share of read-your-writes reads that do not see the write"}},
        "archive_age_s"};
    return info;
  }

  RunResult run(const Params& p, std::uint64_t seed) const override {
    Engine engine(seed);
    RunResult result;
    archive(p, engine, result);
    replica(p, engine, result);
    return result;
  }

 private:
  static void archive(const Params& p, Engine& engine, RunResult& result) {
    const double wal_rate = p.num("wal_rate_mb_per_s"), segment = p.num("segment_size_mb");
    const double timeout = p.num("archive_timeout_s"), upload = p.num("archive_time_s");
    const double retry = p.num("archive_retry_s"), before = p.num("failure_before_disaster_s");
    if (wal_rate <= 0 || segment <= 0 || upload < 0 || retry <= 0 || timeout < 0)
      throw Error({}, "SIM003", "wal_rate_mb_per_s, segment_size_mb and archive_retry_s must be positive");
    // Time 0 is an hour before the failure (or the disaster, if nothing fails).
    const double disaster = std::max(before, 0.0) + 3600;
    const double fail_start = before >= 0 ? disaster - before : disaster + 1;
    const double fail_end = fail_start + p.num("detection_delay_s") + p.num("repair_time_s");
    const double fill = segment / wal_rate;
    const double switch_every = timeout > 0 ? std::min(timeout, fill) : fill;

    std::deque<double> closed;  // end times of segments waiting for the archiver, in order
    double archived_end = 0, max_age = 0, failures = 0;
    bool busy = false;
    auto note_age = [&] {
      double age = engine.now() - archived_end;
      max_age = std::max(max_age, age);
    };
    std::function<void()> attempt = [&] {
      note_age();
      if (closed.empty()) {
        busy = false;
        return;
      }
      busy = true;
      double took = upload * (0.5 + engine.uniform());
      engine.after(took, [&] {
        double t = engine.now();
        note_age();
        if (t >= fail_start && t < fail_end) {
          ++failures;
          engine.after(retry, attempt);
          return;
        }
        archived_end = closed.front();
        closed.pop_front();
        note_age();
        attempt();
      });
    };
    std::function<void()> switch_segment = [&] {
      closed.push_back(engine.now());
      if (!busy) attempt();
      engine.after(switch_every, switch_segment);
    };
    engine.at(switch_every * engine.uniform(), switch_segment);
    // Sample the archive age once a minute for the sketch and the max.
    std::function<void()> watch = [&] {
      note_age();
      result.series.push_back({engine.now(), engine.now() - archived_end});
      engine.after(60, watch);
    };
    engine.at(0, watch);
    engine.run_until(disaster);
    note_age();

    double loss = disaster - archived_end;
    result.outputs["data_loss_s"] = loss;
    result.outputs["rpo_violated"] = loss > p.num("rpo_target_s") ? 1 : 0;
    result.outputs["failed_archive_attempts"] = failures;
    result.outputs["unarchived_segments"] = static_cast<double>(closed.size());
    result.outputs["max_archive_age_s"] = max_age;
  }

  // Lindley's recursion for the single replay process (FIFO): replay starts when the write has
  // arrived and the previous write is replayed.
  static void replica(const Params& p, Engine& engine, RunResult& result) {
    const double rate = p.num("write_rate_per_s"), network = p.num("network_delay_ms") / 1000;
    const double replay = p.num("replay_time_ms") / 1000, read_after = p.num("read_after_write_ms") / 1000;
    const double duration = p.num("replica_duration_s");
    std::vector<double> lags;
    double stale = 0;
    if (rate > 0) {
      double t = 0, replayed = 0;
      while ((t += engine.exponential(1 / rate)) < duration) {
        replayed = std::max(t + network, replayed) + engine.exponential(replay);
        lags.push_back((replayed - t) * 1000);
        if (replayed - t > read_after) ++stale;
      }
    }
    double sum = 0;
    for (double l : lags) sum += l;
    result.outputs["replication_lag_ms"] = lags.empty() ? 0 : sum / static_cast<double>(lags.size());
    result.outputs["p99_replication_lag_ms"] = percentile(lags, 99);
    result.outputs["stale_read_fraction"] = lags.empty() ? 0 : stale / static_cast<double>(lags.size());
  }
};

}  // namespace

std::unique_ptr<Model> make_replication() { return std::make_unique<Replication>(); }

}  // namespace faultline::sim
