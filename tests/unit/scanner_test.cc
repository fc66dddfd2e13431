// evidence/scanner.h: the fast scanner finds exactly what the naive one finds (RE2's habit:
// every fast path tested against a slow, obviously correct one), on real and generated logs.
#include <doctest/doctest.h>

#include <random>

#include "common/error.h"
#include "evidence/scanner.h"
#include "kb/validate.h"
#include "support.h"

namespace faultline::evidence {
namespace {

namespace fs = std::filesystem;

std::vector<kb::Signal> bundled_signals() {
  static const std::vector<kb::Signal> signals = [] {
    auto loaded = kb::load_knowledge_base(kb::embedded_sources(), {});
    return loaded.kb.signals;
  }();
  return signals;
}

kb::Signal signal(const std::string& id, std::vector<std::string> patterns, bool numeric = false) {
  kb::Signal s;
  s.id = id;
  s.type = numeric ? kb::SignalType::Number : kb::SignalType::Bool;
  for (auto& p : patterns) s.logs.push_back({p, {"test.yaml", 1, 1}});
  return s;
}

void expect_same(const Observations& fast, const Observations& naive, const std::string& what) {
  CAPTURE(what);
  REQUIRE(fast.size() == naive.size());
  for (const auto& [id, n] : naive) {
    CAPTURE(id);
    auto it = fast.find(id);
    REQUIRE(it != fast.end());
    const Observation& f = it->second;
    CHECK(f.count == n.count);
    CHECK(f.source == n.source);
    CHECK(f.last_source == n.last_source);
    CHECK(f.excerpt == n.excerpt);
    CHECK(f.rule == n.rule);
    CHECK(f.value == n.value);
  }
}

// Scans text in blocks of whole lines no larger than block_bytes (the way BlockReader cuts).
template <typename S>
void scan_in_blocks(S& scanner, std::string_view text, const std::string& file, std::size_t block_bytes) {
  std::uint64_t line = 1;
  while (!text.empty()) {
    std::size_t cut = text.size() <= block_bytes ? text.size() : text.rfind('\n', block_bytes);
    cut = cut == std::string_view::npos ? std::min(text.size(), text.find('\n') + 1) : std::min(text.size(), cut + 1);
    std::string_view block = text.substr(0, cut);
    scanner.scan_block(block, file, line);
    line += static_cast<std::uint64_t>(std::count(block.begin(), block.end(), '\n'));
    text.remove_prefix(cut);
  }
}

void compare_on(const ScanPlan& plan, const std::string& text, const std::string& name, std::size_t block = 1 << 20) {
  Scanner fast(plan);
  NaiveScanner naive(plan);
  scan_in_blocks(fast, text, name, block);
  scan_in_blocks(naive, text, name, 1 << 30);
  expect_same(fast.observations(), naive.observations(), name);
}

TEST_CASE("fast and naive scanners agree on every sample and evaluation incident") {
  ScanPlan plan(bundled_signals());
  int files = 0;
  for (const char* dir : {"data/incidents", "data/eval"})
    for (const auto& e : fs::recursive_directory_iterator(fs::path(FAULTLINE_SOURCE_DIR) / dir))
      if (e.is_regular_file() && e.path().filename() != "expected.yaml") {
        compare_on(plan, test::read_file(e.path()), e.path().filename().string());
        ++files;
      }
  CHECK(files > 50);
}

TEST_CASE("fast and naive scanners agree on the real loghub logs, in any block size") {
  ScanPlan plan(bundled_signals());
  fs::path loghub = fs::path(FAULTLINE_SOURCE_DIR) / ".." / "shared" / "data" / "loghub";
  if (!fs::exists(loghub)) return;  // ../shared is beside every checkout and CI clone
  for (const auto& e : fs::directory_iterator(loghub)) {
    if (e.path().extension() != ".log") continue;
    std::string text = test::read_file(e.path());
    compare_on(plan, text, e.path().filename().string());
    compare_on(plan, text, e.path().filename().string(), 4096);
  }
}

// A pattern set of thousands, of every shape: literal-led, `.*`-joined, case-insensitive,
// alternations, numeric captures, and patterns with no literal at all.
std::vector<kb::Signal> generated_signals(std::mt19937& rng, int count, std::vector<std::string>& words) {
  std::vector<kb::Signal> out;
  std::uniform_int_distribution<std::size_t> pick(0, words.size() - 1);
  for (int i = 0; i < count; ++i) {
    std::string a = words[pick(rng)], b = words[pick(rng)];
    std::string p;
    switch (i % 7) {
      case 0:
        p = a + " " + b;
        break;
      case 1:
        p = a + ".*" + b;
        break;
      case 2:
        p = "(?i)" + a + "\\s+" + b;
        break;
      case 3:
        p = "(?:" + a + "|" + b + ") failed";
        break;
      case 4:
        p = a + " took (?P<value>[0-9]+) ms";
        break;
      case 5:
        p = "^[0-9]+ " + a;
        break;
      case 6:
        p = "\\b[0-9]{" + std::to_string(2 + i % 3) + "}\\.[0-9]+\\b";
        break;  // no literal
    }
    out.push_back(signal("gen.s" + std::to_string(i), {p}, i % 7 == 4));
  }
  return out;
}

std::string generated_log(std::mt19937& rng, int lines, const std::vector<std::string>& words) {
  std::uniform_int_distribution<std::size_t> pick(0, words.size() - 1);
  std::uniform_int_distribution<int> len(0, 12), num(0, 99999);
  std::string out;
  for (int i = 0; i < lines; ++i) {
    if (i % 9 == 0) out += std::to_string(num(rng)) + " ";
    int n = len(rng);
    for (int k = 0; k < n; ++k) {
      std::string w = words[pick(rng)];
      if (k % 5 == 3) w[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(w[0])));
      out += w + (k % 4 == 1 ? "  " : " ");
      if (k % 6 == 5) out += "took " + std::to_string(num(rng)) + " ms ";
      if (k % 7 == 6) out += std::to_string(num(rng)) + "." + std::to_string(num(rng)) + " ";
    }
    if (i % 50 == 0) out += "failed";
    out += i % 13 == 0 ? "\r\n" : "\n";
  }
  return out;
}

TEST_CASE("fast and naive scanners agree on generated logs with thousands of patterns") {
  std::vector<std::string> words = {
      "connection", "refused",   "timeout", "kafka",   "consumer", "partition", "rebalance", "pool",   "exhausted",
      "lag",        "retry",     "socket",  "closed",  "broker",   "leader",    "epoch",     "fenced", "offset",
      "commit",     "heartbeat", "session", "expired", "replica",  "sync",      "shard",     "query",  "deadline"};
  for (unsigned seed : {1u, 2u, 3u}) {
    std::mt19937 rng(seed);
    ScanPlan plan(generated_signals(rng, 2000, words));
    CHECK(plan.patterns().size() == 2000);
    CHECK(!plan.literal_free().empty());
    std::string log = generated_log(rng, 3000, words);
    compare_on(plan, log, "gen-" + std::to_string(seed) + ".log", 1 << 20);
    compare_on(plan, log, "gen-" + std::to_string(seed) + ".log", 333);
  }
}

TEST_CASE("two scanners over the halves of each block, merged, find what one scanner finds") {
  ScanPlan plan(bundled_signals());
  fs::path loghub = fs::path(FAULTLINE_SOURCE_DIR) / ".." / "shared" / "data" / "loghub";
  std::string text;
  for (const char* dir : {"data/incidents", "data/eval"})
    for (const auto& e : fs::recursive_directory_iterator(fs::path(FAULTLINE_SOURCE_DIR) / dir))
      if (e.is_regular_file() && e.path().extension() == ".log") text += test::read_file(e.path());
  if (fs::exists(loghub / "OpenStack_2k.log")) text = test::read_file(loghub / "OpenStack_2k.log") + text;
  Scanner whole(plan), first(plan), second(plan);
  whole.scan_block(text, "all.log", 1);
  std::uint64_t line = 1;
  for (std::size_t at = 0; at < text.size();) {
    std::size_t end = std::min(text.size(), text.find('\n', std::min(text.size() - 1, at + 40000)) + 1);
    std::string_view block(text.data() + at, end - at);
    std::size_t cut = block.find('\n', block.size() / 2) + 1;
    std::uint64_t second_line = line + static_cast<std::uint64_t>(std::count(block.begin(), block.begin() + cut, '\n'));
    first.scan_block(block.substr(0, cut), "all.log", line);
    if (cut < block.size()) second.scan_block(block.substr(cut), "all.log", second_line);
    line += static_cast<std::uint64_t>(std::count(block.begin(), block.end(), '\n'));
    at = end;
  }
  first.merge_from(second);
  CHECK(second.observations().empty());
  CHECK(first.stats().lines == whole.stats().lines);
  expect_same(first.observations(), whole.observations(), "split and merged");
}

TEST_CASE("a line is matched on its first max_line_bytes bytes, without its line end") {
  ScanPlan plan({signal("t.tail", {"needle$"}), signal("t.late", {"late marker"})});
  std::string long_line = std::string(100, 'x') + " late marker";
  std::string text = "has a needle\r\n" + long_line + "\n";
  Scanner fast(plan, 64);
  fast.scan_block(text, "f.log", 1);
  CHECK(fast.observations().count("t.tail") == 1);
  CHECK(fast.observations().count("t.late") == 0);  // past the cap
  CHECK(fast.stats().truncated_lines == 1);
  NaiveScanner naive(plan, 64);
  naive.scan_block(text, "f.log", 1);
  expect_same(fast.observations(), naive.observations(), "cap");
}

TEST_CASE("an observation records count, first and last place, excerpt and the largest value") {
  ScanPlan plan({signal("t.init", {"Init Duration: (?P<value>[0-9.]+) ms"}, true)});
  Scanner s(plan);
  s.scan_block("a\nREPORT Init Duration: 812.5 ms\nb\nREPORT Init Duration: 2301.0 ms\nREPORT Init Duration: 90 ms\n",
               "lambda.log", 10);
  const Observation& o = s.observations().at("t.init");
  CHECK(o.count == 3);
  CHECK(o.source == "lambda.log:11");
  CHECK(o.last_source == "lambda.log:14");
  CHECK(o.excerpt == "REPORT Init Duration: 812.5 ms");
  CHECK(o.value == doctest::Approx(2301.0));
  CHECK(s.stats().lines == 5);
  CHECK(s.stats().matched_lines == 3);
}

TEST_CASE("the prefilter skips lines without atoms: candidates are few on unrelated text") {
  ScanPlan plan({signal("t.refused", {"Connection refused"})});
  Scanner s(plan);
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "INFO request served in 12 ms\n";
  // A case-sensitive pattern's atom is searched in the case the pattern spells it.
  text += "ERROR dial tcp: connect: connection refused\n";
  text += "java.net.ConnectException: Connection refused\n";
  s.scan_block(text, "app.log", 1);
  CHECK(s.stats().candidate_lines == 1);
  CHECK(s.observations().at("t.refused").source == "app.log:1002");
}

TEST_CASE("the prefilter misses nothing when a pattern spells its atom in several cases or classes") {
  ScanPlan plan({signal("t.alt", {"(?:Error|error) occurred"}), signal("t.cls", {"[Ww]arning: disk"}),
                 signal("t.ci", {"(?i)TIMEOUT waiting"}), signal("t.status", {"\"(?:GET|POST) [^\"]*\" 5\\d\\d "})});
  std::string text =
      "x Error occurred\ny error occurred\nWarning: disk\nwarning: disk\ntimeout WAITING\n"
      "1.2.3.4 - - \"GET /a HTTP/1.1\" 503 12\n";
  compare_on(plan, text, "mixed.log");
  Scanner s(plan);
  s.scan_block(text, "mixed.log", 1);
  CHECK(s.observations().at("t.alt").count == 2);
  CHECK(s.observations().at("t.cls").count == 2);
  CHECK(s.observations().at("t.ci").count == 1);
  CHECK(s.observations().at("t.status").count == 1);
}

TEST_CASE("a large input retunes the block search to its rare atoms and still finds everything") {
  // Both words are required; "common" is in every line, "rare" in few: after sampling, the
  // search looks for "rare" and the candidates drop to the lines that hold it.
  ScanPlan plan({signal("t.pair", {"common.*rare"})});
  std::string text;
  for (int i = 0; i < 20000; ++i)
    text += i % 1000 == 7 ? "common thing then rare event\n" : "common line number " + std::to_string(i) + "\n";
  Scanner s(plan);
  s.scan_block(text, "big.log", 1);
  CHECK(s.observations().at("t.pair").count == 20);
  CHECK(s.stats().candidate_lines == 20);
  compare_on(plan, text, "big.log");
}

TEST_CASE("a pattern RE2 rejects is an Error naming its place") {
  try {
    ScanPlan plan({signal("t.bad", {"(?<=x)y"})});
    FAIL("expected an Error");
  } catch (const Error& e) {
    CHECK(e.code() == "KB009");
    CHECK(e.where().file == "test.yaml");
  }
}

TEST_CASE("an empty plan scans without error and finds nothing") {
  ScanPlan plan({});
  Scanner s(plan);
  s.scan_block("anything\n", "x.log", 1);
  CHECK(s.observations().empty());
  CHECK(s.stats().lines == 1);
}

}  // namespace
}  // namespace faultline::evidence
