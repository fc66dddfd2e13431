// Shape tests over a metric series: rising, falling, flat, sawtooth, oscillating, step_up,
// step_down. Each is built on robust statistics (Theil-Sen slope, Mann-Kendall trend, noise
// from the median absolute first difference) so that noise alone never makes a shape, and a
// real shape survives noise several times smaller than its size. Pure functions.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "evidence/metrics.h"

namespace faultline::evidence {

enum class Shape { Rising, Falling, Flat, Sawtooth, Oscillating, StepUp, StepDown };

/// The shape named by a function of the expression language, if it is one.
std::optional<Shape> shape_named(std::string_view name);

/// Fewest points a shape test decides on; fewer gives nullopt (unknown).
inline constexpr std::size_t kMinShapePoints = 6;

/// Whether the series has the shape; nullopt if it has too few points to tell.
std::optional<bool> has_shape(const std::vector<Point>& points, Shape shape);

/// Theil-Sen slope (median of pairwise slopes), per unit of t. Exposed for tests and slope().
double theil_sen_slope(const std::vector<Point>& points);

}  // namespace faultline::evidence
