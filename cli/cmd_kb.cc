// faultline kb lint | build [--out FILE] | stats | patterns
#include <iostream>

#include "commands.h"
#include "kb/validate.h"
#include "report/catalogue_views.h"

namespace faultline::cli {

namespace {

int run_lint(Context& ctx) {
  kb::LoadedKnowledgeBase loaded = kb::load_knowledge_base(kb::embedded_sources(), ctx.overlay());
  int errors = 0, warnings = 0;
  report::Json list = report::Json::array();
  std::string text;
  for (const kb::Finding& f : loaded.findings) {
    (f.is_error() ? errors : warnings)++;
    list.push_back({{"severity", f.is_error() ? "error" : "warning"},
                    {"code", f.code},
                    {"file", f.where.file},
                    {"line", f.where.line},
                    {"column", f.where.column},
                    {"message", f.message}});
    text += f.str() + "\n";
  }
  std::string summary = std::to_string(loaded.kb.cases.size()) + " cases, " + std::to_string(loaded.kb.signals.size()) +
                        " signals: " + std::to_string(errors) + " errors, " + std::to_string(warnings) + " warnings\n";
  report::Json json = {{"findings", list},
                       {"errors", errors},
                       {"warnings", warnings},
                       {"cases", loaded.kb.cases.size()},
                       {"signals", loaded.kb.signals.size()}};
  ctx.emit(json, text + summary, text.empty() ? summary : "```\n" + text + "```\n\n" + summary);
  return errors ? kExitNothing : kExitOk;
}

int run_build(Context& ctx, const std::string& out) {
  if (out.empty()) {
    store::Catalogue& cat = ctx.catalogue();
    ctx.emit({{"path", cat.path()}, {"built", cat.built()}},
             cat.path() + (cat.built() ? " (built)\n" : " (up to date)\n"), cat.path() + "\n");
    return kExitOk;
  }
  kb::LoadedKnowledgeBase loaded = kb::load_knowledge_base(kb::embedded_sources(), ctx.overlay());
  kb::throw_first_error(loaded.findings);
  store::Catalogue::build(loaded.kb, store::Catalogue::cache_key(ctx.overlay()), out);
  ctx.emit({{"path", out}, {"built", true}}, out + " (built)\n", out + "\n");
  return kExitOk;
}

int run_stats(Context& ctx) {
  store::CatalogueStats st = ctx.catalogue().stats();
  ctx.emit(report::stats_json(st), report::stats_text(st, ctx.style()), report::stats_text(st, report::Style{}));
  return kExitOk;
}

int run_patterns(Context& ctx) {
  std::vector<std::string> patterns = ctx.catalogue().log_patterns();
  std::string text;
  for (const std::string& p : patterns) text += p + "\n";
  ctx.emit({{"patterns", patterns}}, text, text);
  return kExitOk;
}

}  // namespace

void add_kb_commands(CLI::App& app, Context& ctx, int& exit_code) {
  CLI::App* kbc = app.add_subcommand("kb", "Check, compile and inspect the knowledge base");
  kbc->require_subcommand(1);
  kbc->add_subcommand("lint", "Validate the knowledge base; every finding names file:line:column")
      ->callback([&ctx, &exit_code] { exit_code = run_lint(ctx); });
  auto out = std::make_shared<std::string>();
  CLI::App* build = kbc->add_subcommand("build", "Compile the catalogue (SQLite) to the cache or --out FILE");
  build->add_option("--out", *out, "Write the catalogue to this file");
  build->callback([&ctx, &exit_code, out] { exit_code = run_build(ctx, *out); });
  kbc->add_subcommand("stats", "Counts: cases, signals, patterns, per category")->callback([&ctx, &exit_code] {
    exit_code = run_stats(ctx);
  });
  kbc->add_subcommand("patterns", "Every log pattern, one per line")->callback([&ctx, &exit_code] {
    exit_code = run_patterns(ctx);
  });
}

}  // namespace faultline::cli
