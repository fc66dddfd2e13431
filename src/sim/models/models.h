// The model library: one factory per model family, listed in models.cc. An explicit table, not
// static registration, so that a static library never silently drops a model.
#pragma once

#include <memory>
#include <vector>

#include "sim/model.h"

namespace faultline::sim {

std::vector<std::unique_ptr<Model>> make_all_models();

std::unique_ptr<Model> make_consumer_group();

}  // namespace faultline::sim
