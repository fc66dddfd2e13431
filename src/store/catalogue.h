// The compiled catalogue: a SQLite file derived from the knowledge base (never edited), holding
// every case and signal (as JSON and in tables), the log patterns, and an FTS5 index over titles,
// tags, scenarios, symptoms, explanations and fixes. It is cached under a folder, named by the
// knowledge base's content hash, written to a temporary file and renamed into place, and rebuilt
// when missing, stale or corrupt. This file and search.cc are the only users of SQLiteCpp for
// the catalogue; its exceptions become faultline::Error. A Catalogue is not safe to share
// between threads; separate processes may open the same file at once.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kb/model.h"
#include "kb/source.h"

namespace SQLite {
class Database;
}

namespace faultline::store {

struct CaseSummary {
  int id = 0;
  std::string slug, title, category;
  std::vector<std::string> components, tags;
};

struct SearchHit {
  int id = 0;
  std::string slug, title;
  double score = 0;     ///< -bm25: higher is better
  std::string snippet;  ///< matched terms wrapped in kHighlightOn / kHighlightOff
};
inline constexpr char kHighlightOn = '\x02';
inline constexpr char kHighlightOff = '\x03';

struct CatalogueStats {
  int cases = 0, signals = 0, log_patterns = 0, metric_expressions = 0, phrases = 0, simulations = 0,
      sample_incidents = 0;
  std::vector<std::pair<std::string, int>> categories;  ///< category -> cases, by name
};

class Catalogue {
 public:
  /// Opens the cached catalogue for the embedded knowledge base plus overlay (may be empty),
  /// building it under cache_dir first if it is missing, stale or corrupt. If cache_dir cannot
  /// be written, builds in memory instead. Throws Error if the knowledge base has errors.
  static Catalogue open_cached(const std::string& cache_dir, const std::vector<kb::SourceFile>& overlay);

  /// Compiles kb into a new catalogue file at path (atomically: temp file, then rename).
  static void build(const kb::KnowledgeBase& kb, std::uint64_t content_hash, const std::string& path);

  /// Opens an existing catalogue file read-only. Throws Error if it is not a usable catalogue.
  static Catalogue open_file(const std::string& path);

  /// The cache key of the embedded base plus overlay, including the catalogue schema version.
  static std::uint64_t cache_key(const std::vector<kb::SourceFile>& overlay);

  Catalogue(Catalogue&&) noexcept;
  Catalogue& operator=(Catalogue&&) noexcept;
  ~Catalogue();

  std::vector<CaseSummary> list_cases() const;
  /// By number or slug; nullopt if there is no such case.
  std::optional<kb::Case> find_case(const std::string& id_or_slug) const;
  /// A signal by id; nullopt if there is none.
  std::optional<kb::Signal> find_signal(const std::string& id) const;
  /// Every case's number and slug, for "did you mean".
  std::vector<std::string> case_names() const;
  /// Full-text search, best first. Any text is accepted: it is reduced to words, never passed
  /// to FTS5 as query syntax.
  std::vector<SearchHit> search(const std::string& query, int limit) const;
  CatalogueStats stats() const;
  /// Every log pattern, in signal order.
  std::vector<std::string> log_patterns() const;
  /// The whole knowledge base, read back from the catalogue's JSON.
  kb::KnowledgeBase load_knowledge_base() const;
  /// Where it lives (":memory:" when the cache folder was not writable).
  const std::string& path() const { return path_; }
  /// True if this open had to build the catalogue (a cache miss).
  bool built() const { return built_; }

 private:
  Catalogue(std::unique_ptr<SQLite::Database> db, std::string path, bool built);
  std::unique_ptr<SQLite::Database> db_;
  std::string path_;
  bool built_ = false;
};

/// FTS5 query text for what a user typed: its words, each quoted, joined with OR, stop words
/// dropped. Empty if no word remains. Exposed for tests.
std::string fts_query(const std::string& user_text);

}  // namespace faultline::store
