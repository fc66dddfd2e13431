// evidence/expr_eval.h: evaluating metric expressions over a MetricStore.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "evidence/expr.h"
#include "evidence/expr_eval.h"
#include "evidence/metrics.h"

namespace faultline::evidence {
namespace {

using Labels = std::map<std::string, std::string>;

// One sample at t = 0: an instant input, as from a Prometheus scrape.
void put(MetricStore& m, const std::string& name, const Labels& labels, double v,
         const std::string& source = "metrics.prom:1") {
  m.add(name, labels, {0, v}, source);
}

// A history, one sample every dt seconds from t = 0, as from a CSV of a metric over time.
void put_series(MetricStore& m, const std::string& name, const Labels& labels, const std::vector<double>& values,
                double dt = 10, const std::string& source = "series.csv:2") {
  for (std::size_t i = 0; i < values.size(); ++i) m.add(name, labels, {static_cast<double>(i) * dt, values[i]}, source);
}

// "true", "false" or "unknown", so that a failing CHECK prints something readable.
std::string truth(const char* text, const MetricStore& m) {
  std::optional<bool> t = evaluate(*parse_expr(text), m).truth;
  return !t ? "unknown" : *t ? "true" : "false";
}

std::string witness(const char* text, const MetricStore& m) { return evaluate(*parse_expr(text), m).witness; }

bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

TEST_CASE("arithmetic between two numbers gives the exact result") {
  MetricStore m;
  CHECK(truth("2 + 3 == 5", m) == "true");
  CHECK(truth("2 + 3 == 6", m) == "false");
  CHECK(truth("7 - 10 == -3", m) == "true");
  CHECK(truth("4 * 2.5 == 10", m) == "true");
  CHECK(truth("9 / 4 == 2.25", m) == "true");
  CHECK(truth("9 / 4 == 2", m) == "false");
  CHECK(truth("2 + 3 * 4 == 14", m) == "true");
  CHECK(truth("(2 + 3) * 4 == 20", m) == "true");
}

TEST_CASE("arithmetic between a series and a number uses the series' latest value") {
  MetricStore m;
  put_series(m, "a", {}, {100, 3});  // latest value 3, first 100
  CHECK(truth("a + 1 == 4", m) == "true");
  CHECK(truth("a + 1 == 101", m) == "false");
  CHECK(truth("a - 1 == 2", m) == "true");
  CHECK(truth("a * 2 == 6", m) == "true");
  CHECK(truth("a / 2 == 1.5", m) == "true");
  // The number on the left: order matters for - and /.
  CHECK(truth("1 + a == 4", m) == "true");
  CHECK(truth("10 - a == 7", m) == "true");
  CHECK(truth("10 - a == -7", m) == "false");
  CHECK(truth("2 * a == 6", m) == "true");
  CHECK(truth("12 / a == 4", m) == "true");
  CHECK(truth("12 / a == 0.25", m) == "false");
  CHECK(truth("-a == -3", m) == "true");
}

TEST_CASE("each comparison operator compares the latest value with the other side") {
  MetricStore m;
  put(m, "a", {}, 3);
  CHECK(truth("a > 2", m) == "true");
  CHECK(truth("a > 3", m) == "false");
  CHECK(truth("a >= 3", m) == "true");
  CHECK(truth("a >= 3.5", m) == "false");
  CHECK(truth("a < 4", m) == "true");
  CHECK(truth("a < 3", m) == "false");
  CHECK(truth("a <= 3", m) == "true");
  CHECK(truth("a <= 2.5", m) == "false");
  CHECK(truth("a == 3", m) == "true");
  CHECK(truth("a == 4", m) == "false");
  CHECK(truth("a != 4", m) == "true");
  CHECK(truth("a != 3", m) == "false");
  // The number on the left keeps the operator's direction.
  CHECK(truth("2 < a", m) == "true");
  CHECK(truth("4 < a", m) == "false");
  CHECK(truth("3 >= a", m) == "true");
  CHECK(truth("2 >= a", m) == "false");
  CHECK(truth("3 > 2", m) == "true");
  CHECK(truth("2 > 3", m) == "false");
}

// Three atoms: T is true, F is false, U is unknown (its selector matches nothing).
#define T "up > 0"
#define F "up > 5"
#define U "absent_metric > 0"

MetricStore logic_store() {
  MetricStore m;
  put(m, "up", {}, 1);
  return m;
}

TEST_CASE("the logic atoms are true, false and unknown") {
  MetricStore m = logic_store();
  CHECK(truth(T, m) == "true");
  CHECK(truth(F, m) == "false");
  CHECK(truth(U, m) == "unknown");
}

TEST_CASE(
    "and is true only when both sides are true, "
    "and false when either side is false even if the other is unknown") {
  MetricStore m = logic_store();
  CHECK(truth(T " and " T, m) == "true");
  CHECK(truth(T " and " F, m) == "false");
  CHECK(truth(F " and " T, m) == "false");
  CHECK(truth(F " and " F, m) == "false");
  CHECK(truth(F " and " U, m) == "false");
  CHECK(truth(U " and " F, m) == "false");
  CHECK(truth(T " and " U, m) == "unknown");
  CHECK(truth(U " and " T, m) == "unknown");
  CHECK(truth(U " and " U, m) == "unknown");
}

TEST_CASE(
    "or is false only when both sides are false, "
    "and true when either side is true even if the other is unknown") {
  MetricStore m = logic_store();
  CHECK(truth(T " or " T, m) == "true");
  CHECK(truth(T " or " F, m) == "true");
  CHECK(truth(F " or " T, m) == "true");
  CHECK(truth(F " or " F, m) == "false");
  CHECK(truth(T " or " U, m) == "true");
  CHECK(truth(U " or " T, m) == "true");
  CHECK(truth(F " or " U, m) == "unknown");
  CHECK(truth(U " or " F, m) == "unknown");
  CHECK(truth(U " or " U, m) == "unknown");
}

TEST_CASE("not flips true and false and leaves unknown unknown") {
  MetricStore m = logic_store();
  CHECK(truth("not " T, m) == "false");
  CHECK(truth("not " F, m) == "true");
  CHECK(truth("not " U, m) == "unknown");
  CHECK(truth("not (" F " or " U ")", m) == "unknown");
  CHECK(truth("not (" F " and " U ")", m) == "true");
  CHECK(truth("not not " T, m) == "true");
}

#undef T
#undef F
#undef U

TEST_CASE("a selector that matches nothing makes the expression unknown") {
  MetricStore m;
  put(m, "http_requests", {{"code", "500"}}, 5);
  CHECK(truth("absent_metric > 0", m) == "unknown");
  CHECK(truth("absent_metric < 0", m) == "unknown");
  CHECK(truth("absent_metric == 0", m) == "unknown");
  CHECK(truth("absent_metric + 1 > 0", m) == "unknown");
  CHECK(truth("sum(absent_metric) > 0", m) == "unknown");
  CHECK(truth("count(absent_metric) == 0", m) == "unknown");
  CHECK(truth("max_over_time(absent_metric) >= 0", m) == "unknown");
  CHECK(truth("rising(absent_metric)", m) == "unknown");
  // The name exists but no series has the label value.
  CHECK(truth(R"(http_requests{code="404"} > 0)", m) == "unknown");
  CHECK(truth(R"(http_requests{code="404"} <= 0)", m) == "unknown");
  // The same comparison on a selector that does match is decided.
  CHECK(truth(R"(http_requests{code="500"} > 0)", m) == "true");
  CHECK(truth(R"(http_requests{code="500"} <= 0)", m) == "false");
}

// Four series of one name; each test picks some by label and sums them, so a sum names the set.
MetricStore requests_store() {
  MetricStore m;
  put(m, "reqs", {{"code", "500"}, {"job", "api"}}, 5);
  put(m, "reqs", {{"code", "200"}, {"job", "api"}}, 100);
  put(m, "reqs", {{"code", "503"}, {"job", "web"}}, 7);
  put(m, "reqs", {{"code", "200"}}, 1000);  // no job label
  return m;
}

TEST_CASE("label matcher = selects the series whose label equals the value") {
  MetricStore m = requests_store();
  CHECK(truth(R"(sum(reqs{code="500"}) == 5)", m) == "true");
  CHECK(truth(R"(sum(reqs{job="api"}) == 105)", m) == "true");
  CHECK(truth(R"(sum(reqs{code="200", job="api"}) == 100)", m) == "true");
  CHECK(truth(R"(count(reqs{code="200"}) == 2)", m) == "true");
  CHECK(truth("sum(reqs) == 1112", m) == "true");
  CHECK(truth(R"(reqs{code="5"} > 0)", m) == "unknown");
}

TEST_CASE("label matcher != selects the series whose label differs, including those without the label") {
  MetricStore m = requests_store();
  CHECK(truth(R"(sum(reqs{code!="200"}) == 12)", m) == "true");
  CHECK(truth(R"(sum(reqs{job!="api"}) == 1007)", m) == "true");
  CHECK(truth(R"(sum(reqs{job!="api", code!="200"}) == 7)", m) == "true");
  CHECK(truth(R"(count(reqs{zone!="eu"}) == 4)", m) == "true");
}

TEST_CASE("label matcher =~ selects by a regex that must match the whole value") {
  MetricStore m = requests_store();
  CHECK(truth(R"(sum(reqs{code=~"5.."}) == 12)", m) == "true");
  CHECK(truth(R"(sum(reqs{job=~"api|web"}) == 112)", m) == "true");
  CHECK(truth(R"(sum(reqs{code=~"50[0-2]"}) == 5)", m) == "true");
  // A partial match is not a match: "5" does not match "500".
  CHECK(truth(R"(reqs{code=~"5"} > 0)", m) == "unknown");
}

TEST_CASE("label matcher !~ excludes the series whose label matches the regex") {
  MetricStore m = requests_store();
  CHECK(truth(R"(sum(reqs{code!~"5.."}) == 1100)", m) == "true");
  CHECK(truth(R"(sum(reqs{code!~"5..", job="api"}) == 100)", m) == "true");
  // Whole-value matching: "5" excludes nothing.
  CHECK(truth(R"(count(reqs{code!~"5"}) == 4)", m) == "true");
  CHECK(truth(R"(reqs{code!~".*"} > 0)", m) == "unknown");
}

TEST_CASE("aggregations reduce across series by each series' latest value") {
  MetricStore m;
  put_series(m, "x", {{"i", "1"}}, {50, 1});  // latest 1
  put(m, "x", {{"i", "2"}}, 2);
  put(m, "x", {{"i", "3"}}, 6);
  CHECK(truth("sum(x) == 9", m) == "true");
  CHECK(truth("sum(x) == 58", m) == "false");
  CHECK(truth("avg(x) == 3", m) == "true");
  CHECK(truth("max(x) == 6", m) == "true");
  CHECK(truth("max(x) == 50", m) == "false");
  CHECK(truth("min(x) == 1", m) == "true");
  CHECK(truth("count(x) == 3", m) == "true");
  CHECK(truth("count(x) == 4", m) == "false");
  // An aggregate is one number: it compares once, not per series.
  CHECK(truth("sum(x) > 8", m) == "true");
  CHECK(truth("sum(x) > 9", m) == "false");
}

TEST_CASE("last and first read the ends of a series' history") {
  MetricStore m;
  put_series(m, "s", {}, {5, 9, 2, 7, 2});
  CHECK(truth("last(s) == 2", m) == "true");
  CHECK(truth("first(s) == 5", m) == "true");
  CHECK(truth("first(s) == 2", m) == "false");
}

TEST_CASE("max_over_time, min_over_time and avg_over_time read the whole history") {
  MetricStore m;
  put_series(m, "s", {}, {5, 9, 2, 7, 2});
  CHECK(truth("max_over_time(s) == 9", m) == "true");
  CHECK(truth("min_over_time(s) == 2", m) == "true");
  CHECK(truth("avg_over_time(s) == 5", m) == "true");
  // Without an over-time function only the latest value counts.
  CHECK(truth("s > 8", m) == "false");
  CHECK(truth("max_over_time(s) > 8", m) == "true");
}

TEST_CASE("delta is the last value minus the first") {
  MetricStore m;
  put_series(m, "s", {}, {5, 9, 2, 7, 2});
  put_series(m, "up", {}, {10, 4, 30});
  CHECK(truth("delta(s) == -3", m) == "true");
  CHECK(truth("delta(up) == 20", m) == "true");
  CHECK(truth("delta(up) == 26", m) == "false");
}

TEST_CASE("rate is the counter's increase per second and a counter reset counts only increases") {
  MetricStore m;
  put_series(m, "steady", {}, {0, 10, 20, 30});            // 30 over 30 s
  put_series(m, "reset", {}, {0, 100, 200, 50, 150}, 10);  // +100 +100, reset to 50 (+50), +100: 350 over 40 s
  CHECK(truth("rate(steady) == 1", m) == "true");
  CHECK(truth("rate(reset) == 8.75", m) == "true");
  CHECK(truth("rate(reset) > 0", m) == "true");
  // Neither the plain delta over time (150 / 40 = 3.75) nor one that subtracts the drop.
  CHECK(truth("rate(reset) == 3.75", m) == "false");
  CHECK(truth("rate(reset) < 8", m) == "false");
}

TEST_CASE("slope is the robust slope per second over the whole history") {
  MetricStore m;
  put_series(m, "line", {}, {0, 20, 40, 60, 80, 100}, 10);          // 2 per second
  put_series(m, "spiky", {}, {1, 3, 5, 7, 9, 11, 13, 15, 500}, 1);  // 2 per second, an outlier last
  put_series(m, "down", {}, {90, 60, 30, 0}, 3);                    // -10 per second
  CHECK(truth("slope(line) == 2", m) == "true");
  CHECK(truth("slope(line) == 20", m) == "false");
  CHECK(truth("slope(spiky) == 2", m) == "true");
  CHECK(truth("slope(down) == -10", m) == "true");
}

TEST_CASE("functions that need a history are unknown on a single sample, and the rest use that sample") {
  MetricStore m;
  put(m, "one", {}, 7);
  CHECK(truth("delta(one) == 0", m) == "unknown");
  CHECK(truth("rate(one) >= 0", m) == "unknown");
  CHECK(truth("slope(one) >= 0", m) == "unknown");
  CHECK(truth("last(one) == 7", m) == "true");
  CHECK(truth("first(one) == 7", m) == "true");
  CHECK(truth("max_over_time(one) == 7", m) == "true");
  CHECK(truth("avg_over_time(one) == 7", m) == "true");
}

TEST_CASE("over-time functions apply to each series on its own") {
  MetricStore m;
  put_series(m, "lag", {{"group", "a"}}, {1, 2, 3}, 10, "series.csv:2");
  put_series(m, "lag", {{"group", "b"}}, {1, 90, 3}, 10, "series.csv:5");
  CHECK(truth("max_over_time(lag) > 50", m) == "true");
  CHECK(contains(witness("max_over_time(lag) > 50", m), R"(group="b")"));
  CHECK(truth("max(max_over_time(lag)) == 90", m) == "true");
  CHECK(truth("sum(max_over_time(lag)) == 93", m) == "true");
  CHECK(truth("sum(delta(lag)) == 4", m) == "true");
}

TEST_CASE("numbers carry units in base units") {
  MetricStore m;
  put(m, "latency_slow", {}, 0.3);
  put(m, "latency_fast", {}, 0.2);
  put(m, "cpu", {}, 0.5);
  put(m, "mem_full", {}, 2147483648.0);
  put(m, "mem_under", {}, 2147483647.0);
  CHECK(truth("latency_slow > 250ms", m) == "true");
  CHECK(truth("latency_fast > 250ms", m) == "false");
  CHECK(truth("latency_fast < 1s", m) == "true");
  CHECK(truth("cpu > 40%", m) == "true");
  CHECK(truth("cpu > 60%", m) == "false");
  CHECK(truth("mem_full >= 2GiB", m) == "true");
  CHECK(truth("mem_under >= 2GiB", m) == "false");
  CHECK(truth("mem_under > 2GB", m) == "true");
  CHECK(truth("5m == 300", m) == "true");
}

TEST_CASE("a comparison over many series is true if any series satisfies it, false if none does") {
  MetricStore m;
  put(m, "x", {{"pod", "a"}}, 1);
  put(m, "x", {{"pod", "b"}}, 9);
  put(m, "x", {{"pod", "c"}}, 2);
  CHECK(truth("x > 5", m) == "true");
  CHECK(contains(witness("x > 5", m), R"(pod="b")"));
  CHECK(truth("x < 2", m) == "true");
  CHECK(contains(witness("x < 2", m), R"(pod="a")"));
  CHECK(truth("x > 9", m) == "false");
  CHECK(truth("x == 3", m) == "false");
  CHECK(truth("x != 9", m) == "true");
}

TEST_CASE("arithmetic between two many-series sides pairs the series with identical labels") {
  MetricStore m;
  put(m, "a", {{"pod", "p1"}}, 10);
  put(m, "a", {{"pod", "p2"}}, 20);
  put(m, "b", {{"pod", "p1"}}, 5);
  put(m, "b", {{"pod", "p2"}}, 40);
  CHECK(truth("a / b == 2", m) == "true");    // p1
  CHECK(truth("a / b == 0.5", m) == "true");  // p2
  // Crossed pairs (p1/p2 = 0.25, p2/p1 = 4) do not exist.
  CHECK(truth("a / b == 4", m) == "false");
  CHECK(truth("a / b == 0.25", m) == "false");
  CHECK(truth("a / b > 3", m) == "false");
  CHECK(truth("a - b == -20", m) == "true");
  CHECK(truth("sum(a + b) == 75", m) == "true");
  CHECK(truth("count(a * b) == 2", m) == "true");
  // Comparisons pair the same way.
  CHECK(truth("a > b", m) == "true");
  CHECK(contains(witness("a > b", m), R"(pod="p1")"));
  CHECK(truth("a > b * 2", m) == "false");
}

TEST_CASE("many-series sides with no label set in common give unknown") {
  MetricStore m;
  put(m, "a", {{"pod", "p1"}}, 10);
  put(m, "a", {{"pod", "p2"}}, 20);
  put(m, "d", {{"pod", "p3"}}, 1);
  put(m, "d", {{"pod", "p4"}}, 2);
  CHECK(truth("a + d > 0", m) == "unknown");
  CHECK(truth("a > d", m) == "unknown");
}

TEST_CASE("a one-series side broadcasts over every series of the other side whatever their labels") {
  MetricStore m;
  put(m, "used", {{"pod", "p1"}}, 30);
  put(m, "used", {{"pod", "p2"}}, 80);
  put(m, "limit", {{"job", "quota"}}, 100);
  CHECK(truth("used / limit > 0.7", m) == "true");
  CHECK(contains(witness("used / limit > 0.7", m), R"(pod="p2")"));
  CHECK(truth("used / limit > 0.9", m) == "false");
  CHECK(truth("limit - used < 25", m) == "true");
  CHECK(truth("limit - used < 15", m) == "false");
  CHECK(truth("used > limit", m) == "false");
  CHECK(truth("used * 2 > limit", m) == "true");
  CHECK(truth("sum(limit - used) == 90", m) == "true");
}

TEST_CASE("division by zero never makes a result true") {
  MetricStore m;
  put(m, "a", {{"pod", "p1"}}, 10);
  put(m, "a", {{"pod", "p2"}}, 20);
  put(m, "zero", {}, 0);
  put(m, "b", {{"pod", "p1"}}, 0);
  put(m, "b", {{"pod", "p2"}}, 40);
  for (const char* e :
       {"a / zero > 0", "a / zero < 0", "a / zero == 0", "a / zero != 0", "a / 0 > 1", "1 / 0 > 0", "1 / 0 < 0",
        "0 / 0 == 0", "0 / 0 != 0", "not (a / zero > 0)", "sum(a / zero) >= 0", "zero / zero >= 0"}) {
    CAPTURE(e);
    CHECK(truth(e, m) != "true");
  }
  // p1 divides by zero and drops out; p2 (20 / 40 = 0.5) decides.
  CHECK(truth("a / b > 1", m) == "false");
  CHECK(truth("a / b < 1", m) == "true");
  CHECK(contains(witness("a / b < 1", m), R"(pod="p2")"));
  CHECK(truth("count(a / b) == 1", m) == "true");
}

TEST_CASE("the witness of a true comparison names the series, its value and its source") {
  MetricStore m;
  put(m, "cpu_seconds", {{"pod", "api-1"}}, 3, "metrics.prom:11");
  put(m, "cpu_seconds", {{"pod", "api-7"}}, 97, "metrics.prom:12");
  ExprOutcome o = evaluate(*parse_expr("cpu_seconds > 90"), m);
  REQUIRE(o.truth == std::optional<bool>(true));
  CHECK(contains(o.witness, "cpu_seconds"));
  CHECK(contains(o.witness, R"(pod="api-7")"));
  CHECK(contains(o.witness, "97"));
  CHECK(contains(o.witness, "metrics.prom:12"));
  CHECK_FALSE(contains(o.witness, "api-1"));
  CHECK_FALSE(contains(o.witness, "metrics.prom:11"));
  // The value is the one compared, after arithmetic.
  CHECK(contains(witness("cpu_seconds * 100 > 9000", m), "9700"));
}

TEST_CASE("the witness of a true and names both sides' series") {
  MetricStore m;
  put(m, "errors", {}, 12, "metrics.prom:3");
  put(m, "restarts", {}, 4, "metrics.prom:8");
  std::string w = witness("errors > 10 and restarts > 2", m);
  CHECK(contains(w, "errors"));
  CHECK(contains(w, "12"));
  CHECK(contains(w, "metrics.prom:3"));
  CHECK(contains(w, "restarts"));
  CHECK(contains(w, "metrics.prom:8"));
}

TEST_CASE("shape functions read each series' history and name the series that has the shape") {
  MetricStore m;
  put_series(m, "mem", {{"pod", "steady"}}, {50, 50, 50, 50, 50, 50, 50, 50, 50, 50}, 60, "series.csv:2");
  put_series(m, "mem", {{"pod", "leaky"}}, {10, 20, 30, 40, 50, 60, 70, 80, 90, 100}, 60, "series.csv:12");
  put_series(m, "short", {}, {1, 2, 3}, 60);
  CHECK(truth("rising(mem)", m) == "true");
  CHECK(contains(witness("rising(mem)", m), R"(pod="leaky")"));
  CHECK(contains(witness("rising(mem)", m), "series.csv:12"));
  CHECK(truth("falling(mem)", m) == "false");
  CHECK(truth("rising(mem{pod=\"steady\"})", m) == "false");
  CHECK(truth("flat(mem{pod=\"steady\"})", m) == "true");
  // Too few points to tell a shape: unknown, not false.
  CHECK(truth("rising(short)", m) == "unknown");
  CHECK(truth("not rising(short)", m) == "unknown");
}

}  // namespace
}  // namespace faultline::evidence
