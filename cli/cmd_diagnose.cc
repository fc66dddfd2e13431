// faultline diagnose [INPUT...]   and   faultline eval DIR
#include <iostream>

#include "commands.h"
#include "common/spell.h"
#include "infer/engine.h"
#include "infer/evaluation.h"
#include "input_flags.h"
#include "report/diagnosis_views.h"
#include "sim/verify.h"
#include "store/history.h"

namespace faultline::cli {

namespace {

struct DiagnoseFlags : InputFlags {
  int top = 5;
  bool explain = false, stats = false, verify = false;
  std::string why_not;
};

}  // namespace

void verify_leaders(const evidence::Evidence& evidence, const infer::Diagnosis& diagnosis, std::size_t top,
                    report::DiagnosisView& view) {
  std::map<std::string, double> numbers;
  for (const auto& [signal, o] : evidence.observations)
    if (o.present && o.value) numbers[signal] = *o.value;
  for (const infer::Hypothesis* h : diagnosis.reported(top)) {
    if (!h->c->simulation) continue;
    try {
      view.verifications.emplace(h->c->id, sim::verify_case(*h->c, 1, numbers));
    } catch (const Error& e) {
      view.verification_errors.emplace(h->c->id, e.message());
    }
  }
}

std::map<int, double> learned_priors(Context& ctx, double cap) {
  try {
    return store::History::open(ctx.db_path()).learned_priors(cap);
  } catch (const Error& e) {
    ctx.note("faultline: warning: history not read: " + e.message());
    return {};
  }
}

void record_history(Context& ctx, const std::string& command, const infer::Run& run,
                    const nlohmann::ordered_json& answers) {
  store::IncidentRecord r;
  r.command = command;
  char digest[17];
  std::snprintf(digest, sizeof digest, "%016llx", static_cast<unsigned long long>(run.evidence.input.digest));
  r.input_digest = digest;
  r.input_bytes = static_cast<long long>(run.evidence.input.bytes);
  for (const auto& [k, values] : run.evidence.facts) r.facts[k] = values;
  for (const infer::Hypothesis* h : run.diagnosis.reported(5)) {
    r.results.push_back({{"case", h->c->id}, {"score", h->score}, {"confidence", h->confidence}});
    if (!r.top_case) r.top_case = h->c->id;
  }
  r.answers = answers;
  try {
    long long id = store::History::open(ctx.db_path()).record(r);
    ctx.note_verbose("recorded as incident " + std::to_string(id) + " (faultline history show " + std::to_string(id) +
                     ")");
  } catch (const Error& e) {
    ctx.note("faultline: warning: history not recorded: " + e.message());
  }
}

namespace {

int run_diagnose(Context& ctx, const DiagnoseFlags& f) {
  if (f.top < 1) throw UsageError("--top must be at least 1");
  evidence::GatherOptions g = gather_options(f);
  if (g.inputs.empty() && g.describe.empty() && g.metric_args.empty() && g.fact_args.empty())
    throw UsageError(
        "nothing to diagnose: give log files, an incident folder, - for stdin, --describe, --metric or --fact");
  store::Catalogue& cat = ctx.catalogue();
  infer::Engine engine(cat);
  const kb::Case* why_not = nullptr;
  if (!f.why_not.empty()) {
    why_not = engine.knowledge_base().find_case(f.why_not);
    if (!why_not) throw UsageError("no case '" + f.why_not + "'" + did_you_mean(f.why_not, cat.case_names()));
  }
  infer::ScoringOptions scoring;
  infer::Run run = engine.run(g, scoring, learned_priors(ctx, scoring.learned_prior_cap));
  if (run.evidence.input.bytes == 0 && g.describe.empty() && g.metric_args.empty() && g.fact_args.empty())
    run.evidence.warnings.push_back("the input is empty");
  if (ctx.format() != Format::Text)
    for (const std::string& w : run.evidence.warnings) ctx.note("faultline: warning: " + w);
  report::DiagnosisView view{
      run.diagnosis, run.evidence, static_cast<std::size_t>(f.top), run.elapsed_ms, f.explain, {}, {}};
  if (f.verify) verify_leaders(run.evidence, run.diagnosis, static_cast<std::size_t>(f.top), view);
  if (why_not) {
    infer::Hypothesis h =
        infer::score_case(*why_not, engine.knowledge_base(), run.evidence, engine.text_scores(run.evidence.prose), {});
    report::Json j = report::diagnosis_json(view);
    j["why_not"] = report::why_not_json(h, run.diagnosis);
    std::string text = report::why_not_text(h, run.diagnosis, ctx.style());
    ctx.emit(j, text, text);
  } else {
    ctx.emit(report::diagnosis_json(view), report::diagnosis_text(view, ctx.style()), report::diagnosis_markdown(view));
  }
  record_history(ctx, "diagnose", run, nlohmann::ordered_json::array());
  if (f.stats) {
    const auto& plan = engine.rules().scan_plan();
    std::cerr << report::scan_stats_text(run.evidence, plan.literal_free().size(), plan.patterns().size(),
                                         plan.atoms().size(), plan.trigger_count())
              << "infer: " << run.infer_ms << " ms over " << engine.knowledge_base().cases.size() << " cases; total "
              << run.elapsed_ms << " ms\n";
  }
  return run.diagnosis.reported(static_cast<std::size_t>(f.top)).empty() ? kExitNothing : kExitOk;
}

struct EvalFlags {
  std::string dir;
  int top = 5;
  double min_top1 = -1, min_top3 = -1;
};

int run_eval(Context& ctx, const EvalFlags& f) {
  infer::Engine engine(ctx.catalogue());
  infer::EvalReport r = infer::evaluate_incidents(engine, f.dir, static_cast<std::size_t>(f.top));
  report::Json misses = report::Json::array();
  std::string text, md = "| incident | expected | got |\n|---|---|---|\n";
  report::Style s = ctx.style();
  for (const infer::IncidentResult& i : r.incidents) {
    if (i.rank == 1) continue;
    misses.push_back({{"incident", i.incident}, {"expected", i.expected}, {"got", i.got}, {"rank", i.rank}});
    std::string got;
    for (int id : i.got) got += (got.empty() ? "" : ", ") + std::to_string(id);
    text += "  " + s.bad(i.rank ? "rank " + std::to_string(i.rank) : "missed") + "  " + i.incident + ": expected " +
            std::to_string(i.expected) + ", got [" + got + "]\n";
    md += "| " + i.incident + " | " + std::to_string(i.expected) + " | " + got + " |\n";
  }
  auto pct = [](double x) { return std::to_string(static_cast<int>(x * 1000 + 0.5) / 10.0).substr(0, 5) + "%"; };
  std::string summary = std::to_string(r.incidents.size()) + " incidents: top-1 " + pct(r.top1) + ", top-3 " +
                        pct(r.top3) + "   (full-text search alone: top-1 " + pct(r.search_top1) + ", top-3 " +
                        pct(r.search_top3) + ")\n";
  report::Json j{{"incidents", r.incidents.size()},
                 {"top1", r.top1},
                 {"top3", r.top3},
                 {"misses", misses},
                 {"search_top1", r.search_top1},
                 {"search_top3", r.search_top3}};
  ctx.emit(j, text + summary, md + "\n" + summary);
  bool failed = (f.min_top1 >= 0 && r.top1 + 1e-9 < f.min_top1) || (f.min_top3 >= 0 && r.top3 + 1e-9 < f.min_top3);
  return failed ? kExitNothing : kExitOk;
}

}  // namespace

void add_diagnose_commands(CLI::App& app, Context& ctx, int& exit_code) {
  auto f = std::make_shared<DiagnoseFlags>();
  CLI::App* d = app.add_subcommand("diagnose", "Rank the likely root causes of an incident from what you have");
  add_input_flags(d, *f);
  d->add_option("--top", f->top, "Results to show (default 5)");
  d->add_flag("--explain", f->explain, "Show every rule that fired and what it contributed");
  d->add_flag("--verify", f->verify, "Simulate the leading hypotheses with your own numbers bound");
  d->add_option("--why-not", f->why_not, "Why this case (number or slug) ranks where it does");
  d->add_flag("--stats", f->stats, "Print scanning and inference figures on stderr");
  d->callback([&ctx, &exit_code, f] { exit_code = run_diagnose(ctx, *f); });

  auto e = std::make_shared<EvalFlags>();
  CLI::App* ev = app.add_subcommand("eval", "Diagnose every incident folder under DIR and report accuracy");
  ev->add_option("dir", e->dir, "A folder of incident folders, each with expected.yaml")->required();
  ev->add_option("--top", e->top, "Reported results considered (default 5)");
  ev->add_option("--min-top1", e->min_top1, "Fail (exit 1) if top-1 accuracy is below this fraction");
  ev->add_option("--min-top3", e->min_top3, "Fail (exit 1) if top-3 accuracy is below this fraction");
  ev->callback([&ctx, &exit_code, e] { exit_code = run_eval(ctx, *e); });
}

}  // namespace faultline::cli
