// End-to-end: the built binary, its exit codes, stdout and stderr (../shared/spec/cli.md).
#include <doctest/doctest.h>

#include <algorithm>

#include "support.h"

namespace faultline::test {
namespace {

TEST_SUITE("e2e") {
  TEST_CASE("--version and --help load nothing and exit 0") {
    RunResult v = run_faultline("--version --db /nonexistent/dir/h.db");
    CHECK(v.exit_code == 0);
    CHECK(v.out.find("faultline ") == 0);
    RunResult h = run_faultline("--help");
    CHECK(h.exit_code == 0);
    CHECK(h.out.find("cases") != std::string::npos);
  }

  TEST_CASE("an unknown command is exit 2 with one line and a suggestion") {
    RunResult r = run_faultline("csaes list");
    CHECK(r.exit_code == 2);
    CHECK(count_lines(r.err) == 1);
    CHECK(r.err.find("did you mean 'cases'") != std::string::npos);
    CHECK(r.out.empty());
  }

  TEST_CASE("the bundled knowledge base lints clean") {
    RunResult r = run_faultline("kb lint");
    CHECK_MESSAGE(r.exit_code == 0, r.out);
    CHECK(r.out.find(" 0 errors, 0 warnings") != std::string::npos);
  }

  TEST_CASE("cases show prints a readable page; --json has the YAML's keys") {
    RunResult r = run_faultline("cases show 10");
    REQUIRE(r.exit_code == 0);
    for (const char* part : {"Case 10", "Scenario", "Symptoms", "kafka.idle_consumers", "Fixes", "References"})
      CHECK_MESSAGE(r.out.find(part) != std::string::npos, part);
    CHECK(r.out.find("\x1b[") == std::string::npos);  // NO_COLOR and not a terminal
    RunResult j = run_faultline("cases show kafka-consumers-exceed-partitions --json");
    REQUIRE(j.exit_code == 0);
    for (const char* key : {"\"id\": 10", "\"slug\"", "\"symptoms\"", "\"causes\"", "\"simulation\"", "\"references\""})
      CHECK_MESSAGE(j.out.find(key) != std::string::npos, key);
    RunResult md = run_faultline("cases show 10 --format markdown");
    CHECK(md.out.rfind("# Case 10:", 0) == 0);
  }

  TEST_CASE("an unknown case is exit 2, one line, nothing on stdout even with --json") {
    expect_bad_input("cases show 999", "999");
    RunResult s = run_faultline("cases show kafka-consumers-exceed-partition");
    CHECK(s.exit_code == 2);
    CHECK(s.err.find("did you mean 'kafka-consumers-exceed-partitions'") != std::string::npos);
  }

  TEST_CASE("cases list filters by category, component and tag") {
    RunResult all = run_faultline("cases list --json");
    REQUIRE(all.exit_code == 0);
    RunResult kafka = run_faultline("cases list --component kafka --json");
    CHECK(kafka.out.find("\"case\": 10") != std::string::npos);
    CHECK(kafka.out.size() < all.out.size());
    RunResult none = run_faultline("cases list --category no-such-category");
    CHECK(none.exit_code == 0);
    CHECK(none.out.find("0 cases") != std::string::npos);
  }

  TEST_CASE("cases search accepts any text") {
    for (const char* q :
         {"\"unbalanced", "NEAR(a b)", "AND OR NOT", "title:kafka", "(((", "*", "'; DROP TABLE cases; --"}) {
      RunResult r = run_faultline("cases search " + quote(q) + " --json");
      CHECK_MESSAGE(r.exit_code == 0, q << ": " << r.err);
      CHECK(r.out.find("\"results\"") != std::string::npos);
    }
  }

  TEST_CASE("kb stats and kb patterns read the catalogue") {
    RunResult st = run_faultline("kb stats --json");
    REQUIRE(st.exit_code == 0);
    for (const char* key : {"\"cases\"", "\"signals\"", "\"log_patterns\"", "\"metric_expressions\"", "\"simulations\"",
                            "\"categories\""})
      CHECK(st.out.find(key) != std::string::npos);
    RunResult p = run_faultline("kb patterns");
    CHECK(p.exit_code == 0);
    CHECK(count_lines(p.out) > 20);
  }

  TEST_CASE("kb build --out writes a catalogue file") {
    TempDir dir;
    RunResult r = run_faultline("kb build --out " + (dir / "cat.db").string());
    CHECK(r.exit_code == 0);
    CHECK(std::filesystem::file_size(dir / "cat.db") > 10000);
  }

  // A team folder with one error of every kind the linter knows.
  void write_broken_kb(const TempDir& dir) {
    write_file(dir / "signals/team.yaml", R"(references: [https://example.org]
signals:
  - id: team.queue_stuck
    description: The queue is stuck.
    colour: red
    logs: ['stuck (?<=queue)']
    metrics: ['rising(queue_depth']
  - id: team.queue_stuck
    description: duplicate
    phrases: [stuck]
  - id: team.empty_signal
    description: nothing to see it by
  - id: team.count
    type: number
    description: a number without a value group
    logs: ['count [0-9]+ reached']
)");
    write_file(dir / "cases/300-stuck.yaml", R"(id: 300
slug: stuck
title: Stuck
category: message-queues
components: [rabbitmq]
scenario: Stuck.
symptoms:
  - signal: team.queue_stuk
    weight: 2
causes:
  - id: c
    summary: s
    explanation: e
    fixes: [{summary: f}]
simulation: {model: worker_pool, params: {workerz: 1}, expect: {p99: "about 5"}, fix: {params: {}, expect: {}}}
related: [999]
references: [x]
)");
    write_file(dir / "cases/301-stuck.yaml", "id: 301\nslug: stuck\ntitle: [unclosed\n");
    write_file(dir / "cases/302-no-title.yaml", R"(id: 302
slug: no-title
category: c
components: [x]
scenario: s
symptoms: [{signal: net.timeout, weight: 1}]
causes: [{id: c, summary: s, explanation: e, fixes: [{summary: f}]}]
simulation: {model: m, params: {}, expect: {}, fix: {params: {}, expect: {}}}
references: [x]
)");
  }

  TEST_CASE("kb lint reports each kind of error in a broken --kb folder with file:line:column, exit 1") {
    TempDir dir;
    write_broken_kb(dir);
    RunResult r = run_faultline("--kb " + dir.str() + " kb lint");
    CHECK(r.exit_code == 1);
    for (const char* code : {"KB001", "KB002", "KB003", "KB005", "KB008", "KB009", "KB010", "KB011", "KB012", "KB017",
                             "KB019", "KB030", "KB031", "KB032", "KB033"}) {
      CAPTURE(code);
      auto pos = r.out.find(std::string("error ") + code);
      REQUIRE(pos != std::string::npos);
      auto line_start = r.out.rfind('\n', pos) + 1;
      std::string where = r.out.substr(line_start, pos - line_start);
      CHECK_MESSAGE(where.find(dir.str()) == 0, where);
      CHECK_MESSAGE(std::count(where.begin(), where.end(), ':') >= 3, where);  // file:line:col:
    }
    CHECK(r.out.find("did you mean 'team.queue_stuck'") != std::string::npos);
  }

  TEST_CASE("every other command refuses a broken --kb folder: one line, exit 2") {
    TempDir dir;
    write_broken_kb(dir);
    for (const char* cmd :
         {"cases list", "cases show 10", "cases search kafka", "kb stats", "kb patterns", "kb build"}) {
      expect_bad_input("--kb " + dir.str() + " " + cmd, dir.str());
    }
    RunResult missing = run_faultline("--kb " + (dir / "nope").string() + " cases list");
    CHECK(missing.exit_code == 2);
    CHECK(missing.err.find("does not exist") != std::string::npos);
  }

  TEST_CASE("a valid --kb folder layers a team's case on top") {
    TempDir dir;
    write_file(dir / "signals/team.yaml", R"(references: [https://example.org]
signals:
  - id: team.batch_stalled
    description: The nightly batch stalls.
    logs: ['BatchRunner: stalled at step (?P<step>\w+)']
    phrases: [batch stalled]
)");
    write_file(dir / "cases/900-nightly-batch-stall.yaml", R"(id: 900
slug: nightly-batch-stall
title: The nightly batch stalls on a lock
category: data-pipeline
components: [postgres]
scenario: The nightly batch stalls waiting for a table lock held by a report.
symptoms:
  - {signal: team.batch_stalled, weight: 3}
  - {signal: net.timeout, weight: 0.5}
  - {signal: latency.tail_high, weight: 0.5}
causes:
  - id: report-lock
    summary: A long report holds a lock the batch needs.
    explanation: The report's transaction holds an ACCESS SHARE lock for hours.
    evidence: [team.batch_stalled]
    fixes:
      - summary: Set lock_timeout on the batch
      - summary: Move reports to a replica
simulation: {model: worker_pool, params: {workers: 1}, expect: {p99_latency_ms: "> 1000"}, fix: {params: {workers: 2}, expect: {p99_latency_ms: "< 100"}}}
references: [https://www.postgresql.org/docs/current/explicit-locking.html]
)");
    write_file(dir / "incidents/900-nightly-batch-stall/expected.yaml", "case: 900\n");
    RunResult lint = run_faultline("--kb " + dir.str() + " kb lint");
    CHECK_MESSAGE(lint.exit_code == 0, lint.out);
    RunResult show = run_faultline("--kb " + dir.str() + " cases show nightly-batch-stall");
    CHECK(show.exit_code == 0);
    CHECK(show.out.find("The nightly batch stalls on a lock") != std::string::npos);
    RunResult search =
        run_faultline("--kb " + dir.str() + " cases search " + quote("batch stalled on a lock") + " --json");
    CHECK(search.out.find("\"case\": 900") != std::string::npos);
  }

}  // TEST_SUITE
}  // namespace
}  // namespace faultline::test
