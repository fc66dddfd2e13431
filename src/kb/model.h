// The knowledge base's data model: signals (what can be observed, and how) and cases (incident
// case studies that name signals as their symptoms). Plain values, no behaviour beyond lookups;
// the loader (kb/loader.h) builds them from YAML and the catalogue (store/catalogue.h) from JSON.
// A case never holds a pattern or an expression of its own: it names signals.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace faultline::kb {

/// One RE2 pattern or metric expression, with the place it was written.
struct Rule {
  std::string text;
  Location where;
};

enum class SignalType { Bool, Number };

struct Signal {
  std::string id;  ///< area.snake_case, unique
  std::string description;
  std::string question;  ///< asked by triage; yes/no for Bool, "how much" for Number
  std::string check;     ///< how an engineer checks it (command, query, log line); may be empty
  SignalType type = SignalType::Bool;
  std::string unit;                  ///< for Number signals; may be empty
  std::vector<Rule> logs;            ///< RE2 patterns; a match on one input line observes the signal
  std::vector<std::string> phrases;  ///< lowercase; matched case-insensitively in prose
  std::vector<Rule> metrics;         ///< expressions: true observes, false observes absence
  Location where;
};

struct Symptom {
  std::string signal;
  double weight = 0;             ///< natural-log likelihood ratio when observed
  std::optional<double> absent;  ///< added when known absent (normally negative)
  Location where;
};

struct Fix {
  std::string summary;
  std::string detail;
  std::vector<std::string> commands;
};

struct Cause {
  std::string id;
  std::string summary;
  std::string explanation;
  std::vector<std::string> evidence;  ///< signals that single this cause out
  std::vector<Fix> fixes;
  std::vector<std::string> prevention;
  Location where;
};

/// A case's simulation spec. Parameters stay as JSON values; the simulator interprets them.
struct Simulation {
  std::string model;
  nlohmann::ordered_json params = nlohmann::ordered_json::object();
  std::map<std::string, std::string> bind;    ///< parameter -> numeric signal id
  std::map<std::string, std::string> expect;  ///< output -> comparison, e.g. "== 5"
  nlohmann::ordered_json fix_params = nlohmann::ordered_json::object();
  std::map<std::string, std::string> fix_expect;
  Location where;
};

struct Case {
  int id = 0;  ///< question number in seeds/case-studies.md
  std::string slug;
  std::string title;
  std::string category;
  std::vector<std::string> components;
  std::vector<std::string> tags;
  std::string scenario;
  double prior = 0;  ///< log-odds offset; 0 for most cases
  std::vector<Symptom> symptoms;
  std::vector<Cause> causes;
  std::optional<Simulation> simulation;
  std::vector<int> related;
  std::vector<std::string> references;
  Location where;  ///< the case file
};

/// A whole knowledge base: the embedded one, possibly with a team's overlay on top.
struct KnowledgeBase {
  std::vector<Signal> signals;     ///< sorted by id
  std::vector<Case> cases;         ///< sorted by id
  std::vector<int> sampled_cases;  ///< case ids that have a sample incident, sorted
  std::map<std::string, std::vector<std::string>> signal_file_references;  ///< file -> URLs

  const Signal* find_signal(const std::string& id) const;
  const Case* find_case(int id) const;
  const Case* find_case(const std::string& id_or_slug) const;
};

}  // namespace faultline::kb
