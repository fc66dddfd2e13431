#include "infer/evaluation.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "common/error.h"

namespace faultline::infer {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kSearchTextBytes = 64 * 1024;  // per file, for the search baseline

void read_expected(const fs::path& file, IncidentResult& r) {
  try {
    YAML::Node root = YAML::LoadFile(file.string());
    if (!root.IsMap() || !root["case"]) throw Error({file.string()}, "EV001", "expected.yaml needs `case: N`");
    r.expected = root["case"].as<int>();
    if (root["also"])
      for (const auto& n : root["also"]) r.also.push_back(n.as<int>());
  } catch (const YAML::Exception& e) {
    throw Error({file.string(), e.mark.line + 1, e.mark.column + 1}, "EV001", "malformed expected.yaml: " + e.msg);
  }
}

int rank_of(const IncidentResult& r, const std::vector<int>& ids) {
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (ids[i] == r.expected || std::find(r.also.begin(), r.also.end(), ids[i]) != r.also.end())
      return static_cast<int>(i) + 1;
  return 0;
}

std::string incident_text(const fs::path& dir) {
  std::string text;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().filename() == "expected.yaml") continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::string buf(kSearchTextBytes, '\0');
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    buf.resize(static_cast<std::size_t>(in.gcount()));
    text += buf + "\n";
  }
  return text;
}

}  // namespace

EvalReport evaluate_incidents(const Engine& engine, const std::string& dir, std::size_t top) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw Error({dir}, "EV002", "not a folder of incidents");
  std::vector<fs::path> folders;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_directory() && fs::exists(e.path() / "expected.yaml")) folders.push_back(e.path());
  if (folders.empty()) throw Error({dir}, "EV002", "no incident folders (subfolders with expected.yaml)");
  std::sort(folders.begin(), folders.end());

  EvalReport report;
  int top1 = 0, top3 = 0, s1 = 0, s3 = 0;
  for (const fs::path& folder : folders) {
    IncidentResult r;
    r.incident = folder.filename().string();
    read_expected(folder / "expected.yaml", r);
    evidence::GatherOptions in;
    in.inputs.push_back({evidence::InputKind::Auto, folder.string()});
    Run run = engine.run(in);
    for (const Hypothesis* h : run.diagnosis.reported(top)) r.got.push_back(h->c->id);
    r.rank = rank_of(r, r.got);
    std::vector<int> searched;
    for (const store::SearchHit& h : engine.catalogue().search(incident_text(folder), static_cast<int>(top)))
      searched.push_back(h.id);
    r.search_rank = rank_of(r, searched);
    top1 += r.rank == 1;
    top3 += r.rank >= 1 && r.rank <= 3;
    s1 += r.search_rank == 1;
    s3 += r.search_rank >= 1 && r.search_rank <= 3;
    report.incidents.push_back(std::move(r));
  }
  double n = static_cast<double>(folders.size());
  report.top1 = top1 / n;
  report.top3 = top3 / n;
  report.search_top1 = s1 / n;
  report.search_top3 = s3 / n;
  return report;
}

}  // namespace faultline::infer
