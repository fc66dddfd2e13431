// The table of subcommands: each file adds its commands to the app. A command's callback sets
// the exit code; what it needs (nothing, the catalogue, the whole knowledge base) it asks the
// Context for, so --help and --version load nothing.
#pragma once

#include <CLI/CLI.hpp>

#include "context.h"
#include "infer/engine.h"
#include "report/diagnosis_views.h"

namespace faultline::cli {

void add_cases_commands(CLI::App& app, Context& ctx, int& exit_code);
void add_kb_commands(CLI::App& app, Context& ctx, int& exit_code);
void add_diagnose_commands(CLI::App& app, Context& ctx, int& exit_code);
void add_sim_commands(CLI::App& app, Context& ctx, int& exit_code);
void add_history_commands(CLI::App& app, Context& ctx, int& exit_code);

void add_triage_commands(CLI::App& app, Context& ctx, int& exit_code);

/// With --verify: simulates the reported hypotheses with the user's numbers bound.
void verify_leaders(const evidence::Evidence& evidence, const infer::Diagnosis& diagnosis, std::size_t top,
                    report::DiagnosisView& view);

/// The history's learned priors for --db (empty, with a warning, if it cannot be read).
std::map<int, double> learned_priors(Context& ctx, double cap);
/// Records a diagnose or triage run in the history; a failure is a warning, never an error.
void record_history(Context& ctx, const std::string& command, const infer::Run& run,
                    const nlohmann::ordered_json& answers);

}  // namespace faultline::cli
