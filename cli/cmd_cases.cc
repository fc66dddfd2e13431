// faultline cases list | show ID|SLUG | search QUERY
#include <algorithm>

#include "commands.h"
#include "common/spell.h"
#include "report/catalogue_views.h"

namespace faultline::cli {

namespace {

struct ListFilter {
  std::string category, component, tag;
};

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

int run_list(Context& ctx, const ListFilter& f) {
  std::vector<store::CaseSummary> cases;
  for (auto& c : ctx.catalogue().list_cases()) {
    if (!f.category.empty() && c.category != f.category) continue;
    if (!f.component.empty() && !contains(c.components, f.component)) continue;
    if (!f.tag.empty() && !contains(c.tags, f.tag)) continue;
    cases.push_back(std::move(c));
  }
  ctx.emit(report::case_list_json(cases), report::case_list_text(cases, ctx.style()),
           report::case_list_markdown(cases));
  return kExitOk;
}

int run_show(Context& ctx, const std::string& which) {
  store::Catalogue& cat = ctx.catalogue();
  std::optional<kb::Case> c = cat.find_case(which);
  if (!c)
    throw UsageError("no case '" + which + "'" + did_you_mean(which, cat.case_names()) +
                     "; see 'faultline cases list'");
  report::CasePageContext page;
  for (const kb::Symptom& s : c->symptoms)
    if (auto sig = cat.find_signal(s.signal)) page.signals.push_back(std::move(*sig));
  for (int r : c->related) {
    auto rc = cat.find_case(std::to_string(r));
    page.related.emplace_back(r, rc ? rc->title : "");
  }
  ctx.emit(report::case_page_json(*c), report::case_page_text(*c, page, ctx.style()),
           report::case_page_markdown(*c, page));
  return kExitOk;
}

int run_search(Context& ctx, const std::string& query, int limit) {
  if (limit < 1) throw UsageError("--limit must be at least 1");
  auto hits = ctx.catalogue().search(query, limit);
  ctx.emit(report::search_json(hits), report::search_text(hits, ctx.style()), report::search_markdown(hits));
  return kExitOk;
}

}  // namespace

void add_cases_commands(CLI::App& app, Context& ctx, int& exit_code) {
  CLI::App* cases = app.add_subcommand("cases", "Browse and search the case catalogue");
  cases->require_subcommand(1);

  auto filter = std::make_shared<ListFilter>();
  CLI::App* list = cases->add_subcommand("list", "List cases, optionally filtered");
  list->add_option("--category", filter->category, "Only this category (e.g. event-driven)");
  list->add_option("--component", filter->component, "Only cases involving this component (e.g. kafka)");
  list->add_option("--tag", filter->tag, "Only cases with this tag");
  list->callback([&ctx, &exit_code, filter] { exit_code = run_list(ctx, *filter); });

  auto which = std::make_shared<std::string>();
  CLI::App* show = cases->add_subcommand("show", "Show one case: scenario, symptoms, causes, fixes");
  show->add_option("case", *which, "Case number or slug")->required();
  show->callback([&ctx, &exit_code, which] { exit_code = run_show(ctx, *which); });

  auto query = std::make_shared<std::vector<std::string>>();
  auto limit = std::make_shared<int>(10);
  CLI::App* search = cases->add_subcommand("search", "Full-text search over the catalogue (BM25)");
  search->add_option("query", *query, "Words to look for; any text is accepted")->required();
  search->add_option("--limit", *limit, "Results to show (default 10)");
  search->callback([&ctx, &exit_code, query, limit] {
    std::string text;
    for (const auto& w : *query) text += (text.empty() ? "" : " ") + w;
    exit_code = run_search(ctx, text, *limit);
  });
}

}  // namespace faultline::cli
