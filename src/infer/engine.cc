#include "infer/engine.h"

#include <chrono>

namespace faultline::infer {

namespace {
using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }
constexpr int kTextCandidates = 5;
}  // namespace

Engine::Engine(const store::Catalogue& catalogue)
    : catalogue_(catalogue), kb_(catalogue.load_knowledge_base()), rules_(kb_) {}

std::map<int, double> Engine::text_scores(const std::vector<evidence::ProseText>& prose) const {
  std::string text;
  for (const evidence::ProseText& p : prose) text += p.text + "\n";
  std::map<int, double> scores;
  if (text.empty()) return scores;
  auto hits = catalogue_.search(text, kTextCandidates);
  for (const store::SearchHit& h : hits)
    if (h.score > 0) scores[h.id] = h.score;
  return scores;
}

Run Engine::run(const evidence::GatherOptions& inputs, const ScoringOptions& scoring,
                const std::map<int, double>& prior_adjustments) const {
  auto start = Clock::now();
  Run r;
  r.evidence = evidence::gather_evidence(rules_, inputs);
  auto t = Clock::now();
  std::map<int, double> text = text_scores(r.evidence.prose);
  r.diagnosis = diagnose(kb_, r.evidence, text, scoring, prior_adjustments);
  r.infer_ms = ms_since(t);
  r.elapsed_ms = ms_since(start);
  return r;
}

}  // namespace faultline::infer
