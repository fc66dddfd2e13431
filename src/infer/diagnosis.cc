#include "infer/diagnosis.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace faultline::infer {

namespace {

bool has(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// A fact value and its parts: "aws-alb" also names "aws" and "alb".
std::vector<std::string> fact_terms(const std::string& value) {
  std::vector<std::string> terms{value};
  std::string part;
  for (char ch : value + "-") {
    if (ch == '-' || ch == '_' || ch == ' ' || ch == '/') {
      if (!part.empty() && part != value) terms.push_back(part);
      part.clear();
    } else {
      part += ch;
    }
  }
  return terms;
}

std::set<std::string> known_components(const kb::KnowledgeBase& kb) {
  std::set<std::string> out;
  for (const kb::Case& c : kb.cases)
    for (const auto& x : c.components) out.insert(lower(x));
  return out;
}

// Facts favour cases that involve what they name; a component fact that names a component
// the knowledge base knows, but not this case's, counts against it. A component the
// knowledge base has never heard of says nothing either way.
void add_fact_contributions(const kb::Case& c, const evidence::Facts& facts, const std::set<std::string>& known,
                            const ScoringOptions& o, Hypothesis& h) {
  std::vector<std::string> names;
  for (const auto& x : c.components) names.push_back(lower(x));
  for (const auto& x : c.tags) names.push_back(lower(x));
  for (const auto& [key, values] : facts)
    for (const std::string& v : values)
      for (const std::string& term : fact_terms(v))
        if (has(names, term)) {
          h.contributions.push_back({"fact " + key + "=" + v + " names one of its components", "", o.fact_match_bonus,
                                     c.where.str(), "--fact", ""});
          return;
        }
  auto comp = facts.find("component");
  if (comp == facts.end()) return;
  for (const std::string& v : comp->second)
    if (known.count(v)) {
      h.contributions.push_back({"fact component=" + v + " names none of its components", "", o.fact_mismatch_penalty,
                                 c.where.str(), "--fact", ""});
      return;
    }
}

std::size_t pick_cause(const kb::Case& c, const evidence::Observations& obs) {
  std::size_t best = 0;
  double best_weight = 0;
  for (std::size_t i = 0; i < c.causes.size(); ++i) {
    double w = 0;
    for (const std::string& sig : c.causes[i].evidence) {
      auto it = obs.find(sig);
      if (it == obs.end() || !it->second.present) continue;
      for (const kb::Symptom& s : c.symptoms)
        if (s.signal == sig) w += s.weight;
    }
    if (w > best_weight) {
      best_weight = w;
      best = i;
    }
  }
  return best;
}

double total(const Hypothesis& h) {
  double s = 0;
  for (const Contribution& c : h.contributions) s += c.weight;
  return s;
}

std::vector<double> softmax(const std::vector<double>& scores) {
  double top = *std::max_element(scores.begin(), scores.end());
  std::vector<double> p;
  double sum = 0;
  for (double s : scores) sum += std::exp(s - top);
  for (double s : scores) p.push_back(std::exp(s - top) / sum);
  return p;
}

double entropy(const std::vector<double>& p) {
  double h = 0;
  for (double x : p)
    if (x > 0) h -= x * std::log(x);
  return h;
}

// P(signal seen | case): from the symptom's weight, a likelihood ratio; a signal that is not
// one of the case's symptoms is taken as usually absent.
constexpr double kUnrelatedSeen = 0.1;
double p_seen(const kb::Symptom* s) {
  if (!s) return kUnrelatedSeen;
  double ratio = std::exp(s->weight);
  return std::clamp(kUnrelatedSeen * ratio / (1 - kUnrelatedSeen + kUnrelatedSeen * ratio), 0.05, 0.97);
}

const kb::Symptom* symptom_of(const kb::Case& c, const std::string& signal) {
  for (const kb::Symptom& s : c.symptoms)
    if (s.signal == signal) return &s;
  return nullptr;
}

std::vector<Question> choose_questions(const Diagnosis& d, const kb::KnowledgeBase& kb,
                                       const evidence::Observations& obs, const ScoringOptions& o) {
  std::vector<const Hypothesis*> pool;
  for (const Hypothesis& h : d.hypotheses)
    if (static_cast<int>(pool.size()) < o.question_pool) pool.push_back(&h);
  std::vector<double> scores;
  for (const Hypothesis* h : pool) scores.push_back(h->score);
  scores.push_back(o.none_score);
  std::vector<double> prior = softmax(scores);
  double h0 = entropy(prior);

  std::set<std::string> candidates;
  for (const Hypothesis* h : pool)
    for (const kb::Symptom& s : h->c->symptoms)
      if (!obs.count(s.signal)) candidates.insert(s.signal);

  std::vector<Question> out;
  for (const std::string& signal : candidates) {
    std::vector<double> yes = scores, no = scores;
    double p_yes = prior.back() * kUnrelatedSeen;
    Question q;
    q.signal = signal;
    for (std::size_t i = 0; i < pool.size(); ++i) {
      const kb::Symptom* s = symptom_of(*pool[i]->c, signal);
      p_yes += prior[i] * p_seen(s);
      if (!s) continue;
      yes[i] += s->weight;
      no[i] += s->absent.value_or(0);
      q.separates.push_back(pool[i]->c->id);
    }
    q.gain = h0 - (p_yes * entropy(softmax(yes)) + (1 - p_yes) * entropy(softmax(no)));
    if (q.gain <= 1e-6) continue;
    if (const kb::Signal* sig = kb.find_signal(signal)) {
      q.question = sig->question.empty() ? sig->description : sig->question;
      q.check = sig->check;
    }
    out.push_back(std::move(q));
  }
  std::stable_sort(out.begin(), out.end(), [](const Question& a, const Question& b) { return a.gain > b.gain; });
  if (static_cast<int>(out.size()) > o.max_questions) out.resize(o.max_questions);
  return out;
}

}  // namespace

Hypothesis score_one(const kb::Case& c, const kb::KnowledgeBase& kb, const evidence::Evidence& ev,
                     const std::map<int, double>& text_scores, const ScoringOptions& o,
                     const std::map<int, double>& prior_adjustments, const std::set<std::string>& known);

std::vector<const Hypothesis*> Diagnosis::reported(std::size_t top) const {
  std::vector<const Hypothesis*> out;
  for (const Hypothesis& h : hypotheses)
    if (h.score > threshold && out.size() < top) out.push_back(&h);
  return out;
}

Hypothesis score_case(const kb::Case& c, const kb::KnowledgeBase& kb, const evidence::Evidence& ev,
                      const std::map<int, double>& text_scores, const ScoringOptions& o,
                      const std::map<int, double>& prior_adjustments) {
  return score_one(c, kb, ev, text_scores, o, prior_adjustments, known_components(kb));
}

Hypothesis score_one(const kb::Case& c, const kb::KnowledgeBase& kb, const evidence::Evidence& ev,
                     const std::map<int, double>& text_scores, const ScoringOptions& o,
                     const std::map<int, double>& prior_adjustments, const std::set<std::string>& known) {
  Hypothesis h;
  h.c = &c;
  if (c.prior != 0) h.contributions.push_back({"prior", "", c.prior, c.where.str(), "", ""});
  if (auto it = prior_adjustments.find(c.id); it != prior_adjustments.end() && it->second != 0)
    h.contributions.push_back({"confirmed in this team's history", "",
                               std::clamp(it->second, -o.learned_prior_cap, o.learned_prior_cap), "", "history", ""});
  for (const kb::Symptom& s : c.symptoms) {
    auto it = ev.observations.find(s.signal);
    if (it == ev.observations.end()) {
      const kb::Signal* sig = kb.find_signal(s.signal);
      h.missing.push_back({s.signal, sig ? (sig->question.empty() ? sig->description : sig->question) : "",
                           sig ? sig->check : "", s.weight});
      continue;
    }
    const evidence::Observation& obs = it->second;
    double w = obs.present ? s.weight : s.absent.value_or(0);
    std::string what =
        "signal " + s.signal + (obs.present ? " seen" : " known absent") + " (" + evidence::via_name(obs.via) + ")";
    h.contributions.push_back({what, s.signal, w, s.where.str(), obs.source, obs.excerpt});
  }
  add_fact_contributions(c, ev.facts, known, o, h);
  if (auto it = text_scores.find(c.id); it != text_scores.end() && it->second > 0) {
    // Relative to the best match, and only fully when the best match is a strong one, so
    // that a few stray words (lorem ipsum, a log's odd sentence) add little.
    double best = 0;
    for (const auto& [id, score] : text_scores) best = std::max(best, score);
    double weight = o.search_weight * std::min(1.0, best / o.search_full_score) * (it->second / best);
    h.contributions.push_back(
        {"the description reads like this case (full-text rank)", "", weight, c.where.str(), "prose", ""});
  }
  std::stable_sort(h.missing.begin(), h.missing.end(),
                   [](const MissingEvidence& a, const MissingEvidence& b) { return a.weight > b.weight; });
  h.score = total(h);
  h.cause = pick_cause(c, ev.observations);
  return h;
}

Diagnosis diagnose(const kb::KnowledgeBase& kb, const evidence::Evidence& ev, const std::map<int, double>& text_scores,
                   const ScoringOptions& o, const std::map<int, double>& prior_adjustments) {
  Diagnosis d;
  d.threshold = o.none_score;
  std::set<std::string> known = known_components(kb);
  for (const kb::Case& c : kb.cases) {
    Hypothesis h = score_one(c, kb, ev, text_scores, o, prior_adjustments, known);
    // A case is a hypothesis once anything in the input speaks for or against it: a signal, the
    // prose, or a fact naming its component (so a bare component=kafka still yields questions).
    bool any_evidence = std::any_of(h.contributions.begin(), h.contributions.end(), [](const Contribution& x) {
      return !x.signal.empty() || x.source == "prose" || (x.source == "--fact" && x.weight > 0);
    });
    if (any_evidence) d.hypotheses.push_back(std::move(h));
  }
  std::stable_sort(d.hypotheses.begin(), d.hypotheses.end(),
                   [](const Hypothesis& a, const Hypothesis& b) { return a.score > b.score; });
  std::vector<double> scores;
  for (const Hypothesis& h : d.hypotheses) scores.push_back(h.score);
  scores.push_back(o.none_score);
  std::vector<double> p = softmax(scores);
  for (std::size_t i = 0; i < d.hypotheses.size(); ++i) {
    d.hypotheses[i].confidence = p[i];
    d.hypotheses[i].rank = static_cast<int>(i) + 1;
  }
  d.none_confidence = p.back();
  d.questions = choose_questions(d, kb, ev.observations, o);
  return d;
}

}  // namespace faultline::infer
