#include "sim/models/models.h"

namespace faultline::sim {

std::vector<std::unique_ptr<Model>> make_all_models() {
  std::vector<std::unique_ptr<Model>> v;
  v.push_back(make_consumer_group());
  v.push_back(make_hash_ring());
  v.push_back(make_worker_pool());
  v.push_back(make_connection_pool());
  v.push_back(make_rate_limiter());
  v.push_back(make_load_balancer());
  v.push_back(make_cache());
  v.push_back(make_session_expiry());
  v.push_back(make_backup_retention());
  v.push_back(make_autoscaler());
  v.push_back(make_endpoint_propagation());
  v.push_back(make_scatter_gather());
  v.push_back(make_replication());
  v.push_back(make_streaming_watermark());
  v.push_back(make_broker_queue());
  v.push_back(make_cost_model());
  v.push_back(make_graphql_executor());
  return v;
}

}  // namespace faultline::sim
