// Everything faultline learned from one incident's inputs: the signals observed (present or
// known absent) with where, the metric series, the prose, the facts, what was read, and what
// was skipped. The output of gather_evidence() (evidence/gather.h), the input of inference.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "evidence/metrics.h"
#include "evidence/observation.h"
#include "evidence/scanner.h"

namespace faultline::evidence {

/// key -> values, lowercase: component=kafka, platform=kubernetes, cloud=aws.
using Facts = std::map<std::string, std::vector<std::string>>;

/// A piece of prose and where it came from, for phrase matching and full-text search.
struct ProseText {
  std::string source;  ///< "description.txt", "--describe", "paste.txt:4"
  std::string text;
};

struct InputSummary {
  std::uint64_t digest = 0;  ///< FNV-1a over each input's name, size and first 64 KiB
  std::size_t files = 0;
  std::uint64_t lines = 0, bytes = 0;
  std::size_t metrics = 0;  ///< series read
};

struct PhaseTimes {
  double read_ms = 0, scan_ms = 0, metrics_ms = 0, prose_ms = 0;
};

struct Evidence {
  Observations observations;
  MetricStore metrics;
  std::vector<ProseText> prose;
  Facts facts;
  InputSummary input;
  ScanStats scan;
  PhaseTimes times;
  std::vector<std::string> warnings;  ///< "app.log: 3 lines longer than 65536 bytes were cut"
};

}  // namespace faultline::evidence
