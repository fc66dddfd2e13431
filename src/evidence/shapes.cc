#include "evidence/shapes.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace faultline::evidence {

namespace {

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  if (v.size() % 2) return *mid;
  double hi = *mid;
  return (hi + *std::max_element(v.begin(), mid)) / 2;
}

std::vector<double> values(const std::vector<Point>& p) {
  std::vector<double> v;
  v.reserve(p.size());
  for (const Point& x : p) v.push_back(x.v);
  return v;
}

double mad(std::vector<double> v) {
  double m = median(v);
  for (double& x : v) x = std::fabs(x - m);
  return median(std::move(v)) / 0.6745;  // scaled to a Gaussian's standard deviation
}

// Noise level, two robust ways, taking the smaller: from the point-to-point jitter (steps and
// trends move few differences, or all by the same amount), and from each point's distance to
// the median of its four neighbours (a fast wave's own swing inflates the first, not this).
double noise(const std::vector<double>& v) {
  std::vector<double> d;
  for (std::size_t i = 1; i < v.size(); ++i) d.push_back(v[i] - v[i - 1]);
  double from_differences = mad(d) / std::sqrt(2.0);
  std::vector<double> r;
  for (std::size_t i = 2; i + 2 < v.size(); ++i) r.push_back(v[i] - median({v[i - 2], v[i - 1], v[i + 1], v[i + 2]}));
  // A point minus the median of 4 independent neighbours has variance about 1.39 sigma^2.
  double from_neighbours = r.size() >= 4 ? mad(r) / 1.18 : from_differences;
  return std::min(from_differences, from_neighbours);
}

// Mann-Kendall Z statistic: how consistently later points exceed earlier ones.
double mann_kendall_z(const std::vector<double>& v) {
  double s = 0;
  std::size_t n = v.size();
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j) s += (v[j] > v[i]) - (v[j] < v[i]);
  double var = static_cast<double>(n) * (n - 1) * (2 * n + 5) / 18.0;
  if (var <= 0) return 0;
  return (s - (s > 0) + (s < 0)) / std::sqrt(var);
}

// Long series are thinned for the O(n^2) statistics; shapes are about the whole span.
std::vector<Point> thin(const std::vector<Point>& p, std::size_t max_points = 400) {
  if (p.size() <= max_points) return p;
  std::vector<Point> out;
  double step = static_cast<double>(p.size()) / max_points;
  for (std::size_t i = 0; i < max_points; ++i) out.push_back(p[static_cast<std::size_t>(i * step)]);
  out.push_back(p.back());
  return out;
}

std::vector<double> moving_median(const std::vector<double>& v, std::size_t half) {
  std::vector<double> out(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    std::size_t lo = i >= half ? i - half : 0, hi = std::min(v.size(), i + half + 1);
    out[i] = median(
        std::vector<double>(v.begin() + static_cast<std::ptrdiff_t>(lo), v.begin() + static_cast<std::ptrdiff_t>(hi)));
  }
  return out;
}

struct Stats {
  double level = 0;   ///< median value
  double sigma = 0;   ///< noise
  double range = 0;   ///< max - min of the smoothed series
  double change = 0;  ///< Theil-Sen slope times the span
  double z = 0;       ///< Mann-Kendall
  double scale = 0;   ///< a size to compare changes against
};

Stats describe(const std::vector<Point>& p) {
  std::vector<double> v = values(p);
  Stats s;
  s.level = median(v);
  s.sigma = noise(v);
  std::vector<double> smooth = moving_median(v, 2);
  auto [lo, hi] = std::minmax_element(smooth.begin(), smooth.end());
  s.range = *hi - *lo;
  s.change = theil_sen_slope(p) * (p.back().t - p.front().t);
  s.z = mann_kendall_z(v);
  s.scale = std::max({std::fabs(s.level), s.range, 1e-9});
  return s;
}

bool trending(const Stats& s, int sign) {
  return sign * s.z > 3.0 && sign * s.change > std::max(3 * s.sigma, 0.1 * s.scale);
}

struct Step {
  double diff = 0;  ///< mean after minus mean before
  double t_stat = 0;
  std::size_t at = 0;
};

// The split that best separates the series into two levels, each side at least an eighth of
// the series long.
Step best_step(const std::vector<double>& v) {
  Step best;
  std::size_t n = v.size(), min_side = std::max<std::size_t>(3, n / 8);
  std::vector<double> prefix(n + 1, 0), prefix_sq(n + 1, 0);
  for (std::size_t i = 0; i < n; ++i) {
    prefix[i + 1] = prefix[i] + v[i];
    prefix_sq[i + 1] = prefix_sq[i] + v[i] * v[i];
  }
  for (std::size_t k = min_side; k + min_side <= n; ++k) {
    double n1 = static_cast<double>(k), n2 = static_cast<double>(n - k);
    double m1 = prefix[k] / n1, m2 = (prefix[n] - prefix[k]) / n2;
    double ss = prefix_sq[k] - n1 * m1 * m1 + (prefix_sq[n] - prefix_sq[k]) - n2 * m2 * m2;
    double sd = std::sqrt(std::max(ss, 0.0) / std::max(1.0, n1 + n2 - 2));
    double t = std::fabs(m2 - m1) / (sd * std::sqrt(1 / n1 + 1 / n2) + 1e-12);
    if (t > best.t_stat) best = {m2 - m1, t, k};
  }
  return best;
}

double spread(const std::vector<double>& v, std::size_t from, std::size_t to) {
  return mad(
      std::vector<double>(v.begin() + static_cast<std::ptrdiff_t>(from), v.begin() + static_cast<std::ptrdiff_t>(to)));
}

// Two levels: a clear jump between them, and each side holding its level (little drift, little
// spread next to the jump), which a trend, a sawtooth or a wave does not do.
bool stepped(const std::vector<Point>& p, const Stats& s, int sign) {
  std::vector<double> v = values(p);
  Step st = best_step(v);
  if (st.at == 0 || st.t_stat < 6) return false;
  double before = median(std::vector<double>(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(st.at)));
  if (sign * st.diff <= std::max(4 * s.sigma, 0.15 * std::fabs(before))) return false;
  auto drift = [&](std::size_t from, std::size_t to) {
    std::vector<Point> part(p.begin() + static_cast<std::ptrdiff_t>(from), p.begin() + static_cast<std::ptrdiff_t>(to));
    return std::fabs(theil_sen_slope(part) * (part.back().t - part.front().t));
  };
  double size = std::fabs(st.diff);
  return drift(0, st.at) < 0.5 * size && drift(st.at, p.size()) < 0.5 * size && spread(v, 0, st.at) < 0.3 * size &&
         spread(v, st.at, v.size()) < 0.3 * size;
}

// Repeated teeth: a climb of at least half the range, then a sharp drop (in one sample, by at
// least half the range) back into the lower part of the range. A wave falls as slowly as it
// rises, and noise makes neither the climb nor the drop.
bool sawtooth(const std::vector<Point>& p, const Stats& s) {
  std::vector<double> v = values(p);
  std::vector<double> smooth = moving_median(v, 1);
  auto [lo_it, hi_it] = std::minmax_element(smooth.begin(), smooth.end());
  double lo = *lo_it, range = *hi_it - *lo_it;
  if (range < 6 * s.sigma) return false;
  double drop_needed = std::max(0.5 * range, 6 * s.sigma);
  int teeth = 0;
  std::size_t segment_start = 0;
  for (std::size_t i = 1; i < v.size(); ++i) {
    if (v[i - 1] - v[i] < drop_needed || v[i] > lo + 0.45 * range) continue;
    double base = *std::min_element(smooth.begin() + static_cast<std::ptrdiff_t>(segment_start),
                                    smooth.begin() + static_cast<std::ptrdiff_t>(i));
    if (i - segment_start >= 4 && smooth[i - 1] - base >= 0.5 * range) ++teeth;
    segment_start = i;
  }
  return teeth >= 2;
}

// Swings above and below the trend line, repeatedly, by clearly more than the noise: counted on
// the smoothed residuals, each excursion held for at least two samples.
bool oscillating(const std::vector<Point>& p, const Stats& s) {
  double slope = theil_sen_slope(p);
  std::vector<double> r;
  for (const Point& x : p) r.push_back(x.v - slope * (x.t - p.front().t));
  std::vector<double> smooth(r.size());
  for (std::size_t i = 0; i < r.size(); ++i) {
    std::size_t lo = i ? i - 1 : 0, hi = std::min(r.size() - 1, i + 1);
    smooth[i] = (r[lo] + r[i] + r[hi]) / 3;
  }
  double center = median(smooth);
  auto [lo, hi] = std::minmax_element(smooth.begin(), smooth.end());
  if (*hi - *lo < 8 * s.sigma) return false;
  double band = std::max(4 * s.sigma, 0.25 * (*hi - *lo));
  int side = 0, swings = 0, run = 0, run_side = 0;
  for (double x : smooth) {
    int now = x > center + band / 2 ? 1 : x < center - band / 2 ? -1 : 0;
    run = now != 0 && now == run_side ? run + 1 : (now != 0 ? 1 : 0);
    run_side = now;
    if (now != 0 && run >= 2 && now != side) {
      if (side != 0) ++swings;
      side = now;
    }
  }
  return swings >= 4;
}

}  // namespace

std::optional<Shape> shape_named(std::string_view name) {
  if (name == "rising") return Shape::Rising;
  if (name == "falling") return Shape::Falling;
  if (name == "flat") return Shape::Flat;
  if (name == "sawtooth") return Shape::Sawtooth;
  if (name == "oscillating") return Shape::Oscillating;
  if (name == "step_up") return Shape::StepUp;
  if (name == "step_down") return Shape::StepDown;
  return std::nullopt;
}

double theil_sen_slope(const std::vector<Point>& points) {
  std::vector<Point> p = thin(points, 200);
  std::vector<double> slopes;
  for (std::size_t i = 0; i < p.size(); ++i)
    for (std::size_t j = i + 1; j < p.size(); ++j)
      if (p[j].t != p[i].t) slopes.push_back((p[j].v - p[i].v) / (p[j].t - p[i].t));
  return median(std::move(slopes));
}

std::optional<bool> has_shape(const std::vector<Point>& points, Shape shape) {
  std::vector<Point> p;
  for (const Point& x : points)
    if (std::isfinite(x.v)) p.push_back(x);
  if (p.size() < kMinShapePoints) return std::nullopt;
  p = thin(p);
  Stats s = describe(p);
  switch (shape) {
    case Shape::Rising:
      return trending(s, 1) && !stepped(p, s, 1) && !sawtooth(p, s);
    case Shape::Falling:
      return trending(s, -1) && !stepped(p, s, -1);
    case Shape::StepUp:
      return stepped(p, s, 1);
    case Shape::StepDown:
      return stepped(p, s, -1);
    case Shape::Sawtooth:
      return sawtooth(p, s);
    case Shape::Oscillating:
      return oscillating(p, s) && !sawtooth(p, s);
    case Shape::Flat:
      return !trending(s, 1) && !trending(s, -1) && !stepped(p, s, 1) && !stepped(p, s, -1) && !oscillating(p, s) &&
             s.range <= 0.2 * std::fabs(s.level) + 4 * s.sigma;
  }
  return std::nullopt;
}

}  // namespace faultline::evidence
