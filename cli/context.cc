#include "context.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

namespace faultline::cli {

Format Context::format() const {
  if (options.json || options.format == "json") return Format::Json;
  if (options.format == "markdown" || options.format == "md") return Format::Markdown;
  return Format::Text;
}

report::Style Context::style() const {
  report::Style s;
  s.color =
      format() == Format::Text && !options.no_color && std::getenv("NO_COLOR") == nullptr && ::isatty(STDOUT_FILENO);
  return s;
}

std::string Context::db_path() const {
  if (!options.db_path.empty()) return options.db_path;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) return std::string(xdg) + "/faultline/history.db";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::string(home) + "/.local/share/faultline/history.db";
  return "/tmp/faultline-" + std::to_string(::getuid()) + "/history.db";
}

std::string Context::cache_dir() const {
  std::filesystem::path p(db_path());
  return p.has_parent_path() ? p.parent_path().string() : ".";
}

const std::vector<kb::SourceFile>& Context::overlay() {
  if (!overlay_) overlay_ = options.kb_dir.empty() ? std::vector<kb::SourceFile>{} : kb::read_directory(options.kb_dir);
  return *overlay_;
}

store::Catalogue& Context::catalogue() {
  if (!catalogue_)
    catalogue_ = std::make_unique<store::Catalogue>(store::Catalogue::open_cached(cache_dir(), overlay()));
  return *catalogue_;
}

void Context::emit(const nlohmann::ordered_json& json, const std::string& text, const std::string& markdown) const {
  switch (format()) {
    case Format::Json:
      std::cout << json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
      break;
    case Format::Markdown:
      std::cout << markdown;
      break;
    case Format::Text:
      std::cout << text;
      break;
  }
}

void Context::note(const std::string& line) const {
  if (!options.quiet) std::cerr << line << "\n";
}

void Context::note_verbose(const std::string& line) const {
  if (!options.quiet && format() == Format::Text && ::isatty(STDERR_FILENO)) std::cerr << line << "\n";
}

}  // namespace faultline::cli
