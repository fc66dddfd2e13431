#include "report/catalogue_views.h"

#include <cstdio>
#include <sstream>

#include "kb/json.h"

namespace faultline::report {

namespace {

std::string join(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

std::string format_weight(double w) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.1f", w);
  return buf;
}

std::string replace_markers(const std::string& s, const std::string& on, const std::string& off) {
  std::string out;
  for (char c : s) {
    if (c == store::kHighlightOn)
      out += on;
    else if (c == store::kHighlightOff)
      out += off;
    else if (c == '\n')
      out += ' ';
    else
      out += c;
  }
  return out;
}

const kb::Signal* signal_in(const CasePageContext& ctx, const std::string& id) {
  for (const kb::Signal& s : ctx.signals)
    if (s.id == id) return &s;
  return nullptr;
}

std::string params_line(const nlohmann::ordered_json& params) {
  std::string out;
  for (auto it = params.begin(); it != params.end(); ++it)
    out += (out.empty() ? "" : " ") + it.key() + "=" + (it->is_string() ? it->get<std::string>() : it->dump());
  return out;
}

std::string expect_line(const std::map<std::string, std::string>& expect) {
  std::string out;
  for (const auto& [k, v] : expect) out += (out.empty() ? "" : ", ") + k + " " + v;
  return out;
}

}  // namespace

std::string render_snippet(const std::string& snippet, const Style& style) {
  if (!style.color) return replace_markers(snippet, "[", "]");
  return replace_markers(snippet, "\x1b[1;33m", "\x1b[0m");
}
std::string markdown_snippet(const std::string& snippet) { return replace_markers(snippet, "**", "**"); }
std::string plain_snippet(const std::string& snippet) { return replace_markers(snippet, "", ""); }

std::string case_list_text(const std::vector<store::CaseSummary>& cases, const Style& style) {
  std::ostringstream out;
  for (const auto& c : cases) {
    char id[8];
    std::snprintf(id, sizeof id, "%3d", c.id);
    out << style.bold(id) << "  " << c.title << "\n     "
        << style.dim(c.slug + " · " + c.category + " · " + join(c.components, ", ")) << "\n";
  }
  out << cases.size() << (cases.size() == 1 ? " case\n" : " cases\n");
  return out.str();
}

std::string case_list_markdown(const std::vector<store::CaseSummary>& cases) {
  std::ostringstream out;
  out << "| # | case | category | components |\n|---|---|---|---|\n";
  for (const auto& c : cases)
    out << "| " << c.id << " | " << c.title << " (`" << c.slug << "`) | " << c.category << " | "
        << join(c.components, ", ") << " |\n";
  return out.str();
}

Json case_list_json(const std::vector<store::CaseSummary>& cases) {
  Json arr = Json::array();
  for (const auto& c : cases)
    arr.push_back({{"case", c.id},
                   {"slug", c.slug},
                   {"title", c.title},
                   {"category", c.category},
                   {"components", c.components},
                   {"tags", c.tags}});
  return {{"cases", arr}};
}

std::string case_page_text(const kb::Case& c, const CasePageContext& ctx, const Style& s) {
  std::ostringstream out;
  out << s.bold("Case " + std::to_string(c.id)) << "  " << s.dim(c.slug) << "\n"
      << s.bold(c.title) << "\n"
      << s.dim(c.category + " · " + join(c.components, ", ") + (c.tags.empty() ? "" : " · " + join(c.tags, ", ")))
      << "\n\n"
      << s.heading("Scenario") << "\n"
      << wrap_text(c.scenario, "  ") << "\n"
      << s.heading("Symptoms") << "  " << s.dim("(weight if seen / if known absent)") << "\n";
  for (const kb::Symptom& sym : c.symptoms) {
    std::string w = format_weight(sym.weight) + (sym.absent ? " / " + format_weight(*sym.absent) : "");
    out << "  " << s.accent(w) << "  " << s.bold(sym.signal) << "\n";
    const kb::Signal* sig = signal_in(ctx, sym.signal);
    if (!sig) continue;
    out << wrap_text(sig->description, "      ");
    for (const kb::Rule& r : sig->logs) out << "      " << s.dim("log:") << "     " << s.code(r.text) << "\n";
    for (const kb::Rule& r : sig->metrics) out << "      " << s.dim("metric:") << "  " << s.code(r.text) << "\n";
    if (!sig->phrases.empty()) out << "      " << s.dim("said as:") << " " << join(sig->phrases, "; ") << "\n";
    if (!sig->check.empty()) out << "      " << s.dim("check:") << "   " << sig->check << "\n";
  }
  out << "\n" << s.heading(c.causes.size() == 1 ? "Cause" : "Causes") << "\n";
  for (std::size_t i = 0; i < c.causes.size(); ++i) {
    const kb::Cause& cause = c.causes[i];
    out << "  " << s.bold(std::to_string(i + 1) + ". " + cause.summary) << "  " << s.dim("[" + cause.id + "]") << "\n"
        << wrap_text(cause.explanation, "     ");
    if (!cause.evidence.empty()) out << "     " << s.dim("singled out by: " + join(cause.evidence, ", ")) << "\n";
    out << "     " << s.bold("Fixes") << "\n";
    for (const kb::Fix& f : cause.fixes) {
      out << "     " << s.good("•") << " " << f.summary << "\n";
      if (!f.detail.empty()) out << wrap_text(f.detail, "       ");
      for (const std::string& cmd : f.commands) out << "       " << s.code("$ " + cmd) << "\n";
    }
    if (!cause.prevention.empty()) {
      out << "     " << s.bold("Prevention") << "\n";
      for (const std::string& p : cause.prevention) out << wrap_text("- " + p, "       ");
    }
    out << "\n";
  }
  if (c.simulation) {
    const kb::Simulation& sim = *c.simulation;
    out << s.heading("Simulation") << "  " << s.dim("(faultline verify " + std::to_string(c.id) + ")") << "\n"
        << "  model " << s.bold(sim.model) << ": " << params_line(sim.params) << "\n"
        << "  with the cause: " << expect_line(sim.expect) << "\n"
        << "  with the fix (" << params_line(sim.fix_params) << "): " << expect_line(sim.fix_expect) << "\n\n";
  }
  if (!ctx.related.empty()) {
    out << s.heading("Related") << "\n";
    for (const auto& [id, title] : ctx.related) out << "  " << s.bold(std::to_string(id)) << "  " << title << "\n";
    out << "\n";
  }
  out << s.heading("References") << "\n";
  for (const std::string& r : c.references) out << "  " << r << "\n";
  out << "\n" << s.dim("defined in " + c.where.file) << "\n";
  return out.str();
}

std::string case_page_markdown(const kb::Case& c, const CasePageContext& ctx) {
  std::ostringstream out;
  out << "# Case " << c.id << ": " << c.title << "\n\n"
      << "`" << c.slug << "` · " << c.category << " · " << join(c.components, ", ") << "\n\n"
      << "## Scenario\n\n"
      << c.scenario << "\n\n## Symptoms\n\n"
      << "| signal | weight | if absent | seen as |\n|---|---|---|---|\n";
  for (const kb::Symptom& sym : c.symptoms) {
    const kb::Signal* sig = signal_in(ctx, sym.signal);
    out << "| `" << sym.signal << "` | " << format_weight(sym.weight) << " | "
        << (sym.absent ? format_weight(*sym.absent) : "") << " | " << (sig ? sig->description : "") << " |\n";
  }
  for (const kb::Cause& cause : c.causes) {
    out << "\n## Cause: " << cause.summary << "\n\n" << cause.explanation << "\n\n### Fixes\n\n";
    for (const kb::Fix& f : cause.fixes) {
      out << "- **" << f.summary << "**";
      if (!f.detail.empty()) out << " " << f.detail;
      out << "\n";
      for (const std::string& cmd : f.commands) out << "  ```\n  " << cmd << "\n  ```\n";
    }
  }
  if (!ctx.related.empty()) {
    out << "\n## Related\n\n";
    for (const auto& [id, title] : ctx.related) out << "- " << id << ": " << title << "\n";
  }
  out << "\n## References\n\n";
  for (const std::string& r : c.references) out << "- " << r << "\n";
  return out.str();
}

Json case_page_json(const kb::Case& c) { return kb::to_json(c); }

std::string search_text(const std::vector<store::SearchHit>& hits, const Style& style) {
  std::ostringstream out;
  if (hits.empty()) return "no matching case\n";
  for (const auto& h : hits) {
    char head[64];
    std::snprintf(head, sizeof head, "%3d", h.id);
    char score[32];
    std::snprintf(score, sizeof score, "%.1f", h.score);
    out << style.bold(head) << "  " << h.title << "  " << style.dim("(" + h.slug + ", score " + score + ")") << "\n"
        << "     " << render_snippet(h.snippet, style) << "\n";
  }
  return out.str();
}

std::string search_markdown(const std::vector<store::SearchHit>& hits) {
  std::ostringstream out;
  for (const auto& h : hits)
    out << "- **" << h.id << "** " << h.title << " (`" << h.slug << "`): " << markdown_snippet(h.snippet) << "\n";
  return out.str();
}

Json search_json(const std::vector<store::SearchHit>& hits) {
  Json arr = Json::array();
  for (const auto& h : hits)
    arr.push_back({{"case", h.id},
                   {"slug", h.slug},
                   {"title", h.title},
                   {"score", h.score},
                   {"snippet", plain_snippet(h.snippet)}});
  return {{"results", arr}};
}

std::string stats_text(const store::CatalogueStats& st, const Style& s) {
  std::ostringstream out;
  out << s.bold(std::to_string(st.cases)) << " cases, " << st.signals << " signals, " << st.log_patterns
      << " log patterns, " << st.metric_expressions << " metric expressions, " << st.phrases << " phrases, "
      << st.simulations << " simulations, " << st.sample_incidents << " cases with a sample incident\n";
  for (const auto& [cat, n] : st.categories) out << "  " << n << "  " << cat << "\n";
  return out.str();
}

Json stats_json(const store::CatalogueStats& st) {
  Json cats = Json::object();
  for (const auto& [cat, n] : st.categories) cats[cat] = n;
  return {{"cases", st.cases},
          {"signals", st.signals},
          {"log_patterns", st.log_patterns},
          {"metric_expressions", st.metric_expressions},
          {"phrases", st.phrases},
          {"simulations", st.simulations},
          {"sample_incidents", st.sample_incidents},
          {"categories", cats}};
}

}  // namespace faultline::report
