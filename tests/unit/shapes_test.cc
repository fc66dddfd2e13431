// evidence/shapes.h: shape tests over a metric series, and the Theil-Sen slope.
//
// Shapes are generated as a clean curve plus Gaussian noise, for many fixed seeds. Each
// generator states its noise level relative to the shape's size. The Gaussian is drawn from
// std::mt19937 by Box-Muller here (not std::normal_distribution, whose output differs between
// standard libraries) so a seed gives the same series everywhere.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "evidence/shapes.h"

namespace faultline::evidence {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr unsigned kSeeds = 50;  // seeds 1..kSeeds for every shape
constexpr int kPoints = 80;      // a 20-minute CSV at a 15 s scrape interval
constexpr double kT0 = 1.7e9;    // Unix time of the first sample
constexpr double kDt = 15;       // seconds between samples

class Gaussian {
 public:
  explicit Gaussian(unsigned seed) : rng_(seed) {}
  double operator()(double sd) {
    double u1 = (static_cast<double>(rng_()) + 0.5) / 4294967296.0;
    double u2 = (static_cast<double>(rng_()) + 0.5) / 4294967296.0;
    return sd * std::sqrt(-2 * std::log(u1)) * std::cos(2 * kPi * u2);
  }

 private:
  std::mt19937 rng_;
};

// curve(i, n) for i in [0, n), plus noise of standard deviation sd.
using Curve = std::function<double(int i, int n)>;

std::vector<Point> generate(const Curve& curve, double sd, unsigned seed, int n = kPoints) {
  Gaussian noise(seed);
  std::vector<Point> p;
  for (int i = 0; i < n; ++i) p.push_back({kT0 + kDt * i, curve(i, n) + noise(sd)});
  return p;
}

const char* shape_name(Shape s) {
  switch (s) {
    case Shape::Rising:
      return "rising";
    case Shape::Falling:
      return "falling";
    case Shape::Flat:
      return "flat";
    case Shape::Sawtooth:
      return "sawtooth";
    case Shape::Oscillating:
      return "oscillating";
    case Shape::StepUp:
      return "step_up";
    case Shape::StepDown:
      return "step_down";
  }
  return "?";
}

// The seeds (1..kSeeds) for which has_shape(series, shape) is not `expected`, as "3, 17 (2/50)",
// or "" if there are none; so one CHECK per shape reports every offending seed.
std::string seeds_where_not(const Curve& curve, double sd, Shape shape, bool expected, int n = kPoints) {
  std::ostringstream out;
  int bad = 0;
  for (unsigned seed = 1; seed <= kSeeds; ++seed) {
    std::optional<bool> has = has_shape(generate(curve, sd, seed, n), shape);
    if (has == std::optional<bool>(expected)) continue;
    out << (bad++ ? ", " : "") << seed << (has ? "" : "=unknown");
  }
  if (bad) out << " (" << bad << "/" << kSeeds << " seeds)";
  return out.str();
}

#define CHECK_SHAPE_N(curve, sd, shape, expected, n)                                                   \
  do {                                                                                                 \
    std::string failing = seeds_where_not(curve, sd, shape, expected, n);                              \
    std::string what = std::string(shape_name(shape)) + " should be " + (expected ? "true" : "false"); \
    CHECK_MESSAGE(failing.empty(), what << " (" << n << " points); not so for seeds " << failing);     \
  } while (0)
#define CHECK_SHAPE(curve, sd, shape, expected) CHECK_SHAPE_N(curve, sd, shape, expected, kPoints)

// --- The generated shapes (80 points each) ---

// Rising: 100 -> 150 in a straight line; noise sd = 5 = 10% of the rise.
const Curve kRise = [](int i, int n) { return 100 + 50.0 * i / (n - 1); };
constexpr double kRiseSd = 5;
// Falling: 150 -> 100 in a straight line; noise sd = 5 = 10% of the fall.
const Curve kFall = [](int i, int n) { return 150 - 50.0 * i / (n - 1); };
constexpr double kFallSd = 5;
// Flat: level 100; noise sd = 10 = 10% of the level.
const Curve kFlat = [](int, int) { return 100.0; };
constexpr double kFlatSd = 10;
// Sawtooth: climbs 10 -> 100 over 20 points then drops back, 4 teeth; noise sd = 9 = 10% of a tooth.
const Curve kSaw = [](int i, int) { return 10 + 90.0 * (i % 20) / 19; };
constexpr double kSawSd = 9;
// Oscillating: 100 + 50 sin(2 pi i / 16), 5 cycles; noise sd = 5 = 10% of the amplitude.
const Curve kWave = [](int i, int) { return 100 + 50 * std::sin(2 * kPi * i / 16); };
constexpr double kWaveSd = 5;
// Step up: 100 for 40 points, then 150; noise sd = 5 = 10% of the step.
const Curve kStepUp = [](int i, int n) { return i < n / 2 ? 100.0 : 150.0; };
constexpr double kStepUpSd = 5;
// Step down: 150 for 40 points, then 100; noise sd = 5 = 10% of the step.
const Curve kStepDown = [](int i, int n) { return i < n / 2 ? 150.0 : 100.0; };
constexpr double kStepDownSd = 5;

// --- Detection ---

TEST_CASE("a noisy linear rise is rising") { CHECK_SHAPE(kRise, kRiseSd, Shape::Rising, true); }

TEST_CASE("a noisy linear fall is falling") { CHECK_SHAPE(kFall, kFallSd, Shape::Falling, true); }

TEST_CASE("a noisy constant level is flat") { CHECK_SHAPE(kFlat, kFlatSd, Shape::Flat, true); }

TEST_CASE("a noisy sawtooth is sawtooth") { CHECK_SHAPE(kSaw, kSawSd, Shape::Sawtooth, true); }

TEST_CASE("a noisy sine wave is oscillating") { CHECK_SHAPE(kWave, kWaveSd, Shape::Oscillating, true); }

TEST_CASE("a noisy step up is step_up") { CHECK_SHAPE(kStepUp, kStepUpSd, Shape::StepUp, true); }

TEST_CASE("a noisy step down is step_down") { CHECK_SHAPE(kStepDown, kStepDownSd, Shape::StepDown, true); }

TEST_CASE("a noisy step is found early, midway or late in the series") {
  // Steps of 50 at a quarter, half and three quarters of the way; noise sd = 5 = 10% of the step.
  for (int at : {kPoints / 4, kPoints / 2, 3 * kPoints / 4}) {
    CAPTURE(at);
    const Curve up = [at](int i, int) { return i < at ? 100.0 : 150.0; };
    const Curve down = [at](int i, int) { return i < at ? 150.0 : 100.0; };
    CHECK_SHAPE(up, 5, Shape::StepUp, true);
    CHECK_SHAPE(up, 5, Shape::StepDown, false);
    CHECK_SHAPE(down, 5, Shape::StepDown, true);
    CHECK_SHAPE(down, 5, Shape::StepUp, false);
  }
}

// --- Clearly different shapes are not confused ---

TEST_CASE("a noisy flat series is not rising, falling, a step or a sawtooth") {
  for (Shape s : {Shape::Rising, Shape::Falling, Shape::StepUp, Shape::StepDown, Shape::Sawtooth})
    CHECK_SHAPE(kFlat, kFlatSd, s, false);
}

TEST_CASE("a noisy linear rise is not falling, flat or a step") {
  for (Shape s : {Shape::Falling, Shape::Flat, Shape::StepUp, Shape::StepDown}) CHECK_SHAPE(kRise, kRiseSd, s, false);
}

TEST_CASE("a noisy linear fall is not rising, flat, a step or a sawtooth") {
  for (Shape s : {Shape::Rising, Shape::Flat, Shape::StepUp, Shape::StepDown, Shape::Sawtooth})
    CHECK_SHAPE(kFall, kFallSd, s, false);
}

TEST_CASE("a noisy sawtooth is not rising, falling, flat or oscillating") {
  for (Shape s : {Shape::Rising, Shape::Falling, Shape::Flat, Shape::Oscillating}) CHECK_SHAPE(kSaw, kSawSd, s, false);
}

TEST_CASE("a noisy sine wave is not rising, falling, flat, a step or a sawtooth") {
  for (Shape s : {Shape::Rising, Shape::Falling, Shape::Flat, Shape::StepUp, Shape::StepDown, Shape::Sawtooth})
    CHECK_SHAPE(kWave, kWaveSd, s, false);
}

TEST_CASE("a noisy step up is not a gradual rise, falling, flat or step_down") {
  for (Shape s : {Shape::Rising, Shape::Falling, Shape::Flat, Shape::StepDown})
    CHECK_SHAPE(kStepUp, kStepUpSd, s, false);
}

TEST_CASE("a noisy step down is not a gradual fall, rising, flat, step_up or a sawtooth") {
  for (Shape s : {Shape::Falling, Shape::Rising, Shape::Flat, Shape::StepUp, Shape::Sawtooth})
    CHECK_SHAPE(kStepDown, kStepDownSd, s, false);
}

TEST_CASE("a noisy hump (up and back down) is not flat, rising, falling or a step") {
  // 100 -> 200 -> 100 in straight lines; noise sd = 10 = 10% of the hump's height.
  const Curve hump = [](int i, int n) { return 200 - 100 * std::fabs(i - (n - 1) / 2.0) / ((n - 1) / 2.0); };
  for (Shape s : {Shape::Flat, Shape::Rising, Shape::Falling, Shape::StepUp, Shape::StepDown})
    CHECK_SHAPE(hump, 10, s, false);
}

// Regression: oscillating() once counted noise crossing a narrow band sample by sample, and its
// only size test (range >= 6 sigma) was passed by 80 Gaussian samples a few percent of the time.
TEST_CASE("noise around a level, a linear trend or a step is not oscillating") {
  CHECK_SHAPE(kFlat, kFlatSd, Shape::Oscillating, false);
  CHECK_SHAPE(kRise, kRiseSd, Shape::Oscillating, false);
  CHECK_SHAPE(kFall, kFallSd, Shape::Oscillating, false);
  CHECK_SHAPE(kStepUp, kStepUpSd, Shape::Oscillating, false);
  CHECK_SHAPE(kStepDown, kStepDownSd, Shape::Oscillating, false);
}

// Regression: sawtooth() once took a one-sample noise drop of 4 sigma for a tooth.
TEST_CASE("noise on a linear rise or a step up makes no sawtooth teeth") {
  CHECK_SHAPE(kRise, kRiseSd, Shape::Sawtooth, false);
  CHECK_SHAPE(kStepUp, kStepUpSd, Shape::Sawtooth, false);
}

// Regression: stepped() once accepted a 3-point side and a t statistic near 3, and checked only
// each side's net drift, which a periodic sawtooth does not have.
TEST_CASE("a noisy sawtooth is not a step") {
  CHECK_SHAPE(kSaw, kSawSd, Shape::StepUp, false);
  CHECK_SHAPE(kSaw, kSawSd, Shape::StepDown, false);
}

// Regression: noise() once took a short-period sine's own sample-to-sample change for noise,
// so the wave looked flat.
TEST_CASE("a fast sine wave (period 12 samples) is oscillating, not flat") {
  // 100 + 50 sin(2 pi i / 12), 6.7 cycles over 80 points; noise sd = 2.5 = 5% of the amplitude.
  const Curve fast = [](int i, int) { return 100 + 50 * std::sin(2 * kPi * i / 12); };
  CHECK_SHAPE(fast, 2.5, Shape::Oscillating, true);
  CHECK_SHAPE(fast, 2.5, Shape::Flat, false);
}

// Regression: the oscillating() and sawtooth() false positives grew with the series' length.
TEST_CASE("on a long series (400 points) noise is not oscillating and a noisy rise is rising") {
  // Same shapes and noise levels as above, over 400 points (100 minutes at 15 s).
  CHECK_SHAPE_N(kFlat, kFlatSd, Shape::Oscillating, false, 400);
  CHECK_SHAPE_N(kFlat, kFlatSd, Shape::Flat, true, 400);
  CHECK_SHAPE_N(kRise, kRiseSd, Shape::Rising, true, 400);
}

// --- Too few points, NaN ---

TEST_CASE("fewer than kMinShapePoints points give unknown for every shape") {
  const Shape all[] = {Shape::Rising,      Shape::Falling, Shape::Flat,    Shape::Sawtooth,
                       Shape::Oscillating, Shape::StepUp,  Shape::StepDown};
  std::vector<Point> p;
  for (std::size_t i = 0; i + 1 < kMinShapePoints; ++i) p.push_back({kT0 + kDt * i, 10.0 * i});
  for (Shape s : all) {
    CAPTURE(shape_name(s));
    CHECK_FALSE(has_shape({}, s).has_value());
    CHECK_FALSE(has_shape(p, s).has_value());
  }
  p.push_back({kT0 + kDt * p.size(), 10.0 * p.size()});
  REQUIRE(p.size() == kMinShapePoints);
  for (Shape s : all) {
    CAPTURE(shape_name(s));
    CHECK(has_shape(p, s).has_value());
  }
}

TEST_CASE("NaN points are ignored, and do not count towards kMinShapePoints") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const Shape all[] = {Shape::Rising,      Shape::Falling, Shape::Flat,    Shape::Sawtooth,
                       Shape::Oscillating, Shape::StepUp,  Shape::StepDown};
  // Every 5th point is NaN: each shape's answer is the one for the series without those points.
  for (const Curve& curve : {kRise, kFall, kFlat, kSaw, kWave, kStepUp, kStepDown}) {
    for (unsigned seed = 1; seed <= 20; ++seed) {
      std::vector<Point> with_nan = generate(curve, 5, seed), without;
      for (std::size_t i = 0; i < with_nan.size(); ++i) {
        if (i % 5 == 0)
          with_nan[i].v = nan;
        else
          without.push_back(with_nan[i]);
      }
      for (Shape s : all) {
        CAPTURE(seed);
        CAPTURE(shape_name(s));
        CHECK(has_shape(with_nan, s) == has_shape(without, s));
      }
    }
  }
  // A clean rise and a constant level with NaN holes keep their shapes.
  std::vector<Point> rise, level;
  for (int i = 0; i < 30; ++i) {
    rise.push_back({kT0 + kDt * i, i % 4 == 1 ? nan : 10.0 * i});
    level.push_back({kT0 + kDt * i, i % 4 == 1 ? nan : 42.0});
  }
  CHECK(has_shape(rise, Shape::Rising) == std::optional<bool>(true));
  CHECK(has_shape(rise, Shape::Flat) == std::optional<bool>(false));
  CHECK(has_shape(level, Shape::Flat) == std::optional<bool>(true));
  CHECK(has_shape(level, Shape::Rising) == std::optional<bool>(false));
  // Eight points of which three are NaN: five real ones, too few.
  std::vector<Point> p;
  for (int i = 0; i < 8; ++i) p.push_back({kT0 + kDt * i, i % 3 == 1 ? nan : 10.0 * i});
  for (Shape s : all) {
    CAPTURE(shape_name(s));
    CHECK_FALSE(has_shape(p, s).has_value());
  }
}

// --- Theil-Sen ---

TEST_CASE("theil_sen_slope is exact on a clean line, per unit of t") {
  std::vector<Point> up, down;
  for (int i = 0; i < 30; ++i) {
    up.push_back({kT0 + kDt * i, 7 + 2.0 * kDt * i});  // 2 per second
    down.push_back({static_cast<double>(i), 50 - 0.5 * i});
  }
  CHECK(theil_sen_slope(up) == doctest::Approx(2.0));
  CHECK(theil_sen_slope(down) == doctest::Approx(-0.5));
}

TEST_CASE("theil_sen_slope recovers a known slope on noisy data") {
  // v = 7 + 3 t, t = 0..99 s, noise sd = 5 (the line climbs 297 over the span).
  for (unsigned seed = 1; seed <= 20; ++seed) {
    CAPTURE(seed);
    Gaussian noise(seed);
    std::vector<Point> p;
    for (int i = 0; i < 100; ++i) p.push_back({static_cast<double>(i), 7 + 3.0 * i + noise(5)});
    CHECK(theil_sen_slope(p) == doctest::Approx(3.0).epsilon(0.03));
  }
}

TEST_CASE("theil_sen_slope recovers the slope of a long series it thins") {
  // 1000 points, more than it uses, v = -0.25 t + noise sd 2.
  Gaussian noise(7);
  std::vector<Point> p;
  for (int i = 0; i < 1000; ++i) p.push_back({static_cast<double>(i), 500 - 0.25 * i + noise(2)});
  CHECK(theil_sen_slope(p) == doctest::Approx(-0.25).epsilon(0.02));
}

TEST_CASE("theil_sen_slope is robust to a few outliers where least squares is not") {
  for (unsigned seed = 1; seed <= 20; ++seed) {
    CAPTURE(seed);
    Gaussian noise(seed);
    std::vector<Point> p;
    for (int i = 0; i < 100; ++i) p.push_back({static_cast<double>(i), 7 + 3.0 * i + noise(5)});
    // 8 wild spikes, all late in the series, where they pull hardest on a least-squares fit.
    for (int i : {70, 75, 80, 85, 88, 91, 94, 97}) p[i].v += 5000;
    double n = static_cast<double>(p.size()), st = 0, sv = 0, stt = 0, stv = 0;
    for (const Point& x : p) st += x.t, sv += x.v, stt += x.t * x.t, stv += x.t * x.v;
    double least_squares = (n * stv - st * sv) / (n * stt - st * st);
    CHECK(least_squares > 10);  // the spikes matter: a naive fit is far off
    CHECK(theil_sen_slope(p) == doctest::Approx(3.0).epsilon(0.1));
  }
}

}  // namespace
}  // namespace faultline::evidence
