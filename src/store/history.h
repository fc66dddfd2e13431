// The incident history: every diagnose and triage run, kept in SQLite at --db, so that a team's
// confirmed causes shift later diagnoses. WAL mode and a busy timeout let concurrent runs all
// record; every write is one transaction, so a record is whole or absent. This file is the
// history's only user of SQLiteCpp; its exceptions become faultline::Error (code DB010).
// Not safe to share between threads; many processes may open the same file.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace SQLite {
class Database;
}

namespace faultline::store {

struct IncidentRecord {
  long long id = 0;
  std::string at;            ///< UTC, ISO 8601
  std::string command;       ///< "diagnose" or "triage"
  std::string input_digest;  ///< FNV-1a of what was read, hex
  long long input_bytes = 0;
  nlohmann::ordered_json facts = nlohmann::ordered_json::object();
  nlohmann::ordered_json results = nlohmann::ordered_json::array();  ///< [{case, score, confidence}]
  nlohmann::ordered_json answers = nlohmann::ordered_json::array();  ///< triage: [{signal, answer}]
  std::optional<int> top_case, confirmed_case;
};

/// How much a team's confirmations move a case's prior: 0.5 * ln(1 + confirmations), at most
/// the cap (ScoringOptions::learned_prior_cap). Bounded so history can tip close calls but never
/// outweigh decisive evidence.
double learned_prior(int confirmations, double cap);

class History {
 public:
  /// Opens (creating if needed) the history database at path. Throws Error (DB010).
  static History open(const std::string& path);
  History(History&&) noexcept;
  History& operator=(History&&) noexcept;
  ~History();

  /// Records a run; returns its id. Throws Error (DB010) if the write fails.
  long long record(const IncidentRecord& r);
  /// Newest first, at most limit.
  std::vector<IncidentRecord> list(int limit) const;
  std::optional<IncidentRecord> find(long long id) const;
  /// Marks incident id's cause as confirmed to be case_id. Throws Error if there is no such
  /// incident (DB011).
  void confirm(long long id, int case_id);
  /// Case id -> learned prior, from all confirmations.
  std::map<int, double> learned_priors(double cap) const;

 private:
  explicit History(std::unique_ptr<SQLite::Database> db);
  std::unique_ptr<SQLite::Database> db_;
};

}  // namespace faultline::store
