// Renders what the catalogue commands show: the case list, one case's page, search hits and
// knowledge-base counts, as text (for a terminal), Markdown, or JSON with the keys of
// ../shared/spec/cli.md. Pure functions of their inputs; never print.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kb/model.h"
#include "report/style.h"
#include "store/catalogue.h"

namespace faultline::report {

using Json = nlohmann::ordered_json;

/// What a case page needs besides the case: its signals and the titles of related cases.
struct CasePageContext {
  std::vector<kb::Signal> signals;                   ///< the case's symptom signals
  std::vector<std::pair<int, std::string>> related;  ///< related case id -> title ("" if unknown)
};

std::string case_list_text(const std::vector<store::CaseSummary>& cases, const Style& style);
std::string case_list_markdown(const std::vector<store::CaseSummary>& cases);
Json case_list_json(const std::vector<store::CaseSummary>& cases);

std::string case_page_text(const kb::Case& c, const CasePageContext& ctx, const Style& style);
std::string case_page_markdown(const kb::Case& c, const CasePageContext& ctx);
/// The whole case with the YAML's keys.
Json case_page_json(const kb::Case& c);

std::string search_text(const std::vector<store::SearchHit>& hits, const Style& style);
std::string search_markdown(const std::vector<store::SearchHit>& hits);
Json search_json(const std::vector<store::SearchHit>& hits);

std::string stats_text(const store::CatalogueStats& s, const Style& style);
Json stats_json(const store::CatalogueStats& s);

/// A snippet with its highlight markers replaced: by colour, by **bold**, or removed.
std::string render_snippet(const std::string& snippet, const Style& style);
std::string markdown_snippet(const std::string& snippet);
std::string plain_snippet(const std::string& snippet);

}  // namespace faultline::report
