// Full-text search over the catalogue (declared in store/catalogue.h).
#include <algorithm>
#include <cctype>
#include <set>
#include <string_view>

#include <SQLiteCpp/SQLiteCpp.h>

#include "common/error.h"
#include "store/catalogue.h"

namespace faultline::store {

namespace {

// Words that carry no meaning for ranking; BM25's IDF would mostly discount them anyway, but
// dropping them keeps an OR query from matching every case on "the".
const std::set<std::string_view> kStopWords = {
    "a",     "about",  "after", "all",  "also", "am",    "an",    "and",   "any",   "are",   "as",    "at",    "be",
    "been",  "before", "being", "but",  "by",   "can",   "could", "did",   "do",    "does",  "doing", "even",  "for",
    "from",  "get",    "gets",  "got",  "had",  "has",   "have",  "how",   "i",     "if",    "in",    "into",  "is",
    "it",    "its",    "just",  "me",   "my",   "of",    "on",    "or",    "our",   "so",    "some",  "still", "than",
    "that",  "the",    "their", "them", "then", "there", "these", "they",  "this",  "those", "to",    "too",   "us",
    "very",  "was",    "we",    "were", "what", "when",  "where", "which", "while", "who",   "why",   "will",  "with",
    "would", "you",    "your",  "no",   "not",  "out",   "up",    "now",   "again"};

// Bytes >= 0x80 belong to words so that non-ASCII text stays searchable (unicode61 folds it).
bool word_byte(unsigned char c) { return std::isalnum(c) || c >= 0x80 || c == '_'; }

}  // namespace

std::string fts_query(const std::string& user_text) {
  std::vector<std::string> terms;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < user_text.size();) {
    if (!word_byte(static_cast<unsigned char>(user_text[i]))) {
      ++i;
      continue;
    }
    std::size_t start = i;
    while (i < user_text.size() && word_byte(static_cast<unsigned char>(user_text[i]))) ++i;
    std::string word = user_text.substr(start, i - start);
    std::transform(word.begin(), word.end(), word.begin(),
                   [](unsigned char c) { return c < 0x80 ? std::tolower(c) : c; });
    bool short_number = word.size() <= 2 && std::all_of(word.begin(), word.end(), ::isdigit);
    if (word.size() < 2 || short_number || kStopWords.count(word) || !seen.insert(word).second) continue;
    terms.push_back('"' + word + '"');  // a quoted word is never FTS5 syntax
  }
  std::string q;
  for (const std::string& t : terms) q += (q.empty() ? "" : " OR ") + t;
  return q;
}

std::vector<SearchHit> Catalogue::search(const std::string& query, int limit) const {
  std::vector<SearchHit> hits;
  std::string match = fts_query(query);
  if (match.empty() || limit <= 0) return hits;
  try {
    SQLite::Statement q(*db_,
                        "SELECT c.id, c.slug, c.title, "
                        "       bm25(case_text, 8.0, 4.0, 2.0, 3.0, 1.0, 1.0) AS rank, "
                        "       snippet(case_text, -1, char(2), char(3), '…', 14) "
                        "FROM case_text JOIN cases c ON c.id = case_text.rowid "
                        "WHERE case_text MATCH ?1 ORDER BY rank LIMIT ?2");
    q.bind(1, match);
    q.bind(2, limit);
    while (q.executeStep())
      hits.push_back({q.getColumn(0).getInt(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                      -q.getColumn(3).getDouble(), q.getColumn(4).getString()});
  } catch (const SQLite::Exception& e) {
    throw Error({path_}, "DB003", std::string("search failed: ") + e.what());
  }
  return hits;
}

}  // namespace faultline::store
