// Renders simulation results: verify (per expectation, the value with the cause and with the
// fix and whether it held, with a sketch of the main series), simulate (a model's outputs), and
// the model list. JSON keys as in ../shared/spec/cli.md. Pure functions.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/style.h"
#include "sim/verify.h"

namespace faultline::report {

using Json = nlohmann::ordered_json;

Json verify_json(const std::vector<sim::Verification>& results, double elapsed_ms);
std::string verify_text(const std::vector<sim::Verification>& results, double elapsed_ms, const Style& style);

Json simulate_json(const sim::Model& model, const sim::RunResult& r);
std::string simulate_text(const sim::Model& model, const sim::RunResult& r, const Style& style);

Json models_json(const std::vector<const sim::Model*>& models);
std::string models_text(const std::vector<const sim::Model*>& models, const Style& style);

/// A one-line sketch of a series with block characters, width characters wide.
std::string sparkline(const std::vector<sim::Recorder::Point>& series, std::size_t width = 40);

}  // namespace faultline::report
