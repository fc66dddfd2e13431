// The diagnosis pipeline for one knowledge base: gather evidence from the inputs, rank the
// cases, and time it. Owns the knowledge base read from the catalogue and its compiled rules,
// so one Engine serves many incidents (eval runs hundreds). Not safe to share between threads
// (the catalogue's connection is used for full-text search).
#pragma once

#include <map>
#include <string>

#include "evidence/gather.h"
#include "infer/diagnosis.h"
#include "store/catalogue.h"

namespace faultline::infer {

struct Run {
  evidence::Evidence evidence;
  Diagnosis diagnosis;
  double elapsed_ms = 0;
  double infer_ms = 0;  ///< inference alone, scanning aside
};

class Engine {
 public:
  /// Loads the knowledge base from the catalogue and compiles its rules.
  explicit Engine(const store::Catalogue& catalogue);

  /// Diagnoses one incident. Throws Error for unreadable inputs (see evidence/gather.h).
  Run run(const evidence::GatherOptions& inputs, const ScoringOptions& scoring = {},
          const std::map<int, double>& prior_adjustments = {}) const;

  /// Full-text (BM25) scores of the prose for the best few cases: the weak text evidence.
  std::map<int, double> text_scores(const std::vector<evidence::ProseText>& prose) const;

  const kb::KnowledgeBase& knowledge_base() const { return kb_; }
  const evidence::Rules& rules() const { return rules_; }
  const store::Catalogue& catalogue() const { return catalogue_; }

 private:
  const store::Catalogue& catalogue_;
  kb::KnowledgeBase kb_;
  evidence::Rules rules_;
};

}  // namespace faultline::infer
