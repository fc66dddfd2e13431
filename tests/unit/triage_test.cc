// infer/triage.h: answers, the consultation's questions, undo and settling.
#include <doctest/doctest.h>

#include "common/error.h"
#include "infer/triage.h"
#include "kb/validate.h"
#include "support.h"

namespace faultline::infer {
namespace {

TEST_CASE("answers: yes, no, unknown in their usual spellings, numbers for numeric signals only") {
  CHECK(parse_answer("s", "Yes", false).kind == Answer::Kind::Yes);
  CHECK(parse_answer("s", " y ", false).kind == Answer::Kind::Yes);
  CHECK(parse_answer("s", "no.", false).kind == Answer::Kind::No);
  CHECK(parse_answer("s", "don't know", false).kind == Answer::Kind::Unknown);
  CHECK(parse_answer("s", "?", false).kind == Answer::Kind::Unknown);
  Answer n = parse_answer("s", "250ms", true);
  CHECK(n.kind == Answer::Kind::Number);
  CHECK(n.number == doctest::Approx(0.25));
  CHECK_THROWS_AS(parse_answer("s", "12", false), Error);
  CHECK_THROWS_AS(parse_answer("s", "maybe", true), Error);
}

struct Fixture {
  kb::KnowledgeBase kb = kb::load_knowledge_base(kb::embedded_sources(), {}).kb;
  evidence::Evidence facts_only() {
    evidence::Evidence ev;
    ev.facts["component"] = {"kafka"};
    return ev;
  }
};

TEST_CASE_FIXTURE(Fixture, "a consultation from a bare component asks about that component's cases") {
  Consultation c(kb, facts_only(), {});
  auto q = c.next();
  REQUIRE(q);
  CHECK(q->signal.rfind("kafka.", 0) == 0);
  CHECK(q->gain > 0);
  CHECK_FALSE(c.settled());
}

TEST_CASE_FIXTURE(Fixture, "answering re-ranks; an asked question is not asked again; back undoes") {
  Consultation c(kb, facts_only(), {});
  Question first = *c.next();
  c.answer({"kafka.idle_consumers", Answer::Kind::Yes, 0});
  CHECK(c.diagnosis().hypotheses.front().c->id == 10);
  CHECK(c.evidence().observations.at("kafka.idle_consumers").via == evidence::Via::Answer);
  auto second = c.next();
  REQUIRE(second);
  CHECK(second->signal != "kafka.idle_consumers");
  c.answer({second->signal, Answer::Kind::Unknown, 0});
  CHECK(c.next()->signal != second->signal);  // unknown still counts as asked
  CHECK(c.undo());
  CHECK(c.undo());
  CHECK_FALSE(c.undo());
  CHECK(c.answers().empty());
  CHECK(c.next()->signal == first.signal);
}

TEST_CASE_FIXTURE(Fixture, "the consultation settles once one case is clearly ahead") {
  Consultation c(kb, facts_only(), {});
  for (const kb::Symptom& s : kb.find_case(10)->symptoms) c.answer({s.signal, Answer::Kind::Yes, 0});
  CHECK(c.settled());
  CHECK(c.diagnosis().hypotheses.front().c->id == 10);
  CHECK(c.diagnosis().hypotheses.front().confidence >= 0.85);
}

TEST_CASE_FIXTURE(Fixture, "answers files: signals with yes, no, unknown or numbers; errors name file:line:column") {
  test::TempDir dir;
  test::write_file(dir / "a.yaml",
                   "kafka.idle_consumers: yes\nkafka.partition_count: 12\nkafka.consumer_lag_rising: unknown\n");
  auto answers = read_answers_file((dir / "a.yaml").string(), kb);
  REQUIRE(answers.size() == 3);
  CHECK(answers[1].kind == Answer::Kind::Number);
  CHECK(answers[1].number == 12);
  test::write_file(dir / "b.yaml", "kafka.idle_consumers: yes\nkafka.idle_consumer: yes\n");
  try {
    read_answers_file((dir / "b.yaml").string(), kb);
    FAIL("expected an Error");
  } catch (const Error& e) {
    CHECK(e.where().line == 2);
    CHECK(std::string(e.what()).find("did you mean 'kafka.idle_consumers'") != std::string::npos);
  }
  test::write_file(dir / "c.yaml", "kafka.idle_consumers: perhaps\n");
  CHECK_THROWS_AS(read_answers_file((dir / "c.yaml").string(), kb), Error);
  test::write_file(dir / "d.yaml", "kafka.idle_consumers: [yes\n");
  CHECK_THROWS_AS(read_answers_file((dir / "d.yaml").string(), kb), Error);
  CHECK_THROWS_AS(read_answers_file((dir / "none.yaml").string(), kb), Error);
}

}  // namespace
}  // namespace faultline::infer
