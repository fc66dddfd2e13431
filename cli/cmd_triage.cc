// faultline triage [INPUT...] [--answers FILE]: an interactive consultation.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include <editline/readline.h>

#include "commands.h"
#include "common/error.h"
#include "infer/triage.h"
#include "input_flags.h"

namespace faultline::cli {

namespace {

struct TriageFlags : InputFlags {
  std::string answers_file;
  int top = 5;
  bool verify = false;
};

std::string percent(double p) { return std::to_string(static_cast<int>(p * 100 + 0.5)) + "%"; }

std::string bar(double p, int width = 12) {
  int full = static_cast<int>(p * width + 0.5);
  std::string s;
  for (int i = 0; i < width; ++i) s += i < full ? "█" : "░";
  return s;
}

std::string weight(double w) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%+.1f", w);
  return buf;
}

// Reads one answer line: with line editing on a terminal, plain otherwise. False at end of input.
bool read_line(const std::string& prompt, std::string& line) {
  if (::isatty(STDIN_FILENO)) {
    char* raw = readline(prompt.c_str());
    if (!raw) return false;
    line = raw;
    if (!line.empty()) add_history(raw);
    std::free(raw);
    return true;
  }
  std::cout << prompt << std::flush;
  if (!std::getline(std::cin, line)) return false;
  return true;
}

std::string leaders_text(const infer::Diagnosis& d, const report::Style& s) {
  std::string out = s.heading("Leading now") + "\n";
  if (d.hypotheses.empty()) return out + "  nothing yet: answer a few questions\n";
  for (std::size_t i = 0; i < d.hypotheses.size() && i < 3; ++i) {
    const infer::Hypothesis& h = d.hypotheses[i];
    out += "  " + s.accent(bar(h.confidence)) + " " + percent(h.confidence) + "  case " + std::to_string(h.c->id) +
           "  " + h.c->title + "\n";
  }
  return out;
}

// why: which hypotheses the question separates, and by how much each answer would move them.
std::string why_text(const infer::Question& q, const infer::Diagnosis& d, const kb::KnowledgeBase& kb,
                     const report::Style& s) {
  std::string out = "  This question separates:\n";
  for (int id : q.separates) {
    const kb::Case* c = kb.find_case(id);
    for (const kb::Symptom& sym : c->symptoms)
      if (sym.signal == q.signal)
        out += "    case " + std::to_string(id) + " (" + c->title + "): " + s.good(weight(sym.weight)) + " if yes, " +
               s.bad(weight(sym.absent.value_or(0))) + " if no\n";
  }
  char gain[64];
  std::snprintf(gain, sizeof gain, "%.2f", q.gain);
  out += "  Expected information gain over the leading hypotheses: " + std::string(gain) + " nats";
  if (!d.hypotheses.empty()) out += " (the leader now has " + percent(d.hypotheses.front().confidence) + ")";
  return out + "\n";
}

// how: why the leader leads.
std::string how_text(const infer::Diagnosis& d, const report::Style& s) {
  if (d.hypotheses.empty()) return "  No hypothesis yet.\n";
  const infer::Hypothesis& h = d.hypotheses.front();
  char score[32];
  std::snprintf(score, sizeof score, "%.1f", h.score);
  std::string out = "  Case " + std::to_string(h.c->id) + " leads with score " + score + ":\n";
  for (const infer::Contribution& c : h.contributions)
    out += "    " + (c.weight >= 0 ? s.good(weight(c.weight)) : s.bad(weight(c.weight))) + "  " + c.what +
           (c.source.empty() ? "" : s.dim("  " + c.source)) + "\n";
  return out;
}

nlohmann::ordered_json answers_json(const std::vector<infer::Answer>& answers, const kb::KnowledgeBase& kb) {
  nlohmann::ordered_json arr = nlohmann::ordered_json::array();
  for (const infer::Answer& a : answers) {
    const kb::Signal* s = kb.find_signal(a.signal);
    nlohmann::ordered_json j{
        {"signal", a.signal}, {"question", s ? s->question : ""}, {"answer", infer::answer_text(a.kind)}};
    if (a.kind == infer::Answer::Kind::Number) j["value"] = a.number;
    arr.push_back(std::move(j));
  }
  return arr;
}

// The interactive loop. Returns when settled, on quit, or at the end of input.
void converse(infer::Consultation& consult, const kb::KnowledgeBase& kb, const report::Style& s) {
  int asked = 0;
  while (!consult.settled()) {
    std::cout << "\n" << leaders_text(consult.diagnosis(), s);
    std::optional<infer::Question> q = consult.next();
    if (!q) break;
    const kb::Signal* sig = kb.find_signal(q->signal);
    bool numeric = sig && sig->type == kb::SignalType::Number;
    std::cout << "\n"
              << s.bold("Q" + std::to_string(++asked) + ". " + q->question) << "  " << s.dim("[" + q->signal + "]")
              << "\n";
    if (!q->check.empty()) std::cout << "    " << s.dim("how to check: ") << q->check << "\n";
    std::string choices = numeric
                              ? "a number" + (sig->unit.empty() ? "" : " (" + sig->unit + ")") + ", yes, no, unknown"
                              : "yes, no, unknown";
    for (;;) {
      std::string line;
      if (!read_line("    (" + choices + ", why, how, back, quit) > ", line)) return;
      std::string cmd = line;
      for (char& c : cmd) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      while (!cmd.empty() && std::isspace(static_cast<unsigned char>(cmd.back()))) cmd.pop_back();
      while (!cmd.empty() && std::isspace(static_cast<unsigned char>(cmd.front()))) cmd.erase(cmd.begin());
      if (cmd == "quit" || cmd == "q" || cmd == "exit") return;
      if (cmd == "why") {
        std::cout << why_text(*q, consult.diagnosis(), kb, s);
        continue;
      }
      if (cmd == "how") {
        std::cout << how_text(consult.diagnosis(), s);
        continue;
      }
      if (cmd == "back" || cmd == "b") {
        if (consult.undo()) {
          std::cout << "    " << s.dim("took back the last answer") << "\n";
          asked = std::max(0, asked - 2);
        } else {
          std::cout << "    " << s.dim("nothing to take back") << "\n";
          --asked;
        }
        break;
      }
      try {
        consult.answer(infer::parse_answer(q->signal, line, numeric));
        break;
      } catch (const Error& e) {
        std::cout << "    " << s.accent(e.what()) << "\n";
      }
    }
  }
}

// Scripted: ask in order of gain, answer from the file (unknown when it says nothing), then
// apply whatever else the file knows.
void follow_script(infer::Consultation& consult, const std::vector<infer::Answer>& script) {
  while (!consult.settled()) {
    std::optional<infer::Question> q = consult.next();
    if (!q) break;
    auto it = std::find_if(script.begin(), script.end(), [&](const infer::Answer& a) { return a.signal == q->signal; });
    infer::Answer a = it != script.end() ? *it : infer::Answer{q->signal, infer::Answer::Kind::Unknown, 0};
    consult.answer(a);
  }
  for (const infer::Answer& a : script) {
    const auto& given = consult.answers();
    bool done = std::any_of(given.begin(), given.end(), [&](const infer::Answer& x) { return x.signal == a.signal; });
    if (!done) consult.answer(a);
  }
}

int run_triage(Context& ctx, const TriageFlags& f) {
  if (f.top < 1) throw UsageError("--top must be at least 1");
  store::Catalogue& cat = ctx.catalogue();
  infer::Engine engine(cat);
  const kb::KnowledgeBase& kb = engine.knowledge_base();
  std::vector<infer::Answer> script;
  if (!f.answers_file.empty()) script = infer::read_answers_file(f.answers_file, kb);
  bool interactive = f.answers_file.empty();
  if (interactive && ctx.format() == Format::Json)
    throw UsageError("triage --json needs --answers FILE (the questions are asked on the terminal otherwise)");
  if (interactive && std::find(f.inputs.begin(), f.inputs.end(), "-") != f.inputs.end())
    throw UsageError("interactive triage reads answers from stdin, so input cannot be '-'; save the paste to a file");

  infer::ScoringOptions scoring;
  std::map<int, double> priors = learned_priors(ctx, scoring.learned_prior_cap);
  infer::Run run = engine.run(gather_options(f), scoring, priors);
  infer::Consultation consult(kb, run.evidence, engine.text_scores(run.evidence.prose), scoring, priors);
  report::Style style = ctx.style();
  if (interactive) {
    std::cout << style.bold("faultline triage")
              << style.dim("  answer yes, no or unknown; why, how, back and quit work too") << "\n";
    converse(consult, kb, style);
    std::cout << "\n";
  } else {
    follow_script(consult, script);
  }

  report::DiagnosisView view{
      consult.diagnosis(), consult.evidence(), static_cast<std::size_t>(f.top), run.elapsed_ms, false, {}, {}};
  if (f.verify) verify_leaders(consult.evidence(), consult.diagnosis(), static_cast<std::size_t>(f.top), view);
  report::Json j = report::diagnosis_json(view);
  j["answers"] = answers_json(consult.answers(), kb);
  ctx.emit(j, report::diagnosis_text(view, style), report::diagnosis_markdown(view));
  infer::Run final{consult.evidence(), consult.diagnosis(), run.elapsed_ms, run.infer_ms};
  record_history(ctx, "triage", final, answers_json(consult.answers(), kb));
  return consult.diagnosis().reported(static_cast<std::size_t>(f.top)).empty() ? kExitNothing : kExitOk;
}

}  // namespace

void add_triage_commands(CLI::App& app, Context& ctx, int& exit_code) {
  auto f = std::make_shared<TriageFlags>();
  CLI::App* t = app.add_subcommand(
      "triage", "An interactive consultation: the most informative question first, re-ranking after each answer");
  add_input_flags(t, *f);
  t->add_option("--answers", f->answers_file, "YAML of signal: yes|no|unknown|<number>; answers without a terminal");
  t->add_option("--top", f->top, "Results to show at the end (default 5)");
  t->add_flag("--verify", f->verify, "Simulate the leading hypotheses at the end");
  t->callback([&ctx, &exit_code, f] { exit_code = run_triage(ctx, *f); });
}

}  // namespace faultline::cli
