// Inference: scores every case against the evidence, ranks them with a "none of these"
// hypothesis, picks the cause within each case, lists the evidence still missing, and chooses
// the questions that would best separate the leading hypotheses.
//
// Scoring (../shared/spec/architecture.md): a case's score is its prior plus, for each symptom,
// its weight if the signal was observed present, its `absent` weight if known absent, nothing
// if unknown; facts naming one of its components add a bonus (and a component fact naming none
// of them a penalty); prose adds at most search_weight through full-text rank. Confidence is a
// softmax over the cases with any evidence and "none of these", whose score is the reporting
// threshold. Pure function of its inputs; deterministic; no I/O.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "evidence/evidence.h"
#include "kb/model.h"

namespace faultline::infer {

struct ScoringOptions {
  double none_score = 2.0;              ///< "none of these": a case must score above it to be reported
  double fact_match_bonus = 1.0;        ///< a fact value names one of the case's components or tags
  double fact_mismatch_penalty = -1.5;  ///< component facts were given and none is the case's
  double search_weight = 2.0;           ///< the most the best full-text match of the prose adds
  double search_full_score = 30;        ///< BM25 score at which prose counts fully; below, proportionally
  double learned_prior_cap = 1.0;       ///< bound on history-based prior adjustments (triage issue)
  int question_pool = 5;                ///< hypotheses whose unknown symptoms make questions
  int max_questions = 3;
};

/// One line of the explanation of a score: what fired, what it added, where it comes from.
struct Contribution {
  std::string what;    ///< "signal kafka.idle_consumers seen", "prior", "fact component=kafka"
  std::string signal;  ///< empty for prior, facts and search
  double weight = 0;
  std::string rule_at;  ///< the knowledge base place of the rule (symptom or pattern)
  std::string source;   ///< the input place that showed it
  std::string excerpt;
};

struct MissingEvidence {
  std::string signal, question, check;
  double weight = 0;  ///< what it would add if seen
};

struct Hypothesis {
  const kb::Case* c = nullptr;
  double score = 0, confidence = 0;
  int rank = 0;
  std::size_t cause = 0;                    ///< index into c->causes
  std::vector<Contribution> contributions;  ///< everything that moved the score
  std::vector<MissingEvidence> missing;     ///< unknown symptoms, heaviest first
};

struct Question {
  std::string signal, question, check;
  double gain = 0;             ///< expected reduction of entropy over the leading hypotheses, nats
  std::vector<int> separates;  ///< case ids whose scores the answer would move
};

struct Diagnosis {
  std::vector<Hypothesis> hypotheses;  ///< every case with any evidence, best first
  double none_confidence = 1;
  double threshold = 0;  ///< the none score
  std::vector<Question> questions;

  /// The hypotheses above the reporting threshold.
  std::vector<const Hypothesis*> reported(std::size_t top) const;
};

/// prior_adjustments: case id -> learned log-odds (from confirmed history), bounded by the cap.
/// text_scores: case id -> full-text (BM25) score of the prose, higher is better; may be empty.
Diagnosis diagnose(const kb::KnowledgeBase& kb, const evidence::Evidence& ev, const std::map<int, double>& text_scores,
                   const ScoringOptions& options = {}, const std::map<int, double>& prior_adjustments = {});

/// How a case scores and why, even if it has no evidence: for --why-not.
Hypothesis score_case(const kb::Case& c, const kb::KnowledgeBase& kb, const evidence::Evidence& ev,
                      const std::map<int, double>& text_scores, const ScoringOptions& options,
                      const std::map<int, double>& prior_adjustments = {});

}  // namespace faultline::infer
