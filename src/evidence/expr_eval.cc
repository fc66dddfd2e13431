#include "evidence/expr_eval.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <numeric>

#include <re2/re2.h>

#include "evidence/shapes.h"

namespace faultline::evidence {

namespace {

enum class Truth { False, True, Unknown };

// One series' contribution: its labels, its history, where it came from.
struct Element {
  std::string name;
  std::map<std::string, std::string> labels;
  std::vector<Point> points;
  std::string source;
  double last() const { return points.back().v; }
};

struct Value {
  enum class Kind { Unknown, Scalar, Vector, Bool } kind = Kind::Unknown;
  double scalar = 0;
  std::vector<Element> vector;
  Truth truth = Truth::Unknown;
  std::string witness, source;

  static Value unknown() { return {}; }
  static Value of(double x) {
    Value v;
    v.kind = Kind::Scalar;
    v.scalar = x;
    return v;
  }
  static Value of(Truth t, std::string w = "", std::string src = "") {
    Value v;
    v.kind = Kind::Bool;
    v.truth = t;
    v.witness = std::move(w);
    v.source = std::move(src);
    return v;
  }
  static Value of(std::vector<Element> e) {
    if (e.empty()) return unknown();
    Value v;
    v.kind = Kind::Vector;
    v.vector = std::move(e);
    return v;
  }
};

std::string format_number(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

std::string describe(const Element& e) {
  std::string s = e.name;
  if (!e.labels.empty()) {
    s += "{";
    bool first = true;
    for (const auto& [k, v] : e.labels) {
      s += (first ? "" : ",") + k + "=\"" + v + "\"";
      first = false;
    }
    s += "}";
  }
  return s + " = " + format_number(e.last()) + (e.source.empty() ? "" : " (" + e.source + ")");
}

// A selector's label matchers, with the regexes compiled once for all the series they test.
class CompiledMatchers {
 public:
  explicit CompiledMatchers(const std::vector<LabelMatcher>& matchers) : matchers_(matchers) {
    for (const LabelMatcher& m : matchers)
      regexes_.push_back(m.op == LabelMatcher::Op::Regex || m.op == LabelMatcher::Op::NotRegex
                             ? std::make_unique<RE2>(m.value, RE2::Quiet)
                             : nullptr);
  }

  bool match(const std::map<std::string, std::string>& labels) const {
    for (std::size_t i = 0; i < matchers_.size(); ++i) {
      const LabelMatcher& m = matchers_[i];
      auto it = labels.find(m.label);
      const std::string& value = it == labels.end() ? kEmpty : it->second;
      bool ok = true;
      switch (m.op) {
        case LabelMatcher::Op::Equal:
          ok = value == m.value;
          break;
        case LabelMatcher::Op::NotEqual:
          ok = value != m.value;
          break;
        case LabelMatcher::Op::Regex:
          ok = RE2::FullMatch(value, *regexes_[i]);
          break;
        case LabelMatcher::Op::NotRegex:
          ok = !RE2::FullMatch(value, *regexes_[i]);
          break;
      }
      if (!ok) return false;
    }
    return true;
  }

 private:
  static inline const std::string kEmpty;
  const std::vector<LabelMatcher>& matchers_;
  std::vector<std::unique_ptr<RE2>> regexes_;
};

Value select(const Expr& e, const MetricStore& store) {
  std::vector<Element> out;
  CompiledMatchers matchers(e.matchers);
  for (const Series* s : store.named(e.name)) {
    if (s->points.empty() || !matchers.match(s->labels)) continue;
    out.push_back({s->name, s->labels, s->points, s->source});
  }
  return Value::of(std::move(out));
}

Element instant(const Element& from, double v) {
  Element e{from.name, from.labels, {{from.points.back().t, v}}, from.source};
  return e;
}

std::optional<double> over_time(const std::string& fn, const std::vector<Point>& p) {
  auto vals = [&] {
    std::vector<double> v;
    for (const Point& x : p) v.push_back(x.v);
    return v;
  }();
  if (fn == "last") return p.back().v;
  if (fn == "first") return p.front().v;
  if (fn == "max_over_time") return *std::max_element(vals.begin(), vals.end());
  if (fn == "min_over_time") return *std::min_element(vals.begin(), vals.end());
  if (fn == "avg_over_time") return std::accumulate(vals.begin(), vals.end(), 0.0) / vals.size();
  if (p.size() < 2) return std::nullopt;
  double span = p.back().t - p.front().t;
  if (fn == "delta") return p.back().v - p.front().v;
  if (fn == "slope") return span > 0 ? std::optional<double>(theil_sen_slope(p)) : std::nullopt;
  if (fn == "rate") {
    // Counter semantics: a drop is a reset, so count only increases.
    double increase = 0;
    for (std::size_t i = 1; i < p.size(); ++i) increase += p[i].v >= p[i - 1].v ? p[i].v - p[i - 1].v : p[i].v;
    return span > 0 ? std::optional<double>(increase / span) : std::nullopt;
  }
  return std::nullopt;
}

Value call(const Expr& e, Value arg) {
  FunctionKind kind = *function_kind(e.name);
  if (arg.kind == Value::Kind::Unknown || arg.kind == Value::Kind::Bool) return Value::unknown();
  if (kind == FunctionKind::Aggregation) {
    if (arg.kind == Value::Kind::Scalar) return e.name == "count" ? Value::of(1.0) : arg;
    std::vector<double> v;
    for (const Element& el : arg.vector)
      if (!std::isnan(el.last())) v.push_back(el.last());
    if (e.name == "count") return Value::of(static_cast<double>(arg.vector.size()));
    if (v.empty()) return Value::unknown();
    if (e.name == "sum") return Value::of(std::accumulate(v.begin(), v.end(), 0.0));
    if (e.name == "avg") return Value::of(std::accumulate(v.begin(), v.end(), 0.0) / v.size());
    if (e.name == "max") return Value::of(*std::max_element(v.begin(), v.end()));
    return Value::of(*std::min_element(v.begin(), v.end()));
  }
  if (arg.kind == Value::Kind::Scalar) return kind == FunctionKind::Shape ? Value::unknown() : arg;
  if (kind == FunctionKind::OverTime) {
    std::vector<Element> out;
    for (const Element& el : arg.vector)
      if (auto x = over_time(e.name, el.points)) out.push_back(instant(el, *x));
    return Value::of(std::move(out));
  }
  Shape shape = *shape_named(e.name);
  bool any_decided = false;
  for (const Element& el : arg.vector) {
    std::optional<bool> has = has_shape(el.points, shape);
    if (!has) continue;
    any_decided = true;
    if (*has) return Value::of(Truth::True, e.name + "(" + describe(el) + ")", el.source);
  }
  return any_decided ? Value::of(Truth::False) : Value::unknown();
}

double apply(Expr::BinaryOp op, double a, double b) {
  switch (op) {
    case Expr::BinaryOp::Add:
      return a + b;
    case Expr::BinaryOp::Sub:
      return a - b;
    case Expr::BinaryOp::Mul:
      return a * b;
    case Expr::BinaryOp::Div:
      return b == 0 ? std::nan("") : a / b;
    case Expr::BinaryOp::Gt:
      return a > b;
    case Expr::BinaryOp::Ge:
      return a >= b;
    case Expr::BinaryOp::Lt:
      return a < b;
    case Expr::BinaryOp::Le:
      return a <= b;
    case Expr::BinaryOp::Eq:
      return a == b;
    case Expr::BinaryOp::Ne:
      return a != b;
    default:
      return std::nan("");
  }
}

bool is_comparison(Expr::BinaryOp op) { return op >= Expr::BinaryOp::Gt && op <= Expr::BinaryOp::Ne; }

// Pairs of (left, right) values, matching series by labels; one-series sides broadcast.
struct Pair {
  double l, r;
  const Element* witness;
};

std::vector<Pair> pairs(const Value& l, const Value& r) {
  std::vector<Pair> out;
  auto scalar_pairs = [&](const Value& vec, double s, bool vec_left) {
    for (const Element& e : vec.vector) out.push_back(vec_left ? Pair{e.last(), s, &e} : Pair{s, e.last(), &e});
  };
  if (l.kind == Value::Kind::Scalar && r.kind == Value::Kind::Scalar)
    out.push_back({l.scalar, r.scalar, nullptr});
  else if (l.kind == Value::Kind::Vector && r.kind == Value::Kind::Scalar)
    scalar_pairs(l, r.scalar, true);
  else if (l.kind == Value::Kind::Scalar && r.kind == Value::Kind::Vector)
    scalar_pairs(r, l.scalar, false);
  else if (r.vector.size() == 1)
    scalar_pairs(l, r.vector[0].last(), true);
  else if (l.vector.size() == 1)
    scalar_pairs(r, l.vector[0].last(), false);
  else
    for (const Element& a : l.vector)
      for (const Element& b : r.vector)
        if (a.labels == b.labels) out.push_back({a.last(), b.last(), &a});
  return out;
}

Truth kleene_and(Truth a, Truth b) {
  if (a == Truth::False || b == Truth::False) return Truth::False;
  if (a == Truth::True && b == Truth::True) return Truth::True;
  return Truth::Unknown;
}
Truth kleene_or(Truth a, Truth b) {
  if (a == Truth::True || b == Truth::True) return Truth::True;
  if (a == Truth::False && b == Truth::False) return Truth::False;
  return Truth::Unknown;
}

Value eval(const Expr& e, const MetricStore& store);

Value binary(const Expr& e, const MetricStore& store) {
  Value l = eval(*e.args[0], store), r = eval(*e.args[1], store);
  if (e.op == Expr::BinaryOp::And || e.op == Expr::BinaryOp::Or) {
    Truth a = l.kind == Value::Kind::Bool ? l.truth : Truth::Unknown;
    Truth b = r.kind == Value::Kind::Bool ? r.truth : Truth::Unknown;
    Truth t = e.op == Expr::BinaryOp::And ? kleene_and(a, b) : kleene_or(a, b);
    std::string w = l.witness.empty() ? r.witness : r.witness.empty() ? l.witness : l.witness + "; " + r.witness;
    std::string src = l.source.empty() ? r.source : l.source;
    return Value::of(t, t == Truth::True ? w : "", t == Truth::True ? src : "");
  }
  bool numeric = [](const Value& v) { return v.kind == Value::Kind::Scalar || v.kind == Value::Kind::Vector; }(l) &&
                 (r.kind == Value::Kind::Scalar || r.kind == Value::Kind::Vector);
  if (!numeric) return Value::unknown();
  std::vector<Pair> ps = pairs(l, r);
  if (is_comparison(e.op)) {
    bool decided = false;
    for (const Pair& p : ps) {
      if (std::isnan(p.l) || std::isnan(p.r)) continue;
      decided = true;
      if (apply(e.op, p.l, p.r) != 0)
        return Value::of(Truth::True, p.witness ? describe(*p.witness) : format_number(p.l),
                         p.witness ? p.witness->source : "");
    }
    return decided ? Value::of(Truth::False) : Value::unknown();
  }
  if (l.kind == Value::Kind::Scalar && r.kind == Value::Kind::Scalar) return Value::of(apply(e.op, l.scalar, r.scalar));
  std::vector<Element> out;
  for (const Pair& p : ps) {
    double x = apply(e.op, p.l, p.r);
    if (!std::isnan(x) && p.witness) out.push_back(instant(*p.witness, x));
  }
  return Value::of(std::move(out));
}

Value eval(const Expr& e, const MetricStore& store) {
  switch (e.kind) {
    case Expr::Kind::Number:
      return Value::of(e.number);
    case Expr::Kind::Selector:
      return select(e, store);
    case Expr::Kind::Call:
      return call(e, eval(*e.args[0], store));
    case Expr::Kind::Negate: {
      Value v = eval(*e.args[0], store);
      if (v.kind == Value::Kind::Scalar) return Value::of(-v.scalar);
      if (v.kind != Value::Kind::Vector) return Value::unknown();
      std::vector<Element> out;
      for (const Element& el : v.vector) out.push_back(instant(el, -el.last()));
      return Value::of(std::move(out));
    }
    case Expr::Kind::Not: {
      Value v = eval(*e.args[0], store);
      if (v.kind != Value::Kind::Bool || v.truth == Truth::Unknown) return Value::unknown();
      return Value::of(v.truth == Truth::True ? Truth::False : Truth::True);
    }
    case Expr::Kind::Binary:
      return binary(e, store);
  }
  return Value::unknown();
}

}  // namespace

ExprOutcome evaluate(const Expr& expr, const MetricStore& metrics) {
  Value v = eval(expr, metrics);
  if (v.kind != Value::Kind::Bool || v.truth == Truth::Unknown) return {};
  return {v.truth == Truth::True, v.witness, v.source};
}

}  // namespace faultline::evidence
