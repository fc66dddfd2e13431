#include "sim/model.h"

#include <algorithm>

#include "common/error.h"
#include "common/spell.h"
#include "sim/models/models.h"

namespace faultline::sim {

namespace {

std::vector<std::string> param_names(const ModelInfo& info) {
  std::vector<std::string> names;
  for (const ParamSpec& p : info.params) names.push_back(p.name);
  return names;
}

std::string list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

const std::vector<std::unique_ptr<Model>>& registry() {
  static const std::vector<std::unique_ptr<Model>> models = [] {
    std::vector<std::unique_ptr<Model>> v = make_all_models();
    std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a->info().name < b->info().name; });
    return v;
  }();
  return models;
}

}  // namespace

Params::Params(const ModelInfo& info, const nlohmann::ordered_json& values) : info_(info) {
  if (!values.is_object()) throw Error({}, "SIM003", "parameters of model '" + info.name + "' must be a mapping");
  std::vector<std::string> known = param_names(info);
  for (auto it = values.begin(); it != values.end(); ++it) {
    auto spec =
        std::find_if(info.params.begin(), info.params.end(), [&](const ParamSpec& p) { return p.name == it.key(); });
    if (spec == info.params.end())
      throw Error({}, "SIM002",
                  "model '" + info.name + "' has no parameter '" + it.key() + "'" + did_you_mean(it.key(), known) +
                      "; its parameters: " + list(known));
    bool want_number = spec->default_value.is_number() || spec->default_value.is_null();
    if (want_number != it.value().is_number())
      throw Error(
          {}, "SIM003",
          "parameter '" + it.key() + "' of model '" + info.name + "' must be " + (want_number ? "a number" : "text"));
    values_[it.key()] = it.value();
  }
  for (const ParamSpec& p : info.params)
    if (p.default_value.is_null() && !values_.count(p.name))
      throw Error({}, "SIM002", "model '" + info.name + "' needs parameter '" + p.name + "' (" + p.doc + ")");
}

const nlohmann::json& Params::get(const std::string& name) const {
  if (auto it = values_.find(name); it != values_.end()) return it->second;
  for (const ParamSpec& p : info_.params)
    if (p.name == name) return p.default_value;
  throw Error({}, "SIM002", "model '" + info_.name + "' reads undeclared parameter '" + name + "'");
}

double Params::num(const std::string& name) const { return get(name).get<double>(); }
long long Params::integer(const std::string& name) const { return static_cast<long long>(get(name).get<double>()); }
std::string Params::text(const std::string& name) const { return get(name).get<std::string>(); }

const Model* find_model(const std::string& name) {
  for (const auto& m : registry())
    if (m->info().name == name) return m.get();
  return nullptr;
}

std::vector<const Model*> all_models() {
  std::vector<const Model*> out;
  for (const auto& m : registry()) out.push_back(m.get());
  return out;
}

std::vector<std::string> model_names() {
  std::vector<std::string> out;
  for (const auto& m : registry()) out.push_back(m->info().name);
  return out;
}

RunResult run_model(const std::string& name, const nlohmann::ordered_json& values, std::uint64_t seed) {
  const Model* m = find_model(name);
  if (!m) throw Error({}, "SIM001", "no model '" + name + "'" + did_you_mean(name, model_names()));
  return m->run(Params(m->info(), values), seed);
}

}  // namespace faultline::sim
