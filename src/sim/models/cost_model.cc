// cost_model: a month's cloud bill with data transfer priced by the path the bytes take.
// Mechanism: each path (internet egress, NAT gateway processing, cross-AZ traffic) is billed
// GB x price per GB; the rest of the bill (compute, storage) is other_cost_usd. No time and no
// randomness: the point is which path the bytes take, and the fix moves bytes off a path.
#include "common/error.h"
#include "sim/models/models.h"

namespace faultline::sim {

namespace {

class CostModel : public Model {
 public:
  const ModelInfo& info() const override {
    static const ModelInfo info{
        "cost_model",
        "A monthly bill: data transfer by path (internet egress, NAT processing, cross-AZ) at a price per GB, "
        "plus the rest of the bill.",
        {{"internet_egress_gb", 0, "GB a month leaving to the internet, GB"},
         {"internet_price_per_gb", 0.09, "internet egress price, USD/GB (AWS first tier: 0.09)"},
         {"nat_processed_gb", 0, "GB a month processed by NAT gateways (both directions), GB"},
         {"nat_price_per_gb", 0.045, "NAT gateway data processing price, USD/GB (AWS: 0.045)"},
         {"cross_az_gb", 0, "GB a month crossing availability zones, GB"},
         {"cross_az_price_per_gb", 0.02, "cross-AZ price, USD/GB (AWS: 0.01 out + 0.01 in)"},
         {"other_cost_usd", 0, "the rest of the monthly bill (compute, storage, ...), USD"}},
        {{"data_transfer_cost_usd", "internet + NAT + cross-AZ charges, USD/month"},
         {"data_transfer_share", "data transfer as a share of the whole bill"},
         {"total_cost_usd", "the whole bill, USD/month"},
         {"internet_egress_cost_usd", "internet egress charges, USD/month"},
         {"nat_cost_usd", "NAT processing charges, USD/month"},
         {"cross_az_cost_usd", "cross-AZ charges, USD/month"}},
        ""};
    return info;
  }

  RunResult run(const Params& p, std::uint64_t) const override {
    const char* names[] = {"internet_egress_gb", "internet_price_per_gb", "nat_processed_gb", "nat_price_per_gb",
                           "cross_az_gb",        "cross_az_price_per_gb", "other_cost_usd"};
    for (const char* n : names)
      if (p.num(n) < 0) throw Error({}, "SIM003", std::string("parameter '") + n + "' must not be negative");
    double internet = p.num("internet_egress_gb") * p.num("internet_price_per_gb");
    double nat = p.num("nat_processed_gb") * p.num("nat_price_per_gb");
    double cross_az = p.num("cross_az_gb") * p.num("cross_az_price_per_gb");
    double transfer = internet + nat + cross_az, total = transfer + p.num("other_cost_usd");
    RunResult result;
    result.outputs = {{"data_transfer_cost_usd", transfer},
                      {"data_transfer_share", total > 0 ? transfer / total : 0},
                      {"total_cost_usd", total},
                      {"internet_egress_cost_usd", internet},
                      {"nat_cost_usd", nat},
                      {"cross_az_cost_usd", cross_az}};
    return result;
  }
};

}  // namespace

std::unique_ptr<Model> make_cost_model() { return std::make_unique<CostModel>(); }

}  // namespace faultline::sim
