#include "evidence/scanner.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <set>

#include "common/error.h"

namespace faultline::evidence {

namespace {

// Atoms shorter than this are too common to filter with; their patterns run on every line.
constexpr int kMinAtomLength = 3;

std::string_view clip(std::string_view line, std::size_t max_line) {
  if (line.size() > max_line) line = line.substr(0, max_line);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

RE2::Options search_options() {
  RE2::Options o;
  o.set_log_errors(false);
  o.set_max_mem(256 << 20);  // a large literal alternation needs room for its DFA
  return o;
}

// The line, or for a long line the part around the match, so the telling words show.
std::string excerpt_around_match(const RE2& regex, std::string_view line) {
  constexpr std::size_t kWidth = 200, kBefore = 60;
  if (line.size() <= kWidth) return std::string(line);
  re2::StringPiece match;
  std::size_t from = 0;
  if (regex.Match(re2::StringPiece(line.data(), line.size()), 0, line.size(), RE2::UNANCHORED, &match, 1)) {
    std::size_t at = static_cast<std::size_t>(match.data() - line.data());
    from = at > kBefore ? at - kBefore : 0;
  }
  std::string out = from ? "…" : "";
  out += line.substr(from, kWidth);
  if (from + kWidth < line.size()) out += "…";
  return out;
}

std::string lowercase(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// FilteredRE2 lowercases atoms. For a case-sensitive pattern whose text spells the atom out
// once, plainly (not escaped, not in a class), the block search can look for that exact
// spelling: "Info" instead of every "INFO". Otherwise the atom is searched ignoring case.
// Returns the regex piece for the search.
std::string trigger_regex(const std::string& atom, const std::string& pattern) {
  std::string insensitive = "(?i:" + RE2::QuoteMeta(atom) + ")";
  if (pattern.find("(?i") != std::string::npos) return insensitive;
  std::string lower = lowercase(pattern);
  std::size_t at = lower.find(atom);
  if (at == std::string::npos || lower.find(atom, at + 1) != std::string::npos) return insensitive;
  if (at > 0 && pattern[at - 1] == '\\') return insensitive;
  int depth = 0;  // inside a [...] class?
  for (std::size_t i = 0; i < at; ++i) {
    if (pattern[i] == '\\')
      ++i;
    else if (pattern[i] == '[')
      depth = 1;
    else if (pattern[i] == ']')
      depth = 0;
  }
  if (depth) return insensitive;
  std::string spelled = pattern.substr(at, atom.size());
  if (spelled.find_first_of("\\[]().*+?{}|^$") != std::string::npos) return insensitive;
  return RE2::QuoteMeta(spelled);
}

}  // namespace

const char* via_name(Via via) {
  switch (via) {
    case Via::Log:
      return "log";
    case Via::Metric:
      return "metric";
    case Via::Phrase:
      return "phrase";
    case Via::Fact:
      return "fact";
    case Via::Answer:
      return "answer";
  }
  return "?";
}

ScanPlan::ScanPlan(const std::vector<kb::Signal>& signals) : filter_(kMinAtomLength) {
  RE2::Options options;
  options.set_log_errors(false);
  for (const kb::Signal& s : signals) {
    for (const kb::Rule& rule : s.logs) {
      auto re = std::make_unique<RE2>(rule.text, options);
      if (!re->ok()) throw Error(rule.where, "KB009", "pattern does not compile: " + re->error());
      int group = -1;
      if (auto it = re->NamedCapturingGroups().find("value"); it != re->NamedCapturingGroups().end())
        group = it->second;
      int id = -1;
      if (filter_.Add(rule.text, options, &id) != RE2::NoError)
        throw Error(rule.where, "KB009", "pattern does not compile");
      filter_to_pattern_.push_back(static_cast<int>(patterns_.size()));
      patterns_.push_back({s.id, rule.text, rule.where.str(), group});
      regexes_.push_back(std::move(re));
    }
  }
  if (patterns_.empty()) return;
  filter_.Compile(&atoms_);
  // With no atoms found, FilteredRE2 reports every pattern as a potential match.
  std::vector<int> unfiltered;
  filter_.AllPotentials({}, &unfiltered);
  is_literal_free_.assign(patterns_.size(), false);
  for (int id : unfiltered) {
    is_literal_free_[id] = true;
    literal_free_.push_back(filter_to_pattern_[id]);
  }
  if (!atoms_.empty()) {
    RE2::Options o = search_options();
    o.set_case_sensitive(false);
    atom_set_ = std::make_unique<RE2::Set>(o, RE2::UNANCHORED);
    for (const std::string& atom : atoms_) atom_set_->Add(RE2::QuoteMeta(atom), nullptr);
    triggers_.resize(patterns_.size());
    for (std::size_t p = 0; p < patterns_.size(); ++p) {
      if (is_literal_free_[p]) continue;
      PatternTriggers& t = triggers_[p];
      t.filter = std::make_unique<re2::FilteredRE2>(kMinAtomLength);
      int id = 0;
      t.filter->Add(patterns_[p].text, options, &id);
      t.filter->Compile(&t.atoms);
      for (const std::string& a : t.atoms) t.regexes.push_back(trigger_regex(a, patterns_[p].text));
    }
    atom_search_ = std::make_unique<RE2>(trigger_alternation(nullptr, &trigger_count_), search_options());
    if (!atom_search_->ok() || !atom_set_->Compile())
      throw Error("cannot compile the prefilter of " + std::to_string(atoms_.size()) + " atoms");
  }
  if (!literal_free_.empty()) {
    literal_free_set_ = std::make_unique<RE2::Set>(search_options(), RE2::UNANCHORED);
    for (int p : literal_free_) literal_free_set_->Add(patterns_[p].text, nullptr);
    if (!literal_free_set_->Compile()) throw Error("cannot compile the literal-free patterns");
  }
}

ScanPlan::~ScanPlan() = default;

std::string ScanPlan::trigger_alternation(const std::map<std::string, std::size_t>* atom_lines,
                                          std::size_t* count) const {
  auto lines_with = [&](const std::string& atom) -> std::size_t {
    if (!atom_lines) return 0;
    auto it = atom_lines->find(atom);
    return it == atom_lines->end() ? 0 : it->second;
  };
  std::set<std::string> pieces;
  for (const PatternTriggers& t : triggers_) {
    if (!t.filter) continue;
    // Start from every atom and drop the most common ones while the pattern still cannot
    // match when only dropped atoms are present: what is left must be searched for.
    std::vector<std::size_t> order(t.atoms.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      std::size_t fa = lines_with(t.atoms[a]), fb = lines_with(t.atoms[b]);
      return fa != fb ? fa > fb : t.atoms[a].size() < t.atoms[b].size();
    });
    std::vector<bool> kept(t.atoms.size(), true);
    for (std::size_t candidate : order) {
      kept[candidate] = false;
      std::vector<int> present, potential;
      for (std::size_t i = 0; i < kept.size(); ++i)
        if (!kept[i]) present.push_back(static_cast<int>(i));
      t.filter->AllPotentials(present, &potential);
      if (!potential.empty()) kept[candidate] = true;  // needed after all
    }
    for (std::size_t i = 0; i < kept.size(); ++i)
      if (kept[i]) pieces.insert(t.regexes[i]);
  }
  std::string alternation;
  for (const std::string& piece : pieces) alternation += (alternation.empty() ? "" : "|") + piece;
  if (count) *count = pieces.size();
  return alternation;
}

void record_match(int pattern_index, const PatternInfo& pattern, const RE2& regex, std::string_view line,
                  const std::string& file, std::uint64_t line_no, Observations& out) {
  auto [it, fresh] = out.try_emplace(pattern.signal);
  Observation& o = it->second;
  bool earlier = fresh || (o.first_file == file &&
                           (line_no < o.first_line || (line_no == o.first_line && pattern_index < o.first_rule)));
  if (earlier) {
    o.via = Via::Log;
    o.first_file = file;
    o.first_line = line_no;
    o.first_rule = pattern_index;
    o.source = file + ":" + std::to_string(line_no);
    o.excerpt = excerpt_around_match(regex, line);
    o.rule = pattern.text;
    o.rule_at = pattern.at;
  }
  if (fresh || o.last_file != file || line_no > o.last_line) {
    o.last_file = file;
    o.last_line = line_no;
    o.last_source = file + ":" + std::to_string(line_no);
  }
  ++o.count;
  if (pattern.value_group < 0) return;
  std::vector<re2::StringPiece> groups(pattern.value_group + 1);
  re2::StringPiece text(line.data(), line.size());
  if (!regex.Match(text, 0, text.size(), RE2::UNANCHORED, groups.data(), static_cast<int>(groups.size()))) return;
  const re2::StringPiece& g = groups[pattern.value_group];
  double v = 0;
  if (auto [p, ec] = std::from_chars(g.data(), g.data() + g.size(), v); ec == std::errc() && p != g.data())
    if (!o.value || v > *o.value) o.value = v;
}

Scanner::Scanner(const ScanPlan& plan, std::size_t max_line_bytes)
    : plan_(plan), max_line_(max_line_bytes), search_(plan.atom_search_.get()) {}

// Large inputs only: on a small one the sampling would cost more than it saves.
constexpr std::size_t kTuneMinBytes = 256 * 1024;
constexpr std::size_t kTuneSampleBytes = 256 * 1024;

void Scanner::tune(std::string_view sample) {
  tuning_done_ = true;
  std::map<std::string, std::size_t> lines_with;
  std::vector<int> hits;
  sample = sample.substr(0, kTuneSampleBytes);
  for (std::size_t start = 0; start < sample.size();) {
    std::size_t end = sample.find('\n', start);
    if (end == std::string_view::npos) end = sample.size();
    std::string_view line = clip(sample.substr(start, end - start), max_line_);
    hits.clear();
    plan_.atom_set_->Match(re2::StringPiece(line.data(), line.size()), &hits);
    for (int h : hits) ++lines_with[plan_.atoms_[static_cast<std::size_t>(h)]];
    start = end + 1;
  }
  auto tuned = std::make_unique<RE2>(plan_.trigger_alternation(&lines_with, nullptr), search_options());
  if (tuned->ok()) {
    tuned_ = std::move(tuned);
    search_ = tuned_.get();
  }
}

void Scanner::confirm_line(std::string_view line, const std::string& file, std::uint64_t line_no) {
  ++stats_.candidate_lines;
  re2::StringPiece text(line.data(), line.size());
  atom_hits_.clear();
  plan_.atom_set_->Match(text, &atom_hits_);
  filter_hits_.clear();
  plan_.filter_.AllMatches(text, atom_hits_, &filter_hits_);
  std::sort(filter_hits_.begin(), filter_hits_.end());
  bool matched = false;
  for (int id : filter_hits_) {
    if (plan_.is_literal_free_[id]) continue;  // scan_literal_free covers these on every line
    int p = plan_.filter_to_pattern_[id];
    record_match(p, plan_.patterns_[p], *plan_.regexes_[p], line, file, line_no, observations_);
    matched = true;
  }
  stats_.matched_lines += matched;
}

void Scanner::scan_block(std::string_view block, const std::string& file, std::uint64_t first_line) {
  stats_.bytes += block.size();
  std::uint64_t newlines = static_cast<std::uint64_t>(std::count(block.begin(), block.end(), '\n'));
  stats_.lines += newlines + (!block.empty() && block.back() != '\n');
  if (search_) {
    if (!tuning_done_ && block.size() >= kTuneMinBytes) tune(block);
    re2::StringPiece text(block.data(), block.size());
    std::size_t pos = 0, counted_to = 0;
    std::uint64_t line_no = first_line;
    re2::StringPiece hit;
    while (pos < block.size() && search_->Match(text, pos, block.size(), RE2::UNANCHORED, &hit, 1)) {
      std::size_t at = static_cast<std::size_t>(hit.data() - block.data());
      std::size_t start = block.rfind('\n', at == 0 ? 0 : at - 1);
      start = (start == std::string_view::npos || start < pos) ? pos : start + 1;
      if (at < start) start = pos;
      std::size_t end = block.find('\n', at);
      if (end == std::string_view::npos) end = block.size();
      line_no += static_cast<std::uint64_t>(std::count(block.begin() + counted_to, block.begin() + start, '\n'));
      counted_to = start;
      std::string_view line = block.substr(start, end - start);
      if (line.size() > max_line_) ++stats_.truncated_lines;
      // A hit past the cap may still leave the clipped line a candidate; confirming it is
      // harmless, and the clipped text decides.
      confirm_line(clip(line, max_line_), file, line_no);
      pos = end + 1;
    }
  }
  if (plan_.literal_free_set_) scan_literal_free(block, file, first_line);
}

void Scanner::merge_from(Scanner& other) {
  for (auto& [signal, from] : other.observations_) {
    auto [it, fresh] = observations_.try_emplace(signal, from);
    if (fresh) continue;
    Observation& into = it->second;
    // into's first sighting is in an earlier file unless both are in the same one.
    bool earlier = into.first_file == from.first_file &&
                   (from.first_line < into.first_line ||
                    (from.first_line == into.first_line && from.first_rule < into.first_rule));
    if (earlier) {
      into.first_file = from.first_file;
      into.first_line = from.first_line;
      into.first_rule = from.first_rule;
      into.source = from.source;
      into.excerpt = from.excerpt;
      into.rule = from.rule;
      into.rule_at = from.rule_at;
    }
    if (into.last_file != from.last_file || from.last_line > into.last_line) {
      into.last_file = from.last_file;
      into.last_line = from.last_line;
      into.last_source = from.last_source;
    }
    into.count += from.count;
    if (from.value && (!into.value || *from.value > *into.value)) into.value = from.value;
  }
  stats_.bytes += other.stats_.bytes;
  stats_.lines += other.stats_.lines;
  stats_.candidate_lines += other.stats_.candidate_lines;
  stats_.matched_lines += other.stats_.matched_lines;
  stats_.truncated_lines += other.stats_.truncated_lines;
  other.observations_.clear();
  other.stats_ = {};
}

void Scanner::scan_literal_free(std::string_view block, const std::string& file, std::uint64_t first_line) {
  std::uint64_t line_no = first_line;
  for (std::size_t start = 0; start < block.size(); ++line_no) {
    std::size_t end = block.find('\n', start);
    if (end == std::string_view::npos) end = block.size();
    std::string_view line = clip(block.substr(start, end - start), max_line_);
    set_hits_.clear();
    if (plan_.literal_free_set_->Match(re2::StringPiece(line.data(), line.size()), &set_hits_)) {
      std::sort(set_hits_.begin(), set_hits_.end());
      for (int i : set_hits_) {
        int p = plan_.literal_free_[i];
        record_match(p, plan_.patterns_[p], *plan_.regexes_[p], line, file, line_no, observations_);
      }
    }
    start = end + 1;
  }
}

void NaiveScanner::scan_block(std::string_view block, const std::string& file, std::uint64_t first_line) {
  std::uint64_t line_no = first_line;
  for (std::size_t start = 0; start < block.size(); ++line_no) {
    std::size_t end = block.find('\n', start);
    if (end == std::string_view::npos) end = block.size();
    std::string_view line = clip(block.substr(start, end - start), max_line_);
    for (std::size_t p = 0; p < plan_.patterns().size(); ++p) {
      const RE2& re = plan_.regex(static_cast<int>(p));
      if (RE2::PartialMatch(re2::StringPiece(line.data(), line.size()), re))
        record_match(static_cast<int>(p), plan_.patterns()[p], re, line, file, line_no, observations_);
    }
    start = end + 1;
  }
}

}  // namespace faultline::evidence
