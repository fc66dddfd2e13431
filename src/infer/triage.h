// A consultation: start from whatever evidence there is, ask the question with the highest
// expected information gain, take the answer (yes, no, unknown, or a number for a numeric
// signal) as evidence, re-rank, and repeat until one hypothesis is clearly ahead or no
// question would change the ranking. Answers can be taken back. No I/O: cli/ asks and reads.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "evidence/evidence.h"
#include "infer/diagnosis.h"

namespace faultline::infer {

struct Answer {
  enum class Kind { Yes, No, Unknown, Number };
  std::string signal;
  Kind kind = Kind::Unknown;
  double number = 0;
};

/// "yes"/"y", "no"/"n", "unknown"/"?"/"don't know", or a number with units. Throws Error
/// (TR001) for anything else; numbers only for numeric signals.
Answer parse_answer(const std::string& signal, const std::string& text, bool numeric);
const char* answer_text(Answer::Kind kind);

/// Reads a --answers file: YAML `signal: yes|no|unknown|<number>`. Throws Error naming
/// file:line:column for malformed YAML, an unknown signal (with "did you mean") or a bad answer.
std::vector<Answer> read_answers_file(const std::string& path, const kb::KnowledgeBase& kb);

struct TriageOptions {
  double settle_confidence = 0.85;  ///< stop once the leader has this much confidence
  double min_gain = 0.01;           ///< questions worth less than this (nats) are not asked
  int max_questions = 15;
};

class Consultation {
 public:
  Consultation(const kb::KnowledgeBase& kb, evidence::Evidence base, std::map<int, double> text_scores,
               ScoringOptions scoring = {}, std::map<int, double> priors = {}, TriageOptions options = {});

  const Diagnosis& diagnosis() const { return diagnosis_; }
  const evidence::Evidence& evidence() const { return evidence_; }
  const std::vector<Answer>& answers() const { return answers_; }

  /// The most informative question not yet asked, or nullopt if none is worth asking.
  std::optional<Question> next() const;
  /// True when the leader is clearly ahead, no question is worth asking, or enough were asked.
  bool settled() const;
  /// Records the answer and re-ranks. An unknown answer records that the question was asked.
  void answer(const Answer& a);
  /// Takes back the last answer; false if there is none.
  bool undo();

 private:
  void rerank();

  const kb::KnowledgeBase& kb_;
  evidence::Evidence base_, evidence_;
  std::map<int, double> text_scores_, priors_;
  ScoringOptions scoring_;
  TriageOptions options_;
  std::vector<Answer> answers_;
  Diagnosis diagnosis_;
};

}  // namespace faultline::infer
