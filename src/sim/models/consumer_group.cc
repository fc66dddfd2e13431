// consumer_group: a Kafka-style partitioned topic read by a consumer group.
// Mechanism: the range assignor gives each partition to exactly one member; each member
// consumes up to its capacity, shared across its partitions; lag is what is produced and not
// yet consumed. Optionally a transactional producer commits every transaction_interval_ms;
// commits attempted while the network is partitioned fail and the transaction is aborted and
// retried, and a consumer reads aborted records unless isolation.level is read_committed.
#include <algorithm>
#include <cmath>

#include "common/error.h"
#include "sim/engine.h"
#include "sim/models/models.h"

namespace faultline::sim {

namespace {

class ConsumerGroup : public Model {
 public:
  const ModelInfo& info() const override {
    static const ModelInfo info{
        "consumer_group",
        "A partitioned topic read by a consumer group (range assignment, per-member capacity, lag), "
        "with an optional transactional producer and consumer isolation level.",
        {{"partitions", 10, "partitions of the topic"},
         {"consumers", 10, "members of the consumer group"},
         {"produce_rate_per_s", 1000, "records produced per second, spread evenly over partitions"},
         {"consumer_capacity_per_s", 1000, "records one member can process per second"},
         {"duration_s", 600, "simulated seconds"},
         {"transaction_interval_ms", 0, "a transactional producer commits this often; 0: no transactions"},
         {"transaction_timeout_ms", 60000, "transaction.timeout.ms: the coordinator aborts older open transactions"},
         {"partition_start_s", -1, "when the network partition between producer and coordinator starts; -1: none"},
         {"partition_duration_s", 0, "how long the network partition lasts"},
         {"isolation_level", "read_uncommitted", "consumer isolation.level: read_uncommitted or read_committed"}},
        {{"idle_consumers", "members that were assigned no partition"},
         {"throughput_per_s", "records consumed per second, averaged over the run"},
         {"lag_growth_per_s", "growth of the total lag per second"},
         {"final_lag", "records produced and not consumed at the end"},
         {"aborted_transactions", "transactions aborted because their commit could not complete"},
         {"duplicate_deliveries", "records delivered to the consumer more than once (aborted copies read)"}},
        "lag"};
    return info;
  }

  RunResult run(const Params& p, std::uint64_t seed) const override {
    const long long partitions = p.integer("partitions"), consumers = p.integer("consumers");
    if (partitions < 1 || consumers < 1) throw Error({}, "SIM003", "partitions and consumers must be at least 1");
    const double rate = p.num("produce_rate_per_s"), capacity = p.num("consumer_capacity_per_s");
    const double duration = p.num("duration_s");
    std::string isolation = p.text("isolation_level");
    if (isolation != "read_uncommitted" && isolation != "read_committed")
      throw Error({}, "SIM003", "isolation_level must be read_uncommitted or read_committed");

    // Range assignment: member i gets a contiguous run of partitions; extras get none.
    std::vector<long long> owned(static_cast<std::size_t>(consumers), 0);
    for (long long part = 0; part < partitions; ++part) ++owned[static_cast<std::size_t>(part % consumers)];
    std::vector<std::size_t> owner(static_cast<std::size_t>(partitions));
    {
      long long next = 0;
      for (long long m = 0; m < consumers; ++m)
        for (long long k = 0; k < owned[static_cast<std::size_t>(m)]; ++k)
          owner[static_cast<std::size_t>(next++)] = static_cast<std::size_t>(m);
    }
    long long idle = std::count(owned.begin(), owned.end(), 0);

    Engine engine(seed);
    RunResult result;
    std::vector<double> lag(static_cast<std::size_t>(partitions), 0);
    double consumed = 0;
    const double tick = 1.0;
    std::function<void()> step = [&] {
      for (double& l : lag) l += rate / static_cast<double>(partitions) * tick;
      // Each member shares its capacity across its partitions, taking what they hold.
      for (std::size_t m = 0; m < owned.size(); ++m) {
        double budget = capacity * tick;
        std::vector<std::size_t> mine;
        for (std::size_t part = 0; part < owner.size(); ++part)
          if (owner[part] == m) mine.push_back(part);
        while (budget > 1e-9 && !mine.empty()) {
          double share = budget / static_cast<double>(mine.size());
          double used = 0;
          std::vector<std::size_t> still;
          for (std::size_t part : mine) {
            double take = std::min(share, lag[part]);
            lag[part] -= take;
            used += take;
            if (lag[part] > 1e-9) still.push_back(part);
          }
          budget -= used;
          if (used <= 1e-9) break;
          mine = still;
        }
      }
      double total = 0;
      for (double l : lag) total += l;
      consumed = rate * (engine.now() + tick) - total;
      result.series.push_back({engine.now() + tick, total});
      if (engine.now() + tick < duration) engine.after(tick, step);
    };
    engine.at(0, step);
    engine.run_until(duration);
    double final_lag = result.series.empty() ? 0 : result.series.back().v;

    // Transactions: each interval's records are written, then committed; a commit that falls
    // in the network partition cannot reach the coordinator, so the application aborts and
    // writes the same records again in a new transaction after the partition heals.
    double aborted = 0, duplicates = 0;
    double interval = p.num("transaction_interval_ms") / 1000.0;
    double cut_start = p.num("partition_start_s"), cut_end = cut_start + p.num("partition_duration_s");
    double txn_timeout = p.num("transaction_timeout_ms") / 1000.0;
    if (interval > 0 && cut_start >= 0) {
      for (double t = interval; t <= duration; t += interval) {
        bool commit_blocked = t >= cut_start && t < cut_end;
        // An open transaction also dies if the partition outlasts transaction.timeout.ms.
        bool timed_out = t >= cut_start && t - interval < cut_start && cut_end - cut_start > txn_timeout;
        if (!commit_blocked && !timed_out) continue;
        ++aborted;
        if (isolation == "read_uncommitted") duplicates += rate * interval;
      }
    }
    result.outputs = {{"idle_consumers", static_cast<double>(idle)},
                      {"throughput_per_s", consumed / duration},
                      {"lag_growth_per_s", final_lag / duration},
                      {"final_lag", final_lag},
                      {"aborted_transactions", aborted},
                      {"duplicate_deliveries", std::round(duplicates)}};
    return result;
  }
};

}  // namespace

std::unique_ptr<Model> make_consumer_group() { return std::make_unique<ConsumerGroup>(); }

}  // namespace faultline::sim
