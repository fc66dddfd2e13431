// The metric-expression language of kb/signals (see kb/README.md): a small PromQL-like
// language of selectors, numbers with units, arithmetic, comparisons, and/or/not,
// aggregations across series, over-time functions and shape tests. This header parses text
// into a tree; it never evaluates (the evaluator works on this tree). Parsing is pure and
// thread-safe; a syntax error throws faultline::Error with the 1-based column of the offence.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace faultline::evidence {

struct LabelMatcher {
  enum class Op { Equal, NotEqual, Regex, NotRegex };
  std::string label;
  Op op = Op::Equal;
  std::string value;
};

struct Expr {
  enum class Kind { Number, Selector, Call, Negate, Not, Binary };
  enum class BinaryOp { Add, Sub, Mul, Div, Gt, Ge, Lt, Le, Eq, Ne, And, Or };

  Kind kind = Kind::Number;
  double number = 0;                        ///< Number: value in base units (seconds, bytes, ratio)
  std::string name;                         ///< Selector: metric name; Call: function name
  std::vector<LabelMatcher> matchers;       ///< Selector
  BinaryOp op = BinaryOp::Add;              ///< Binary
  std::vector<std::unique_ptr<Expr>> args;  ///< Call: 1; Negate/Not: 1; Binary: 2
  int column = 0;                           ///< 1-based column where this node starts
};

/// What a function does, for the evaluator and for messages.
enum class FunctionKind { Aggregation, OverTime, Shape };

/// The function's kind, or nullopt if name is not a function of the language.
std::optional<FunctionKind> function_kind(std::string_view name);

/// Every function name, for "did you mean" hints and documentation.
const std::vector<std::string>& function_names();

/// Parses one expression. Throws Error(code "EX001") naming the column on a syntax error.
std::unique_ptr<Expr> parse_expr(std::string_view text);

/// "250ms" -> 0.25, "40%" -> 0.4, "2GiB" -> 2147483648, "12" -> 12. nullopt if not a number
/// with a known unit. Used by --metric k=v as well as the parser.
std::optional<double> parse_quantity(std::string_view text);

}  // namespace faultline::evidence
