// evidence/log_line.h: structured (JSON) log lines made readable for the patterns.
#include <doctest/doctest.h>

#include "evidence/gather.h"
#include "evidence/log_line.h"
#include "kb/validate.h"
#include "support.h"

namespace faultline::evidence {
namespace {

TEST_CASE("a logback JSON line puts level, logger, message and the stack trace first, unescaped") {
  std::string line =
      R"({"@timestamp":"2026-11-28T10:02:11.120Z","level":"ERROR","logger_name":"o.a.k.c.c.internals.ConsumerCoordinator",)"
      R"("message":"[Consumer clientId=c-1] Offset commit failed","stack_trace":"org.apache.kafka.clients.consumer.CommitFailedException: \"commit\"\n\tat x"})";
  std::string r = readable_line(line);
  CHECK(r.rfind("ERROR o.a.k.c.c.internals.ConsumerCoordinator: [Consumer clientId=c-1] Offset commit failed", 0) == 0);
  CHECK(r.find("| error: org.apache.kafka.clients.consumer.CommitFailedException: \"commit\" \tat x") !=
        std::string::npos);
  CHECK(r.find("\n") == std::string::npos);
  CHECK(r.size() > line.size());
  CHECK(r.substr(r.size() - line.size()) == line);  // the raw line stays, for raw-JSON patterns
}

TEST_CASE("zap, bunyan/pino, python-json-logger and Kubernetes json-file lines") {
  CHECK(
      readable_line(
          R"({"level":"error","ts":1732788131.1,"caller":"db/pool.go:88","msg":"dial tcp 10.0.0.7:5432: connect: connection refused"})")
          .rfind("error db/pool.go:88: dial tcp 10.0.0.7:5432: connect: connection refused", 0) == 0);
  CHECK(readable_line(
            R"({"name":"api","level":50,"msg":"upstream timed out","err":{"type":"Error","message":"ETIMEDOUT"}})")
            .rfind("50 upstream timed out | error: Error: ETIMEDOUT", 0) == 0);
  CHECK(readable_line(R"({"asctime":"x","levelname":"WARNING","name":"worker","message":"retrying in 5s"})")
            .rfind("WARNING retrying in 5s", 0) == 0);
  CHECK(readable_line(R"({"log":"Readiness probe failed: HTTP probe failed with statuscode: 503\n","stream":"stderr"})")
            .rfind("Readiness probe failed: HTTP probe failed with statuscode: 503 ", 0) == 0);
}

TEST_CASE("lines that are not JSON objects, or hold no known field, come back unchanged") {
  for (const char* line : {"2026-11-28 INFO plain text", R"({"broken": )", R"({"a":1,"b":"c"})", "[1,2,3]", ""})
    CHECK(readable_line(line) == line);
}

TEST_CASE("a JSON-lines log is matched on its messages, with the file's own line numbers") {
  auto sources = test::tiny_kb();
  sources.push_back({"kb/signals/http.yaml", R"(references: [x]
signals:
  - id: web.server_error
    description: 5xx in an access log line
    logs: ['"GET [^"]*" 50[0-9] ']
)"});
  kb::KnowledgeBase base = kb::load_knowledge_base(sources, {}).kb;
  Rules rules(base);
  test::TempDir dir;
  test::write_file(dir / "app.log",
                   "{\"level\":\"info\",\"msg\":\"started\"}\n"
                   "{\"level\":\"info\",\"msg\":\"10.0.0.1 - - \\\"GET /orders HTTP/1.1\\\" 503 12\"}\n");
  GatherOptions options;
  options.inputs.push_back({InputKind::Auto, (dir / "app.log").string()});
  Evidence ev = gather_evidence(rules, options);
  REQUIRE(ev.observations.count("web.server_error"));
  CHECK(ev.observations.at("web.server_error").source == "app.log:2");
  CHECK(ev.observations.at("web.server_error").count == 1);
  CHECK(ev.input.lines == 2);
}

}  // namespace
}  // namespace faultline::evidence
