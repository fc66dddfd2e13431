#include "infer/triage.h"

#include <algorithm>
#include <cctype>

#include <yaml-cpp/yaml.h>

#include "common/error.h"
#include "common/spell.h"
#include "evidence/expr.h"

namespace faultline::infer {

namespace {

std::string lower_trimmed(const std::string& s) {
  std::string out;
  for (char c : s) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto b = out.find_first_not_of(" \t\r\n");
  auto e = out.find_last_not_of(" \t\r\n.!");
  return b == std::string::npos ? "" : out.substr(b, e - b + 1);
}

}  // namespace

Answer parse_answer(const std::string& signal, const std::string& text, bool numeric) {
  std::string t = lower_trimmed(text);
  Answer a;
  a.signal = signal;
  if (t == "yes" || t == "y" || t == "true")
    a.kind = Answer::Kind::Yes;
  else if (t == "no" || t == "n" || t == "false")
    a.kind = Answer::Kind::No;
  else if (t == "unknown" || t == "?" || t == "u" || t == "don't know" || t == "dont know" || t == "skip")
    a.kind = Answer::Kind::Unknown;
  else if (auto v = evidence::parse_quantity(t); v && numeric) {
    a.kind = Answer::Kind::Number;
    a.number = *v;
  } else {
    throw Error(
        {}, "TR001",
        "'" + text + "' is not an answer to " + signal + ": say yes, no, unknown" + (numeric ? ", or a number" : ""));
  }
  return a;
}

const char* answer_text(Answer::Kind kind) {
  switch (kind) {
    case Answer::Kind::Yes:
      return "yes";
    case Answer::Kind::No:
      return "no";
    case Answer::Kind::Unknown:
      return "unknown";
    case Answer::Kind::Number:
      return "number";
  }
  return "?";
}

std::vector<Answer> read_answers_file(const std::string& path, const kb::KnowledgeBase& kb) {
  std::vector<std::string> ids;
  for (const kb::Signal& s : kb.signals) ids.push_back(s.id);
  std::vector<Answer> out;
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw Error({path}, "IN001", "cannot read the answers file");
  } catch (const YAML::Exception& e) {
    throw Error({path, e.mark.line + 1, e.mark.column + 1}, "TR002", "malformed answers: " + e.msg);
  }
  if (root.IsNull()) return out;
  if (!root.IsMap()) throw Error({path, 1, 1}, "TR002", "answers must be a mapping of signal: yes|no|unknown|number");
  for (auto it = root.begin(); it != root.end(); ++it) {
    Location where{path, it->first.Mark().line + 1, it->first.Mark().column + 1};
    std::string id = it->first.Scalar();
    const kb::Signal* s = kb.find_signal(id);
    if (!s) throw Error(where, "TR003", "unknown signal '" + id + "'" + did_you_mean(id, ids));
    try {
      out.push_back(parse_answer(id, it->second.Scalar(), s->type == kb::SignalType::Number));
    } catch (const Error& e) {
      throw Error(where, e.code(), e.what());
    }
  }
  return out;
}

Consultation::Consultation(const kb::KnowledgeBase& kb, evidence::Evidence base, std::map<int, double> text_scores,
                           ScoringOptions scoring, std::map<int, double> priors, TriageOptions options)
    : kb_(kb),
      base_(std::move(base)),
      text_scores_(std::move(text_scores)),
      priors_(std::move(priors)),
      scoring_(scoring),
      options_(options) {
  // Rank every unknown signal; the consultation filters those already asked.
  scoring_.max_questions = 1000;
  rerank();
}

void Consultation::rerank() {
  evidence_ = base_;
  for (const Answer& a : answers_) {
    if (a.kind == Answer::Kind::Unknown) continue;
    evidence::Observation o;
    o.present = a.kind != Answer::Kind::No;
    o.via = evidence::Via::Answer;
    o.count = 1;
    o.source = o.last_source = "answer";
    o.excerpt =
        std::string("answered ") + (a.kind == Answer::Kind::Number ? std::to_string(a.number) : answer_text(a.kind));
    if (a.kind == Answer::Kind::Number) o.value = a.number;
    evidence_.observations[a.signal] = o;
  }
  diagnosis_ = diagnose(kb_, evidence_, text_scores_, scoring_, priors_);
}

std::optional<Question> Consultation::next() const {
  if (static_cast<int>(answers_.size()) >= options_.max_questions) return std::nullopt;
  for (const Question& q : diagnosis_.questions) {
    bool asked = std::any_of(answers_.begin(), answers_.end(), [&](const Answer& a) { return a.signal == q.signal; });
    if (!asked && q.gain >= options_.min_gain) return q;
  }
  return std::nullopt;
}

bool Consultation::settled() const {
  if (!diagnosis_.hypotheses.empty()) {
    const Hypothesis& leader = diagnosis_.hypotheses.front();
    if (leader.score > diagnosis_.threshold && leader.confidence >= options_.settle_confidence) return true;
  }
  return !next().has_value();
}

void Consultation::answer(const Answer& a) {
  answers_.push_back(a);
  rerank();
}

bool Consultation::undo() {
  if (answers_.empty()) return false;
  answers_.pop_back();
  rerank();
  return true;
}

}  // namespace faultline::infer
