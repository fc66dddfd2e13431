// evidence/metrics.h: Prometheus text exposition, CSV series, --metric arguments, timestamps
// and the MetricStore that holds them.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "common/error.h"
#include "evidence/metrics.h"

namespace faultline::evidence {
namespace {

// 2026-11-28T10:02:11Z as Unix seconds (date -u -d 2026-11-28T10:02:11Z +%s). Times are
// compared exactly: doctest::Approx's relative epsilon would hide hours at this magnitude.
constexpr double kT0 = 1795860131.0;

// Seconds from kT0 to the time text names, so that a failure shows the difference.
double since_t0(std::string_view text) {
  auto t = parse_timestamp(text);
  REQUIRE_MESSAGE(t.has_value(), "no time in: " << text);
  return *t - kT0;
}

const Series& only(const MetricStore& store, const std::string& name) {
  auto found = store.named(name);
  REQUIRE_MESSAGE(found.size() == 1, "series named " << name << ": " << found.size());
  return *found[0];
}

Error expect_error(auto&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e;
  }
  FAIL("expected an Error");
  return Error("unreachable");
}

// ---- Prometheus text exposition ----

TEST_CASE("a Prometheus scrape with HELP and TYPE lines keeps one sample per series") {
  MetricStore store;
  ReadReport r = read_prometheus(
      "# HELP queue_ready Messages ready for delivery.\n"
      "# TYPE queue_ready gauge\n"
      "queue_ready{queue=\"orders\",vhost=\"/\"} 1500\n"
      "queue_ready{queue=\"billing\"} 3\n"
      "process_open_fds 42\n",
      "metrics.prom", store);
  CHECK(r.samples == 3);
  CHECK(r.warnings.empty());
  REQUIRE(store.size() == 3);
  auto ready = store.named("queue_ready");
  REQUIRE(ready.size() == 2);
  CHECK(ready[0]->labels == std::map<std::string, std::string>{{"queue", "orders"}, {"vhost", "/"}});
  CHECK(ready[0]->points.size() == 1);
  CHECK(ready[0]->points[0].v == 1500);
  CHECK(ready[0]->points[0].t == 0);
  CHECK(ready[0]->source == "metrics.prom:3");
  CHECK(ready[1]->labels == std::map<std::string, std::string>{{"queue", "billing"}});
  CHECK(ready[1]->source == "metrics.prom:4");
  const Series& fds = only(store, "process_open_fds");
  CHECK(fds.labels.empty());
  CHECK(fds.points[0].v == 42);
  CHECK(fds.source == "metrics.prom:5");
}

TEST_CASE("Prometheus label values unescape \\\", \\\\ and \\n") {
  MetricStore store;
  REQUIRE(read_prometheus_line(R"(m{a="say \"hi\"",b="C:\\temp",c="two\nlines",d="x,}y"} 1)", "s", store));
  const Series& m = only(store, "m");
  CHECK(m.labels.at("a") == "say \"hi\"");
  CHECK(m.labels.at("b") == "C:\\temp");
  CHECK(m.labels.at("c") == "two\nlines");
  CHECK(m.labels.at("d") == "x,}y");
  CHECK(m.labels.size() == 4);
}

TEST_CASE("a backslash at the end of a Prometheus label value does not end the value") {
  MetricStore store;
  REQUIRE(read_prometheus_line(R"(m{path="a\\",q="b"} 7)", "s", store));
  const Series& m = only(store, "m");
  CHECK(m.labels.at("path") == "a\\");
  CHECK(m.labels.at("q") == "b");
}

TEST_CASE("Prometheus sample timestamps are milliseconds and become seconds") {
  MetricStore store;
  REQUIRE(read_prometheus_line("http_requests_total{code=\"500\"} 1027 1795860131000", "s", store));
  const Series& s = only(store, "http_requests_total");
  CHECK(s.points[0].t - kT0 == 0);
  CHECK(s.points[0].v == 1027);
}

TEST_CASE("Prometheus values NaN, +Inf and -Inf are read as such") {
  MetricStore store;
  ReadReport r = read_prometheus("a_nan NaN\nb_pinf +Inf\nc_ninf -Inf\nd_exp 1.5e3\ne_neg -2\n", "m.prom", store);
  CHECK(r.samples == 5);
  CHECK(r.warnings.empty());
  CHECK(std::isnan(only(store, "a_nan").points[0].v));
  CHECK(only(store, "b_pinf").points[0].v == std::numeric_limits<double>::infinity());
  CHECK(only(store, "c_ninf").points[0].v == -std::numeric_limits<double>::infinity());
  CHECK(only(store, "d_exp").points[0].v == 1500);
  CHECK(only(store, "e_neg").points[0].v == -2);
}

TEST_CASE("a malformed Prometheus line is skipped with a warning naming it; good lines are kept") {
  MetricStore store;
  ReadReport r = read_prometheus(
      "good_one 1\n"
      "bad_value{a=\"x\"} twelve\n"
      "good_two{a=\"y\"} 2\n"
      "bad_labels{a=\"unterminated} 3\n"
      "\n"
      "# just a comment\n"
      "too_many 1 2 3\n"
      "good_three 3 1000\n",
      "metrics.prom", store);
  CHECK(r.samples == 3);
  REQUIRE(r.warnings.size() == 3);
  CHECK(r.warnings[0] == "metrics.prom:2: skipped malformed Prometheus line");
  CHECK(r.warnings[1] == "metrics.prom:4: skipped malformed Prometheus line");
  CHECK(r.warnings[2] == "metrics.prom:7: skipped malformed Prometheus line");
  CHECK(store.size() == 3);
  CHECK(only(store, "good_two").source == "metrics.prom:3");
  CHECK(only(store, "good_three").points[0].t == 1.0);
  CHECK(store.named("bad_value").empty());
  CHECK(store.named("bad_labels").empty());
  CHECK(store.named("too_many").empty());
}

TEST_CASE("read_prometheus_line refuses malformed samples and stores nothing") {
  MetricStore store;
  CHECK_FALSE(read_prometheus_line("9starts_with_digit 1", "s", store));
  CHECK_FALSE(read_prometheus_line("no_value", "s", store));
  CHECK_FALSE(read_prometheus_line("m{a=unquoted} 1", "s", store));
  CHECK_FALSE(read_prometheus_line("m{=\"x\"} 1", "s", store));
  CHECK_FALSE(read_prometheus_line("m 1 notatime", "s", store));
  CHECK(store.size() == 0);
  // Comments and blank lines are not errors, and add nothing.
  CHECK(read_prometheus_line("# HELP m help", "s", store));
  CHECK(read_prometheus_line("   ", "s", store));
  CHECK(store.size() == 0);
}

TEST_CASE("Prometheus lines with CRLF endings read like LF lines") {
  MetricStore store;
  ReadReport r = read_prometheus("# TYPE x gauge\r\nx_total 5\r\ny_total{a=\"b\"} 6\r\n", "w.prom", store);
  CHECK(r.samples == 2);
  CHECK(r.warnings.empty());
  CHECK(only(store, "x_total").points[0].v == 5);
  CHECK(only(store, "y_total").labels.at("a") == "b");
}

TEST_CASE("looks_like_prometheus: HELP/TYPE lines and samples, not comments or prose") {
  CHECK(looks_like_prometheus("# HELP queue_ready Messages ready."));
  CHECK(looks_like_prometheus("# TYPE queue_ready gauge"));
  CHECK(looks_like_prometheus("queue_ready{queue=\"orders\"} 1500"));
  CHECK(looks_like_prometheus("  process_open_fds 42 1795860131000  "));
  CHECK(looks_like_prometheus("up NaN"));
  CHECK_FALSE(looks_like_prometheus("# an ordinary comment"));
  CHECK_FALSE(looks_like_prometheus(""));
  CHECK_FALSE(looks_like_prometheus("2026-11-28T10:02:11Z ERROR boom"));
  CHECK_FALSE(looks_like_prometheus("the queue keeps growing"));
  CHECK_FALSE(looks_like_prometheus("queue_ready{queue=\"orders\" 1500"));
  CHECK_FALSE(looks_like_prometheus("{a=\"b\"} 1"));
}

// ---- timestamps ----

TEST_CASE("parse_timestamp reads ISO 8601 in UTC, with a fraction, or with a space for T") {
  CHECK(since_t0("2026-11-28T10:02:11Z") == 0);
  CHECK(since_t0("2026-11-28T10:02:11") == 0);
  CHECK(since_t0("2026-11-28 10:02:11") == 0);
  CHECK(since_t0("2026-11-28T10:02:11.250Z") == 0.25);
  CHECK(since_t0("  \"2026-11-28T10:02:11Z\" ") == 0);
  CHECK(since_t0("2026-11-28") == -(10 * 3600 + 2 * 60 + 11));
  CHECK(since_t0("2026-11-28T10:02") == -11);
}

TEST_CASE("parse_timestamp applies a trailing offset with or without a colon") {
  CHECK(since_t0("2026-11-28T12:02:11+02:00") == 0);
  CHECK(since_t0("2026-11-28T05:02:11-05:00") == 0);
  CHECK(since_t0("2026-11-28T05:02:11-0500") == 0);
  CHECK(since_t0("2026-11-28T15:32:11.5+05:30") == 0.5);
  CHECK(since_t0("2026-11-28T12:02:11+02") == 0);
}

// BUG: a colon-less offset with minutes (+0530, -0930) loses its minutes: the "%2d:%2d" scan
// matches the hours alone and the "%2d%2d" fallback is never tried.
TEST_CASE("parse_timestamp applies a colon-less offset with minutes (+0530)") {
  CHECK(since_t0("2026-11-28T15:32:11+0530") == 0);
  CHECK(since_t0("2026-11-28T00:32:11-0930") == 0);
}

TEST_CASE("parse_timestamp reads Unix seconds and milliseconds") {
  CHECK(since_t0("1795860131") == 0);
  CHECK(since_t0("1795860131.5") == 0.5);
  CHECK(since_t0("1795860131000") == 0);
  CHECK(since_t0("1795860131250") == 0.25);
  CHECK(*parse_timestamp("12") == 12);
}

TEST_CASE("parse_timestamp gives nullopt for text that is no time") {
  CHECK_FALSE(parse_timestamp("yesterday"));
  CHECK_FALSE(parse_timestamp(""));
  CHECK_FALSE(parse_timestamp("10:02:11"));
  CHECK_FALSE(parse_timestamp("2026-11-28Tnoon"));
  CHECK_FALSE(parse_timestamp("2026-11-28x10:02:11"));
  CHECK_FALSE(parse_timestamp("12abc"));
}

// ---- CSV series ----

TEST_CASE("looks_like_csv_header wants a time first column and at least two columns") {
  CHECK(looks_like_csv_header("timestamp,metric,labels,value"));
  CHECK(looks_like_csv_header("Time,cpu,mem"));
  CHECK(looks_like_csv_header("ts,queue_depth"));
  CHECK(looks_like_csv_header("date, x"));
  CHECK(looks_like_csv_header("datetime,x"));
  CHECK_FALSE(looks_like_csv_header("timestamp"));
  CHECK_FALSE(looks_like_csv_header("host,cpu"));
  CHECK_FALSE(looks_like_csv_header("when,cpu"));
  CHECK_FALSE(looks_like_csv_header(""));
}

TEST_CASE("long-form CSV: one series per metric and label set, labels as k=v;k2=v2") {
  MetricStore store;
  ReadReport r = read_csv_series(
      "timestamp,metric,labels,value\n"
      "2026-11-28T10:02:11Z,queue_depth,queue=orders;vhost=/,120\n"
      "2026-11-28T10:02:21Z,queue_depth,queue=orders;vhost=/,130\n"
      "2026-11-28T10:02:11Z,queue_depth,queue=billing,5\n"
      "2026-11-28T10:02:11Z,latency,,250ms\n",
      "series.csv", store);
  CHECK(r.samples == 4);
  CHECK(r.warnings.empty());
  auto depth = store.named("queue_depth");
  REQUIRE(depth.size() == 2);
  CHECK(depth[0]->labels == std::map<std::string, std::string>{{"queue", "orders"}, {"vhost", "/"}});
  REQUIRE(depth[0]->points.size() == 2);
  CHECK(depth[0]->points[0].t - kT0 == 0);
  CHECK(depth[0]->points[0].v == 120);
  CHECK(depth[0]->points[1].t - kT0 == 10);
  CHECK(depth[0]->points[1].v == 130);
  CHECK(depth[0]->source == "series.csv:2");
  CHECK(depth[1]->labels == std::map<std::string, std::string>{{"queue", "billing"}});
  CHECK(depth[1]->source == "series.csv:4");
  const Series& latency = only(store, "latency");
  CHECK(latency.labels.empty());
  CHECK(latency.points[0].v == doctest::Approx(0.25));
}

TEST_CASE("long-form CSV labels may be braced and quoted, and a 3-column file has none") {
  MetricStore a;
  read_csv_series("timestamp,metric,labels,value\n1795860131,m,{pod=\"a-1\"; ns=\"prod\"},1\n", "a.csv", a);
  CHECK(only(a, "m").labels == std::map<std::string, std::string>{{"ns", "prod"}, {"pod", "a-1"}});
  MetricStore b;
  ReadReport r = read_csv_series("timestamp,metric,value\n1795860131,m,7\n1795860141,m,8\n", "b.csv", b);
  CHECK(r.samples == 2);
  const Series& m = only(b, "m");
  CHECK(m.labels.empty());
  REQUIRE(m.points.size() == 2);
  CHECK(m.points[1].v == 8);
}

TEST_CASE("wide-form CSV: one series per column, named as in the header") {
  MetricStore store;
  ReadReport r = read_csv_series(
      "Timestamp,cpu_ratio,mem_bytes\n"
      "1795860131,0.5,1GiB\n"
      "1795860131000,,2GiB\n"
      "2026-11-28T10:03:11+00:00,75%,3\n",
      "wide.csv", store);
  CHECK(r.samples == 5);
  CHECK(r.warnings.empty());
  const Series& cpu = only(store, "cpu_ratio");
  REQUIRE(cpu.points.size() == 2);
  CHECK(cpu.points[0].v == doctest::Approx(0.5));
  CHECK(cpu.points[1].t - kT0 == 60);
  CHECK(cpu.points[1].v == doctest::Approx(0.75));
  CHECK(cpu.source == "wide.csv:2");
  const Series& mem = only(store, "mem_bytes");
  REQUIRE(mem.points.size() == 3);
  CHECK(mem.points[0].t - kT0 == 0);
  CHECK(mem.points[1].t - kT0 == 0);
  CHECK(mem.points[1].v == 2147483648.0);
  CHECK(mem.points[2].v == 3);
}

TEST_CASE("CSV rows with a bad time, a bad value or the wrong column count are skipped with warnings") {
  MetricStore wide;
  ReadReport w = read_csv_series("ts,a,b\nsoon,1,2\n1795860131,x,2\n\n1795860141,3,4\r\n", "w.csv", wide);
  CHECK(w.samples == 3);
  REQUIRE(w.warnings.size() == 2);
  CHECK(w.warnings[0] == "w.csv:2: skipped row with an unreadable timestamp");
  CHECK(w.warnings[1] == "w.csv:3: skipped unreadable value in column a");
  CHECK(only(wide, "a").points.size() == 1);
  CHECK(only(wide, "b").points.size() == 2);

  MetricStore lng;
  ReadReport l = read_csv_series(
      "timestamp,metric,labels,value\n"
      "1795860131,m,a=1\n"
      "1795860131,m,a=1,lots\n"
      "1795860131,,a=1,4\n"
      "1795860131,m,a=1,5\n",
      "l.csv", lng);
  CHECK(l.samples == 1);
  REQUIRE(l.warnings.size() == 3);
  CHECK(l.warnings[0] == "l.csv:2: skipped row with 3 columns");
  CHECK(l.warnings[1] == "l.csv:3: skipped row with an unreadable value");
  CHECK(l.warnings[2] == "l.csv:4: skipped row with an unreadable value");
  CHECK(only(lng, "m").points[0].v == 5);
}

TEST_CASE("a CSV without a timestamp header is Error IN004 at the header line") {
  MetricStore store;
  Error e = expect_error([&] { read_csv_series("\n\nhost,cpu\nweb-1,0.5\n", "hosts.csv", store); });
  CHECK(e.code() == "IN004");
  CHECK(e.where().file == "hosts.csv");
  CHECK(e.where().line == 3);
  CHECK(e.where().column == 1);
  CHECK(store.size() == 0);
}

TEST_CASE("an empty CSV reads nothing and is no error") {
  MetricStore store;
  ReadReport r = read_csv_series("\n\n", "empty.csv", store);
  CHECK(r.samples == 0);
  CHECK(r.warnings.empty());
  CHECK(store.size() == 0);
}

// ---- --metric NAME=VALUE ----

TEST_CASE("read_metric_argument converts units to base units") {
  MetricStore store;
  read_metric_argument("p99_latency=250ms", store);
  read_metric_argument("cpu_ratio=40%", store);
  read_metric_argument(" heap_bytes = 2GiB ", store);
  read_metric_argument("queue_depth=1200", store);
  CHECK(store.size() == 4);
  const Series& lat = only(store, "p99_latency");
  CHECK(lat.points[0].v == doctest::Approx(0.25));
  CHECK(lat.points[0].t == 0);
  CHECK(lat.source == "--metric p99_latency");
  CHECK(only(store, "cpu_ratio").points[0].v == doctest::Approx(0.4));
  CHECK(only(store, "heap_bytes").points[0].v == 2147483648.0);
  CHECK(only(store, "queue_depth").points[0].v == 1200);
}

TEST_CASE("read_metric_argument: a non-numeric value or a bad name is Error IN005") {
  MetricStore store;
  for (const char* arg : {"latency=fast", "latency=", "latency=12 parsecs", "=5", "noequals", "9lives=1", "a b=1"}) {
    CAPTURE(arg);
    Error e = expect_error([&] { read_metric_argument(arg, store); });
    CHECK(e.code() == "IN005");
    CHECK(e.where().file == "--metric");
  }
  CHECK(store.size() == 0);
}

// ---- MetricStore ----

TEST_CASE("MetricStore::named lists series of a name in insertion order, apart from others") {
  MetricStore store;
  store.add("m", {{"a", "2"}}, {1, 10}, "f:1");
  store.add("other", {}, {1, 0}, "f:2");
  store.add("m", {{"a", "1"}}, {1, 20}, "f:3");
  store.add("m", {{"a", "2"}}, {2, 11}, "f:4");
  CHECK(store.size() == 3);
  auto m = store.named("m");
  REQUIRE(m.size() == 2);
  CHECK(m[0]->labels.at("a") == "2");
  CHECK(m[0]->points.size() == 2);
  CHECK(m[0]->source == "f:1");
  CHECK(m[1]->labels.at("a") == "1");
  CHECK(m[1]->source == "f:3");
  CHECK(store.named("missing").empty());
  REQUIRE(store.all().size() == 3);
  CHECK(store.all()[1].name == "other");
}

TEST_CASE("MetricStore::finish sorts each series by time, keeping equal times in order") {
  MetricStore store;
  store.add("m", {}, {30, 3}, "f:1");
  store.add("m", {}, {10, 1}, "f:2");
  store.add("m", {}, {20, 2}, "f:3");
  store.add("m", {}, {10, 1.5}, "f:4");
  store.add("n", {}, {5, 0}, "f:5");
  store.finish();
  const Series& m = only(store, "m");
  REQUIRE(m.points.size() == 4);
  CHECK(m.points[0].t == 10);
  CHECK(m.points[0].v == 1);
  CHECK(m.points[1].t == 10);
  CHECK(m.points[1].v == 1.5);
  CHECK(m.points[2].t == 20);
  CHECK(m.points[3].t == 30);
  CHECK(m.source == "f:1");  // the first sample read, not the earliest in time
  CHECK(only(store, "n").points.size() == 1);
}

}  // namespace
}  // namespace faultline::evidence
