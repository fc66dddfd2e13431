// What every command shares: the global options, the lazily opened catalogue, and output in
// the chosen format. cli/ alone reads argv and the environment, prints, and sets exit codes.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kb/source.h"
#include "report/style.h"
#include "store/catalogue.h"

namespace faultline::cli {

enum class Format { Text, Json, Markdown };

struct GlobalOptions {
  std::string kb_dir;   ///< --kb: a team's knowledge base layered on the embedded one
  std::string db_path;  ///< --db: history database; the catalogue cache lives beside it
  std::string format = "text";
  bool json = false;
  bool no_color = false;
  bool quiet = false;
};

/// Exit codes of ../shared/spec/cli.md.
inline constexpr int kExitOk = 0;
inline constexpr int kExitNothing = 1;  ///< nothing above threshold, or a check failed
inline constexpr int kExitUsage = 2;    ///< usage error or unreadable input

class Context {
 public:
  GlobalOptions options;

  Format format() const;
  report::Style style() const;
  /// The history database path: --db, else $XDG_DATA_HOME/faultline/history.db, else
  /// ~/.local/share/faultline/history.db.
  std::string db_path() const;
  /// The folder that holds the catalogue cache (the history database's folder).
  std::string cache_dir() const;
  /// The --kb folder's files (empty without --kb). Throws Error if the folder is unreadable.
  const std::vector<kb::SourceFile>& overlay();
  /// The catalogue for the embedded base plus --kb, built on first use.
  store::Catalogue& catalogue();

  /// Prints to stdout in the chosen format; json is pretty-printed.
  void emit(const nlohmann::ordered_json& json, const std::string& text, const std::string& markdown) const;
  /// A note on stderr, unless --quiet.
  void note(const std::string& line) const;
  /// A note on stderr only for text output on a terminal: chatter a script does not want.
  void note_verbose(const std::string& line) const;

 private:
  std::optional<std::vector<kb::SourceFile>> overlay_;
  std::unique_ptr<store::Catalogue> catalogue_;
};

/// A usage error: printed as one line, exit 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace faultline::cli
