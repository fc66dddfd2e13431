// The table of subcommands: each file adds its commands to the app. A command's callback sets
// the exit code; what it needs (nothing, the catalogue, the whole knowledge base) it asks the
// Context for, so --help and --version load nothing.
#pragma once

#include <CLI/CLI.hpp>

#include "context.h"

namespace faultline::cli {

void add_cases_commands(CLI::App& app, Context& ctx, int& exit_code);
void add_kb_commands(CLI::App& app, Context& ctx, int& exit_code);
void add_diagnose_commands(CLI::App& app, Context& ctx, int& exit_code);
void add_sim_commands(CLI::App& app, Context& ctx, int& exit_code);

}  // namespace faultline::cli
