#include "kb/validate.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include <re2/filtered_re2.h>
#include <re2/re2.h>

#include "common/spell.h"
#include "evidence/expr.h"
#include "kb/loader.h"
#include "sim/verify.h"

namespace faultline::kb {

namespace {

void add(Findings& f, Finding::Severity sev, const char* code, const Location& where, std::string msg) {
  f.push_back({sev, code, where, std::move(msg)});
}
constexpr auto kError = Finding::Severity::Error;
constexpr auto kWarning = Finding::Severity::Warning;

bool valid_signal_id(const std::string& id) {
  static const RE2 shape(R"([a-z][a-z0-9]*(\.[a-z0-9_]+)+)");
  return RE2::FullMatch(id, shape);
}

bool valid_slug(const std::string& slug) {
  static const RE2 shape(R"([a-z0-9]+(-[a-z0-9]+)*)");
  return RE2::FullMatch(slug, shape);
}

// True if the scanner's prefilter can find a literal this pattern requires (the same minimum
// atom length as evidence/scanner.cc); a pattern without one runs on every input line.
bool has_literal(const std::string& pattern) {
  re2::FilteredRE2 filter(3);
  int id = 0;
  RE2::Options options;
  options.set_log_errors(false);
  if (filter.Add(pattern, options, &id) != RE2::NoError) return true;
  std::vector<std::string> atoms;
  filter.Compile(&atoms);
  std::vector<int> unfiltered;
  filter.AllPotentials({}, &unfiltered);
  return unfiltered.empty();
}

bool wrapped_in_dot_star(const std::string& p) {
  auto starts = [&](const char* x) { return p.rfind(x, 0) == 0; };
  auto ends = [&](const std::string& x) {
    return p.size() >= x.size() && p.compare(p.size() - x.size(), x.size(), x) == 0;
  };
  return (starts(".*") || starts("(?i).*")) && ends(".*");
}

// A pattern's location points at its YAML scalar; RE2 reports no column, so we point there.
void check_signal(const Signal& s, Findings& f) {
  if (!valid_signal_id(s.id)) add(f, kError, "KB013", s.where, "signal id '" + s.id + "' is not area.snake_case");
  if (s.logs.empty() && s.phrases.empty() && s.metrics.empty())
    add(f, kError, "KB019", s.where, "signal '" + s.id + "' has no logs, phrases or metrics");
  for (const Rule& p : s.logs) {
    RE2 re(p.text, RE2::Quiet);
    if (!re.ok()) {
      add(f, kError, "KB009", p.where, "pattern does not compile: " + re.error() + ": " + p.text);
      continue;
    }
    if (!has_literal(p.text))
      add(f, kWarning, "KB028", p.where,
          "pattern has no literal of 3+ characters for the prefilter, so it runs on every line; anchor it on a word "
          "the software always prints (e.g. 'Connection refused' rather than '\\w+ refused'): " +
              p.text);
    if (wrapped_in_dot_star(p.text))
      add(f, kWarning, "KB029", p.where,
          "leading and trailing '.*' add nothing to a search and slow it; drop them: " + p.text);
    const auto& groups = re.NamedCapturingGroups();
    if (s.type == SignalType::Number && !groups.count("value"))
      add(f, kError, "KB017", p.where, "numeric signal '" + s.id + "' pattern has no (?P<value>...) group");
  }
  for (const Rule& m : s.metrics) {
    try {
      evidence::parse_expr(m.text);
    } catch (const Error& e) {
      Location where = m.where;
      // +1 for the opening quote of the YAML scalar.
      if (where.column > 0) where.column += e.where().column;
      add(f, kError, "KB010", where, std::string("expression does not parse: ") + e.what());
    }
  }
}

template <typename T, typename Key>
void check_duplicates(const std::vector<T>& items, Key key, const char* code, const char* what, Findings& f) {
  std::map<decltype(key(items[0])), const T*> seen;
  for (const T& item : items) {
    auto [it, fresh] = seen.emplace(key(item), &item);
    if (!fresh)
      add(f, kError, code, item.where,
          std::string("duplicate ") + what + " (first defined at " + it->second->where.str() + ")");
  }
}

void check_case(const Case& c, const KnowledgeBase& kb, bool bundled, const std::vector<std::string>& signal_ids,
                Findings& f) {
  if (bundled && (c.id < kFirstCaseId || c.id > kLastCaseId))
    add(f, kError, "KB007", c.where,
        "case id " + std::to_string(c.id) + " is outside 1..200 (the questions of the seed)");
  if (!bundled && c.id < 1) add(f, kError, "KB007", c.where, "case id must be a positive number");
  if (!c.slug.empty() && !valid_slug(c.slug))
    add(f, kError, "KB013", c.where, "slug '" + c.slug + "' must be lowercase words joined by '-'");
  std::set<std::string> symptom_signals;
  for (const Symptom& s : c.symptoms) {
    symptom_signals.insert(s.signal);
    if (!s.signal.empty() && !kb.find_signal(s.signal))
      add(f, kError, "KB008", s.where, "unknown signal '" + s.signal + "'" + did_you_mean(s.signal, signal_ids));
    if (s.absent && *s.absent > 0)
      add(f, kWarning, "KB026", s.where, "'absent' should be negative: it is added when the signal is known absent");
  }
  if (c.symptoms.size() < 3)
    add(f, kWarning, "KB023", c.where,
        "case has " + std::to_string(c.symptoms.size()) + " symptoms; at least 3 are expected");
  for (const Cause& cause : c.causes) {
    for (const std::string& e : cause.evidence)
      if (!symptom_signals.count(e))
        add(f, kError, "KB016", cause.where,
            "cause '" + cause.id + "' names evidence '" + e + "' that is not among the case's symptoms");
    if (cause.fixes.size() < 2)
      add(f, kWarning, "KB024", cause.where, "cause '" + cause.id + "' has fewer than 2 fixes");
  }
  if (c.simulation) {
    sim::check_simulation(*c.simulation, f);
    for (const auto& [param, signal] : c.simulation->bind) {
      const Signal* s = kb.find_signal(signal);
      if (!s || s->type != SignalType::Number)
        add(f, kError, "KB034", c.simulation->where,
            "bind " + param + ": " + signal + (s ? " is not a number signal" : " is not a signal") +
                (s ? "" : did_you_mean(signal, signal_ids)));
    }
  }
  for (int r : c.related)
    if (!kb.find_case(r)) add(f, kError, "KB011", c.where, "related case " + std::to_string(r) + " does not exist");
  if (!std::binary_search(kb.sampled_cases.begin(), kb.sampled_cases.end(), c.id))
    add(f, kError, "KB012", c.where,
        "case " + std::to_string(c.id) + " has no sample incident (data/incidents/NNN-slug/expected.yaml)");
  std::string stem = std::filesystem::path(c.where.file).stem().string();
  char expected[16];
  std::snprintf(expected, sizeof expected, "%03d-", c.id);
  if (stem != expected + c.slug)
    add(f, kWarning, "KB022", c.where, "file name should be " + std::string(expected) + c.slug + ".yaml");
}

template <typename T>
void layer_over(std::vector<T>& base, std::vector<T>& overlay, auto key) {
  for (T& item : overlay) {
    auto it = std::find_if(base.begin(), base.end(), [&](const T& b) { return key(b) == key(item); });
    if (it != base.end())
      *it = std::move(item);
    else
      base.push_back(std::move(item));
  }
}

}  // namespace

LoadedKnowledgeBase load_knowledge_base(const std::vector<SourceFile>& embedded,
                                        const std::vector<SourceFile>& overlay) {
  LoadedKnowledgeBase out;
  Findings& f = out.findings;
  Layer base = load_layer(embedded, f);
  Layer top = load_layer(overlay, f);

  auto signal_key = [](const Signal& s) { return s.id; };
  auto case_key = [](const Case& c) { return c.id; };
  auto slug_key = [](const Case& c) { return c.slug; };
  for (Layer* layer : {&base, &top}) {
    check_duplicates(layer->signals, signal_key, "KB005", "signal id", f);
    check_duplicates(layer->cases, case_key, "KB006", "case id", f);
    check_duplicates(layer->cases, slug_key, "KB015", "case slug", f);
  }
  // Check every definition of each layer, before layering hides duplicates and replaced ones.
  std::vector<Signal> all_signals = base.signals;
  all_signals.insert(all_signals.end(), top.signals.begin(), top.signals.end());
  for (const Signal& s : all_signals) check_signal(s, f);
  std::vector<std::pair<Case, bool>> all_cases;  // case, bundled
  for (const Case& c : base.cases) all_cases.emplace_back(c, true);
  for (const Case& c : top.cases) all_cases.emplace_back(c, false);

  KnowledgeBase& kb = out.kb;
  kb.signals = std::move(base.signals);
  layer_over(kb.signals, top.signals, signal_key);
  kb.cases = std::move(base.cases);
  layer_over(kb.cases, top.cases, case_key);
  std::sort(kb.signals.begin(), kb.signals.end(), [](auto& a, auto& b) { return a.id < b.id; });
  std::stable_sort(kb.cases.begin(), kb.cases.end(), [](auto& a, auto& b) { return a.id < b.id; });
  kb.sampled_cases = base.sampled_cases;
  kb.sampled_cases.insert(kb.sampled_cases.end(), top.sampled_cases.begin(), top.sampled_cases.end());
  std::sort(kb.sampled_cases.begin(), kb.sampled_cases.end());
  kb.signal_file_references = std::move(base.signal_file_references);
  kb.signal_file_references.merge(top.signal_file_references);

  std::vector<std::string> signal_ids;
  for (const Signal& s : kb.signals) signal_ids.push_back(s.id);
  for (const auto& [c, bundled] : all_cases) check_case(c, kb, bundled, signal_ids, f);
  std::set<std::string> used;
  for (const Case& c : kb.cases)
    for (const Symptom& s : c.symptoms) used.insert(s.signal);
  for (const Signal& s : kb.signals)
    if (!used.count(s.id)) add(f, kWarning, "KB027", s.where, "signal '" + s.id + "' is named by no case");
  std::stable_sort(f.begin(), f.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.where.file, a.where.line, a.where.column) < std::tie(b.where.file, b.where.line, b.where.column);
  });
  return out;
}

}  // namespace faultline::kb
