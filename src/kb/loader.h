// Reads knowledge-base YAML into the model (kb/model.h). This is the one file that adapts
// yaml-cpp: its exceptions never escape. Every problem becomes a Finding with file:line:column;
// loading goes on past errors so that one lint run reports them all. Cross-file checks
// (unknown signals, regexes, expressions, duplicates) are kb/validate.h's.
#pragma once

#include <vector>

#include "kb/finding.h"
#include "kb/model.h"
#include "kb/source.h"

namespace faultline::kb {

/// What one layer of sources holds, before layering and validation.
struct Layer {
  std::vector<Signal> signals;
  std::vector<Case> cases;
  std::vector<int> sampled_cases;  ///< from */expected.yaml files: `case: N`
  std::map<std::string, std::vector<std::string>> signal_file_references;
};

/// Parses every source: signal files (top-level `signals:`), case files (top-level `id:`) and
/// sample-incident markers (`expected.yaml`). Appends findings for whatever is malformed.
Layer load_layer(const std::vector<SourceFile>& sources, Findings& findings);

}  // namespace faultline::kb
