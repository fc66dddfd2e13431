// store/history.h: records, confirmations, learned priors, and concurrent writers.
#include <doctest/doctest.h>

#include <thread>

#include "common/error.h"
#include "store/history.h"
#include "support.h"

namespace faultline::store {
namespace {

IncidentRecord record(int top) {
  IncidentRecord r;
  r.command = "diagnose";
  r.input_digest = "00ff";
  r.input_bytes = 42;
  r.facts = {{"component", {"kafka"}}};
  r.results = {{{"case", top}, {"score", 5.0}}};
  r.top_case = top;
  return r;
}

TEST_CASE("a recorded incident reads back whole, newest first") {
  test::TempDir dir;
  History h = History::open((dir / "sub" / "history.db").string());
  long long a = h.record(record(10));
  long long b = h.record(record(6));
  CHECK(b > a);
  auto list = h.list(10);
  REQUIRE(list.size() == 2);
  CHECK(list[0].id == b);
  CHECK(list[1].top_case == 10);
  CHECK(list[1].facts["component"][0] == "kafka");
  CHECK(list[1].at.size() == 20);  // 2026-11-28T10:02:11Z
  CHECK_FALSE(list[1].confirmed_case);
  CHECK(h.find(a)->input_bytes == 42);
  CHECK_FALSE(h.find(999));
  CHECK(h.list(1).size() == 1);
}

TEST_CASE("confirmations become bounded learned priors") {
  test::TempDir dir;
  History h = History::open((dir / "h.db").string());
  for (int i = 0; i < 30; ++i) h.confirm(h.record(record(10)), 10);
  h.confirm(h.record(record(6)), 161);
  auto priors = h.learned_priors(1.0);
  CHECK(priors.at(10) == doctest::Approx(1.0));  // capped
  CHECK(priors.at(161) == doctest::Approx(0.5 * std::log(2.0)));
  CHECK_FALSE(priors.count(6));
  CHECK(learned_prior(0, 1.0) == 0);
  CHECK(learned_prior(3, 0.4) == doctest::Approx(0.4));
}

TEST_CASE("confirming an incident that does not exist is an error") {
  test::TempDir dir;
  History h = History::open((dir / "h.db").string());
  CHECK_THROWS_AS(h.confirm(7, 10), Error);
}

TEST_CASE("a history that cannot be opened is an Error naming the path") {
  test::TempDir dir;
  test::write_file(dir / "file", "x");
  try {
    History::open((dir / "file" / "h.db").string());
    FAIL("expected an Error");
  } catch (const Error& e) {
    CHECK(e.code() == "DB010");
    CHECK(e.where().file.find("file") != std::string::npos);
  }
}

TEST_CASE("twenty concurrent writers lose no record") {
  test::TempDir dir;
  std::string path = (dir / "h.db").string();
  History::open(path);
  std::vector<std::thread> writers;
  for (int i = 0; i < 20; ++i) writers.emplace_back([&path, i] { History::open(path).record(record(i + 1)); });
  for (auto& t : writers) t.join();
  CHECK(History::open(path).list(100).size() == 20);
}

}  // namespace
}  // namespace faultline::store
