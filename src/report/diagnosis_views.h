// Renders a diagnosis: text for a terminal (ranked hypotheses with a confidence bar, the
// evidence lines with file:line, the cause's explanation, fixes with commands, what to check
// next), JSON with the keys of ../shared/spec/cli.md, and Markdown for an incident ticket.
// Also the --explain trace, the --why-not answer and the --stats figures. Pure functions.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "evidence/evidence.h"
#include "infer/diagnosis.h"
#include "report/style.h"
#include "sim/verify.h"

namespace faultline::report {

using Json = nlohmann::ordered_json;

struct DiagnosisView {
  const infer::Diagnosis& diagnosis;
  const evidence::Evidence& evidence;
  std::size_t top = 5;
  double elapsed_ms = 0;
  bool explain = false;
  /// With --verify: case id -> its simulation with the user's numbers bound, or an error.
  std::map<int, sim::Verification> verifications;
  std::map<int, std::string> verification_errors;
};

Json diagnosis_json(const DiagnosisView& v);
std::string diagnosis_text(const DiagnosisView& v, const Style& style);
std::string diagnosis_markdown(const DiagnosisView& v);

/// Why a case ranks where it does: its symptoms seen, known absent and unknown, with weights.
Json why_not_json(const infer::Hypothesis& h, const infer::Diagnosis& d);
std::string why_not_text(const infer::Hypothesis& h, const infer::Diagnosis& d, const Style& style);

/// --stats: per-phase time, MB/s, lines/s, candidate-line ratio, literal-free patterns.
std::string scan_stats_text(const evidence::Evidence& ev, std::size_t literal_free_patterns, std::size_t patterns,
                            std::size_t atoms, std::size_t triggers);

}  // namespace faultline::report
