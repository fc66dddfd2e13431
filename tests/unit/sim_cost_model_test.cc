// sim/models/cost_model.cc: every total equals the hand sum of GB x price per path; the share is
// transfer over the whole bill; determinism; parameter errors; case 61.
#include <doctest/doctest.h>

#include <map>

#include "common/error.h"
#include "sim_support.h"

namespace faultline::sim {
namespace {

using Json = nlohmann::ordered_json;
using namespace faultline::test;

const ModelRunner run{"cost_model"};

TEST_CASE("cost_model: the totals are the hand sums") {
  // Case 61's bill: 20,000 x 0.09 + 600,000 x 0.045 + 1,500,000 x 0.02 = 1,800 + 27,000 + 30,000.
  auto out = run({{"internet_egress_gb", 20000},
                  {"internet_price_per_gb", 0.09},
                  {"nat_processed_gb", 600000},
                  {"nat_price_per_gb", 0.045},
                  {"cross_az_gb", 1500000},
                  {"cross_az_price_per_gb", 0.02},
                  {"other_cost_usd", 39200}});
  CHECK(out["internet_egress_cost_usd"] == doctest::Approx(1800));
  CHECK(out["nat_cost_usd"] == doctest::Approx(27000));
  CHECK(out["cross_az_cost_usd"] == doctest::Approx(30000));
  CHECK(out["data_transfer_cost_usd"] == doctest::Approx(58800));
  CHECK(out["total_cost_usd"] == doctest::Approx(98000));
  CHECK(out["data_transfer_share"] == doctest::Approx(0.6));
  // Defaults are AWS list prices; an empty bill costs nothing and has no share.
  out = run({{"internet_egress_gb", 1000}, {"nat_processed_gb", 1000}, {"cross_az_gb", 1000}});
  CHECK(out["data_transfer_cost_usd"] == doctest::Approx(90 + 45 + 20));
  CHECK(out["data_transfer_share"] == doctest::Approx(1));
  CHECK(run(Json::object())["data_transfer_share"] == 0);
}

TEST_CASE("cost_model: the seed changes nothing; bad parameters are Errors naming them") {
  Json p = {{"cross_az_gb", 12345}, {"other_cost_usd", 678}};
  CHECK(run(p, 1) == run(p, 99));
  check_unknown_parameter("cost_model", {{"egress_gb", 1}}, "egress_gb");
  CHECK_THROWS_AS(run({{"nat_processed_gb", -1}}), Error);
}

TEST_CASE("cost_model: case 61 reproduces the symptom and its fix") {
  Verification v = check_case_verifies(61);
  CHECK(v.fix.outputs.at("data_transfer_cost_usd") == doctest::Approx(1800 + 1350 + 6000));
}

}  // namespace
}  // namespace faultline::sim
