// evidence/expr.h: parsing the metric-expression language.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "common/error.h"
#include "evidence/expr.h"

namespace faultline::evidence {
namespace {

TEST_CASE("quantities carry their units in base units") {
  CHECK(*parse_quantity("250ms") == doctest::Approx(0.25));
  CHECK(*parse_quantity("5m") == doctest::Approx(300));
  CHECK(*parse_quantity("40%") == doctest::Approx(0.4));
  CHECK(*parse_quantity("2GiB") == doctest::Approx(2147483648.0));
  CHECK(*parse_quantity("2GB") == doctest::Approx(2e9));
  CHECK(*parse_quantity(" 12 ") == doctest::Approx(12));
  CHECK_FALSE(parse_quantity("12 parsecs"));
  CHECK_FALSE(parse_quantity("fast"));
  CHECK_FALSE(parse_quantity(""));
}

TEST_CASE("precedence: arithmetic binds tighter than comparison, then not, and, or") {
  auto e = parse_expr("a + b * 2 > 3 and not c or d < 1");
  REQUIRE(e->kind == Expr::Kind::Binary);
  CHECK(e->op == Expr::BinaryOp::Or);
  const Expr& land = *e->args[0];
  CHECK(land.op == Expr::BinaryOp::And);
  const Expr& gt = *land.args[0];
  CHECK(gt.op == Expr::BinaryOp::Gt);
  CHECK(gt.args[0]->op == Expr::BinaryOp::Add);
  CHECK(gt.args[0]->args[1]->op == Expr::BinaryOp::Mul);
  CHECK(land.args[1]->kind == Expr::Kind::Not);
}

TEST_CASE("selectors with every matcher kind") {
  auto e = parse_expr(R"(http_requests_total{code=~"5..", job!="x", path='/a', env!~"dev.*"})");
  REQUIRE(e->kind == Expr::Kind::Selector);
  CHECK(e->name == "http_requests_total");
  REQUIRE(e->matchers.size() == 4);
  CHECK(e->matchers[0].op == LabelMatcher::Op::Regex);
  CHECK(e->matchers[1].op == LabelMatcher::Op::NotEqual);
  CHECK(e->matchers[2].value == "/a");
  CHECK(e->matchers[3].op == LabelMatcher::Op::NotRegex);
}

TEST_CASE("functions nest and units apply to numbers") {
  auto e = parse_expr("max(max_over_time(kafka_consumergroup_lag)) > 250ms");
  CHECK(e->args[0]->name == "max");
  CHECK(e->args[0]->args[0]->name == "max_over_time");
  CHECK(e->args[1]->number == doctest::Approx(0.25));
  CHECK(function_kind("sawtooth") == FunctionKind::Shape);
  CHECK(function_kind("delta") == FunctionKind::OverTime);
  CHECK_FALSE(function_kind("histogram_quantile"));
}

TEST_CASE("keywords do not swallow identifiers that start with them") {
  auto e = parse_expr("orders_total > 1 and notes_total < 2");
  CHECK(e->op == Expr::BinaryOp::And);
  CHECK(e->args[0]->args[0]->name == "orders_total");
  CHECK(e->args[1]->args[0]->name == "notes_total");
}

void expect_syntax_error(const char* text, int column, const char* words) {
  try {
    parse_expr(text);
    FAIL("parsed: " << text);
  } catch (const Error& e) {
    CHECK(e.code() == "EX001");
    CHECK_MESSAGE(e.where().column == column, text << ": " << e.what());
    CHECK_MESSAGE(std::string(e.what()).find(words) != std::string::npos, e.what());
  }
}

TEST_CASE("syntax errors name the column") {
  expect_syntax_error("rising(x", 9, "expected ')'");
  expect_syntax_error("a > b > c", 7, "do not chain");
  expect_syntax_error("histogram_quantile(0.9)", 1, "unknown function");
  expect_syntax_error("x{a=b}", 5, "quoted label value");
  expect_syntax_error("x > 5 parsecs", 7, "unexpected");
  expect_syntax_error("5zz > 1", 1, "bad number");
  expect_syntax_error("", 1, "unexpected end");
  expect_syntax_error("max(a, b)", 6, "one argument");
  expect_syntax_error("and > 1", 1, "operand");
  expect_syntax_error("x{a=\"b}", 8, "unterminated");
}

TEST_CASE("regression: deep nesting is a syntax error, not a stack overflow (found by fuzz_expr)") {
  expect_syntax_error(std::string(5000, '(').c_str(), 65, "nests deeper than 64");
  expect_syntax_error((std::string(100, '-') + "1").c_str(), 65, "nests deeper than 64");
  std::string nots;
  for (int i = 0; i < 100; ++i) nots += "not ";
  CHECK_THROWS_AS(parse_expr(nots + "x > 1"), Error);
  CHECK_NOTHROW(parse_expr(std::string(30, '(') + "x > 1" + std::string(30, ')')));
}

TEST_CASE("regression inputs found by the fuzzers parse or fail cleanly") {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(FAULTLINE_SOURCE_DIR) / "tests" / "fuzz" / "regressions" / "expr";
  int seen = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::ifstream in(e.path(), std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    try {
      parse_expr(text);
    } catch (const Error&) {
    }
    ++seen;
  }
  CHECK(seen >= 1);
}

}  // namespace
}  // namespace faultline::evidence
