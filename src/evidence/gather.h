// Reads an incident's inputs and turns them into Evidence: each input's kind is detected (by
// file name, else line by line, so one paste may mix log lines, a Prometheus scrape, a CSV
// series and prose), logs stream through the Scanner in bounded memory, metric expressions
// are evaluated over the series, and signal phrases are found in the prose.
// Throws Error (exit 2) for a missing or unreadable input, a path that is neither a file nor a
// folder, a malformed --metric or --fact; skips and warns for binary input, cut lines and
// malformed metric lines.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "evidence/evidence.h"
#include "evidence/expr.h"
#include "kb/model.h"

namespace faultline::evidence {

enum class InputKind { Auto, Log, Prometheus, Series, Prose, Facts };

struct InputSpec {
  InputKind kind = InputKind::Auto;
  std::string path;  ///< a file, an incident folder, or "-" for stdin
};

struct GatherOptions {
  std::vector<InputSpec> inputs;
  std::vector<std::string> describe;     ///< --describe TEXT
  std::vector<std::string> metric_args;  ///< --metric NAME=VALUE
  std::vector<std::string> fact_args;    ///< --fact KEY=VALUE
  std::size_t max_line_bytes = kDefaultMaxLineBytes;
  std::size_t block_bytes = 4 << 20;
};

/// The compiled rules of a knowledge base: log patterns, parsed metric expressions and phrases.
/// Build once, use for many incidents; immutable and safe to share between threads.
class Rules {
 public:
  explicit Rules(const kb::KnowledgeBase& kb);
  const ScanPlan& scan_plan() const { return scan_plan_; }

  struct MetricRule {
    std::string signal, text, at;
    std::unique_ptr<Expr> expr;
  };
  struct Phrase {
    std::string signal, text;  ///< text lowercase
  };
  const std::vector<MetricRule>& metric_rules() const { return metric_rules_; }
  const std::vector<Phrase>& phrases() const { return phrases_; }

 private:
  ScanPlan scan_plan_;
  std::vector<MetricRule> metric_rules_;
  std::vector<Phrase> phrases_;
};

Evidence gather_evidence(const Rules& rules, const GatherOptions& options);

/// Observes signals from metric expressions over evidence.metrics (true: present, false:
/// absent). A signal already seen present in logs stays present.
void evaluate_metrics(const Rules& rules, Evidence& evidence);

/// Observes signals whose phrases occur in the prose; a phrase right after a negation ("no",
/// "not", "never", "without") observes the signal's absence instead.
void match_phrases(const Rules& rules, Evidence& evidence);

/// True if a line reads as a sentence someone wrote rather than a log line.
bool looks_like_prose(std::string_view line);

/// Parses KEY=VALUE into facts. Throws Error (IN006) if malformed.
void add_fact(std::string_view arg, Facts& facts);

}  // namespace faultline::evidence
