// The input flags diagnose and triage share: files, folders, stdin, and the explicit kinds.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "evidence/gather.h"

namespace faultline::cli {

struct InputFlags {
  std::vector<std::string> inputs, logs, metrics_files, series_files, describe, metrics, facts;
};

inline void add_input_flags(CLI::App* app, InputFlags& f) {
  app->add_option("input", f.inputs, "Files, incident folders, or - for stdin; kinds are detected");
  app->add_option("--log", f.logs, "A log file (any size; streamed)");
  app->add_option("--metrics", f.metrics_files, "A Prometheus text exposition file");
  app->add_option("--series", f.series_files, "A CSV of metrics over time");
  app->add_option("--describe", f.describe, "What you see, in a few sentences");
  app->add_option("--metric", f.metrics, "NAME=VALUE, units allowed (250ms, 40%, 2GiB); repeatable");
  app->add_option("--fact", f.facts, "KEY=VALUE, e.g. component=kafka; repeatable");
}

inline evidence::GatherOptions gather_options(const InputFlags& f) {
  evidence::GatherOptions g;
  for (const auto& p : f.inputs) g.inputs.push_back({evidence::InputKind::Auto, p});
  for (const auto& p : f.logs) g.inputs.push_back({evidence::InputKind::Log, p});
  for (const auto& p : f.metrics_files) g.inputs.push_back({evidence::InputKind::Prometheus, p});
  for (const auto& p : f.series_files) g.inputs.push_back({evidence::InputKind::Series, p});
  g.describe = f.describe;
  g.metric_args = f.metrics;
  g.fact_args = f.facts;
  return g;
}

}  // namespace faultline::cli
