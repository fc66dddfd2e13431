#include "evidence/expr.h"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <utility>

#include "common/error.h"

namespace faultline::evidence {

namespace {

struct FunctionInfo {
  const char* name;
  FunctionKind kind;
};

constexpr std::array<FunctionInfo, 20> kFunctions{{
    {"sum", FunctionKind::Aggregation},        {"avg", FunctionKind::Aggregation},
    {"max", FunctionKind::Aggregation},        {"min", FunctionKind::Aggregation},
    {"count", FunctionKind::Aggregation},      {"last", FunctionKind::OverTime},
    {"first", FunctionKind::OverTime},         {"max_over_time", FunctionKind::OverTime},
    {"min_over_time", FunctionKind::OverTime}, {"avg_over_time", FunctionKind::OverTime},
    {"delta", FunctionKind::OverTime},         {"rate", FunctionKind::OverTime},
    {"slope", FunctionKind::OverTime},         {"rising", FunctionKind::Shape},
    {"falling", FunctionKind::Shape},          {"flat", FunctionKind::Shape},
    {"sawtooth", FunctionKind::Shape},         {"oscillating", FunctionKind::Shape},
    {"step_up", FunctionKind::Shape},          {"step_down", FunctionKind::Shape},
}};

struct Unit {
  std::string_view suffix;
  double factor;
};

// Longest suffixes first so "ms" wins over "m" and "MiB" over "M".
constexpr std::array<Unit, 16> kUnits{{
    {"KiB", 1024.0},
    {"MiB", 1048576.0},
    {"GiB", 1073741824.0},
    {"TiB", 1099511627776.0},
    {"ms", 1e-3},
    {"us", 1e-6},
    {"KB", 1e3},
    {"MB", 1e6},
    {"GB", 1e9},
    {"TB", 1e12},
    {"s", 1},
    {"m", 60},
    {"h", 3600},
    {"d", 86400},
    {"%", 0.01},
    {"B", 1},
}};

bool is_ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':'; }
bool is_ident_char(char c) { return is_ident_start(c) || std::isdigit(static_cast<unsigned char>(c)); }

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  // Parentheses, calls, "not" and unary "-" nest by recursion; the limit keeps a hostile
  // expression from exhausting the stack (found by fuzz_expr).
  static constexpr int kMaxDepth = 64;

  std::unique_ptr<Expr> parse() {
    auto e = parse_or();
    skip_space();
    if (pos_ < text_.size()) fail("unexpected '" + std::string(1, text_[pos_]) + "'");
    return e;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw Error({"", 1, static_cast<int>(pos_) + 1}, "EX001", what + " at column " + std::to_string(pos_ + 1));
  }

  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  bool eat(std::string_view token) {
    skip_space();
    if (text_.substr(pos_, token.size()) != token) return false;
    pos_ += token.size();
    return true;
  }

  // A keyword must not run on into an identifier: "order" is not "or" + "der".
  bool eat_keyword(std::string_view word) {
    skip_space();
    if (text_.substr(pos_, word.size()) != word) return false;
    std::size_t end = pos_ + word.size();
    if (end < text_.size() && is_ident_char(text_[end])) return false;
    pos_ = end;
    return true;
  }

  void expect(std::string_view token) {
    if (!eat(token)) fail("expected '" + std::string(token) + "'");
  }

  static std::unique_ptr<Expr> binary(Expr::BinaryOp op, std::unique_ptr<Expr> l, std::unique_ptr<Expr> r) {
    auto e = std::make_unique<Expr>();
    e->kind = Expr::Kind::Binary;
    e->op = op;
    e->column = l->column;
    e->args.push_back(std::move(l));
    e->args.push_back(std::move(r));
    return e;
  }

  // Counts one level of nesting for the scope it lives in.
  struct Nesting {
    explicit Nesting(Parser& p) : parser(p) {
      if (++parser.depth_ > kMaxDepth)
        parser.fail("expression nests deeper than " + std::to_string(kMaxDepth) + " levels");
    }
    ~Nesting() { --parser.depth_; }
    Parser& parser;
  };

  std::unique_ptr<Expr> parse_or() {
    Nesting level(*this);
    auto e = parse_and();
    while (eat_keyword("or")) e = binary(Expr::BinaryOp::Or, std::move(e), parse_and());
    return e;
  }

  std::unique_ptr<Expr> parse_and() {
    auto e = parse_not();
    while (eat_keyword("and")) e = binary(Expr::BinaryOp::And, std::move(e), parse_not());
    return e;
  }

  std::unique_ptr<Expr> parse_not() {
    skip_space();
    int column = static_cast<int>(pos_) + 1;
    if (eat_keyword("not")) {
      Nesting level(*this);
      auto e = std::make_unique<Expr>();
      e->kind = Expr::Kind::Not;
      e->column = column;
      e->args.push_back(parse_not());
      return e;
    }
    return parse_comparison();
  }

  std::unique_ptr<Expr> parse_comparison() {
    auto e = parse_sum();
    static constexpr std::pair<std::string_view, Expr::BinaryOp> kOps[] = {
        {">=", Expr::BinaryOp::Ge}, {"<=", Expr::BinaryOp::Le}, {"==", Expr::BinaryOp::Eq},
        {"!=", Expr::BinaryOp::Ne}, {">", Expr::BinaryOp::Gt},  {"<", Expr::BinaryOp::Lt}};
    for (auto [token, op] : kOps) {
      if (!eat(token)) continue;
      e = binary(op, std::move(e), parse_sum());
      for (auto [again, unused] : kOps)
        if (skip_space(), text_.substr(pos_, again.size()) == again) fail("comparisons do not chain; use 'and'");
      break;
    }
    return e;
  }

  std::unique_ptr<Expr> parse_sum() {
    auto e = parse_product();
    for (;;) {
      if (eat("+"))
        e = binary(Expr::BinaryOp::Add, std::move(e), parse_product());
      else if (eat("-"))
        e = binary(Expr::BinaryOp::Sub, std::move(e), parse_product());
      else
        return e;
    }
  }

  std::unique_ptr<Expr> parse_product() {
    auto e = parse_unary();
    for (;;) {
      if (eat("*"))
        e = binary(Expr::BinaryOp::Mul, std::move(e), parse_unary());
      else if (eat("/"))
        e = binary(Expr::BinaryOp::Div, std::move(e), parse_unary());
      else
        return e;
    }
  }

  std::unique_ptr<Expr> parse_unary() {
    skip_space();
    int column = static_cast<int>(pos_) + 1;
    if (eat("-")) {
      Nesting level(*this);
      auto e = std::make_unique<Expr>();
      e->kind = Expr::Kind::Negate;
      e->column = column;
      e->args.push_back(parse_unary());
      return e;
    }
    return parse_primary();
  }

  std::unique_ptr<Expr> parse_primary() {
    skip_space();
    if (pos_ >= text_.size()) fail("unexpected end of expression");
    int column = static_cast<int>(pos_) + 1;
    char c = text_[pos_];
    if (c == '(') {
      ++pos_;
      auto e = parse_or();
      expect(")");
      return e;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') return parse_number(column);
    if (!is_ident_start(c)) fail("unexpected '" + std::string(1, c) + "'");
    std::size_t start = pos_;
    while (pos_ < text_.size() && is_ident_char(text_[pos_])) ++pos_;
    std::string name(text_.substr(start, pos_ - start));
    if (name == "and" || name == "or" || name == "not") {
      pos_ = start;
      fail("expected an operand before '" + name + "'");
    }
    auto e = std::make_unique<Expr>();
    e->name = name;
    e->column = column;
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == '(') {
      if (!function_kind(name)) {
        pos_ = start;
        fail("unknown function '" + name + "'");
      }
      ++pos_;
      e->kind = Expr::Kind::Call;
      e->args.push_back(parse_or());
      if (skip_space(), pos_ < text_.size() && text_[pos_] == ',') fail("'" + name + "' takes one argument");
      expect(")");
      return e;
    }
    e->kind = Expr::Kind::Selector;
    if (pos_ < text_.size() && text_[pos_] == '{') parse_matchers(*e);
    return e;
  }

  std::unique_ptr<Expr> parse_number(int column) {
    std::size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '.' || text_[pos_] == '%'))
      ++pos_;
    auto value = parse_quantity(text_.substr(start, pos_ - start));
    if (!value) {
      pos_ = start;
      fail("bad number '" + std::string(text_.substr(start, pos_ - start)) + "'");
    }
    auto e = std::make_unique<Expr>();
    e->kind = Expr::Kind::Number;
    e->number = *value;
    e->column = column;
    return e;
  }

  void parse_matchers(Expr& e) {
    ++pos_;  // '{'
    if (eat("}")) return;
    do {
      skip_space();
      std::size_t start = pos_;
      while (pos_ < text_.size() && is_ident_char(text_[pos_])) ++pos_;
      if (start == pos_) fail("expected a label name");
      LabelMatcher m;
      m.label = std::string(text_.substr(start, pos_ - start));
      if (eat("=~"))
        m.op = LabelMatcher::Op::Regex;
      else if (eat("!~"))
        m.op = LabelMatcher::Op::NotRegex;
      else if (eat("!="))
        m.op = LabelMatcher::Op::NotEqual;
      else if (eat("="))
        m.op = LabelMatcher::Op::Equal;
      else
        fail("expected =, !=, =~ or !~");
      m.value = parse_string();
      e.matchers.push_back(std::move(m));
    } while (eat(","));
    expect("}");
  }

  std::string parse_string() {
    skip_space();
    if (pos_ >= text_.size() || (text_[pos_] != '"' && text_[pos_] != '\'')) fail("expected a quoted label value");
    char quote = text_[pos_++];
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
      out += text_[pos_++];
    }
    if (pos_ >= text_.size()) fail("unterminated string");
    ++pos_;
    return out;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

std::optional<FunctionKind> function_kind(std::string_view name) {
  for (const FunctionInfo& f : kFunctions)
    if (name == f.name) return f.kind;
  return std::nullopt;
}

const std::vector<std::string>& function_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const FunctionInfo& f : kFunctions) v.emplace_back(f.name);
    return v;
  }();
  return names;
}

std::unique_ptr<Expr> parse_expr(std::string_view text) { return Parser(text).parse(); }

std::optional<double> parse_quantity(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  double value = 0;
  const char* begin = text.data();
  const char* end = begin + text.size();
  auto [rest, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || !std::isfinite(value)) return std::nullopt;
  std::string_view suffix(rest, static_cast<std::size_t>(end - rest));
  if (suffix.empty()) return value;
  for (const Unit& u : kUnits)
    if (suffix == u.suffix) return value * u.factor;
  return std::nullopt;
}

}  // namespace faultline::evidence
