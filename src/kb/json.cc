#include "kb/json.h"

namespace faultline::kb {

namespace {

std::string where_text(const Location& l) { return l.str(); }

Location where_from(const Json& j) {
  if (!j.contains("at")) return {};
  std::string s = j["at"].get<std::string>();
  Location l;
  // "file:line:col" with file possibly holding ':'; take numbers from the right.
  auto take_number = [&s](int& out) {
    auto colon = s.rfind(':');
    if (colon == std::string::npos) return false;
    std::string tail = s.substr(colon + 1);
    if (tail.empty() || tail.find_first_not_of("0123456789") != std::string::npos) return false;
    out = std::stoi(tail);
    s.resize(colon);
    return true;
  };
  int a = 0, b = 0;
  if (take_number(a)) {
    if (take_number(b)) {
      l.line = b;
      l.column = a;
    } else {
      l.line = a;
    }
  }
  l.file = s;
  return l;
}

Json rules_json(const std::vector<Rule>& rules) {
  Json arr = Json::array();
  for (const Rule& r : rules) arr.push_back(r.text);
  return arr;
}

Json rule_lines(const std::vector<Rule>& rules) {
  Json arr = Json::array();
  for (const Rule& r : rules) arr.push_back(where_text(r.where));
  return arr;
}

std::vector<Rule> rules_from(const Json& texts, const Json& places) {
  std::vector<Rule> out;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    Rule r{texts[i].get<std::string>(), {}};
    if (i < places.size()) r.where = where_from(Json{{"at", places[i]}});
    out.push_back(std::move(r));
  }
  return out;
}

template <typename T>
T get_or(const Json& j, const char* key, T fallback) {
  return j.contains(key) && !j[key].is_null() ? j[key].get<T>() : fallback;
}

}  // namespace

Json to_json(const Signal& s) {
  Json j;
  j["id"] = s.id;
  j["description"] = s.description;
  if (!s.question.empty()) j["question"] = s.question;
  if (!s.check.empty()) j["check"] = s.check;
  j["type"] = s.type == SignalType::Number ? "number" : "bool";
  if (!s.unit.empty()) j["unit"] = s.unit;
  j["logs"] = rules_json(s.logs);
  j["phrases"] = s.phrases;
  j["metrics"] = rules_json(s.metrics);
  j["at"] = where_text(s.where);
  j["logs_at"] = rule_lines(s.logs);
  j["metrics_at"] = rule_lines(s.metrics);
  return j;
}

Signal signal_from_json(const Json& j) {
  Signal s;
  s.id = j.at("id").get<std::string>();
  s.description = j.at("description").get<std::string>();
  s.question = get_or<std::string>(j, "question", "");
  s.check = get_or<std::string>(j, "check", "");
  s.type = j.at("type") == "number" ? SignalType::Number : SignalType::Bool;
  s.unit = get_or<std::string>(j, "unit", "");
  s.logs = rules_from(j.at("logs"), j.value("logs_at", Json::array()));
  s.phrases = j.at("phrases").get<std::vector<std::string>>();
  s.metrics = rules_from(j.at("metrics"), j.value("metrics_at", Json::array()));
  s.where = where_from(j);
  return s;
}

Json to_json(const Case& c) {
  Json j;
  j["id"] = c.id;
  j["slug"] = c.slug;
  j["title"] = c.title;
  j["category"] = c.category;
  j["components"] = c.components;
  j["tags"] = c.tags;
  j["scenario"] = c.scenario;
  if (c.prior != 0) j["prior"] = c.prior;
  j["symptoms"] = Json::array();
  for (const Symptom& s : c.symptoms) {
    Json sj{{"signal", s.signal}, {"weight", s.weight}};
    if (s.absent) sj["absent"] = *s.absent;
    sj["at"] = where_text(s.where);
    j["symptoms"].push_back(std::move(sj));
  }
  j["causes"] = Json::array();
  for (const Cause& cause : c.causes) {
    Json cj{{"id", cause.id},
            {"summary", cause.summary},
            {"explanation", cause.explanation},
            {"evidence", cause.evidence},
            {"fixes", Json::array()}};
    for (const Fix& f : cause.fixes) {
      Json fj{{"summary", f.summary}};
      if (!f.detail.empty()) fj["detail"] = f.detail;
      if (!f.commands.empty()) fj["commands"] = f.commands;
      cj["fixes"].push_back(std::move(fj));
    }
    if (!cause.prevention.empty()) cj["prevention"] = cause.prevention;
    cj["at"] = where_text(cause.where);
    j["causes"].push_back(std::move(cj));
  }
  if (c.simulation) {
    const Simulation& sim = *c.simulation;
    Json sj{{"model", sim.model}, {"params", sim.params}};
    if (!sim.bind.empty()) sj["bind"] = sim.bind;
    sj["expect"] = sim.expect;
    sj["fix"] = Json{{"params", sim.fix_params}, {"expect", sim.fix_expect}};
    sj["at"] = where_text(sim.where);
    j["simulation"] = std::move(sj);
  }
  j["related"] = c.related;
  j["references"] = c.references;
  j["at"] = where_text(c.where);
  return j;
}

Case case_from_json(const Json& j) {
  Case c;
  try {
    c.id = j.at("id").get<int>();
    c.slug = j.at("slug").get<std::string>();
    c.title = j.at("title").get<std::string>();
    c.category = j.at("category").get<std::string>();
    c.components = j.at("components").get<std::vector<std::string>>();
    c.tags = j.at("tags").get<std::vector<std::string>>();
    c.scenario = j.at("scenario").get<std::string>();
    c.prior = get_or<double>(j, "prior", 0);
    for (const Json& sj : j.at("symptoms")) {
      Symptom s{sj.at("signal").get<std::string>(), sj.at("weight").get<double>(), std::nullopt, where_from(sj)};
      if (sj.contains("absent")) s.absent = sj["absent"].get<double>();
      c.symptoms.push_back(std::move(s));
    }
    for (const Json& cj : j.at("causes")) {
      Cause cause;
      cause.id = cj.at("id").get<std::string>();
      cause.summary = cj.at("summary").get<std::string>();
      cause.explanation = cj.at("explanation").get<std::string>();
      cause.evidence = cj.at("evidence").get<std::vector<std::string>>();
      for (const Json& fj : cj.at("fixes"))
        cause.fixes.push_back({fj.at("summary").get<std::string>(), get_or<std::string>(fj, "detail", ""),
                               get_or<std::vector<std::string>>(fj, "commands", {})});
      cause.prevention = get_or<std::vector<std::string>>(cj, "prevention", {});
      cause.where = where_from(cj);
      c.causes.push_back(std::move(cause));
    }
    if (j.contains("simulation")) {
      const Json& sj = j["simulation"];
      Simulation sim;
      sim.model = sj.at("model").get<std::string>();
      sim.params = sj.at("params");
      sim.bind = get_or<std::map<std::string, std::string>>(sj, "bind", {});
      sim.expect = sj.at("expect").get<std::map<std::string, std::string>>();
      sim.fix_params = sj.at("fix").at("params");
      sim.fix_expect = sj.at("fix").at("expect").get<std::map<std::string, std::string>>();
      sim.where = where_from(sj);
      c.simulation = std::move(sim);
    }
    c.related = j.at("related").get<std::vector<int>>();
    c.references = j.at("references").get<std::vector<std::string>>();
    c.where = where_from(j);
  } catch (const nlohmann::json::exception& e) {
    throw Error({}, "DB002", std::string("catalogue holds a case this version cannot read: ") + e.what());
  }
  return c;
}

}  // namespace faultline::kb
