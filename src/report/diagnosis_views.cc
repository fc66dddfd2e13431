#include "report/diagnosis_views.h"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace faultline::report {

namespace {

std::string fixed(double x, int digits = 1) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, x);
  return buf;
}

std::string signed_weight(double w) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.1f", w);
  return buf;
}

std::string percent(double p) { return std::to_string(static_cast<int>(std::lround(p * 100))) + "%"; }

std::string bar(double p, int width = 20) {
  int full = static_cast<int>(std::lround(p * width));
  std::string s;
  for (int i = 0; i < width; ++i) s += i < full ? "█" : "░";
  return s;
}

std::string with_commas(std::uint64_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<std::size_t>(i), ",");
  return s;
}

std::string input_line(const evidence::InputSummary& in) {
  std::string s =
      std::to_string(in.files) + (in.files == 1 ? " file, " : " files, ") + with_commas(in.lines) + " lines";
  if (in.metrics) s += ", " + std::to_string(in.metrics) + " metric series";
  return s;
}

Json evidence_json(const infer::Hypothesis& h) {
  Json arr = Json::array();
  for (const infer::Contribution& c : h.contributions) {
    if (c.signal.empty()) continue;
    arr.push_back({{"signal", c.signal}, {"weight", c.weight}, {"source", c.source}, {"excerpt", c.excerpt}});
  }
  return arr;
}

Json verification_json(const DiagnosisView& v, int case_id) {
  if (auto e = v.verification_errors.find(case_id); e != v.verification_errors.end()) return {{"error", e->second}};
  auto it = v.verifications.find(case_id);
  if (it == v.verifications.end()) return nullptr;
  Json checks = Json::array();
  for (const sim::Check& c : it->second.checks)
    checks.push_back(
        {{"output", c.output}, {"phase", c.phase}, {"expect", c.expect}, {"value", c.value}, {"ok", c.ok}});
  Json j{{"reproduced", it->second.reproduced}, {"fixed", it->second.fixed}, {"checks", checks}};
  if (!it->second.bound.empty()) j["bound"] = it->second.bound;
  return j;
}

std::string verification_text(const DiagnosisView& v, int case_id, const Style& s) {
  if (auto e = v.verification_errors.find(case_id); e != v.verification_errors.end())
    return "   " + s.heading("Simulation") + "  " + s.bad("could not run: ") + e->second + "\n";
  auto it = v.verifications.find(case_id);
  if (it == v.verifications.end()) return "";
  const sim::Verification& x = it->second;
  std::string bound;
  for (const auto& [k, val] : x.bound) bound += (bound.empty() ? "" : ", ") + k + "=" + fixed(val, 0);
  std::string out = "   " + s.heading("Simulation") + "  " +
                    (x.reproduced ? s.good("symptom reproduced") : s.bad("symptom not reproduced")) +
                    (bound.empty() ? "" : s.dim(" with your numbers (" + bound + ")")) + "; " +
                    (x.fixed ? s.good("the fix clears it") : s.bad("the fix does not clear it")) + "\n";
  for (const sim::Check& c : x.checks)
    out += "     " + (c.ok ? s.good("✓") : s.bad("✗")) + " " + c.phase + " " + c.output + " = " + fixed(c.value, 2) +
           s.dim(" (expect " + c.expect + ")") + "\n";
  return out;
}

Json hypothesis_json(const infer::Hypothesis& h, bool explain) {
  const kb::Cause& cause = h.c->causes.at(h.cause);
  Json fixes = Json::array();
  for (const kb::Fix& f : cause.fixes) {
    Json fj{{"summary", f.summary}};
    if (!f.commands.empty()) fj["commands"] = f.commands;
    fixes.push_back(std::move(fj));
  }
  Json missing = Json::array();
  for (const infer::MissingEvidence& m : h.missing)
    missing.push_back({{"signal", m.signal}, {"question", m.question}, {"weight", m.weight}});
  Json j{{"rank", h.rank},
         {"case", h.c->id},
         {"slug", h.c->slug},
         {"title", h.c->title},
         {"category", h.c->category},
         {"confidence", h.confidence},
         {"score", h.score},
         {"cause", {{"id", cause.id}, {"summary", cause.summary}}},
         {"evidence", evidence_json(h)},
         {"missing", missing},
         {"fixes", fixes},
         {"verification", nullptr}};
  if (explain) {
    Json trace = Json::array();
    for (const infer::Contribution& c : h.contributions)
      trace.push_back({{"what", c.what}, {"weight", c.weight}, {"rule_at", c.rule_at}, {"source", c.source}});
    j["explain"] = trace;
  }
  return j;
}

std::string evidence_text(const infer::Hypothesis& h, const Style& s) {
  std::ostringstream out;
  for (const infer::Contribution& c : h.contributions) {
    std::string w = signed_weight(c.weight);
    out << "     " << (c.weight >= 0 ? s.good(w) : s.bad(w)) << "  " << s.bold(c.signal.empty() ? c.what : c.signal);
    if (!c.source.empty() && !c.signal.empty()) out << "  " << s.dim(c.source);
    out << "\n";
    if (!c.excerpt.empty()) out << "           " << s.dim("│ ") << c.excerpt << "\n";
  }
  return out.str();
}

}  // namespace

Json diagnosis_json(const DiagnosisView& v) {
  Json results = Json::array();
  for (const infer::Hypothesis* h : v.diagnosis.reported(v.top)) {
    results.push_back(hypothesis_json(*h, v.explain));
    results.back()["verification"] = verification_json(v, h->c->id);
  }
  Json below = Json::array();
  for (const infer::Hypothesis& h : v.diagnosis.hypotheses) {
    if (h.score > v.diagnosis.threshold || below.size() >= 3) continue;
    below.push_back({{"case", h.c->id}, {"slug", h.c->slug}, {"score", h.score}, {"confidence", h.confidence}});
  }
  Json questions = Json::array();
  for (const infer::Question& q : v.diagnosis.questions)
    questions.push_back({{"signal", q.signal},
                         {"question", q.question},
                         {"gain", q.gain},
                         {"check", q.check},
                         {"separates", q.separates}});
  const evidence::InputSummary& in = v.evidence.input;
  Json j{{"results", results},
         {"questions", questions},
         {"input", {{"files", in.files}, {"lines", in.lines}, {"bytes", in.bytes}, {"metrics", in.metrics}}},
         {"elapsed_ms", v.elapsed_ms},
         {"threshold", v.diagnosis.threshold},
         {"none_confidence", v.diagnosis.none_confidence},
         {"below_threshold", below},
         {"warnings", v.evidence.warnings}};
  if (v.explain) {
    Json fired = Json::array();
    for (const auto& [signal, o] : v.evidence.observations)
      fired.push_back({{"signal", signal},
                       {"present", o.present},
                       {"via", evidence::via_name(o.via)},
                       {"count", o.count},
                       {"source", o.source},
                       {"last_source", o.last_source},
                       {"rule", o.rule},
                       {"rule_at", o.rule_at},
                       {"excerpt", o.excerpt}});
    j["observations"] = fired;
  }
  return j;
}

std::string diagnosis_text(const DiagnosisView& v, const Style& s) {
  std::ostringstream out;
  auto reported = v.diagnosis.reported(v.top);
  for (const std::string& w : v.evidence.warnings) out << s.accent("warning: ") << w << "\n";
  if (reported.empty()) {
    out << s.bold("No case stands out.") << " Nothing scores above the reporting threshold ("
        << fixed(v.diagnosis.threshold) << ") on " << input_line(v.evidence.input) << ".\n";
    if (!v.diagnosis.hypotheses.empty()) {
      out << s.dim("Closest:") << "\n";
      for (std::size_t i = 0; i < v.diagnosis.hypotheses.size() && i < 3; ++i) {
        const infer::Hypothesis& h = v.diagnosis.hypotheses[i];
        out << "  " << h.c->id << "  " << h.c->title << s.dim("  (score " + fixed(h.score) + ")") << "\n";
      }
    }
  } else {
    out << s.bold(std::to_string(reported.size()) + (reported.size() == 1 ? " likely cause" : " likely causes"))
        << s.dim(" from " + input_line(v.evidence.input)) << "\n";
  }
  for (const infer::Hypothesis* h : reported) {
    const kb::Cause& cause = h->c->causes.at(h->cause);
    out << "\n"
        << s.bold(std::to_string(h->rank) + ". " + h->c->title) << "  " << s.dim("case " + std::to_string(h->c->id))
        << "\n"
        << "   " << s.accent(bar(h->confidence)) << " " << percent(h->confidence)
        << s.dim("   score " + fixed(h->score) + " · " + h->c->category + " · " + h->c->slug) << "\n"
        << "   " << s.heading("Cause") << "  " << cause.summary << "\n"
        << wrap_text(cause.explanation, "     ") << "   " << s.heading("Evidence") << "\n"
        << evidence_text(*h, s) << "   " << s.heading("Fix") << "\n";
    for (const kb::Fix& f : cause.fixes) {
      out << "     " << s.good("•") << " " << f.summary << "\n";
      for (const std::string& c : f.commands) out << "       " << s.code("$ " + c) << "\n";
    }
    out << verification_text(v, h->c->id, s);
    if (!h->missing.empty()) {
      out << "   " << s.heading("Not yet seen") << "\n";
      for (std::size_t i = 0; i < h->missing.size() && i < 3; ++i)
        out << "     " << s.dim(signed_weight(h->missing[i].weight)) << "  " << h->missing[i].question << "\n";
    }
  }
  if (!v.diagnosis.questions.empty()) {
    out << "\n" << s.heading("Check next") << s.dim("  (what would best tell the leading causes apart)") << "\n";
    for (const infer::Question& q : v.diagnosis.questions) {
      out << "  ? " << q.question << s.dim("  [" + q.signal + "]") << "\n";
      if (!q.check.empty()) out << "      " << s.dim("how: ") << q.check << "\n";
    }
  }
  if (v.explain) {
    out << "\n" << s.heading("Rules that fired") << "\n";
    for (const auto& [signal, o] : v.evidence.observations) {
      out << "  " << (o.present ? s.good("seen  ") : s.bad("absent")) << " " << s.bold(signal)
          << s.dim(" via " + std::string(evidence::via_name(o.via))) << "  " << o.source
          << (o.count > 1 ? s.dim(" (" + std::to_string(o.count) + " lines, last " + o.last_source + ")") : "") << "\n"
          << "         " << s.dim("rule: ") << s.code(o.rule)
          << (o.rule_at.empty() ? "" : s.dim("  (" + o.rule_at + ")")) << "\n";
    }
    for (const infer::Hypothesis* h : reported) {
      out << "  " << s.bold("case " + std::to_string(h->c->id)) << " = " << fixed(h->score, 2) << ":\n";
      for (const infer::Contribution& c : h->contributions)
        out << "     " << signed_weight(c.weight) << "  " << c.what
            << s.dim(c.rule_at.empty() ? "" : "  (" + c.rule_at + ")") << "\n";
    }
  }
  return out.str();
}

std::string diagnosis_markdown(const DiagnosisView& v) {
  std::ostringstream out;
  auto reported = v.diagnosis.reported(v.top);
  out << "## Diagnosis (faultline)\n\n";
  if (reported.empty()) out << "No case scores above the reporting threshold.\n";
  for (const infer::Hypothesis* h : reported) {
    const kb::Cause& cause = h->c->causes.at(h->cause);
    out << "### " << h->rank << ". " << h->c->title << " (case " << h->c->id << ", " << percent(h->confidence)
        << ")\n\n"
        << "**Cause:** " << cause.summary << "\n\n"
        << cause.explanation << "\n\n**Evidence**\n\n";
    for (const infer::Contribution& c : h->contributions) {
      out << "- `" << signed_weight(c.weight) << "` " << (c.signal.empty() ? c.what : "`" + c.signal + "`");
      if (!c.source.empty() && !c.signal.empty()) out << " at `" << c.source << "`";
      out << "\n";
      if (!c.excerpt.empty()) out << "  > " << c.excerpt.substr(0, 200) << "\n";
    }
    out << "\n**Fix**\n\n";
    for (const kb::Fix& f : cause.fixes) {
      out << "- " << f.summary << "\n";
      for (const std::string& c : f.commands) out << "  `" << c << "`\n";
    }
    out << "\n";
  }
  if (!v.diagnosis.questions.empty()) {
    out << "### Check next\n\n";
    for (const infer::Question& q : v.diagnosis.questions) out << "- [ ] " << q.question << "\n";
  }
  return out.str();
}

Json why_not_json(const infer::Hypothesis& h, const infer::Diagnosis& d) {
  Json seen = Json::array(), absent = Json::array(), unknown = Json::array();
  for (const infer::Contribution& c : h.contributions)
    (c.weight >= 0 ? seen : absent)
        .push_back({{"what", c.what},
                    {"signal", c.signal},
                    {"weight", c.weight},
                    {"source", c.source},
                    {"rule_at", c.rule_at}});
  for (const infer::MissingEvidence& m : h.missing)
    unknown.push_back({{"signal", m.signal}, {"question", m.question}, {"would_add", m.weight}});
  int rank = 0;
  for (const infer::Hypothesis& x : d.hypotheses)
    if (x.c == h.c) rank = x.rank;
  return {{"case", h.c->id},
          {"slug", h.c->slug},
          {"score", h.score},
          {"threshold", d.threshold},
          {"rank", rank ? Json(rank) : Json(nullptr)},
          {"leader", d.hypotheses.empty() ? Json(nullptr) : Json(d.hypotheses[0].c->id)},
          {"leader_score", d.hypotheses.empty() ? 0.0 : d.hypotheses[0].score},
          {"seen", seen},
          {"against", absent},
          {"unknown", unknown}};
}

std::string why_not_text(const infer::Hypothesis& h, const infer::Diagnosis& d, const Style& s) {
  std::ostringstream out;
  int rank = 0;
  for (const infer::Hypothesis& x : d.hypotheses)
    if (x.c == h.c) rank = x.rank;
  out << s.heading("Why not case " + std::to_string(h.c->id)) << "  " << h.c->title << "\n"
      << "  score " << fixed(h.score, 2) << " against a reporting threshold of " << fixed(d.threshold, 2);
  if (rank)
    out << "; ranked " << rank << " of " << d.hypotheses.size();
  else
    out << "; no evidence for it at all";
  if (!d.hypotheses.empty() && d.hypotheses[0].c != h.c)
    out << "; the leader, case " << d.hypotheses[0].c->id << ", scores " << fixed(d.hypotheses[0].score, 2);
  out << "\n";
  out << "  " << s.bold("Seen or for it") << "\n";
  for (const infer::Contribution& c : h.contributions)
    if (c.weight >= 0)
      out << "    " << signed_weight(c.weight) << "  " << c.what << (c.source.empty() ? "" : s.dim("  " + c.source))
          << "\n";
  out << "  " << s.bold("Known absent or against it") << "\n";
  for (const infer::Contribution& c : h.contributions)
    if (c.weight < 0) out << "    " << signed_weight(c.weight) << "  " << c.what << "\n";
  out << "  " << s.bold("Unknown (would add if seen)") << "\n";
  for (const infer::MissingEvidence& m : h.missing)
    out << "    " << signed_weight(m.weight) << "  " << m.signal << s.dim("  " + m.question) << "\n";
  return out.str();
}

std::string scan_stats_text(const evidence::Evidence& ev, std::size_t literal_free, std::size_t patterns,
                            std::size_t atoms, std::size_t triggers) {
  const evidence::ScanStats& st = ev.scan;
  double secs = ev.times.scan_ms / 1000.0;
  double mb = static_cast<double>(st.bytes) / 1e6;
  std::ostringstream out;
  out << "scan: " << fixed(mb, 1) << " MB, " << with_commas(st.lines) << " lines in " << fixed(ev.times.scan_ms, 1)
      << " ms"
      << " = " << fixed(secs > 0 ? mb / secs : 0, 0) << " MB/s, " << fixed(secs > 0 ? st.lines / secs / 1e6 : 0, 2)
      << " M lines/s\n"
      << "      candidate lines " << with_commas(st.candidate_lines) << " ("
      << fixed(st.lines ? 100.0 * st.candidate_lines / st.lines : 0, 3) << "%), matched "
      << with_commas(st.matched_lines) << ", cut " << st.truncated_lines << "\n"
      << "      " << patterns << " patterns, " << atoms << " atoms (" << triggers << " searched), " << literal_free
      << " literal-free patterns\n"
      << "phases: read " << fixed(ev.times.read_ms, 1) << " ms, scan " << fixed(ev.times.scan_ms, 1) << " ms, metrics "
      << fixed(ev.times.metrics_ms, 2) << " ms, prose " << fixed(ev.times.prose_ms, 2) << " ms\n";
  return out.str();
}

}  // namespace faultline::report
