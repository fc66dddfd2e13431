// Shared helpers for the simulator model tests: the bundled knowledge base loaded once, a
// model's outputs by name, and the checks every model's tests repeat: a case's simulation
// reproduces its symptom and its fix, the same seed gives the same run, and a bad parameter is
// an Error naming it.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "kb/model.h"
#include "kb/source.h"
#include "kb/validate.h"
#include "sim/model.h"
#include "sim/verify.h"

namespace faultline::test {

using Outputs = std::map<std::string, double>;

/// The knowledge base built into the binary, loaded once for every test that asks.
inline const kb::KnowledgeBase& bundled_kb() {
  static const kb::LoadedKnowledgeBase loaded = kb::load_knowledge_base(kb::embedded_sources(), {});
  return loaded.kb;
}

/// Bundled case case_id, which must exist and have a simulation (REQUIREd).
inline const kb::Case& bundled_case(int case_id) {
  CAPTURE(case_id);
  const kb::Case* c = bundled_kb().find_case(case_id);
  REQUIRE(c != nullptr);
  REQUIRE(c->simulation);
  return *c;
}

/// A model's outputs for params and seed.
inline Outputs run_outputs(const std::string& model, const nlohmann::ordered_json& params, std::uint64_t seed = 1) {
  return sim::run_model(model, params, seed).outputs;
}

/// One model under its name, so a test file can write `run(params, seed)` for its outputs:
/// `const ModelRunner run{"cache"};`.
struct ModelRunner {
  std::string model;
  Outputs operator()(const nlohmann::ordered_json& params, std::uint64_t seed = 1) const {
    return run_outputs(model, params, seed);
  }
};

/// Verifies bundled case case_id with seed: every check holds (a failure shows its phase,
/// output, expectation and value), the symptom is reproduced and the fix removes it. Returns
/// the verification for the test's own further checks.
inline sim::Verification check_case_verifies(int case_id, std::uint64_t seed = 1) {
  CAPTURE(case_id);
  sim::Verification v = sim::verify_case(bundled_case(case_id), seed);
  for (const sim::Check& check : v.checks) {
    CAPTURE(check.phase);
    CAPTURE(check.output);
    CAPTURE(check.expect);
    CAPTURE(check.value);
    CHECK(check.ok);
  }
  CHECK(v.reproduced);
  CHECK(v.fixed);
  return v;
}

/// Runs model twice with params and seed: the two runs have the same outputs and the same
/// series, point by point. With other_seed, a run with it differs from them: in the output
/// differing_output when one is named, else somewhere in the outputs.
inline void check_deterministic(const std::string& model, const nlohmann::ordered_json& params, std::uint64_t seed,
                                std::optional<std::uint64_t> other_seed = std::nullopt,
                                const std::string& differing_output = "") {
  CAPTURE(model);
  CAPTURE(seed);
  sim::RunResult a = sim::run_model(model, params, seed), b = sim::run_model(model, params, seed);
  CHECK(a.outputs == b.outputs);
  CHECK(a.series.size() == b.series.size());
  std::size_t same = 0;  // the leading points the two series share
  while (same < a.series.size() && same < b.series.size() && a.series[same].t == b.series[same].t &&
         a.series[same].v == b.series[same].v)
    ++same;
  CHECK(same == a.series.size());
  if (!other_seed) return;
  const std::uint64_t other = *other_seed;
  CAPTURE(other);
  Outputs c = run_outputs(model, params, other);
  if (differing_output.empty()) {
    CHECK(c != a.outputs);
  } else {
    CAPTURE(differing_output);
    CHECK(c.at(differing_output) != a.outputs.at(differing_output));
  }
}

/// Running model with params (seed 1) throws an Error whose message contains text and, when
/// code is given, whose code is code.
inline void check_error_naming(const std::string& model, const nlohmann::ordered_json& params, const std::string& text,
                               const std::string& code = "") {
  CAPTURE(model);
  CAPTURE(text);
  try {
    sim::run_model(model, params, 1);
    FAIL("no error");
  } catch (const Error& e) {
    if (!code.empty()) CHECK(e.code() == code);
    CHECK(std::string(e.what()).find(text) != std::string::npos);
  }
}

/// Running model with params (seed 1) throws an Error with code SIM002 whose message names the
/// unknown parameter name, in quotes.
inline void check_unknown_parameter(const std::string& model, const nlohmann::ordered_json& params,
                                    const std::string& name) {
  check_error_naming(model, params, "'" + name + "'", "SIM002");
}

}  // namespace faultline::test
