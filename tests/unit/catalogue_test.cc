// store/catalogue.h: build, cache hit, rebuild on change, corrupt cache, unwritable cache.
#include <doctest/doctest.h>

#include "kb/validate.h"
#include "store/catalogue.h"
#include "support.h"

namespace faultline::store {
namespace {

using test::TempDir;

kb::KnowledgeBase tiny() {
  kb::LoadedKnowledgeBase loaded = kb::load_knowledge_base(test::tiny_kb(), {});
  REQUIRE_FALSE(kb::has_errors(loaded.findings));
  return loaded.kb;
}

std::vector<std::filesystem::path> catalogue_files(const TempDir& dir) {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    if (e.path().filename().string().rfind("catalogue-", 0) == 0) out.push_back(e.path());
  return out;
}

TEST_CASE("a built catalogue answers lookups, listing, stats and patterns") {
  TempDir dir;
  std::string path = (dir / "cat.db").string();
  Catalogue::build(tiny(), 42, path);
  Catalogue cat = Catalogue::open_file(path);
  REQUIRE(cat.find_case("7"));
  CHECK(cat.find_case("stuck-queue")->title == "A stuck queue with idle consumers");
  CHECK_FALSE(cat.find_case("8"));
  CHECK_FALSE(cat.find_case("7 OR 1=1"));
  CHECK(cat.list_cases().size() == 1);
  CHECK(cat.find_signal("queue.depth_rising")->type == kb::SignalType::Number);
  CatalogueStats st = cat.stats();
  CHECK(st.cases == 1);
  CHECK(st.signals == 3);
  CHECK(st.log_patterns == 2);
  CHECK(st.metric_expressions == 1);
  CHECK(st.simulations == 1);
  CHECK(st.sample_incidents == 1);
  CHECK(cat.log_patterns().front() == "consumer \\S+ idle for [0-9]+s");
  kb::KnowledgeBase back = cat.load_knowledge_base();
  CHECK(back.cases.size() == 1);
  CHECK(back.cases[0].symptoms[0].where.str() == tiny().cases[0].symptoms[0].where.str());
  CHECK(back.sampled_cases == std::vector<int>{7});
}

TEST_CASE("build leaves no temporary file and replaces an existing catalogue") {
  TempDir dir;
  std::string path = (dir / "cat.db").string();
  test::write_file(path, "old contents");
  Catalogue::build(tiny(), 1, path);
  CHECK(Catalogue::open_file(path).list_cases().size() == 1);
  int files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
  CHECK(files == 1);
}

TEST_CASE("open_file refuses a file that is not a catalogue") {
  TempDir dir;
  test::write_file(dir / "junk.db", std::string(4096, 'x'));
  CHECK_THROWS_AS(Catalogue::open_file((dir / "junk.db").string()), Error);
}

TEST_CASE("open_cached builds once, then hits the cache") {
  TempDir dir;
  Catalogue first = Catalogue::open_cached(dir.str(), {});
  CHECK(first.built());
  Catalogue second = Catalogue::open_cached(dir.str(), {});
  CHECK_FALSE(second.built());
  CHECK(second.path() == first.path());
  CHECK(catalogue_files(dir).size() == 1);
}

TEST_CASE("a changed overlay is a different catalogue, and the stale one is removed") {
  TempDir dir;
  Catalogue plain = Catalogue::open_cached(dir.str(), {});
  auto overlay = std::vector<kb::SourceFile>{
      {"team/signals/extra.yaml",
       "references: [x]\nsignals:\n  - id: team.extra_signal\n    description: d\n    phrases: [extra thing]\n"}};
  Catalogue layered = Catalogue::open_cached(dir.str(), overlay);
  CHECK(layered.built());
  CHECK(layered.path() != plain.path());
  CHECK(layered.find_signal("team.extra_signal"));
  CHECK(catalogue_files(dir).size() == 1);
  overlay[0].text += "\n";
  CHECK(Catalogue::open_cached(dir.str(), overlay).built());
}

TEST_CASE("a corrupt or truncated cache is rebuilt") {
  TempDir dir;
  std::string path = Catalogue::open_cached(dir.str(), {}).path();
  SUBCASE("garbage") { test::write_file(path, std::string(10000, '\x7f')); }
  SUBCASE("truncated") {
    std::string bytes = test::read_file(path);
    test::write_file(path, bytes.substr(0, bytes.size() / 3));
  }
  SUBCASE("empty") { test::write_file(path, ""); }
  Catalogue again = Catalogue::open_cached(dir.str(), {});
  CHECK(again.built());
  CHECK(again.list_cases().size() > 0);
}

TEST_CASE("an unwritable cache folder falls back to a catalogue in memory") {
  TempDir dir;
  test::write_file(dir / "not-a-folder", "x");
  Catalogue cat = Catalogue::open_cached((dir / "not-a-folder" / "cache").string(), {});
  CHECK(cat.path() == ":memory:");
  CHECK(cat.list_cases().size() > 0);
}

TEST_CASE("a broken overlay is refused with the place of its first error") {
  TempDir dir;
  auto overlay = std::vector<kb::SourceFile>{{"team/signals/bad.yaml", "signals: [\n"}};
  try {
    Catalogue::open_cached(dir.str(), overlay);
    FAIL("expected an Error");
  } catch (const Error& e) {
    CHECK(e.where().file == "team/signals/bad.yaml");
    CHECK(e.code() == "KB001");
  }
  CHECK(catalogue_files(dir).empty());
}

}  // namespace
}  // namespace faultline::store
