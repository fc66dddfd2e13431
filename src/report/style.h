// Terminal styling for text output: ANSI colour when enabled, plain text otherwise, plus word
// wrapping. cli/ decides whether colour is on (a terminal, no NO_COLOR, no --no-color).
#pragma once

#include <string>
#include <string_view>

namespace faultline::report {

struct Style {
  bool color = false;

  std::string bold(std::string_view s) const { return wrap("1", s); }
  std::string dim(std::string_view s) const { return wrap("2", s); }
  std::string heading(std::string_view s) const { return wrap("1;36", s); }
  std::string good(std::string_view s) const { return wrap("32", s); }
  std::string bad(std::string_view s) const { return wrap("31", s); }
  std::string accent(std::string_view s) const { return wrap("33", s); }
  std::string code(std::string_view s) const { return wrap("35", s); }

 private:
  std::string wrap(const char* sgr, std::string_view s) const {
    if (!color) return std::string(s);
    return "\x1b[" + std::string(sgr) + "m" + std::string(s) + "\x1b[0m";
  }
};

/// Word-wraps text to width columns, each line prefixed by indent; paragraphs (blank lines)
/// are kept. Counts bytes, which is exact for ASCII and close enough for the rest.
std::string wrap_text(std::string_view text, std::string_view indent, std::size_t width = 96);

}  // namespace faultline::report
