// Shared test helpers: temporary folders, writing files, running the built binary, and a
// small valid knowledge base to break in one place at a time.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "kb/source.h"

namespace faultline::test {

namespace fs = std::filesystem;

/// A fresh folder under the system temp dir, removed when the object goes.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "faultline-test-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  std::string str() const { return path_.string(); }
  fs::path operator/(const std::string& rel) const { return path_ / rel; }

 private:
  fs::path path_;
};

inline void write_file(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

inline std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct RunResult {
  int exit_code = -1;
  std::string out, err;
};

/// Runs build/faultline with args (shell-quoted by the caller where needed), stdin from
/// stdin_text, in its own --db folder unless args already name one.
inline RunResult run_faultline(const std::string& args, const std::string& stdin_text = "") {
  static TempDir scratch;
  static int counter = 0;
  std::string id = std::to_string(::getpid()) + "-" + std::to_string(counter++);
  fs::path in = scratch / ("in-" + id), out = scratch / ("out-" + id), err = scratch / ("err-" + id);
  write_file(in, stdin_text);
  std::string db = args.find("--db") == std::string::npos ? " --db " + (scratch / "db" / "history.db").string() : "";
  std::string cmd = std::string("NO_COLOR=1 ") + FAULTLINE_BINARY + db + " " + args + " <" + in.string() + " >" +
                    out.string() + " 2>" + err.string();
  int status = std::system(cmd.c_str());
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

inline int count_lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

/// Runs args with --json and checks the contract for bad input: exit 2, nothing on stdout, one
/// line on stderr that names `names` (the input, the place, the flag).
inline void expect_bad_input(const std::string& args, const std::string& names, const std::string& stdin_text = "");

inline std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

inline void expect_bad_input(const std::string& args, const std::string& names, const std::string& stdin_text) {
  CAPTURE(args);
  RunResult r = run_faultline(args + " --json", stdin_text);
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(count_lines(r.err) == 1);
  CHECK_MESSAGE(r.err.find(names) != std::string::npos, r.err);
}

/// A minimal valid knowledge base: one signal file, one case, its sample marker.
inline std::vector<kb::SourceFile> tiny_kb() {
  return {
      {"kb/signals/queue.yaml", R"(references: [https://example.org/queue-docs]
signals:
  - id: queue.depth_rising
    description: Queue depth keeps rising.
    question: Is the queue depth rising?
    logs: ['queue depth (?P<value>[0-9]+) over limit']
    type: number
    phrases: [queue keeps growing]
    metrics: ['rising(queue_depth)']
  - id: queue.consumer_idle
    description: Consumers sit idle.
    logs: ['consumer \S+ idle for [0-9]+s']
    phrases: [idle consumers]
  - id: queue.slow_acks
    description: Acknowledgements are slow.
    phrases: [acks are slow]
)"},
      {"kb/cases/queues/007-stuck-queue.yaml", R"(id: 7
slug: stuck-queue
title: A stuck queue with idle consumers
category: message-queues
components: [rabbitmq]
tags: [backlog]
scenario: The queue grows while consumers idle.
symptoms:
  - signal: queue.depth_rising
    weight: 1.5
  - signal: queue.consumer_idle
    weight: 3.0
    absent: -1.5
  - signal: queue.slow_acks
    weight: 0.5
causes:
  - id: prefetch-zero
    summary: Prefetch of zero starves consumers.
    explanation: With prefetch 0 the broker pushes nothing.
    evidence: [queue.consumer_idle]
    fixes:
      - summary: Set prefetch to 50
        commands: ['channel.basic_qos(prefetch_count=50)']
      - summary: Add consumers
simulation:
  model: worker_pool
  params: {workers: 1, arrival_rate_per_s: 90, service_time_ms: 10, duration_s: 30}
  expect: {p99_latency_ms: "> 100"}
  fix:
    params: {workers: 4}
    expect: {p99_latency_ms: "< 50"}
related: []
references: ['https://www.rabbitmq.com/docs/consumer-prefetch']
)"},
      {"data/incidents/007-stuck-queue/expected.yaml", "case: 7\n"},
  };
}

}  // namespace faultline::test
