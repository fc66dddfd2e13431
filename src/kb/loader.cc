#include "kb/loader.h"

#include <algorithm>
#include <charconv>
#include <climits>
#include <filesystem>
#include <set>

#include <yaml-cpp/yaml.h>

#include "common/spell.h"

namespace faultline::kb {

namespace {

Location at(const std::string& file, const YAML::Mark& mark) {
  if (mark.is_null()) return {file};
  return {file, mark.line + 1, mark.column + 1};
}

// Reads the fields of one YAML mapping, reporting unknown keys, missing required fields and
// values of the wrong type as findings. Getters return a default when the field is unusable.
class MapReader {
 public:
  MapReader(const YAML::Node& node, const std::string& file, Findings& findings, const std::vector<std::string>& known,
            const std::string& what)
      : node_(node), file_(file), findings_(findings), what_(what) {
    if (!node.IsMap()) {
      error("KB004", at(file, node.Mark()), what + " must be a mapping of keys to values");
      ok_ = false;
      return;
    }
    for (auto it = node.begin(); it != node.end(); ++it) {
      std::string key = it->first.Scalar();
      if (std::find(known.begin(), known.end(), key) == known.end())
        error("KB002", at(file, it->first.Mark()), "unknown key '" + key + "' in " + what + did_you_mean(key, known));
    }
  }

  bool ok() const { return ok_; }
  Location where() const { return at(file_, node_.Mark()); }
  Location where(const char* key) const { return has(key) ? at(file_, node_[key].Mark()) : where(); }
  bool has(const char* key) const { return ok_ && node_[key] && !node_[key].IsNull(); }
  YAML::Node get(const char* key) const { return ok_ ? node_[key] : YAML::Node(); }

  std::string text(const char* key, bool required) {
    if (!has(key)) {
      if (required) missing(key);
      return "";
    }
    YAML::Node n = node_[key];
    if (!n.IsScalar()) {
      error("KB004", at(file_, n.Mark()), std::string("'") + key + "' must be text");
      return "";
    }
    if (required && n.Scalar().empty()) missing(key);
    return n.Scalar();
  }

  std::optional<double> number(const char* key, bool required) {
    if (!has(key)) {
      if (required) missing(key);
      return std::nullopt;
    }
    YAML::Node n = node_[key];
    double v = 0;
    const std::string& s = n.Scalar();
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (!n.IsScalar() || ec != std::errc() || end != s.data() + s.size()) {
      error("KB004", at(file_, n.Mark()), std::string("'") + key + "' must be a number");
      return std::nullopt;
    }
    return v;
  }

  // A whole number that fits an int (case ids); anything else is a finding, never a cast.
  std::optional<int> whole_number(const char* key, bool required) {
    if (!has(key)) {
      if (required) missing(key);
      return std::nullopt;
    }
    YAML::Node n = node_[key];
    const std::string& s = n.Scalar();
    long long v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (!n.IsScalar() || ec != std::errc() || end != s.data() + s.size() || v < INT_MIN || v > INT_MAX) {
      error("KB004", at(file_, n.Mark()), std::string("'") + key + "' must be a whole number");
      return std::nullopt;
    }
    return static_cast<int>(v);
  }

  std::vector<std::string> texts(const char* key, bool required) {
    std::vector<std::string> out;
    for (const YAML::Node& n : sequence(key, required)) {
      if (n.IsScalar())
        out.push_back(n.Scalar());
      else
        error("KB004", at(file_, n.Mark()), std::string("items of '") + key + "' must be text");
    }
    return out;
  }

  std::vector<YAML::Node> sequence(const char* key, bool required) {
    std::vector<YAML::Node> out;
    if (!has(key)) {
      if (required) missing(key);
      return out;
    }
    YAML::Node n = node_[key];
    if (!n.IsSequence()) {
      error("KB004", at(file_, n.Mark()), std::string("'") + key + "' must be a list");
      return out;
    }
    for (const YAML::Node& item : n) out.push_back(item);
    if (required && out.empty()) missing(key);
    return out;
  }

  void error(const std::string& code, Location where, const std::string& message) {
    findings_.push_back({Finding::Severity::Error, code, std::move(where), message});
  }
  void warn(const std::string& code, Location where, const std::string& message) {
    findings_.push_back({Finding::Severity::Warning, code, std::move(where), message});
  }

 private:
  void missing(const char* key) { error("KB003", where(), what_ + " is missing required field '" + key + "'"); }

  YAML::Node node_;
  const std::string& file_;
  Findings& findings_;
  std::string what_;
  bool ok_ = true;
};

nlohmann::ordered_json to_json(const YAML::Node& node) {
  if (node.IsMap()) {
    auto obj = nlohmann::ordered_json::object();
    for (auto it = node.begin(); it != node.end(); ++it) obj[it->first.Scalar()] = to_json(it->second);
    return obj;
  }
  if (node.IsSequence()) {
    auto arr = nlohmann::ordered_json::array();
    for (const YAML::Node& item : node) arr.push_back(to_json(item));
    return arr;
  }
  if (!node.IsScalar()) return nullptr;
  const std::string& s = node.Scalar();
  if (node.Tag() == "!") return s;  // quoted: keep as text
  long long i = 0;
  if (auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), i); ec == std::errc() && p == s.data() + s.size())
    return i;
  double d = 0;
  if (auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d); ec == std::errc() && p == s.data() + s.size())
    return d;
  if (s == "true") return true;
  if (s == "false") return false;
  return s;
}

std::map<std::string, std::string> text_map(MapReader& r, const char* key, const std::string& file) {
  std::map<std::string, std::string> out;
  YAML::Node n = r.get(key);
  if (!n || n.IsNull()) return out;
  if (!n.IsMap()) {
    r.error("KB004", at(file, n.Mark()), std::string("'") + key + "' must be a mapping");
    return out;
  }
  for (auto it = n.begin(); it != n.end(); ++it) {
    if (!it->second.IsScalar())
      r.error("KB004", at(file, it->second.Mark()), "'" + it->first.Scalar() + "' must be text");
    else
      out[it->first.Scalar()] = it->second.Scalar();
  }
  return out;
}

nlohmann::ordered_json params(MapReader& r, const char* key, const std::string& file) {
  YAML::Node n = r.get(key);
  if (!n || n.IsNull()) return nlohmann::ordered_json::object();
  if (!n.IsMap()) {
    r.error("KB004", at(file, n.Mark()), std::string("'") + key + "' must be a mapping");
    return nlohmann::ordered_json::object();
  }
  return to_json(n);
}

std::vector<Rule> rules(MapReader& r, const char* key, const std::string& file) {
  std::vector<Rule> out;
  for (const YAML::Node& n : r.sequence(key, false)) {
    if (n.IsScalar())
      out.push_back({n.Scalar(), at(file, n.Mark())});
    else
      r.error("KB004", at(file, n.Mark()), std::string("items of '") + key + "' must be text");
  }
  return out;
}

const std::vector<std::string> kSignalKeys = {"id",   "description", "question", "check",  "type",
                                              "unit", "logs",        "phrases",  "metrics"};
const std::vector<std::string> kCaseKeys = {"id",         "slug",     "title",     "category", "components",
                                            "tags",       "scenario", "prior",     "symptoms", "causes",
                                            "simulation", "related",  "references"};
const std::vector<std::string> kSymptomKeys = {"signal", "weight", "absent"};
const std::vector<std::string> kCauseKeys = {"id", "summary", "explanation", "evidence", "fixes", "prevention"};
const std::vector<std::string> kFixKeys = {"summary", "detail", "commands"};
const std::vector<std::string> kSimulationKeys = {"model", "params", "bind", "expect", "fix"};
const std::vector<std::string> kSimulationFixKeys = {"params", "expect"};

Signal read_signal(const YAML::Node& node, const std::string& file, Findings& findings) {
  MapReader r(node, file, findings, kSignalKeys, "signal");
  Signal s;
  s.where = r.where();
  if (!r.ok()) return s;
  s.id = r.text("id", true);
  s.description = r.text("description", true);
  s.question = r.text("question", false);
  s.check = r.text("check", false);
  std::string type = r.text("type", false);
  if (type == "number")
    s.type = SignalType::Number;
  else if (!type.empty() && type != "bool")
    r.error("KB013", r.where("type"), "signal type must be 'bool' or 'number', not '" + type + "'");
  s.unit = r.text("unit", false);
  s.logs = rules(r, "logs", file);
  s.phrases = r.texts("phrases", false);
  for (std::string& p : s.phrases)
    std::transform(p.begin(), p.end(), p.begin(), [](unsigned char c) { return std::tolower(c); });
  s.metrics = rules(r, "metrics", file);
  return s;
}

Fix read_fix(const YAML::Node& node, const std::string& file, Findings& findings) {
  MapReader r(node, file, findings, kFixKeys, "fix");
  Fix f;
  if (!r.ok()) return f;
  f.summary = r.text("summary", true);
  f.detail = r.text("detail", false);
  f.commands = r.texts("commands", false);
  return f;
}

Cause read_cause(const YAML::Node& node, const std::string& file, Findings& findings) {
  MapReader r(node, file, findings, kCauseKeys, "cause");
  Cause c;
  c.where = r.where();
  if (!r.ok()) return c;
  c.id = r.text("id", true);
  c.summary = r.text("summary", true);
  c.explanation = r.text("explanation", true);
  c.evidence = r.texts("evidence", false);
  for (const YAML::Node& n : r.sequence("fixes", true)) c.fixes.push_back(read_fix(n, file, findings));
  c.prevention = r.texts("prevention", false);
  return c;
}

Symptom read_symptom(const YAML::Node& node, const std::string& file, Findings& findings) {
  MapReader r(node, file, findings, kSymptomKeys, "symptom");
  Symptom s;
  s.where = r.where();
  if (!r.ok()) return s;
  s.signal = r.text("signal", true);
  s.where = r.where("signal");
  s.weight = r.number("weight", true).value_or(0);
  s.absent = r.number("absent", false);
  return s;
}

std::optional<Simulation> read_simulation(const YAML::Node& node, const std::string& file, Findings& findings) {
  MapReader r(node, file, findings, kSimulationKeys, "simulation");
  if (!r.ok()) return std::nullopt;
  Simulation sim;
  sim.where = r.where();
  sim.model = r.text("model", true);
  sim.params = params(r, "params", file);
  sim.bind = text_map(r, "bind", file);
  sim.expect = text_map(r, "expect", file);
  if (!r.has("expect")) r.error("KB003", r.where(), "simulation is missing required field 'expect'");
  if (r.has("fix")) {
    MapReader fr(r.get("fix"), file, findings, kSimulationFixKeys, "simulation fix");
    if (fr.ok()) {
      sim.fix_params = params(fr, "params", file);
      sim.fix_expect = text_map(fr, "expect", file);
      if (!fr.has("params")) fr.error("KB003", fr.where(), "simulation fix is missing required field 'params'");
      if (!fr.has("expect")) fr.error("KB003", fr.where(), "simulation fix is missing required field 'expect'");
    }
  } else {
    r.error("KB003", r.where(), "simulation is missing required field 'fix'");
  }
  return sim;
}

Case read_case(const YAML::Node& node, const std::string& file, Findings& findings) {
  MapReader r(node, file, findings, kCaseKeys, "case");
  Case c;
  c.where = {file, 1, 1};
  if (!r.ok()) return c;
  c.id = r.whole_number("id", true).value_or(0);
  c.slug = r.text("slug", true);
  c.title = r.text("title", true);
  c.category = r.text("category", true);
  c.components = r.texts("components", true);
  c.tags = r.texts("tags", false);
  c.scenario = r.text("scenario", true);
  c.prior = r.number("prior", false).value_or(0);
  for (const YAML::Node& n : r.sequence("symptoms", true)) c.symptoms.push_back(read_symptom(n, file, findings));
  for (const YAML::Node& n : r.sequence("causes", true)) c.causes.push_back(read_cause(n, file, findings));
  if (r.has("simulation"))
    c.simulation = read_simulation(r.get("simulation"), file, findings);
  else
    r.error("KB003", r.where(), "case is missing required field 'simulation'");
  for (const YAML::Node& n : r.sequence("related", false)) {
    int id = 0;
    const std::string& s = n.Scalar();
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
    if (!n.IsScalar() || ec != std::errc() || p != s.data() + s.size())
      r.error("KB004", at(file, n.Mark()), "items of 'related' must be case numbers");
    else
      c.related.push_back(id);
  }
  c.references = r.texts("references", true);
  return c;
}

void read_signal_file(const YAML::Node& root, const std::string& file, Layer& layer, Findings& findings) {
  MapReader r(root, file, findings, {"signals", "references"}, "signal file");
  layer.signal_file_references[file] = r.texts("references", false);
  if (layer.signal_file_references[file].empty())
    r.warn("KB025", r.where(), "signal file cites no references for its message formats");
  for (const YAML::Node& n : r.sequence("signals", true)) layer.signals.push_back(read_signal(n, file, findings));
}

void read_incident_marker(const YAML::Node& root, const std::string& file, Layer& layer, Findings& findings) {
  MapReader r(root, file, findings, {"case", "also"}, "expected.yaml");
  if (auto id = r.whole_number("case", true)) layer.sampled_cases.push_back(*id);
}

}  // namespace

Layer load_layer(const std::vector<SourceFile>& sources, Findings& findings) {
  Layer layer;
  for (const SourceFile& src : sources) {
    YAML::Node root;
    try {
      root = YAML::Load(src.text);
    } catch (const YAML::Exception& e) {
      findings.push_back({Finding::Severity::Error, "KB001", at(src.path, e.mark), "malformed YAML: " + e.msg});
      continue;
    }
    try {
      if (std::filesystem::path(src.path).filename() == "expected.yaml")
        read_incident_marker(root, src.path, layer, findings);
      else if (root.IsMap() && root["signals"])
        read_signal_file(root, src.path, layer, findings);
      else if (root.IsMap() && root["id"])
        layer.cases.push_back(read_case(root, src.path, findings));
      else
        findings.push_back({Finding::Severity::Error,
                            "KB021",
                            {src.path, 1, 1},
                            "neither a signal file (top-level 'signals:') nor a case file "
                            "(top-level 'id:')"});
    } catch (const YAML::Exception& e) {
      findings.push_back(
          {Finding::Severity::Error, "KB004", at(src.path, e.mark), "unexpected YAML structure: " + e.msg});
    }
  }
  return layer;
}

}  // namespace faultline::kb
