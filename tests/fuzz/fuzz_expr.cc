// libFuzzer target: the metric-expression parser, and the evaluator on what parses, over a
// small fixed set of series.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/error.h"
#include "evidence/expr.h"
#include "evidence/expr_eval.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const faultline::evidence::MetricStore store = [] {
    faultline::evidence::MetricStore s;
    for (int i = 0; i < 12; ++i) {
      s.add("lag", {{"topic", "a"}}, {static_cast<double>(i), i * 10.0}, "f:1");
      s.add("lag", {{"topic", "b"}}, {static_cast<double>(i), 100.0 - i}, "f:2");
    }
    s.add("up", {}, {0, 1}, "f:3");
    s.finish();
    return s;
  }();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (size > 4096) return 0;  // expressions are a line long; depth is bounded by this length
  try {
    auto expr = faultline::evidence::parse_expr(text);
    faultline::evidence::evaluate(*expr, store);
  } catch (const faultline::Error&) {
  }
  return 0;
}
