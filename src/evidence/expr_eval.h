// Evaluates a parsed metric expression (evidence/expr.h) over the user's metrics. Three-valued:
// true observes the signal, false observes its absence, unknown (a selector matched nothing, a
// series too short for its function) contributes nothing. Semantics, in brief: a selector is
// the set of matching series; comparisons and arithmetic use each series' latest value; a
// comparison over many series is true if any satisfies it; aggregations reduce across series;
// over-time functions and shape tests read each series' whole history. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "evidence/expr.h"
#include "evidence/metrics.h"

namespace faultline::evidence {

struct ExprOutcome {
  std::optional<bool> truth;  ///< nullopt: unknown
  std::string witness;        ///< for true: the series and value that made it so, with source
  std::string source;         ///< for true: where that series was read ("metrics.prom:12")
};

ExprOutcome evaluate(const Expr& expr, const MetricStore& metrics);

}  // namespace faultline::evidence
