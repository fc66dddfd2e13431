// faultline history [list | show N | confirm N CASE]
#include "commands.h"
#include "common/spell.h"
#include "store/history.h"

namespace faultline::cli {

namespace {

using Json = nlohmann::ordered_json;

Json summary_json(const store::IncidentRecord& r) {
  return {{"id", r.id},
          {"at", r.at},
          {"command", r.command},
          {"top_case", r.top_case ? Json(*r.top_case) : Json(nullptr)},
          {"confirmed_case", r.confirmed_case ? Json(*r.confirmed_case) : Json(nullptr)}};
}

std::string case_text(const std::optional<int>& c) { return c ? std::to_string(*c) : "-"; }

int run_list(Context& ctx, int limit) {
  auto records = store::History::open(ctx.db_path()).list(limit);
  Json arr = Json::array();
  std::string text;
  report::Style s = ctx.style();
  for (const auto& r : records) {
    arr.push_back(summary_json(r));
    text += s.bold(std::to_string(r.id)) + "  " + r.at + "  " + r.command + "  top case " + case_text(r.top_case) +
            (r.confirmed_case ? s.good("  confirmed " + std::to_string(*r.confirmed_case)) : "") + "\n";
  }
  if (records.empty()) text = "no incidents recorded in " + ctx.db_path() + "\n";
  ctx.emit({{"incidents", arr}}, text, text);
  return kExitOk;
}

long long parse_id(const std::string& text) {
  try {
    std::size_t used = 0;
    long long id = std::stoll(text, &used);
    if (used == text.size() && id > 0) return id;
  } catch (const std::exception&) {
  }
  throw UsageError("'" + text + "' is not an incident number (see 'faultline history list')");
}

int run_show(Context& ctx, const std::string& which) {
  long long id = parse_id(which);
  auto r = store::History::open(ctx.db_path()).find(id);
  if (!r) throw UsageError("no incident " + which + " in the history (see 'faultline history list')");
  Json j = summary_json(*r);
  j["input_digest"] = r->input_digest;
  j["input_bytes"] = r->input_bytes;
  j["facts"] = r->facts;
  j["results"] = r->results;
  j["answers"] = r->answers;
  std::string text = "incident " + std::to_string(r->id) + "  " + r->at + "  " + r->command + "\n  input " +
                     std::to_string(r->input_bytes) + " bytes, digest " + r->input_digest + "\n  facts " +
                     r->facts.dump() + "\n  results\n";
  for (const auto& x : r->results)
    text += "    case " + x.value("case", Json(0)).dump() + "  score " + x.value("score", Json(0)).dump() + "\n";
  if (!r->answers.empty()) text += "  answers " + r->answers.dump() + "\n";
  text += "  confirmed " + case_text(r->confirmed_case) + "\n";
  ctx.emit(j, text, text);
  return kExitOk;
}

int run_confirm(Context& ctx, const std::string& which, const std::string& case_ref) {
  long long id = parse_id(which);
  store::Catalogue& cat = ctx.catalogue();
  auto c = cat.find_case(case_ref);
  if (!c) throw UsageError("no case '" + case_ref + "'" + did_you_mean(case_ref, cat.case_names()));
  store::History::open(ctx.db_path()).confirm(id, c->id);
  std::string text = "incident " + which + " confirmed as case " + std::to_string(c->id) + " (" + c->slug +
                     "); later diagnoses in this history favour it slightly\n";
  ctx.emit({{"id", id}, {"confirmed_case", c->id}}, text, text);
  return kExitOk;
}

}  // namespace

void add_history_commands(CLI::App& app, Context& ctx, int& exit_code) {
  CLI::App* h = app.add_subcommand("history", "Past diagnoses, and the causes your team confirmed");
  auto limit = std::make_shared<int>(20);
  h->add_option("--limit", *limit, "How many to list (default 20)");
  h->callback([&ctx, &exit_code, h, limit] {
    if (h->get_subcommands().empty()) exit_code = run_list(ctx, *limit);
  });
  h->add_subcommand("list", "The most recent incidents")->callback([&ctx, &exit_code, limit] {
    exit_code = run_list(ctx, *limit);
  });
  auto id = std::make_shared<std::string>();
  CLI::App* show = h->add_subcommand("show", "One incident: input, facts, results, answers");
  show->add_option("id", *id, "Incident number")->required();
  show->callback([&ctx, &exit_code, id] { exit_code = run_show(ctx, *id); });
  auto cid = std::make_shared<std::string>(), case_ref = std::make_shared<std::string>();
  CLI::App* confirm = h->add_subcommand("confirm", "Record the case that really was the cause");
  confirm->add_option("id", *cid, "Incident number")->required();
  confirm->add_option("case", *case_ref, "Case number or slug")->required();
  confirm->callback([&ctx, &exit_code, cid, case_ref] { exit_code = run_confirm(ctx, *cid, *case_ref); });
}

}  // namespace faultline::cli
