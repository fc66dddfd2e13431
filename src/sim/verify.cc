#include "sim/verify.h"

#include <cctype>

#include "common/error.h"
#include "common/spell.h"
#include "evidence/expr.h"

namespace faultline::sim {

namespace {

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t");
  auto e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

nlohmann::ordered_json overlay(nlohmann::ordered_json base, const nlohmann::ordered_json& top) {
  for (auto it = top.begin(); it != top.end(); ++it) base[it.key()] = it.value();
  return base;
}

void run_checks(const std::map<std::string, std::string>& expect, const RunResult& run, const std::string& phase,
                Verification& v, bool& all_ok) {
  all_ok = true;
  for (const auto& [output, text] : expect) {
    auto it = run.outputs.find(output);
    if (it == run.outputs.end())
      throw Error({}, "SIM005", "model '" + v.model + "' produces no output '" + output + "'");
    Check c{output, phase, trim(text), it->second, parse_expectation(text).holds(it->second)};
    all_ok = all_ok && c.ok;
    v.checks.push_back(std::move(c));
  }
}

std::vector<std::string> output_names(const ModelInfo& info) {
  std::vector<std::string> names;
  for (const OutputSpec& o : info.outputs) names.push_back(o.name);
  return names;
}

}  // namespace

bool Expectation::holds(double x) const {
  constexpr double kEps = 1e-9;
  double tol = kEps * std::max(1.0, std::abs(value));
  switch (op) {
    case Op::Eq:
      return std::abs(x - value) <= tol;
    case Op::Ne:
      return std::abs(x - value) > tol;
    case Op::Lt:
      return x < value;
    case Op::Le:
      return x <= value + tol;
    case Op::Gt:
      return x > value;
    case Op::Ge:
      return x >= value - tol;
  }
  return false;
}

Expectation parse_expectation(const std::string& raw) {
  std::string text = trim(raw);
  static const std::pair<const char*, Expectation::Op> kOps[] = {
      {"==", Expectation::Op::Eq}, {"!=", Expectation::Op::Ne}, {">=", Expectation::Op::Ge},
      {"<=", Expectation::Op::Le}, {">", Expectation::Op::Gt},  {"<", Expectation::Op::Lt}};
  for (auto [token, op] : kOps) {
    std::string t = token;
    if (text.rfind(t, 0) != 0) continue;
    auto value = evidence::parse_quantity(text.substr(t.size()));
    if (!value) break;
    return {op, *value};
  }
  throw Error({}, "SIM004", "expectation '" + raw + "' is not a comparison such as '>= 10' or '== 0'");
}

Verification verify_case(const kb::Case& c, std::uint64_t seed, const std::map<std::string, double>& bindings) {
  if (!c.simulation) throw Error(c.where, "SIM006", "case " + std::to_string(c.id) + " has no simulation");
  const kb::Simulation& sim = *c.simulation;
  Verification v;
  v.case_id = c.id;
  v.model = sim.model;
  nlohmann::ordered_json cause = sim.params;
  for (const auto& [param, signal] : sim.bind)
    if (auto it = bindings.find(signal); it != bindings.end()) {
      cause[param] = it->second;
      v.bound[param] = it->second;
    }
  try {
    v.cause = run_model(sim.model, cause, seed);
    v.fix = run_model(sim.model, overlay(cause, sim.fix_params), seed);
    run_checks(sim.expect, v.cause, "cause", v, v.reproduced);
    run_checks(sim.fix_expect, v.fix, "fix", v, v.fixed);
  } catch (const Error& e) {
    throw Error(sim.where, e.code(), e.what());
  }
  return v;
}

void check_simulation(const kb::Simulation& sim, kb::Findings& f) {
  auto add = [&](const char* code, const std::string& msg) {
    f.push_back({kb::Finding::Severity::Error, code, sim.where, msg});
  };
  const Model* model = find_model(sim.model);
  if (!model) {
    add("KB030", "unknown simulation model '" + sim.model + "'" + did_you_mean(sim.model, model_names()));
    return;
  }
  const ModelInfo& info = model->info();
  for (const auto* params : {&sim.params, &sim.fix_params}) {
    try {
      Params(info, overlay(sim.params, *params));
    } catch (const Error& e) {
      add("KB031", e.what());
    }
  }
  std::vector<std::string> outputs = output_names(info);
  for (const auto* expect : {&sim.expect, &sim.fix_expect})
    for (const auto& [output, text] : *expect) {
      if (std::find(outputs.begin(), outputs.end(), output) == outputs.end())
        add("KB032", "model '" + info.name + "' produces no output '" + output + "'" + did_you_mean(output, outputs));
      try {
        parse_expectation(text);
      } catch (const Error& e) {
        add("KB033", e.what());
      }
    }
  for (const auto& binding : sim.bind) {
    const std::string& param = binding.first;  // a named variable: lambdas cannot capture bindings
    if (std::none_of(info.params.begin(), info.params.end(), [&](const ParamSpec& p) { return p.name == param; }))
      add("KB034", "bind names parameter '" + param + "' that model '" + info.name + "' does not have");
  }
}

}  // namespace faultline::sim
