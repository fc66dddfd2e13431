// faultline verify [ID|SLUG...] [--all]   and   faultline simulate MODEL [--param K=V]... | --list
#include <chrono>
#include <iostream>

#include "commands.h"
#include "common/error.h"
#include "common/spell.h"
#include "evidence/expr.h"
#include "report/sim_views.h"
#include "sim/verify.h"

namespace faultline::cli {

namespace {

struct VerifyFlags {
  std::vector<std::string> cases;
  bool all = false;
  std::uint64_t seed = 1;
};

int run_verify(Context& ctx, const VerifyFlags& f) {
  if (f.all == !f.cases.empty()) throw UsageError("give case numbers or slugs, or --all (not both)");
  store::Catalogue& cat = ctx.catalogue();
  std::vector<kb::Case> cases;
  if (f.all) {
    kb::KnowledgeBase base = cat.load_knowledge_base();
    for (kb::Case& c : base.cases)
      if (c.simulation) cases.push_back(std::move(c));
  } else {
    for (const std::string& which : f.cases) {
      auto c = cat.find_case(which);
      if (!c) throw UsageError("no case '" + which + "'" + did_you_mean(which, cat.case_names()));
      cases.push_back(std::move(*c));
    }
  }
  auto start = std::chrono::steady_clock::now();
  std::vector<sim::Verification> results;
  for (const kb::Case& c : cases) results.push_back(sim::verify_case(c, f.seed));
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  ctx.emit(report::verify_json(results, ms), report::verify_text(results, ms, ctx.style()),
           report::verify_text(results, ms, report::Style{}));
  bool ok = std::all_of(results.begin(), results.end(), [](const auto& v) { return v.reproduced && v.fixed; });
  return ok ? kExitOk : kExitNothing;
}

struct SimulateFlags {
  std::string model;
  std::vector<std::string> params;
  bool list = false;
  std::uint64_t seed = 1;
};

int run_simulate(Context& ctx, const SimulateFlags& f) {
  if (f.list || f.model.empty()) {
    std::vector<const sim::Model*> models = sim::all_models();
    ctx.emit(report::models_json(models), report::models_text(models, ctx.style()),
             report::models_text(models, report::Style{}));
    return kExitOk;
  }
  const sim::Model* model = sim::find_model(f.model);
  if (!model)
    throw UsageError("no model '" + f.model + "'" + did_you_mean(f.model, sim::model_names()) +
                     "; see 'faultline simulate --list'");
  nlohmann::ordered_json values = nlohmann::ordered_json::object();
  for (const std::string& kv : f.params) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) throw UsageError("--param expects K=V, got '" + kv + "'");
    std::string key = kv.substr(0, eq), text = kv.substr(eq + 1);
    if (auto v = evidence::parse_quantity(text))
      values[key] = *v;
    else
      values[key] = text;
  }
  sim::RunResult r = sim::run_model(f.model, values, f.seed);
  ctx.emit(report::simulate_json(*model, r), report::simulate_text(*model, r, ctx.style()),
           report::simulate_text(*model, r, report::Style{}));
  return kExitOk;
}

}  // namespace

void add_sim_commands(CLI::App& app, Context& ctx, int& exit_code) {
  auto v = std::make_shared<VerifyFlags>();
  CLI::App* verify = app.add_subcommand(
      "verify", "Run case simulations: with the cause (symptom must show), then with the fix (it must go)");
  verify->add_option("case", v->cases, "Case numbers or slugs");
  verify->add_flag("--all", v->all, "Every case that has a simulation");
  verify->add_option("--seed", v->seed, "Random seed (default 1); same seed, same result");
  verify->callback([&ctx, &exit_code, v] { exit_code = run_verify(ctx, *v); });

  auto s = std::make_shared<SimulateFlags>();
  CLI::App* simulate =
      app.add_subcommand("simulate", "Run one model directly and print its outputs (--list: the models)");
  simulate->add_option("model", s->model, "Model name");
  simulate->add_option("--param", s->params, "K=V, repeatable; units allowed (250ms, 40%)");
  simulate->add_flag("--list", s->list, "List the models with their parameters and outputs");
  simulate->add_option("--seed", s->seed, "Random seed (default 1)");
  simulate->callback([&ctx, &exit_code, s] { exit_code = run_simulate(ctx, *s); });
}

}  // namespace faultline::cli
