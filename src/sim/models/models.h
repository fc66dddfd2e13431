// The model library: one factory per model family, listed in models.cc. An explicit table, not
// static registration, so that a static library never silently drops a model.
#pragma once

#include <memory>
#include <vector>

#include "sim/model.h"

namespace faultline::sim {

std::vector<std::unique_ptr<Model>> make_all_models();

std::unique_ptr<Model> make_consumer_group();
std::unique_ptr<Model> make_hash_ring();
std::unique_ptr<Model> make_worker_pool();
std::unique_ptr<Model> make_connection_pool();
std::unique_ptr<Model> make_rate_limiter();
std::unique_ptr<Model> make_load_balancer();
std::unique_ptr<Model> make_cache();
std::unique_ptr<Model> make_session_expiry();
std::unique_ptr<Model> make_backup_retention();
std::unique_ptr<Model> make_autoscaler();
std::unique_ptr<Model> make_endpoint_propagation();
std::unique_ptr<Model> make_scatter_gather();
std::unique_ptr<Model> make_replication();
std::unique_ptr<Model> make_streaming_watermark();
std::unique_ptr<Model> make_broker_queue();
std::unique_ptr<Model> make_cost_model();
std::unique_ptr<Model> make_graphql_executor();

}  // namespace faultline::sim
