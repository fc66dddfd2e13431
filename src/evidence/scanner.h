// The log scanner: every log pattern of every signal tested against every input line, in one
// pass, fast. At plan time each pattern goes to RE2's FilteredRE2, which derives the literal
// atoms a line must contain for the pattern to match, and each pattern contributes one atom it
// always requires (or all its atoms, for alternatives) to the trigger set. At scan time a block
// of many lines is searched for the triggers at once (one case-insensitive literal
// alternation), line boundaries are found only around hits, and only those candidate lines are
// confirmed with FilteredRE2 and the full patterns. Patterns without a usable literal run on
// every line in one combined RE2::Set.
//
// Contract: the prefilter may report a line that no pattern matches, never miss one that
// does; so the Scanner finds exactly what NaiveScanner (every pattern on every line) finds.
// A line is matched on its first max_line_bytes bytes, without its trailing "\r\n".
// ScanPlan is immutable after construction and safe to share between threads; a Scanner is not.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <re2/filtered_re2.h>
#include <re2/re2.h>
#include <re2/set.h>

#include "evidence/observation.h"
#include "kb/model.h"

namespace faultline::evidence {

/// One log pattern and the signal it observes.
struct PatternInfo {
  std::string signal;
  std::string text;
  std::string at;        ///< where it is written in the knowledge base
  int value_group = -1;  ///< capture index of (?P<value>...), or -1
};

class ScanPlan {
 public:
  /// Compiles every log pattern of signals. Throws Error(KB009) for a pattern RE2 rejects.
  explicit ScanPlan(const std::vector<kb::Signal>& signals);
  ~ScanPlan();

  const std::vector<PatternInfo>& patterns() const { return patterns_; }
  /// The literal atoms the prefilter searches for (lowercase).
  const std::vector<std::string>& atoms() const { return atoms_; }
  /// How many atoms the block search looks for (one required atom per pattern where one exists).
  std::size_t trigger_count() const { return trigger_count_; }

  /// The block-search regex: for each pattern a smallest set of its atoms without all of which
  /// it cannot match, preferring atoms rare in atom_lines (atom -> lines holding it), else long
  /// ones. Sets *count to the number of distinct atoms searched.
  std::string trigger_alternation(const std::map<std::string, std::size_t>* atom_lines, std::size_t* count) const;
  /// Patterns that have no literal atom and run on every line.
  const std::vector<int>& literal_free() const { return literal_free_; }
  const RE2& regex(int pattern) const { return *regexes_[pattern]; }

 private:
  friend class Scanner;
  std::vector<PatternInfo> patterns_;
  std::vector<std::unique_ptr<RE2>> regexes_;  ///< by pattern index
  re2::FilteredRE2 filter_;
  std::vector<int> filter_to_pattern_;  ///< FilteredRE2 id -> pattern index
  std::vector<bool> is_literal_free_;   ///< by FilteredRE2 id
  std::vector<std::string> atoms_;
  std::unique_ptr<RE2> atom_search_;  ///< trigger1|(?i:trigger2)|... over whole blocks
  std::size_t trigger_count_ = 0;
  /// Each filtered pattern alone in a FilteredRE2, to ask which atom sets it cannot match without.
  struct PatternTriggers {
    std::unique_ptr<re2::FilteredRE2> filter;
    std::vector<std::string> atoms;    ///< lowercase, as FilteredRE2 gives them
    std::vector<std::string> regexes;  ///< the block-search piece that finds each atom
  };
  std::vector<PatternTriggers> triggers_;       ///< by pattern index (empty for literal-free)
  std::unique_ptr<RE2::Set> atom_set_;          ///< which atoms a candidate line holds
  std::vector<int> literal_free_;               ///< pattern indexes
  std::unique_ptr<RE2::Set> literal_free_set_;  ///< over every line
};

/// Counters for --stats.
struct ScanStats {
  std::uint64_t bytes = 0, lines = 0, candidate_lines = 0, matched_lines = 0, truncated_lines = 0;
};

/// Records one matching line against its pattern; shared by both scanners so that they
/// agree on what an observation holds.
/// The earliest line (then the lowest pattern index) is the first sighting, whatever the
/// order of calls within a file.
void record_match(int pattern_index, const PatternInfo& pattern, const RE2& regex, std::string_view line,
                  const std::string& file, std::uint64_t line_no, Observations& out);

/// Default cap on the bytes of one line used for matching.
inline constexpr std::size_t kDefaultMaxLineBytes = 64 * 1024;

class Scanner {
 public:
  explicit Scanner(const ScanPlan& plan, std::size_t max_line_bytes = kDefaultMaxLineBytes);

  /// Scans a block of whole lines (the last may lack its "\n"). first_line is the 1-based
  /// number of the block's first line in file; sources read "file:line".
  void scan_block(std::string_view block, const std::string& file, std::uint64_t first_line);

  const Observations& observations() const { return observations_; }
  const ScanStats& stats() const { return stats_; }

  /// Takes in what other found in the same file or a later part of the input (a block split
  /// between two threads), as if one scanner had seen both; other is left empty.
  void merge_from(Scanner& other);

 private:
  void confirm_line(std::string_view line, const std::string& file, std::uint64_t line_no);
  void scan_literal_free(std::string_view block, const std::string& file, std::uint64_t first_line);

  /// Picks each pattern's rarest required atom from how often atoms occur in a sample of the
  /// input, and compiles a block search of its own for the rest of the input.
  void tune(std::string_view sample);

  const ScanPlan& plan_;
  std::size_t max_line_;
  Observations observations_;
  ScanStats stats_;
  std::vector<int> atom_hits_, filter_hits_, set_hits_;
  const RE2* search_ = nullptr;  ///< the plan's block search, or tuned_ once tuned
  std::unique_ptr<RE2> tuned_;
  bool tuning_done_ = false;
};

/// The obviously correct scanner: every pattern against every line. For tests and -d explain.
class NaiveScanner {
 public:
  explicit NaiveScanner(const ScanPlan& plan, std::size_t max_line_bytes = kDefaultMaxLineBytes)
      : plan_(plan), max_line_(max_line_bytes) {}
  void scan_block(std::string_view block, const std::string& file, std::uint64_t first_line);
  const Observations& observations() const { return observations_; }

 private:
  const ScanPlan& plan_;
  std::size_t max_line_;
  Observations observations_;
};

}  // namespace faultline::evidence
