// Accuracy over a folder of incidents (data/incidents, data/eval): each subfolder with an
// expected.yaml (`case: N`, optional `also: [M]`) is diagnosed from its other files, and the
// rank of the expected case among the reported hypotheses is counted. Also measures plain
// full-text search on the same text, the baseline diagnose must beat.
#pragma once

#include <string>
#include <vector>

#include "infer/engine.h"

namespace faultline::infer {

struct IncidentResult {
  std::string incident;  ///< folder name
  int expected = 0;
  std::vector<int> also;
  std::vector<int> got;  ///< reported case ids, best first
  int rank = 0;          ///< 1-based rank of expected (or an also), 0 if not reported
  int search_rank = 0;   ///< the same for `cases search` over the incident's text
};

struct EvalReport {
  std::vector<IncidentResult> incidents;
  double top1 = 0, top3 = 0;
  double search_top1 = 0, search_top3 = 0;
};

/// Throws Error if dir is not a folder, holds no incident, or an expected.yaml is malformed.
EvalReport evaluate_incidents(const Engine& engine, const std::string& dir, std::size_t top = 5);

}  // namespace faultline::infer
