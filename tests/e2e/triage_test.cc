// End-to-end: triage scripted and in a real terminal (tmux), and the history across runs.
#include <doctest/doctest.h>

#include <chrono>
#include <regex>
#include <set>
#include <thread>

#include "kb/validate.h"
#include "support.h"

namespace faultline::test {
namespace {

const std::string kSource = FAULTLINE_SOURCE_DIR;

kb::KnowledgeBase bundled() { return kb::load_knowledge_base(kb::embedded_sources(), {}).kb; }

int first_case(const std::string& json) {
  std::smatch m;
  if (!std::regex_search(json, m, std::regex("\"case\": (\\d+)"))) return 0;
  return std::stoi(m[1]);
}

std::string shell(const std::string& cmd) {
  TempDir dir;
  std::string out = (dir / "out").string();
  std::system((cmd + " >" + out + " 2>&1").c_str());
  return read_file(out);
}

TEST_SUITE("e2e") {
  TEST_CASE("answering yes to exactly a case's symptoms ranks that case first, for every case") {
    TempDir dir;
    kb::KnowledgeBase base = bundled();
    for (const kb::Case& c : base.cases) {
      std::string answers;
      for (const kb::Symptom& s : c.symptoms) answers += s.signal + ": yes\n";
      write_file(dir / "answers.yaml", answers);
      RunResult r = run_faultline("triage --answers " + (dir / "answers.yaml").string() + " --json");
      CAPTURE(c.id);
      CHECK(r.exit_code == 0);
      CHECK(first_case(r.out) == c.id);
      CHECK(r.out.find("\"answers\"") != std::string::npos);
    }
  }

  TEST_CASE("an input that names only a component yields questions") {
    RunResult r = run_faultline("diagnose --fact component=kafka --json");
    CHECK(r.exit_code == 1);  // nothing above the threshold yet
    CHECK(r.out.find("\"questions\": [\n    {") != std::string::npos);
    CHECK(r.out.find("\"signal\": \"kafka.") != std::string::npos);
  }

  TEST_CASE("triage --answers rejects an unknown signal with a suggestion, exit 2") {
    TempDir dir;
    write_file(dir / "a.yaml", "kafka.idle_consumer: yes\n");
    RunResult r = run_faultline("triage --answers " + (dir / "a.yaml").string() + " --json");
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find("a.yaml:1:1") != std::string::npos);
    CHECK(r.err.find("did you mean 'kafka.idle_consumers'") != std::string::npos);
  }

  TEST_CASE("twenty concurrent diagnose runs against one database leave twenty history records") {
    TempDir dir;
    std::string db = (dir / "h.db").string();
    std::string cmd = "for i in $(seq 20); do NO_COLOR=1 " + std::string(FAULTLINE_BINARY) + " --db " + db +
                      " -q diagnose " + kSource +
                      "/data/incidents/161-rabbitmq-throughput-cliff >/dev/null 2>&1 & done; wait";
    CHECK(std::system(cmd.c_str()) == 0);
    RunResult list = run_faultline("--db " + db + " history list --limit 100 --json");
    CHECK(std::count(list.out.begin(), list.out.end(), '{') == 21);  // the wrapper and 20 records
  }

  TEST_CASE("history list, show and confirm; a confirmed cause shows in --explain") {
    TempDir dir;
    std::string db = "--db " + (dir / "h.db").string();
    std::string incident = kSource + "/data/incidents/010-kafka-consumers-exceed-partitions";
    CHECK(run_faultline(db + " diagnose " + incident).exit_code == 0);
    RunResult show = run_faultline(db + " history show 1 --json");
    CHECK(show.out.find("\"top_case\": 10") != std::string::npos);
    CHECK(show.out.find("\"input_digest\"") != std::string::npos);
    CHECK(run_faultline(db + " history confirm 1 kafka-consumers-exceed-partitions").exit_code == 0);
    CHECK(run_faultline(db + " history list --json").out.find("\"confirmed_case\": 10") != std::string::npos);
    CHECK(run_faultline(db + " diagnose --explain " + incident).out.find("confirmed in this team's history") !=
          std::string::npos);
    CHECK(run_faultline(db + " history confirm 99 10").exit_code == 2);
    CHECK(run_faultline(db + " history confirm 1 99999").exit_code == 2);
    CHECK(run_faultline(db + " history show x").exit_code == 2);
  }

  TEST_CASE("a history that cannot be written gives a warning and the diagnosis still prints") {
    TempDir dir;
    write_file(dir / "not-a-folder", "x");
    RunResult r = run_faultline("--db " + (dir / "not-a-folder" / "h.db").string() + " diagnose " + kSource +
                                "/data/incidents/010-kafka-consumers-exceed-partitions");
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("case 10") != std::string::npos);
    CHECK(r.err.find("warning: history not recorded") != std::string::npos);
  }

  // Drives an interactive triage in tmux: answers yes to the target case's signals and no to
  // the others, and uses why, how and back at the first question.
  int triage_in_terminal(const kb::Case& target, const std::string& args, const TempDir& dir) {
    std::string session = "faultline-test-" + std::to_string(::getpid()) + "-" + std::to_string(target.id);
    std::string cmd = "NO_COLOR=1 " + std::string(FAULTLINE_BINARY) + " --db " + (dir / "h.db").string() + " triage " +
                      args + "; echo TRIAGE-DONE; sleep 60";
    shell("tmux new-session -d -s " + session + " -x 250 -y 80 " + quote(cmd));
    std::set<std::string> yes;
    for (const kb::Symptom& s : target.symptoms) yes.insert(s.signal);
    std::vector<std::string> script = {"why", "how", "", "back", ""};  // "" means: the answer
    std::size_t step = 0;
    int answered = 0;
    std::string pane;
    const std::regex question("Q\\d+\\. .*\\[([a-z0-9_.]+)\\]");
    for (int i = 0; i < 400 && pane.find("TRIAGE-DONE") == std::string::npos; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      pane = shell("tmux capture-pane -p -J -t " + session + " -S -2000");
      std::string trimmed = pane.substr(0, pane.find_last_not_of(" \n") + 1);
      if (trimmed.size() < 2 || trimmed.substr(trimmed.size() - 1) != ">") continue;
      std::string signal;
      for (auto it = std::sregex_iterator(pane.begin(), pane.end(), question); it != std::sregex_iterator(); ++it)
        signal = (*it)[1];
      std::string keys =
          step < script.size() && !script[step].empty() ? script[step] : (yes.count(signal) ? "yes" : "no");
      ++step;
      if (keys == "yes" || keys == "no") ++answered;
      shell("tmux send-keys -t " + session + " " + quote(keys) + " Enter");
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    shell("tmux kill-session -t " + session);
    CHECK_MESSAGE(pane.find("This question separates") != std::string::npos, pane);
    CHECK(pane.find("leads with score") != std::string::npos);
    CHECK(pane.find("took back the last answer") != std::string::npos);
    CHECK(answered >= 2);
    std::smatch m;
    std::string report = pane.substr(pane.rfind("likely cause") == std::string::npos ? 0 : pane.rfind("likely cause"));
    if (!std::regex_search(report, m, std::regex("1\\. .*  case (\\d+)"))) return 0;
    return std::stoi(m[1]);
  }

  TEST_CASE("a triage session in a real terminal reaches the right case, for five cases from five sections") {
    if (std::system("command -v tmux >/dev/null 2>&1") != 0) {
      FAIL("tmux is not installed (scripts/setup installs it)");
    }
    TempDir dir;
    kb::KnowledgeBase base = bundled();
    const std::pair<int, const char*> sessions[] = {{10, "--fact component=kafka"},
                                                    {161, "--fact component=rabbitmq"},
                                                    {1, "--fact component=kubernetes"},
                                                    {51, "--fact component=postgres"},
                                                    {16, "--fact component=aws-lambda"}};
    for (const auto& [id, args] : sessions) {
      CAPTURE(id);
      CHECK(triage_in_terminal(*base.find_case(id), args, dir) == id);
    }
  }

}  // TEST_SUITE
}  // namespace
}  // namespace faultline::test
