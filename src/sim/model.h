// A simulation model: a named mechanism (a worker pool, a consumer group, a token bucket...)
// built from YAML parameters, that runs on the discrete-event engine and returns named outputs.
// A model computes its outputs from the mechanism; the cause and the fix of a case differ only
// in parameter values. Models are stateless: run() may be called many times, with any seed.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/recorder.h"

namespace faultline::sim {

struct ParamSpec {
  std::string name;
  nlohmann::json default_value;  ///< a number or a string; null means required
  std::string doc;               ///< meaning and unit, one line
};

struct OutputSpec {
  std::string name;
  std::string doc;
};

struct ModelInfo {
  std::string name;
  std::string summary;
  std::vector<ParamSpec> params;
  std::vector<OutputSpec> outputs;
  std::string main_series;  ///< the time series verify sketches; may be empty
};

/// A model's parameters, checked against its ModelInfo: unknown names and wrong types throw
/// Error (SIM002, SIM003) naming the parameter and the known ones.
class Params {
 public:
  Params(const ModelInfo& info, const nlohmann::ordered_json& values);
  double num(const std::string& name) const;
  long long integer(const std::string& name) const;
  std::string text(const std::string& name) const;

 private:
  const nlohmann::json& get(const std::string& name) const;
  const ModelInfo& info_;
  std::map<std::string, nlohmann::json> values_;
};

struct RunResult {
  std::map<std::string, double> outputs;
  std::vector<Recorder::Point> series;  ///< the model's main series, for the sketch
};

class Model {
 public:
  virtual ~Model() = default;
  virtual const ModelInfo& info() const = 0;
  virtual RunResult run(const Params& params, std::uint64_t seed) const = 0;
};

/// The model registered under name, or nullptr.
const Model* find_model(const std::string& name);
/// Every model, by name.
std::vector<const Model*> all_models();
std::vector<std::string> model_names();

/// Runs model name with values (checked): the one entry point for verify and simulate.
RunResult run_model(const std::string& name, const nlohmann::ordered_json& values, std::uint64_t seed);

}  // namespace faultline::sim
