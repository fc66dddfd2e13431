// What was observed about one signal in the user's input: present or known absent, how often,
// where first and last, an excerpt, and a value for numeric signals. Produced by the scanner,
// the metric evaluator, phrase matching and triage answers; consumed by inference.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace faultline::evidence {

enum class Via { Log, Metric, Phrase, Fact, Answer };

const char* via_name(Via via);

struct Observation {
  bool present = true;  ///< false: known absent (a metric or an answer says no)
  Via via = Via::Log;
  std::uint64_t count = 0;      ///< matching lines (logs) or 1
  std::string source;           ///< first place seen: "consumer.log:41", "metrics.prom:7"
  std::string last_source;      ///< last place seen (logs)
  std::string excerpt;          ///< the line, sentence or series that showed it
  std::optional<double> value;  ///< numeric signals: the largest value captured
  std::string rule;             ///< the pattern, expression or phrase that fired
  std::string rule_at;          ///< where that rule is written: kb file:line:column

  // Order of the first and last sightings, so that scanners that visit lines in different
  // orders record the same first and last place.
  std::string first_file, last_file;
  std::uint64_t first_line = 0, last_line = 0;
  int first_rule = 0;
};

/// Observations by signal id.
using Observations = std::map<std::string, Observation>;

}  // namespace faultline::evidence
