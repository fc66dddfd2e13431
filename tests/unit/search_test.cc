// store/search.cc: query building from any user text, and ranking.
#include <doctest/doctest.h>

#include "kb/validate.h"
#include "store/catalogue.h"
#include "support.h"

namespace faultline::store {
namespace {

TEST_CASE("user text becomes quoted words joined by OR, without stop words") {
  CHECK(fts_query("added more consumers but Kafka throughput did not improve") ==
        R"("added" OR "more" OR "consumers" OR "kafka" OR "throughput" OR "improve")");
  CHECK(fts_query("") == "");
  CHECK(fts_query("the and of") == "");
  CHECK(fts_query("kafka kafka KAFKA") == "\"kafka\"");
}

TEST_CASE("FTS5 syntax in user text is never passed through") {
  for (const char* hostile :
       {"\"unbalanced quote", "NEAR(a b)", "a AND OR NOT b", "col:value", "(((", "*", "^start", "a - b + c",
        "'; DROP TABLE cases; --", "\x01\x02\x03", "caf\xc3\xa9 latency", "\xff\xfe broken utf8"}) {
    std::string q = fts_query(hostile);
    CAPTURE(hostile);
    CHECK(q.find('(') == std::string::npos);
    CHECK(q.find(':') == std::string::npos);
    CHECK(q.find('*') == std::string::npos);
  }
}

TEST_CASE("hostile queries search without error") {
  test::TempDir dir;
  Catalogue cat = Catalogue::open_cached(dir.str(), {});
  for (const char* hostile :
       {"\"unbalanced quote", "NEAR(kafka consumers)", "kafka AND OR NOT", "title:kafka", "(((", "*", "", "   ",
        "'; DROP TABLE cases; --", "\xff\xfe broken utf8 kafka", "\x02kafka\x03"}) {
    CAPTURE(hostile);
    CHECK_NOTHROW(cat.search(hostile, 5));
  }
  CHECK(cat.list_cases().size() > 0);
}

TEST_CASE("ranking prefers the case whose words match") {
  test::TempDir dir;
  kb::LoadedKnowledgeBase loaded = kb::load_knowledge_base(test::tiny_kb(), {});
  std::string path = (dir / "cat.db").string();
  Catalogue::build(loaded.kb, 1, path);
  Catalogue cat = Catalogue::open_file(path);
  auto hits = cat.search("consumers sit idle and the queue keeps growing", 5);
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].id == 7);
  CHECK(hits[0].score > 0);
  CHECK(hits[0].snippet.find(kHighlightOn) != std::string::npos);
  CHECK(cat.search("completely unrelated zebra", 5).empty());
  CHECK(cat.search("idle", 0).empty());
}

}  // namespace
}  // namespace faultline::store
