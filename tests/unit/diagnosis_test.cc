// infer/diagnosis.h: scoring, the none-of-these threshold, facts, cause choice, questions.
#include <doctest/doctest.h>

#include <cmath>

#include "infer/diagnosis.h"
#include "kb/validate.h"
#include "support.h"

namespace faultline::infer {
namespace {

// Two cases sharing one signal; each has a decisive signal of its own.
std::vector<kb::SourceFile> two_cases() {
  auto signals = R"(references: [x]
signals:
  - {id: q.shared, description: shared, question: "Shared?", phrases: [shared thing]}
  - {id: q.only_a, description: only a, question: "Only A?", phrases: [only a]}
  - {id: q.only_b, description: only b, question: "Only B?", phrases: [only b]}
  - {id: q.cause_two, description: cause two, question: "Two?", phrases: [cause two]}
)";
  auto make = [](int id, const std::string& slug, const std::string& own, const std::string& comp) {
    return "id: " + std::to_string(id) + "\nslug: " + slug + "\ntitle: T" + std::to_string(id) +
           "\ncategory: c\ncomponents: [" + comp +
           "]\nscenario: s\nsymptoms:\n"
           "  - {signal: q.shared, weight: 1.0}\n"
           "  - {signal: " +
           own +
           ", weight: 3.0, absent: -2.0}\n"
           "  - {signal: q.cause_two, weight: 0.5}\n"
           "causes:\n"
           "  - {id: one, summary: s, explanation: e, evidence: [" +
           own +
           "], fixes: [{summary: f}, {summary: g}]}\n"
           "  - {id: two, summary: s, explanation: e, evidence: [q.cause_two], fixes: [{summary: f}, {summary: g}]}\n"
           "simulation: {model: worker_pool, params: {workers: 1}, expect: {p99_latency_ms: '> 1'}, fix: {params: "
           "{workers: 2}, expect: {p99_latency_ms: '< 1'}}}\n"
           "references: [x]\n";
  };
  return {{"kb/signals/q.yaml", signals},
          {"kb/cases/c/001-a.yaml", make(1, "a", "q.only_a", "kafka")},
          {"kb/cases/c/002-b.yaml", make(2, "b", "q.only_b", "redis")},
          {"data/incidents/001-a/expected.yaml", "case: 1\n"},
          {"data/incidents/002-b/expected.yaml", "case: 2\n"}};
}

struct Fixture {
  kb::KnowledgeBase kb = [] {
    auto loaded = kb::load_knowledge_base(two_cases(), {});
    for (const auto& f : loaded.findings)
      if (f.is_error()) FAIL(f.str());
    return loaded.kb;
  }();
  evidence::Evidence ev;

  void see(const std::string& signal, bool present = true) {
    evidence::Observation o;
    o.present = present;
    o.source = "app.log:3";
    ev.observations[signal] = o;
  }
  const Hypothesis* find(const Diagnosis& d, int id) {
    for (const Hypothesis& h : d.hypotheses)
      if (h.c->id == id) return &h;
    return nullptr;
  }
};

TEST_CASE_FIXTURE(Fixture, "a seen signal adds its weight; unknown adds nothing; absent adds its absent weight") {
  see("q.shared");
  see("q.only_a");
  Diagnosis d = diagnose(kb, ev, {});
  REQUIRE(d.hypotheses.size() == 2);
  CHECK(d.hypotheses[0].c->id == 1);
  CHECK(d.hypotheses[0].score == doctest::Approx(4.0));
  CHECK(d.hypotheses[1].score == doctest::Approx(1.0));
  see("q.only_b", false);
  d = diagnose(kb, ev, {});
  CHECK(find(d, 2)->score == doctest::Approx(-1.0));
}

TEST_CASE_FIXTURE(Fixture, "no evidence at all reports nothing and leaves all confidence to none-of-these") {
  Diagnosis d = diagnose(kb, ev, {});
  CHECK(d.hypotheses.empty());
  CHECK(d.reported(5).empty());
  CHECK(d.none_confidence == doctest::Approx(1.0));
}

TEST_CASE_FIXTURE(Fixture, "a case is reported only above the none-of-these score") {
  see("q.shared");  // 1.0 < 2.0
  Diagnosis d = diagnose(kb, ev, {});
  CHECK(d.hypotheses.size() == 2);
  CHECK(d.reported(5).empty());
  see("q.only_b");
  d = diagnose(kb, ev, {});
  REQUIRE(d.reported(5).size() == 1);
  CHECK(d.reported(5)[0]->c->id == 2);
}

TEST_CASE_FIXTURE(Fixture, "confidence is a softmax over the cases with evidence and none-of-these") {
  see("q.shared");
  see("q.only_a");
  ScoringOptions o;
  Diagnosis d = diagnose(kb, ev, {}, o);
  double za = std::exp(4.0), zb = std::exp(1.0), zn = std::exp(o.none_score);
  CHECK(d.hypotheses[0].confidence == doctest::Approx(za / (za + zb + zn)));
  CHECK(d.none_confidence == doctest::Approx(zn / (za + zb + zn)));
  CHECK(d.hypotheses[0].rank == 1);
  CHECK(d.hypotheses[1].rank == 2);
}

TEST_CASE_FIXTURE(Fixture, "the cause whose evidence was seen is chosen") {
  see("q.shared");
  see("q.only_a");
  CHECK(diagnose(kb, ev, {}).hypotheses[0].cause == 0);
  ev.observations.erase("q.only_a");
  see("q.cause_two");
  see("q.only_a", false);
  Diagnosis d = diagnose(kb, ev, {});
  CHECK(find(d, 1)->cause == 1);
}

TEST_CASE_FIXTURE(Fixture, "missing evidence lists unknown symptoms, heaviest first, with their questions") {
  see("q.shared");
  Diagnosis d = diagnose(kb, ev, {});
  const Hypothesis* a = find(d, 1);
  REQUIRE(a->missing.size() == 2);
  CHECK(a->missing[0].signal == "q.only_a");
  CHECK(a->missing[0].question == "Only A?");
  CHECK(a->missing[0].weight == doctest::Approx(3.0));
}

TEST_CASE_FIXTURE(Fixture, "facts favour cases with the named component and count against the others") {
  see("q.shared");
  ev.facts["component"] = {"kafka"};
  ScoringOptions o;
  Diagnosis d = diagnose(kb, ev, {}, o);
  CHECK(find(d, 1)->score == doctest::Approx(1.0 + o.fact_match_bonus));
  CHECK(find(d, 2)->score == doctest::Approx(1.0 + o.fact_mismatch_penalty));
  ev.facts["component"] = {"some-tool-we-never-heard-of"};
  d = diagnose(kb, ev, {}, o);
  CHECK(find(d, 2)->score == doctest::Approx(1.0));  // unknown components say nothing
}

TEST_CASE_FIXTURE(Fixture, "prose adds full-text weight relative to the best match, scaled by its strength") {
  ScoringOptions o;
  Diagnosis d = diagnose(kb, ev, {{1, o.search_full_score}, {2, o.search_full_score / 2}}, o);
  CHECK(find(d, 1)->score == doctest::Approx(o.search_weight));
  CHECK(find(d, 2)->score == doctest::Approx(o.search_weight / 2));
  d = diagnose(kb, ev, {{1, o.search_full_score / 4}}, o);
  CHECK(find(d, 1)->score == doctest::Approx(o.search_weight / 4));
}

TEST_CASE_FIXTURE(Fixture, "the best question separates the leading hypotheses") {
  see("q.shared");
  Diagnosis d = diagnose(kb, ev, {});
  REQUIRE(!d.questions.empty());
  // Both cases tie on the shared signal; their own decisive signals split them, the weak
  // cause signal (in both, same weight) does not.
  CHECK((d.questions[0].signal == "q.only_a" || d.questions[0].signal == "q.only_b"));
  for (const Question& q : d.questions) {
    CHECK(q.signal != "q.shared");  // already known
    CHECK(q.gain > 0);
  }
  for (std::size_t i = 1; i < d.questions.size(); ++i) CHECK(d.questions[i - 1].gain >= d.questions[i].gain);
}

TEST_CASE_FIXTURE(Fixture, "score_case explains a case with no evidence: everything unknown") {
  see("q.only_b");
  Hypothesis h = score_case(*kb.find_case(1), kb, ev, {}, {});
  CHECK(h.score == doctest::Approx(0));
  CHECK(h.contributions.empty());
  CHECK(h.missing.size() == 3);
}

TEST_CASE_FIXTURE(Fixture, "learned prior adjustments are bounded by the cap") {
  see("q.shared");
  ScoringOptions o;
  Diagnosis d = diagnose(kb, ev, {}, o, {{1, 50.0}});
  CHECK(find(d, 1)->score == doctest::Approx(1.0 + o.learned_prior_cap));
}

}  // namespace
}  // namespace faultline::infer
