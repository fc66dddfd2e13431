// kb/json.h: the catalogue's JSON round-trips the model.
#include <doctest/doctest.h>

#include "kb/json.h"
#include "kb/validate.h"
#include "support.h"

namespace faultline::kb {
namespace {

TEST_CASE("case and signal JSON round-trip, places included") {
  KnowledgeBase base = load_knowledge_base(test::tiny_kb(), {}).kb;
  const Case& c = base.cases.at(0);
  Json j = to_json(c);
  CHECK(j["slug"] == "stuck-queue");
  CHECK(j["simulation"]["fix"]["params"]["workers"] == 4);
  Case back = case_from_json(j);
  CHECK(to_json(back) == j);
  CHECK(back.causes[0].where.str() == c.causes[0].where.str());
  for (const Signal& s : base.signals) CHECK(to_json(signal_from_json(to_json(s))) == to_json(s));
}

TEST_CASE("a case JSON from another schema is an Error, not a crash") {
  CHECK_THROWS_AS(case_from_json(Json{{"id", 1}}), Error);
}

}  // namespace
}  // namespace faultline::kb
