// sim/engine.h, sim/recorder.h, sim/model.h (Params, registry) and sim/verify.h.
#include <doctest/doctest.h>

#include <set>
#include "common/error.h"
#include "kb/validate.h"

#include "sim/engine.h"
#include "sim/recorder.h"
#include "sim/verify.h"
#include "support.h"

namespace faultline::sim {
namespace {

TEST_CASE("events run in time order; ties run in the order they were scheduled") {
  Engine e(1);
  std::vector<int> order;
  e.at(2, [&] { order.push_back(3); });
  e.at(1, [&] { order.push_back(1); });
  e.at(1, [&] {
    order.push_back(2);
    e.after(0.5, [&] { order.push_back(4); });
  });
  e.at(10, [&] { order.push_back(99); });
  CHECK(e.run_until(5) == 4);
  CHECK(order == std::vector<int>{1, 2, 4, 3});  // the one at 1.5 comes before 2
  CHECK(e.now() == doctest::Approx(5));
  e.run_until(20);
  CHECK(order.back() == 99);
}

TEST_CASE("an event scheduled in the past runs now, never earlier") {
  Engine e(1);
  double seen = -1;
  e.at(3, [&] { e.at(1, [&] { seen = e.now(); }); });
  e.run_until(10);
  CHECK(seen == doctest::Approx(3));
}

TEST_CASE("the same seed gives the same random sequence; another seed another") {
  Engine a(42), b(42), c(43);
  for (int i = 0; i < 100; ++i) {
    double x = a.uniform();
    CHECK(x == b.uniform());
    CHECK(x >= 0);
    CHECK(x < 1);
  }
  CHECK(a.exponential(2) != c.exponential(2));
}

TEST_CASE("exponential samples have the requested mean") {
  Engine e(7);
  double sum = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) sum += e.exponential(0.25);
  // Standard error of the mean is 0.25/sqrt(n) ~ 0.00056; allow 5 of them.
  CHECK(sum / n == doctest::Approx(0.25).epsilon(0.012));
}

TEST_CASE("percentiles interpolate between ranks") {
  std::vector<double> v;
  for (int i = 1; i <= 100; ++i) v.push_back(i);
  CHECK(percentile(v, 50) == doctest::Approx(50.5));
  CHECK(percentile(v, 99) == doctest::Approx(99.01));
  CHECK(percentile(v, 100) == doctest::Approx(100));
  CHECK(percentile({}, 99) == 0);
  Recorder r;
  for (double x : {3.0, 1.0, 2.0}) r.sample("lat", x);
  CHECK(r.mean("lat") == doctest::Approx(2));
  CHECK(r.max("lat") == 3);
  CHECK(r.samples("none").empty());
}

TEST_CASE("expectations parse comparisons with units and hold within a tolerance") {
  CHECK(parse_expectation("== 5").holds(5));
  CHECK(parse_expectation(" >= 1900 ").holds(1900));
  CHECK_FALSE(parse_expectation(">= 1900").holds(1899.9));
  CHECK(parse_expectation("<= 250ms").holds(0.25));
  CHECK(parse_expectation("< 1%").holds(0.009));
  CHECK(parse_expectation("!= 0").holds(1));
  CHECK(parse_expectation("== 0.1").holds(0.1 + 1e-12));
  for (const char* bad : {"5", "=> 5", "== fast", "", ">="}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(parse_expectation(bad), Error);
  }
}

TEST_CASE("parameters are checked against the model: unknown names and wrong types are errors naming them") {
  try {
    run_model("consumer_group", {{"partitionz", 3}}, 1);
    FAIL("expected an Error");
  } catch (const Error& e) {
    CHECK(e.code() == "SIM002");
    CHECK(std::string(e.what()).find("did you mean 'partitions'") != std::string::npos);
    CHECK(std::string(e.what()).find("its parameters: ") != std::string::npos);
  }
  CHECK_THROWS_AS(run_model("consumer_group", {{"partitions", "ten"}}, 1), Error);
  CHECK_THROWS_AS(run_model("no_such_model", nlohmann::ordered_json::object(), 1), Error);
}

TEST_CASE("every registered model documents its parameters and outputs, and runs on its defaults") {
  REQUIRE(!all_models().empty());
  for (const Model* m : all_models()) {
    CAPTURE(m->info().name);
    CHECK(!m->info().summary.empty());
    CHECK(!m->info().outputs.empty());
    bool needs_required = false;
    for (const ParamSpec& p : m->info().params) {
      CHECK(!p.doc.empty());
      needs_required = needs_required || p.default_value.is_null();
    }
    if (needs_required) continue;
    RunResult a = run_model(m->info().name, nlohmann::ordered_json::object(), 3);
    RunResult b = run_model(m->info().name, nlohmann::ordered_json::object(), 3);
    CHECK(a.outputs == b.outputs);  // same seed, same outputs
    for (const OutputSpec& o : m->info().outputs) CHECK_MESSAGE(a.outputs.count(o.name), o.name);
  }
}

kb::KnowledgeBase bundled() {
  auto loaded = kb::load_knowledge_base(kb::embedded_sources(), {});
  return loaded.kb;
}

TEST_CASE("verify runs a case with the cause and with the fix, and reports every check") {
  kb::KnowledgeBase base = bundled();
  const kb::Case* c = base.find_case(10);
  REQUIRE(c);
  Verification v = verify_case(*c);
  CHECK(v.reproduced);
  CHECK(v.fixed);
  CHECK(v.checks.size() == c->simulation->expect.size() + c->simulation->fix_expect.size());
  CHECK(v.cause.outputs.at("idle_consumers") == 5);
  CHECK(v.fix.outputs.at("idle_consumers") == 0);
}

TEST_CASE("verify binds parameters from the user's numbers") {
  kb::KnowledgeBase base = bundled();
  const kb::Case* c = base.find_case(10);
  Verification v = verify_case(*c, 1, {{"kafka.partition_count", 12}});
  CHECK(v.bound.at("partitions") == 12);
  CHECK(v.cause.outputs.at("idle_consumers") == 3);  // 15 consumers, 12 partitions
  CHECK_FALSE(v.reproduced);                         // the case expects 5 idle
}

TEST_CASE("the same model with the fix's numbers shows no symptom: the mechanism decides, not a flag") {
  nlohmann::ordered_json p = {
      {"partitions", 10}, {"consumers", 15}, {"produce_rate_per_s", 12000}, {"consumer_capacity_per_s", 1000}};
  CHECK(run_model("consumer_group", p, 1).outputs.at("idle_consumers") == 5);
  p["consumers"] = 10;
  CHECK(run_model("consumer_group", p, 1).outputs.at("idle_consumers") == 0);
  p["partitions"] = 30;
  p["consumers"] = 15;
  RunResult r = run_model("consumer_group", p, 1);
  CHECK(r.outputs.at("idle_consumers") == 0);
  CHECK(r.outputs.at("throughput_per_s") == doctest::Approx(12000));
}

TEST_CASE("lint of a simulation spec: unknown model, parameter, output, unparsable expectation, bad bind") {
  kb::Simulation s;
  s.model = "consumer_grup";
  s.where = {"x.yaml", 3, 1};
  kb::Findings f;
  check_simulation(s, f);
  REQUIRE(f.size() == 1);
  CHECK(f[0].code == "KB030");
  CHECK(f[0].message.find("did you mean 'consumer_group'") != std::string::npos);
  s.model = "consumer_group";
  s.params = {{"partitons", 3}};
  s.expect = {{"idle", "== 5"}, {"idle_consumers", "about five"}};
  s.bind = {{"nope", "kafka.partition_count"}};
  f.clear();
  check_simulation(s, f);
  std::set<std::string> codes;
  for (const auto& x : f) codes.insert(x.code);
  CHECK(codes == std::set<std::string>{"KB031", "KB032", "KB033", "KB034"});
}

}  // namespace
}  // namespace faultline::sim
