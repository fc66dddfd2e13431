// sim/models/cost_model.cc: every total equals the hand sum of GB x price per path; the share is
// transfer over the whole bill; determinism; parameter errors; case 61.
#include <doctest/doctest.h>

#include <map>

#include "common/error.h"
#include "kb/validate.h"
#include "sim/model.h"
#include "sim/verify.h"

namespace faultline::sim {
namespace {

using Json = nlohmann::ordered_json;

std::map<std::string, double> run(const Json& params, std::uint64_t seed = 1) {
  return run_model("cost_model", params, seed).outputs;
}

TEST_CASE("cost_model: the totals are the hand sums") {
  // Case 61's bill: 20,000 x 0.09 + 600,000 x 0.045 + 1,500,000 x 0.02 = 1,800 + 27,000 + 30,000.
  auto out = run({{"internet_egress_gb", 20000}, {"internet_price_per_gb", 0.09}, {"nat_processed_gb", 600000},
                  {"nat_price_per_gb", 0.045}, {"cross_az_gb", 1500000}, {"cross_az_price_per_gb", 0.02},
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
  try {
    run({{"egress_gb", 1}});
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == "SIM002");
    CHECK(std::string(e.what()).find("egress_gb") != std::string::npos);
  }
  CHECK_THROWS_AS(run({{"nat_processed_gb", -1}}), Error);
}

TEST_CASE("cost_model: case 61 reproduces the symptom and its fix") {
  static const kb::LoadedKnowledgeBase loaded = kb::load_knowledge_base(kb::embedded_sources(), {});
  const kb::Case* c = loaded.kb.find_case(61);
  REQUIRE(c != nullptr);
  Verification v = verify_case(*c);
  for (const Check& check : v.checks) {
    CAPTURE(check.phase);
    CAPTURE(check.output);
    CAPTURE(check.value);
    CHECK(check.ok);
  }
  CHECK(v.reproduced);
  CHECK(v.fixed);
  CHECK(v.fix.outputs.at("data_transfer_cost_usd") == doctest::Approx(1800 + 1350 + 6000));
}

}  // namespace
}  // namespace faultline::sim
