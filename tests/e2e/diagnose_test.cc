// End-to-end: diagnose, eval and cases search on the bundled knowledge base, and every bad
// input of ../shared/spec/quality.md (exit 2, one line on stderr naming the input, nothing on
// stdout with --json).
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "support.h"

namespace faultline::test {
namespace {

const std::string kSource = FAULTLINE_SOURCE_DIR;

TEST_SUITE("e2e") {
  TEST_CASE("each case is found in the top 3 by a sentence a user would type") {
    std::ifstream in(kSource + "/tests/data/search_sentences.tsv");
    int checked = 0;
    for (std::string line; std::getline(in, line);) {
      if (line.empty() || line[0] == '#') continue;
      auto tab = line.find('\t');
      std::string id = line.substr(0, tab), query = line.substr(tab + 1);
      RunResult r = run_faultline("cases search " + quote(query) + " --limit 3 --json");
      CAPTURE(query);
      REQUIRE(r.exit_code == 0);
      CHECK_MESSAGE(r.out.find("\"case\": " + id + ",") != std::string::npos, r.out);
      ++checked;
    }
    CHECK(checked >= 26);
  }

  TEST_CASE("every sample incident ranks its own case first") {
    RunResult r = run_faultline("eval " + kSource + "/data/incidents --min-top1 1.0");
    CHECK_MESSAGE(r.exit_code == 0, r.out);
  }

  TEST_CASE("the blind evaluation set meets the accuracy bar and beats plain search") {
    RunResult r = run_faultline("eval " + kSource + "/data/eval --min-top1 0.75 --min-top3 0.90 --json");
    CHECK_MESSAGE(r.exit_code == 0, r.out);
    auto value = [&](const std::string& key) {
      auto p = r.out.find("\"" + key + "\": ");
      return std::stod(r.out.substr(p + key.size() + 4));
    };
    CHECK(value("top3") >= value("search_top3"));
  }

  TEST_CASE("a diagnosis in JSON has the contract's keys and the right case first") {
    RunResult r = run_faultline("diagnose " + kSource + "/data/incidents/010-kafka-consumers-exceed-partitions --json");
    REQUIRE(r.exit_code == 0);
    for (const char* key :
         {"\"results\"", "\"rank\": 1", "\"case\": 10", "\"confidence\"", "\"score\"", "\"cause\"", "\"evidence\"",
          "\"source\"", "\"excerpt\"", "\"missing\"", "\"fixes\"", "\"verification\": null", "\"questions\"",
          "\"input\"", "\"files\"", "\"lines\"", "\"bytes\"", "\"metrics\"", "\"elapsed_ms\""})
      CHECK_MESSAGE(r.out.find(key) != std::string::npos, key);
  }

  TEST_CASE("text output quotes evidence with file:line; --explain names the rules' places") {
    RunResult r =
        run_faultline("diagnose --explain " + kSource + "/data/incidents/010-kafka-consumers-exceed-partitions");
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("1. ") != std::string::npos);
    CHECK(r.out.find(".log:") != std::string::npos);
    CHECK(r.out.find("Rules that fired") != std::string::npos);
    CHECK(r.out.find("kb/signals/kafka.yaml:") != std::string::npos);
    CHECK(r.out.find("kb/cases/event-driven/010-kafka-consumers-exceed-partitions.yaml:") != std::string::npos);
  }

  TEST_CASE("--why-not explains a case's rank; an unknown case is exit 2") {
    RunResult r =
        run_faultline("diagnose " + kSource + "/data/incidents/010-kafka-consumers-exceed-partitions --why-not 161");
    CHECK(r.out.find("Why not case 161") != std::string::npos);
    CHECK(r.out.find("Unknown (would add if seen)") != std::string::npos);
    expect_bad_input("diagnose --describe x --why-not 9999", "9999");
  }

  TEST_CASE("a paste on stdin mixing log lines, a scrape and prose is read part by part") {
    std::string paste =
        "We scaled the orders consumers from 10 to 15 pods and throughput did not move at all.\n"
        "2026-11-28 10:02:11.120 INFO [Consumer clientId=orders-14, groupId=orders] Notifying assignor about the new "
        "Assignment(partitions=[])\n"
        "# TYPE kafka_consumergroup_lag gauge\n"
        "kafka_consumergroup_lag{consumergroup=\"orders\",partition=\"3\",topic=\"orders\"} 182000\n";
    RunResult r = run_faultline("diagnose - --json", paste);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("\"case\": 10") < r.out.find("\"case\": 6"));
    CHECK(r.out.find("\"metrics\": 1") != std::string::npos);
  }

  TEST_CASE("unrelated input gives nothing above the threshold: exit 1") {
    CHECK(
        run_faultline("diagnose -", "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\n")
            .exit_code == 1);
    TempDir dir;
    write_file(dir / "empty.log", "");
    RunResult empty = run_faultline("diagnose " + (dir / "empty.log").string());
    CHECK(empty.exit_code == 1);
    CHECK(empty.out.find("the input is empty") != std::string::npos);
  }

  TEST_CASE("the real loghub logs of healthy or unrelated systems diagnose with exit 1") {
    std::string loghub = kSource + "/../shared/data/loghub";
    if (!std::filesystem::exists(loghub)) return;
    for (const auto& e : std::filesystem::directory_iterator(loghub)) {
      if (e.path().extension() != ".log") continue;
      CAPTURE(e.path().filename().string());
      CHECK(run_faultline("diagnose " + e.path().string()).exit_code == 1);
    }
  }

  TEST_CASE("bad inputs: exit 2 with one line naming the input") {
    TempDir dir;
    expect_bad_input("diagnose /no/such/file.log", "/no/such/file.log");
    expect_bad_input("diagnose --log /no/such/file.log", "/no/such/file.log");
    std::filesystem::create_directories(dir / "empty-folder");
    expect_bad_input("diagnose " + (dir / "empty-folder").string(), "empty-folder");
    expect_bad_input("diagnose /dev/null/x", "/dev/null/x");
    expect_bad_input("diagnose --metric lag=lots", "lots");
    expect_bad_input("diagnose --metric =5", "--metric");
    expect_bad_input("diagnose --fact component", "--fact");
    expect_bad_input("diagnose", "nothing to diagnose");
    expect_bad_input("diagnose --describe x --top 0", "--top");
    write_file(dir / "s.csv", "when,what\n1,2\n");
    expect_bad_input("diagnose --series " + (dir / "s.csv").string(), "s.csv:1:1");
    write_file(dir / "facts.yaml", "component: [kafka\n");
    expect_bad_input("diagnose " + (dir / "facts.yaml").string(), "facts.yaml:");
    expect_bad_input("eval /no/such/dir", "/no/such/dir");
    expect_bad_input("eval " + (dir / "empty-folder").string(), "no incident folders");
  }

  TEST_CASE("skipped input is read sensibly with a warning: binary, NUL bytes, malformed metric lines, huge lines") {
    TempDir dir;
    std::string binary(4096, '\0');
    for (std::size_t i = 0; i < binary.size(); i += 7) binary[i] = static_cast<char>(i);
    write_file(dir / "core.dump", binary);
    RunResult b = run_faultline("diagnose " + (dir / "core.dump").string());
    CHECK(b.exit_code == 1);
    CHECK(b.out.find("looks binary, skipped") != std::string::npos);

    std::string text;
    for (int i = 0; i < 100; ++i)
      text += "2026-11-28 10:00:0" + std::to_string(i % 10) + " INFO served GET /health in 2 ms\n";
    write_file(dir / "nul.log", text + std::string("\0\0", 2) + "x\n\xff\xfe invalid utf-8 Connection refused\n");
    RunResult n = run_faultline("diagnose --json " + (dir / "nul.log").string());
    CHECK(n.exit_code == 1);
    CHECK(n.err.find("NUL bytes") != std::string::npos);

    write_file(dir / "metrics.prom", "up 1\nthis is { not a metric\nkafka_consumergroup_lag{topic=\"a\"} 5\n");
    RunResult m = run_faultline("diagnose --json --metrics " + (dir / "metrics.prom").string());
    CHECK(m.err.find("metrics.prom:2: skipped malformed Prometheus line") != std::string::npos);
    CHECK(m.out.find("\"metrics\": 2") != std::string::npos);

    {
      std::ofstream big(dir / "one-line.log", std::ios::binary);
      std::string chunk(1 << 20, 'a');
      for (int i = 0; i < 50; ++i) big << chunk;
      big << " Connection refused\nnext line\n";
    }
    RunResult h = run_faultline("diagnose --json " + (dir / "one-line.log").string());
    CHECK(h.exit_code == 1);
    CHECK(h.err.find("very long lines were cut") != std::string::npos);
    CHECK(h.out.find("\"lines\": 2") != std::string::npos);
  }

}  // TEST_SUITE
}  // namespace
}  // namespace faultline::test
