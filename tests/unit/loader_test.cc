// kb/loader.h and kb/validate.h: every lint finding, with its place.
#include <doctest/doctest.h>

#include "kb/validate.h"
#include "support.h"

namespace faultline::kb {
namespace {

using test::tiny_kb;

std::vector<SourceFile> edited(std::size_t file, const std::string& from, const std::string& to) {
  auto files = tiny_kb();
  std::string& text = files[file].text;
  auto pos = text.find(from);
  REQUIRE_MESSAGE(pos != std::string::npos, "fixture lacks: " << from);
  text.replace(pos, from.size(), to);
  return files;
}

const Finding* first(const Findings& findings, const std::string& code) {
  for (const Finding& f : findings)
    if (f.code == code) return &f;
  return nullptr;
}

Finding expect_finding(const std::vector<SourceFile>& files, const std::string& code,
                       const std::vector<SourceFile>& overlay = {}) {
  LoadedKnowledgeBase loaded = load_knowledge_base(files, overlay);
  const Finding* f = first(loaded.findings, code);
  INFO("findings:");
  for (const Finding& each : loaded.findings) INFO(each.str());
  REQUIRE_MESSAGE(f != nullptr, "no " << code << " finding");
  return *f;
}

constexpr std::size_t kSignals = 0, kCase = 1, kMarker = 2;

TEST_CASE("the tiny fixture loads without errors or warnings") {
  LoadedKnowledgeBase loaded = load_knowledge_base(tiny_kb(), {});
  for (const Finding& f : loaded.findings) FAIL_CHECK(f.str());
  REQUIRE(loaded.kb.cases.size() == 1);
  CHECK(loaded.kb.cases[0].symptoms[1].absent.value() == doctest::Approx(-1.5));
  CHECK(loaded.kb.find_signal("queue.depth_rising")->type == SignalType::Number);
  CHECK(loaded.kb.find_case("stuck-queue") == loaded.kb.find_case(7));
  CHECK(loaded.kb.cases[0].symptoms[0].where.str() == "kb/cases/queues/007-stuck-queue.yaml:9:13");
}

TEST_CASE("KB001: malformed YAML names the line and column") {
  Finding f = expect_finding(edited(kCase, "tags: [backlog]", "tags: [backlog"), "KB001");
  CHECK(f.where.file == "kb/cases/queues/007-stuck-queue.yaml");
  CHECK(f.where.line > 0);
  CHECK(f.where.column > 0);
}

TEST_CASE("KB002: an unknown key is reported with a suggestion") {
  Finding f = expect_finding(edited(kCase, "scenario:", "scenaroi:"), "KB002");
  CHECK(f.where.str() == "kb/cases/queues/007-stuck-queue.yaml:7:1");
  CHECK(f.message.find("did you mean 'scenario'") != std::string::npos);
}

TEST_CASE("KB003: a missing required field is named") {
  Finding f = expect_finding(edited(kCase, "title: A stuck queue with idle consumers\n", ""), "KB003");
  CHECK(f.message.find("'title'") != std::string::npos);
  CHECK(f.where.file == "kb/cases/queues/007-stuck-queue.yaml");
}

TEST_CASE("KB004: a value of the wrong type is reported where it is") {
  Finding f = expect_finding(edited(kCase, "weight: 1.5", "weight: high"), "KB004");
  CHECK(f.where.str() == "kb/cases/queues/007-stuck-queue.yaml:10:13");
}

TEST_CASE(
    "regression: a case id too large for an int is a finding, not undefined behaviour (found by fuzz_case_loader)") {
  Finding f = expect_finding(edited(kCase, "id: 7", "id: 1.18889e+35"), "KB004");
  CHECK(f.message.find("whole number") != std::string::npos);
  expect_finding(edited(kCase, "id: 7", "id: 99999999999"), "KB004");
}

TEST_CASE("KB005: a signal id defined twice") {
  auto files = tiny_kb();
  files.push_back(
      {"kb/signals/more.yaml",
       "references: [x]\nsignals:\n  - id: queue.slow_acks\n    description: again\n    phrases: [slow]\n"});
  Finding f = expect_finding(files, "KB005");
  CHECK(f.where.str() == "kb/signals/more.yaml:3:5");
  CHECK_MESSAGE(f.message.find("first defined at kb/signals/queue.yaml:14:5") != std::string::npos, f.message);
}

TEST_CASE("KB006 and KB015: a case id or slug used twice") {
  auto files = tiny_kb();
  files.push_back({"kb/cases/queues/007-copy.yaml", files[kCase].text});
  expect_finding(files, "KB006");
  expect_finding(files, "KB015");
}

TEST_CASE("KB007: a bundled case id outside 1..200") {
  auto files = edited(kCase, "id: 7", "id: 201");
  files[kMarker].text = "case: 201\n";
  Finding f = expect_finding(files, "KB007");
  CHECK(f.where.file == "kb/cases/queues/007-stuck-queue.yaml");
}

TEST_CASE("KB007 does not apply to a team's overlay case numbered past 200") {
  auto overlay = std::vector<SourceFile>{{"team/cases/901-ours.yaml", tiny_kb()[kCase].text},
                                         {"team/incidents/901/expected.yaml", "case: 901\n"}};
  overlay[0].text.replace(overlay[0].text.find("id: 7"), 5, "id: 901");
  overlay[0].text.replace(overlay[0].text.find("slug: stuck-queue"), 17, "slug: ours");
  LoadedKnowledgeBase loaded = load_knowledge_base(tiny_kb(), overlay);
  CHECK(first(loaded.findings, "KB007") == nullptr);
  CHECK(loaded.kb.find_case(901) != nullptr);
}

TEST_CASE("KB008: an unknown signal named by a case, with a suggestion") {
  Finding f = expect_finding(edited(kCase, "signal: queue.consumer_idle", "signal: queue.consumer_idel"), "KB008");
  CHECK(f.where.str() == "kb/cases/queues/007-stuck-queue.yaml:11:13");
  CHECK(f.message.find("did you mean 'queue.consumer_idle'") != std::string::npos);
}

TEST_CASE("KB009: a pattern RE2 rejects carries RE2's message") {
  Finding f =
      expect_finding(edited(kSignals, R"('consumer \S+ idle for [0-9]+s')", R"('consumer (?<=x) idle')"), "KB009");
  CHECK(f.where.str() == "kb/signals/queue.yaml:12:12");
  CHECK(f.message.find("invalid") != std::string::npos);
}

TEST_CASE("KB010: an expression that does not parse") {
  Finding f = expect_finding(edited(kSignals, "rising(queue_depth)", "rising(queue_depth"), "KB010");
  CHECK(f.where.file == "kb/signals/queue.yaml");
  CHECK(f.where.line == 9);
  CHECK(f.message.find("expected ')'") != std::string::npos);
}

TEST_CASE("KB011: a related case that does not exist") {
  Finding f = expect_finding(edited(kCase, "related: []", "related: [99]"), "KB011");
  CHECK(f.message.find("99") != std::string::npos);
}

TEST_CASE("KB012: a case without a sample incident") {
  auto files = tiny_kb();
  files.pop_back();
  Finding f = expect_finding(files, "KB012");
  CHECK(f.where.file == "kb/cases/queues/007-stuck-queue.yaml");
}

TEST_CASE("KB013: malformed signal ids, slugs and types") {
  expect_finding(edited(kSignals, "id: queue.slow_acks", "id: Queue-Slow"), "KB013");
  expect_finding(edited(kCase, "slug: stuck-queue", "slug: Stuck_Queue"), "KB013");
  expect_finding(edited(kSignals, "type: number", "type: integer"), "KB013");
}

TEST_CASE("KB016: cause evidence must be one of the case's symptoms") {
  expect_finding(edited(kCase, "evidence: [queue.consumer_idle]", "evidence: [queue.other]"), "KB016");
}

TEST_CASE("KB017: a numeric signal's pattern needs a value group") {
  expect_finding(edited(kSignals, "(?P<value>[0-9]+)", "[0-9]+"), "KB017");
}

TEST_CASE("KB019: a signal with no way to be seen") {
  expect_finding(edited(kSignals, "    phrases: [acks are slow]\n", ""), "KB019");
}

TEST_CASE("KB028 and KB029: literal-free and .*-wrapped patterns are warnings with a hint") {
  Finding a = expect_finding(edited(kSignals, R"('consumer \S+ idle for [0-9]+s')", R"('\d+\.\d+ \w+')"), "KB028");
  CHECK_FALSE(a.is_error());
  CHECK(a.message.find("anchor it") != std::string::npos);
  Finding b = expect_finding(edited(kSignals, R"('consumer \S+ idle for [0-9]+s')", R"('.*consumer idle.*')"), "KB029");
  CHECK_FALSE(b.is_error());
  LoadedKnowledgeBase clean = load_knowledge_base(tiny_kb(), {});
  CHECK(first(clean.findings, "KB028") == nullptr);
}

TEST_CASE("KB021: a YAML file that is neither signals nor a case") {
  auto files = tiny_kb();
  files.push_back({"kb/notes.yaml", "hello: world\n"});
  Finding f = expect_finding(files, "KB021");
  CHECK(f.where.str() == "kb/notes.yaml:1:1");
}

TEST_CASE("an overlay case with an existing id replaces the embedded one") {
  auto overlay = std::vector<SourceFile>{{"team/cases/007-stuck-queue.yaml", tiny_kb()[kCase].text}};
  overlay[0].text.replace(overlay[0].text.find("A stuck queue"), 13, "Our stuck queue");
  LoadedKnowledgeBase loaded = load_knowledge_base(tiny_kb(), overlay);
  CHECK_FALSE(has_errors(loaded.findings));
  REQUIRE(loaded.kb.cases.size() == 1);
  CHECK(loaded.kb.cases[0].title.rfind("Our stuck queue", 0) == 0);
}

TEST_CASE("throw_first_error turns the first error into an Error with its place") {
  LoadedKnowledgeBase loaded = load_knowledge_base(edited(kCase, "weight: 1.5", "weight: x"), {});
  try {
    throw_first_error(loaded.findings);
    FAIL("expected an Error");
  } catch (const Error& e) {
    CHECK(e.message().rfind("kb/cases/queues/007-stuck-queue.yaml:10:13: KB004:", 0) == 0);
  }
}

}  // namespace
}  // namespace faultline::kb
