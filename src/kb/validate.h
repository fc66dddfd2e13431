// Assembles a knowledge base from the embedded layer and an optional overlay (--kb DIR), and
// checks everything that spans files: duplicate ids, unknown signals, regexes that RE2 rejects,
// expressions that do not parse, related cases that do not exist, cases without a sample
// incident. Every finding names file:line:column and a code listed in kb/README.md.
#pragma once

#include "kb/finding.h"
#include "kb/model.h"
#include "kb/source.h"

namespace faultline::kb {

struct LoadedKnowledgeBase {
  KnowledgeBase kb;
  Findings findings;  ///< errors and warnings, in file order
};

/// Loads and validates. An overlay signal or case with an existing id replaces the embedded one.
/// Never throws for bad content: problems are findings. Callers that need a usable base check
/// has_errors(findings).
LoadedKnowledgeBase load_knowledge_base(const std::vector<SourceFile>& embedded,
                                        const std::vector<SourceFile>& overlay);

/// The bundled base's case numbers: the questions of seeds/case-studies.md.
inline constexpr int kFirstCaseId = 1;
inline constexpr int kLastCaseId = 200;

}  // namespace faultline::kb
