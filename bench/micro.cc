// Micro-benchmarks (Google Benchmark) for the hot paths of ../shared/spec/quality.md:
//   BM_ExprEvaluate/N      one metric expression of the knowledge base over ~100 series
//   BM_ExprEvaluateAll     every metric expression of the knowledge base over the same store
//   BM_Inference/0         infer::diagnose for one incident's Evidence (target < 1 ms)
//   BM_Inference/200       the same over the bundled cases repeated to 200 (the target's size)
//   BM_InferenceWithSearch the same plus the full-text (BM25) scores, as Engine::run times it
//   BM_ScanBlock/0         Scanner::scan_block over a 4 MiB block of loghub lines, bundled rules
//   BM_ScanBlock/1         the same with --kb bench/hard_rules layered on top
//   BM_AtomSearch/0,1      the block-wide atom search of scan_block alone (no confirmation)
// The Evidence of BM_Inference is gathered once from data/incidents/010-kafka-consumers-
// exceed-partitions through infer::Engine, on a Catalogue built by open_cached in a temp dir.
//
// Not a benchmark: `faultline_bench --atoms [hard]` prints which prefilter atoms make the
// lines of the loghub block candidates, i.e. where the scanner's confirm time goes.
//
// Paths: FAULTLINE_SOURCE (env) or the source folder built into the binary; FAULTLINE_LOGHUB
// (env) or <source>/../shared/data/loghub. The loghub samples are read in place, never copied.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "evidence/expr.h"
#include "evidence/expr_eval.h"
#include "evidence/gather.h"
#include "evidence/metrics.h"
#include "evidence/scanner.h"
#include "infer/diagnosis.h"
#include "infer/engine.h"
#include "kb/source.h"
#include "store/catalogue.h"

#ifndef FAULTLINE_SOURCE_DIR
#define FAULTLINE_SOURCE_DIR "."
#endif
#ifndef FAULTLINE_LOGHUB_DIR
#define FAULTLINE_LOGHUB_DIR FAULTLINE_SOURCE_DIR "/../shared/data/loghub"
#endif

namespace fs = std::filesystem;
using namespace faultline;

namespace {

std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}
std::string source_dir() { return env_or("FAULTLINE_SOURCE", FAULTLINE_SOURCE_DIR); }
std::string loghub_dir() {
  const char* v = std::getenv("FAULTLINE_LOGHUB");
  if (v && *v) return v;
  if (std::getenv("FAULTLINE_SOURCE")) return source_dir() + "/../shared/data/loghub";
  return FAULTLINE_LOGHUB_DIR;
}

// ---------------------------------------------------------------------------------------
// Shared fixtures, built once on first use.

struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "faultline-bench-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

// One knowledge base (embedded, plus an optional --kb overlay): its catalogue and engine.
struct KbFixture {
  TempDir cache;
  store::Catalogue catalogue;
  infer::Engine engine;
  explicit KbFixture(const std::vector<kb::SourceFile>& overlay)
      : catalogue(store::Catalogue::open_cached(cache.path.string(), overlay)), engine(catalogue) {}
};

KbFixture& bundled() {
  static KbFixture f({});
  return f;
}

KbFixture& with_hard_rules() {
  static KbFixture f(kb::read_directory(source_dir() + "/bench/hard_rules"));
  return f;
}

struct IncidentFixture {
  evidence::Evidence evidence;
  std::map<int, double> text_scores;
  IncidentFixture() {
    evidence::GatherOptions options;
    options.inputs.push_back(
        {evidence::InputKind::Auto, source_dir() + "/data/incidents/010-kafka-consumers-exceed-partitions"});
    evidence = evidence::gather_evidence(bundled().engine.rules(), options);
    text_scores = bundled().engine.text_scores(evidence.prose);
  }
};

IncidentFixture& incident() {
  static IncidentFixture f;
  return f;
}

// A block of whole loghub lines, the 16 samples in turn, cut at the last line end <= bytes.
std::string loghub_block(std::size_t bytes) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(loghub_dir()))
    if (e.path().extension() == ".log") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  if (files.empty()) throw std::runtime_error("no loghub *.log under " + loghub_dir() + " (set FAULTLINE_LOGHUB)");
  std::vector<std::string> texts;
  for (const fs::path& p : files) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string t;
    for (char c : ss.str())
      if (c != '\r') t += c;  // the samples end lines in \r\n; real logs mostly in \n
    if (!t.empty() && t.back() != '\n') t += '\n';
    texts.push_back(std::move(t));
  }
  std::string block;
  block.reserve(bytes + (1 << 20));
  for (std::size_t i = 0; block.size() < bytes; i = (i + 1) % texts.size()) block += texts[i];
  std::size_t cut = block.rfind('\n', bytes - 1);
  block.resize(cut + 1);
  return block;
}

const std::string& scan_block_text() {
  static const std::string block = loghub_block(4u << 20);
  return block;
}

// ---------------------------------------------------------------------------------------
// BM_ExprEvaluate: realistic expressions from kb/signals over a store of ~100 series.

evidence::MetricStore make_store() {
  evidence::MetricStore store;
  auto add = [&](const std::string& name, std::map<std::string, std::string> labels, double t, double v) {
    store.add(name, labels, {t, v}, "bench.prom:1");
  };
  const std::vector<std::string> instances = {"api-0", "api-1", "api-2", "api-3", "api-4", "api-5", "api-6", "api-7"};
  const std::vector<std::string> codes = {"200", "201", "404", "500", "503"};
  for (std::size_t i = 0; i < instances.size(); ++i) {
    for (std::size_t c = 0; c < codes.size(); ++c)  // 40 single-point series
      add("http_requests_total", {{"code", codes[c]}, {"instance", instances[i]}}, 0,
          codes[c][0] == '5' ? 12.0 + i : 5000.0 + 100 * i);
    for (const char* q : {"0.5", "0.9", "0.99"})  // 24
      add("http_request_duration_seconds", {{"quantile", q}, {"instance", instances[i]}}, 0,
          std::strcmp(q, "0.99") == 0 ? 1.4 + 0.1 * i : 0.05);
    for (const char* r : {"hit", "miss"})  // 16
      add("cache_gets_total", {{"result", r}, {"instance", instances[i]}}, 0, r[0] == 'h' ? 9000.0 : 300.0 * (i + 1));
  }
  for (int i = 0; i < 4; ++i) {  // 8
    add("redis_keyspace_hits_total", {{"instance", "redis-" + std::to_string(i)}}, 0, 80000 + 1000 * i);
    add("redis_keyspace_misses_total", {{"instance", "redis-" + std::to_string(i)}}, 0, 30000 + 500 * i);
  }
  // Multi-point series: 120 points each (a CSV over two hours, one a minute).
  for (int i = 0; i < 4; ++i) {  // 4 x 120 points: a step up half way
    std::map<std::string, std::string> l = {{"function_name", "checkout-" + std::to_string(i)}};
    for (int t = 0; t < 120; ++t)
      add("aws_lambda_concurrent_executions_maximum", l, 60.0 * t, t < 60 ? 40 + t % 5 : 380 + t % 7);
  }
  for (int i = 0; i < 4; ++i) {  // 4 x 120 points: a slow ramp
    std::map<std::string, std::string> l = {{"consumergroup", "orders"}, {"partition", std::to_string(i)}};
    for (int t = 0; t < 120; ++t) add("kafka_consumergroup_lag", l, 60.0 * t, 100.0 * t + 7 * i);
  }
  for (int i = 0; i < 4; ++i) {  // 4 x 120
    std::map<std::string, std::string> l = {{"pod", "order-workers-" + std::to_string(i)}};
    for (int t = 0; t < 120; ++t) add("process_uptime_seconds", l, 60.0 * t, 300.0 + 60 * t);
  }
  store.finish();
  return store;
}

const std::vector<std::string> kExpressions = {
    R"(sum(http_requests_total{code=~"5.."}) / sum(http_requests_total) > 1%)",
    R"(max(http_request_duration_seconds{quantile="0.99"}) > 1s)",
    R"(sum(redis_keyspace_misses_total) / (sum(redis_keyspace_hits_total) + sum(redis_keyspace_misses_total)) > 30%)",
    R"(max(cache_gets_total{result="miss"}) > 5 * min(cache_gets_total{result="miss"}))",
    R"(max_over_time(aws_lambda_concurrent_executions_maximum) > 3 * min_over_time(aws_lambda_concurrent_executions_maximum))",
    R"(step_up(aws_lambda_concurrent_executions_maximum))",
    R"(min(process_uptime_seconds) < 900)",
};

const evidence::MetricStore& expr_store() {
  static const evidence::MetricStore store = make_store();
  return store;
}

void BM_ExprEvaluate(benchmark::State& state) {
  const evidence::MetricStore& store = expr_store();
  const std::string& text = kExpressions[static_cast<std::size_t>(state.range(0))];
  std::unique_ptr<evidence::Expr> expr = evidence::parse_expr(text);
  evidence::ExprOutcome out;
  for (auto _ : state) {
    out = evidence::evaluate(*expr, store);
    benchmark::DoNotOptimize(out);
  }
  std::string truth = out.truth ? (*out.truth ? "true" : "false") : "unknown";
  state.SetLabel(truth + ": " + text.substr(0, 60) + " (" + std::to_string(store.size()) + " series)");
}
BENCHMARK(BM_ExprEvaluate)->DenseRange(0, static_cast<int>(kExpressions.size()) - 1);

void BM_ExprEvaluateAll(benchmark::State& state) {
  const evidence::MetricStore& store = expr_store();
  const auto& rules = bundled().engine.rules().metric_rules();
  std::size_t known = 0;
  for (auto _ : state) {
    known = 0;
    for (const auto& r : rules) {
      evidence::ExprOutcome out = evidence::evaluate(*r.expr, store);
      known += out.truth.has_value();
      benchmark::DoNotOptimize(out);
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rules.size()));
  state.SetLabel(std::to_string(rules.size()) + " kb expressions, " + std::to_string(known) + " known");
}
BENCHMARK(BM_ExprEvaluateAll);

// ---------------------------------------------------------------------------------------
// BM_Inference: diagnose one incident, scanning aside.

// The bundled cases, repeated (with new ids and slugs) until there are n: the knowledge base
// of 200 cases that the quality target speaks of, with realistic cases.
kb::KnowledgeBase scaled_kb(const kb::KnowledgeBase& base, std::size_t n) {
  kb::KnowledgeBase k = base;
  for (int copy = 1; k.cases.size() < n; ++copy)
    for (const kb::Case& c : base.cases) {
      if (k.cases.size() >= n) break;
      kb::Case d = c;
      d.id = c.id + 1000 * copy;
      d.slug += "-copy" + std::to_string(copy);
      k.cases.push_back(std::move(d));
    }
  return k;
}

// Arg 0: the bundled knowledge base as it is; Arg N: scaled to N cases.
void BM_Inference(benchmark::State& state) {
  const KbFixture& fixture = bundled();
  const IncidentFixture& inc = incident();
  const kb::KnowledgeBase& base = fixture.engine.knowledge_base();
  const kb::KnowledgeBase kb = state.range(0) == 0 ? base : scaled_kb(base, static_cast<std::size_t>(state.range(0)));
  infer::Diagnosis d;
  for (auto _ : state) {
    d = infer::diagnose(kb, inc.evidence, inc.text_scores);
    benchmark::DoNotOptimize(d);
  }
  std::string top = d.hypotheses.empty() ? "none" : "top case " + std::to_string(d.hypotheses[0].c->id);
  state.SetLabel(top + ", " + std::to_string(kb.cases.size()) + " cases, " +
                 std::to_string(inc.evidence.observations.size()) + " signals observed");
}
BENCHMARK(BM_Inference)->Arg(0)->Arg(200)->Unit(benchmark::kMicrosecond);

void BM_InferenceWithSearch(benchmark::State& state) {
  const KbFixture& kb = bundled();
  const IncidentFixture& inc = incident();
  infer::Diagnosis d;
  for (auto _ : state) {
    std::map<int, double> text = kb.engine.text_scores(inc.evidence.prose);
    d = infer::diagnose(kb.engine.knowledge_base(), inc.evidence, text);
    benchmark::DoNotOptimize(d);
  }
  state.SetLabel("text_scores (FTS5 BM25) + diagnose");
}
BENCHMARK(BM_InferenceWithSearch)->Unit(benchmark::kMicrosecond);

// ---------------------------------------------------------------------------------------
// BM_ScanBlock: the scanner alone over 4 MiB of real log lines.

void BM_ScanBlock(benchmark::State& state) {
  const KbFixture& kb = state.range(0) == 0 ? bundled() : with_hard_rules();
  const evidence::ScanPlan& plan = kb.engine.rules().scan_plan();
  const std::string& block = scan_block_text();
  const std::string file = "loghub.log";
  evidence::ScanStats stats;
  for (auto _ : state) {
    evidence::Scanner scanner(plan);
    scanner.scan_block(block, file, 1);
    stats = scanner.stats();
    benchmark::DoNotOptimize(scanner.observations());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(block.size()));
  state.counters["cand%"] =
      stats.lines ? 100.0 * static_cast<double>(stats.candidate_lines) / static_cast<double>(stats.lines) : 0;
  state.counters["matched"] = static_cast<double>(stats.matched_lines);
  state.SetLabel(std::string(state.range(0) == 0 ? "bundled" : "bundled+hard_rules") + ", " +
                 std::to_string(plan.patterns().size()) + " patterns, " + std::to_string(plan.atoms().size()) +
                 " atoms");
}
BENCHMARK(BM_ScanBlock)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// BM_AtomSearch: the first phase of scan_block alone, rebuilt here as ScanPlan builds it (one
// case-insensitive alternation of every atom, run over the whole block, skipping to the end
// of each hit's line). BM_ScanBlock minus this is the time spent confirming candidate lines.
void BM_AtomSearch(benchmark::State& state) {
  const KbFixture& kb = state.range(0) == 0 ? bundled() : with_hard_rules();
  const evidence::ScanPlan& plan = kb.engine.rules().scan_plan();
  RE2::Options o;
  o.set_log_errors(false);
  o.set_max_mem(256 << 20);
  o.set_case_sensitive(false);
  std::string alternation;
  for (std::size_t i = 0; i < plan.atoms().size(); ++i) alternation += (i ? "|" : "") + RE2::QuoteMeta(plan.atoms()[i]);
  RE2 search(alternation, o);
  const std::string& block = scan_block_text();
  re2::StringPiece text(block.data(), block.size());
  std::size_t hits = 0;
  for (auto _ : state) {
    hits = 0;
    std::size_t pos = 0;
    re2::StringPiece hit;
    while (pos < block.size() && search.Match(text, pos, block.size(), RE2::UNANCHORED, &hit, 1)) {
      std::size_t end = block.find('\n', static_cast<std::size_t>(hit.data() - block.data()));
      pos = end == std::string::npos ? block.size() : end + 1;
      ++hits;
    }
    benchmark::DoNotOptimize(hits);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(block.size()));
  state.counters["cand_lines"] = static_cast<double>(hits);
  state.SetLabel(state.range(0) == 0 ? "bundled" : "bundled+hard_rules");
}
BENCHMARK(BM_AtomSearch)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// ---------------------------------------------------------------------------------------
// --atoms: which atoms make lines candidates.

// For each line of the loghub block: which atoms it holds (case-insensitively, as the scanner's
// block search finds them), and whether FilteredRE2's AND/OR tree over those atoms leaves any
// pattern possible. The scanner confirms every line holding any atom; the tree shows how many
// of those could match at all. The FilteredRE2 here is built like ScanPlan's (same patterns,
// same order, minimum atom length 3), so its atoms are the plan's.
int report_atoms(bool hard) {
  const KbFixture& fixture = hard ? with_hard_rules() : bundled();
  const evidence::ScanPlan& plan = fixture.engine.rules().scan_plan();
  re2::FilteredRE2 filter(3);
  RE2::Options options;
  options.set_log_errors(false);
  for (const kb::Signal& sig : fixture.engine.knowledge_base().signals)
    for (const kb::Rule& rule : sig.logs) {
      int id = -1;
      filter.Add(rule.text, options, &id);
    }
  std::vector<std::string> atoms;
  filter.Compile(&atoms);
  if (atoms != plan.atoms()) std::printf("(warning: the atoms differ from the scan plan's)\n");

  std::string block = scan_block_text();
  std::transform(block.begin(), block.end(), block.begin(), [](unsigned char c) { return std::tolower(c); });
  std::vector<std::string_view> lines;
  for (std::size_t s = 0; s < block.size();) {
    std::size_t e = block.find('\n', s);
    lines.emplace_back(block.data() + s, e - s);
    s = e + 1;
  }
  std::vector<std::size_t> count(atoms.size(), 0), sole(atoms.size(), 0);
  std::size_t candidates = 0, possible = 0;
  std::vector<int> hits, potentials;
  for (std::string_view line : lines) {
    hits.clear();
    for (std::size_t a = 0; a < atoms.size(); ++a)
      if (line.find(atoms[a]) != std::string_view::npos) hits.push_back(static_cast<int>(a));
    if (hits.empty()) continue;
    ++candidates;
    for (int a : hits) ++count[a];
    if (hits.size() == 1) ++sole[hits[0]];
    potentials.clear();
    filter.AllPotentials(hits, &potentials);
    possible += !potentials.empty();
  }
  std::vector<std::size_t> order(atoms.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return count[a] != count[b] ? count[a] > count[b] : atoms[a] < atoms[b];
  });
  auto pct = [&](std::size_t n) { return 100.0 * static_cast<double>(n) / static_cast<double>(lines.size()); };
  std::printf("%s: %zu patterns, %zu atoms, over %zu loghub lines (%zu bytes)\n",
              hard ? "bundled+hard_rules" : "bundled", plan.patterns().size(), atoms.size(), lines.size(),
              block.size());
  std::printf("  lines holding any atom (the scanner's candidates): %zu (%.2f%%)\n", candidates, pct(candidates));
  std::printf("  lines whose atoms satisfy some pattern's AND/OR prefilter: %zu (%.2f%%)\n", possible, pct(possible));
  std::printf("%-30s %10s %8s %12s\n", "atom (quoted)", "lines", "%", "only atom");
  for (std::size_t k = 0; k < std::min<std::size_t>(25, order.size()); ++k) {
    std::size_t a = order[k];
    std::printf("%-30s %10zu %7.2f%% %12zu\n", ("\"" + atoms[a] + "\"").c_str(), count[a], pct(count[a]), sole[a]);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "--atoms") {
    try {
      return report_atoms(argc >= 3 && std::string(argv[2]) == "hard");
    } catch (const std::exception& e) {
      std::cerr << "faultline_bench: " << e.what() << "\n";
      return 2;
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
