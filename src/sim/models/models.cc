#include "sim/models/models.h"

namespace faultline::sim {

std::vector<std::unique_ptr<Model>> make_all_models() {
  std::vector<std::unique_ptr<Model>> v;
  v.push_back(make_consumer_group());
  return v;
}

}  // namespace faultline::sim
