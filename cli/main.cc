// faultline: a rule-based diagnostic expert system for production incidents.
// The main is thin: global options, the table of subcommands, and the mapping of errors to
// one line on stderr and an exit code (../shared/spec/cli.md).
#include <algorithm>
#include <iostream>

#include <SQLiteCpp/Exception.h>

#include "commands.h"
#include "common/error.h"
#include "common/spell.h"

namespace {

constexpr const char* kProgram = "faultline";

int usage_error(const std::string& message) {
  std::cerr << kProgram << ": " << message << "\n";
  return faultline::cli::kExitUsage;
}

std::vector<std::string> subcommand_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands({})) names.push_back(sub->get_name());
  return names;
}

// Walks the words of argv down the command tree; returns a message for the first word that
// names no command where one is expected, or "" if every command word was known.
std::string unknown_command(CLI::App& app, int argc, char** argv) {
  CLI::App* at = &app;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("-", 0) == 0) {
      CLI::Option* opt = at->get_option_no_throw(arg.substr(0, arg.find('=')));
      if (!opt) opt = app.get_option_no_throw(arg.substr(0, arg.find('=')));
      if (opt && opt->get_items_expected_max() != 0 && arg.find('=') == std::string::npos) ++i;  // skip its value
      continue;
    }
    std::vector<std::string> names = subcommand_names(*at);
    if (names.empty()) return "";
    if (std::find(names.begin(), names.end(), arg) == names.end())
      return "unknown command '" + arg + "'" + faultline::did_you_mean(arg, names);
    at = at->get_subcommand(arg);
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace faultline::cli;
  Context ctx;
  int exit_code = kExitOk;

  CLI::App app{"faultline: rank the likely root causes of a production incident from its logs, metrics and symptoms"};
  app.name(kProgram);
  app.set_version_flag("--version", std::string(kProgram) + " " + FAULTLINE_VERSION);
  app.require_subcommand(1);
  app.fallthrough();
  GlobalOptions& o = ctx.options;
  app.add_option("--kb", o.kb_dir, "Add a knowledge-base folder on top of the embedded one");
  app.add_option("--db", o.db_path, "History database; the catalogue cache lives beside it");
  app.add_option("--format", o.format, "Output format: text, json or markdown")
      ->check(CLI::IsMember({"text", "json", "markdown", "md"}));
  app.add_flag("--json", o.json, "Same as --format json");
  app.add_flag("--no-color", o.no_color, "No colour (also when NO_COLOR is set or stdout is not a terminal)");
  app.add_flag("--quiet,-q", o.quiet, "No notes on stderr");

  add_diagnose_commands(app, ctx, exit_code);
  add_triage_commands(app, ctx, exit_code);
  add_cases_commands(app, ctx, exit_code);
  add_kb_commands(app, ctx, exit_code);
  add_sim_commands(app, ctx, exit_code);
  add_history_commands(app, ctx, exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string msg = unknown_command(app, argc, argv);
    return usage_error((msg.empty() ? std::string(e.what()) : msg) + " (see 'faultline --help')");
  } catch (const UsageError& e) {
    return usage_error(e.what());
  } catch (const faultline::Error& e) {
    return usage_error(e.message());
  } catch (const SQLite::Exception& e) {
    return usage_error(std::string("database error: ") + e.what());
  } catch (const std::exception& e) {
    return usage_error(std::string("internal error: ") + e.what());
  }
  return exit_code;
}
