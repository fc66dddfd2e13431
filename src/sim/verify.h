// Verifies a case's diagnosis by simulation: runs the case's model with the cause's parameters
// (the symptom's expectations must hold), then with the fix's parameters laid over them (the
// fix's expectations must hold). Also checks a simulation spec without running it, for lint.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "kb/finding.h"
#include "kb/model.h"
#include "sim/model.h"

namespace faultline::sim {

/// "== 5", ">= 1900", "< 0.01", "<= 250ms": a comparison against a number with optional unit.
struct Expectation {
  enum class Op { Eq, Ne, Lt, Le, Gt, Ge } op = Op::Eq;
  double value = 0;
  bool holds(double x) const;
};

/// Throws Error (SIM004) if text is not a comparison with a number.
Expectation parse_expectation(const std::string& text);

struct Check {
  std::string output, phase;  ///< phase: "cause" or "fix"
  std::string expect;
  double value = 0;
  bool ok = false;
};

struct Verification {
  int case_id = 0;
  std::string model;
  bool reproduced = false, fixed = false;
  std::vector<Check> checks;
  RunResult cause, fix;
  std::map<std::string, double> bound;  ///< parameters taken from the user's numbers
};

/// Runs a case's simulation. bindings: numeric signal id -> observed value, applied to the
/// parameters the case's `bind` names. Throws Error if the case has no simulation or its spec
/// is bad (unknown model, parameter, output).
Verification verify_case(const kb::Case& c, std::uint64_t seed = 1, const std::map<std::string, double>& bindings = {});

/// Lint: unknown model, unknown parameter or wrong type, expectation on an output the model
/// does not produce, expectation that does not parse, bind naming an unknown parameter.
void check_simulation(const kb::Simulation& sim, kb::Findings& findings);

}  // namespace faultline::sim
